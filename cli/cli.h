/*
 * cli/cli.h — what the commands share: the option parser, exit codes, error printing, and the
 * measurement of a model against its target. One file per command (cmd_<name>.c); main.c holds
 * only the sorted command table and the dispatch (git's layout).
 */
#ifndef UA_CLI_H
#define UA_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "uniapprox.h"

/* Exit codes (README): 0 ok, 1 runtime failure, 2 bad usage or bad input. */
enum { UA_EXIT_OK = 0, UA_EXIT_FAIL = 1, UA_EXIT_USAGE = 2 };

/* One command-line option. Value options store the argument in *value (borrowed from argv);
 * flags set *flag to 1. */
typedef struct {
    const char *name;  /* long name without "--" */
    char short_name;   /* 0 for none */
    int takes_value;
    const char **value;
    int *flag;
} ua_opt;

/*
 * Parses argv[1..argc-1] (argv[0] is the command name). Options may come anywhere, as "--name v",
 * "--name=v" or "-o v"; a value option always takes the next argument, so "--domain -4:4" works.
 * Anything else is positional; an argument that starts with '-' and is not a number is an unknown
 * option. "--" ends the options. Returns 0, UA_EXIT_USAGE after printing the error, or -1 when
 * --help was given (the caller prints its help and exits 0). *pos is a malloc'd array the caller
 * frees.
 */
int ua_cli_parse(const char *cmd, int argc, char **argv, const ua_opt *opts, size_t nopts,
                 char ***pos, size_t *npos);

/* Maps a status to an exit code (see uniapprox/status.h). */
int ua_cli_exit_code(ua_status s);

/* Prints "uniapprox CMD: <last error>" on stderr and returns the exit code for s. */
int ua_cli_fail(const char *cmd, ua_status s);

/* Prints "uniapprox CMD: <message>" on stderr and returns UA_EXIT_USAGE. */
int ua_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict numeric parsing: the whole string, finite. Return 0 on success, -1 otherwise. */
int ua_cli_double(const char *s, double *out);
int ua_cli_size(const char *s, size_t *out);

/* For the fitters' options: when v (the value of --name) is given, parse it into *out (a count
 * >= lo, or a finite number); prints a usage error naming the option and returns UA_EXIT_USAGE
 * when it is bad; 0 otherwise (also when v is NULL: *out keeps its default). */
int ua_cli_size_opt(const char *name, const char *v, size_t lo, size_t *out);
int ua_cli_double_opt(const char *name, const char *v, double *out);

/* Parses "a:b" into finite a < b. Returns 0 or prints a usage error and returns UA_EXIT_USAGE. */
int ua_cli_domain(const char *cmd, const char *s, double *a, double *b);

/* The progress line on stderr (callers only use it when stderr is a terminal): "[done/total]
 * elapsed, ETA, what", redrawn in place; done == total clears it. */
void ua_cli_progress(size_t done, size_t total, const struct timespec *start, const char *what);

/*
 * The training progress of the learners (fit_mlp.c, fit_seq.c), used as their options' progress
 * callback with a ua_cli_train_progress as its context. After every epoch it redraws
 * "epoch e/E  train L  val L  Ns  ETA Ns" on stderr when stderr is a terminal, and appends one
 * JSON line to the --log file: {"epoch", "train_loss", "val_loss" (null when NaN), "lr",
 * "seconds"}, plus "improved" (true/false) when the context asks for it; flushed every line.
 *
 * ua_cli_train_progress_open opens log_path (NULL: no log) for writing and checks the terminal;
 * it returns 0, or UA_EXIT_USAGE after printing "cannot write --log". Install the callback when
 * p->log || p->tty. ua_cli_train_progress_close clears the progress line and closes the log; a
 * failed close turns a successful *fit_status into UA_EIO.
 */
typedef struct {
    FILE *log;      /* the --log file, or NULL */
    int tty;        /* stderr is a terminal */
    int improved;   /* log lines carry the "improved" field */
} ua_cli_train_progress;

int ua_cli_train_progress_open(ua_cli_train_progress *p, const char *log_path, int improved);
void ua_cli_train_progress_cb(const ua_mlp_progress *p, void *ctx);
void ua_cli_train_progress_close(ua_cli_train_progress *p, ua_status *fit_status);

/* Prints a cJSON value on stdout followed by a newline, and deletes it. */
void ua_cli_print_json(cJSON *v);

/* Checks that stdout was written without error (closed pipe, full disk): 0, or UA_EXIT_FAIL
 * with "uniapprox CMD: error writing to standard output: REASON" on stderr — unless the command
 * already reported that failure (ua_cli_stdout_reported), so that the user reads it once. A NULL
 * cmd (the top level: `uniapprox --help`) prints "uniapprox: error writing ...". */
int ua_cli_flush_stdout(const char *cmd);
/* Notes that the running command has itself reported a failed write to stdout. */
void ua_cli_stdout_reported(void);

/*
 * Measures model m against target t (its domain, the grid in ln x for log-mapped models, plus the
 * model's own natural points: for cheb, the Chebyshev points of every piece and the breakpoints).
 * npoints grid points, reference at prec bits.
 */
ua_status ua_cli_measure(const ua_model *m, const ua_target *t, size_t npoints, long prec,
                         ua_errors *err);

/* Whether m is a 1-D model (one input, one output, a finite domain); prints
 * "uniapprox CMD: ... works on 1-D models; MODEL has d inputs and k outputs" otherwise. */
int ua_cli_model_is_1d(const char *cmd, const ua_model *m);

/* Stores the measured errors in the model's metadata (keys documented in docs/model-file.md). */
ua_status ua_cli_store_errors(ua_model *m, const ua_errors *e, size_t npoints, long prec);

/* Adds the errors as fields of a JSON object. */
void ua_cli_errors_json(cJSON *obj, const ua_errors *e);

/* Prints the errors as an aligned text block. */
void ua_cli_errors_text(FILE *f, const ua_errors *e);

/* What `uniapprox fit` hands a family: a target on [a, b], or samples from a file. */
typedef struct {
    const ua_target *target; /* the target, or NULL when fitting samples (--data) */
    double a, b;             /* the domain; with --data and no --domain the fitter sets it to the
                                range of the samples */
    int domain_given;        /* --domain was given */
    const char *data;        /* --data FILE, or NULL */
    const char *x_col;       /* --x-col (name or 0-based index; default: the first column) */
    const char *y_col;       /* --y-col (default: the second column) */
    const char *split_dir;   /* --split-dir DIR: a UCI-style folder (data.txt, index_features.txt,
                                index_target.txt, index_train_K.txt, index_test_K.txt) */
    const char *split_k;     /* --split K (default 0) */
} ua_cli_fit_input;

/* Samples for the learners: inputs x (n, d) and targets y (n, k), row-major. */
typedef struct {
    double *x;   /* (n, d) */
    double *y;   /* (n, k) */
    size_t n, d, k;
} ua_cli_xy;

/*
 * Loads samples for a learner from what `fit` was given. With --split-dir: DIR/data.txt (or
 * --data), the columns of index_features.txt / index_target.txt (or --x-col / --y-col), and the
 * rows of index_train_K.txt (part "train") or index_test_K.txt (part "test"). Without it: --data,
 * all rows; --y-col (name or index, or a comma-separated list; default: the last column) and
 * --x-col (a comma-separated list; default: every other column). Prints the problem (file, line,
 * column as the reader reports it) and returns UA_EXIT_USAGE on bad input; 0 on success.
 */
int ua_cli_load_xy(const ua_cli_fit_input *in, const char *part, ua_cli_xy *out);
void ua_cli_xy_free(ua_cli_xy *xy);

/* Root mean square of p - y over n values, in their units; computed with sums scaled by the
 * largest error so that huge values do not overflow. NaN if any difference is NaN. */
double ua_cli_rmse(const double *p, const double *y, size_t n);

/* For the learners' fitters: prints a usage error and returns UA_EXIT_USAGE unless the fit is of
 * samples (--data or --split-dir) without --domain; 0 otherwise. */
int ua_cli_samples_only(const ua_cli_fit_input *in, const char *family);

/*
 * A family's part of `uniapprox fit` (cli/fit_<family>.c), listed in the sorted table of
 * cli/fitters.c. cmd_fit parses the generic options (target, --domain, --data, -o,
 * --check-points, --prec, --json) together with the family's opts, whose values land in the
 * fitter's own static strings, then calls fit, wraps the state into a model, stores the options,
 * measures it against MPFR (when there is a target) and saves it. Adding a family to the CLI =
 * one file + one table line.
 */
typedef struct {
    const char *family;
    const char *help;    /* the family's option lines for `fit --help` */
    const ua_opt *opts;  /* the family's options */
    size_t nopts;
    /* Fits with the parsed option values. Returns 0 and sets *fit_status to UA_OK or
     * UA_ENOTRESOLVED with *state set; returns UA_EXIT_USAGE after printing a bad-option message;
     * any other library failure is returned as its status in *fit_status with *state NULL. */
    int (*fit)(ua_cli_fit_input *in, void **state, ua_status *fit_status);
    /* Records the fit options in the model's metadata. */
    ua_status (*store_options)(ua_model *m);
} ua_cli_fitter;

/* The fitter of a family, or NULL; and the comma-separated list of names (static storage). */
const ua_cli_fitter *ua_cli_fitter_find(const char *family);
const char *ua_cli_fitter_names(void);
extern const ua_cli_fitter ua_cli_fitter_cheb;
extern const ua_cli_fitter ua_cli_fitter_kernel;
extern const ua_cli_fitter ua_cli_fitter_minimax;
extern const ua_cli_fitter ua_cli_fitter_mlp;
extern const ua_cli_fitter ua_cli_fitter_rf;
extern const ua_cli_fitter ua_cli_fitter_seq;
extern const ua_cli_fitter ua_cli_fitter_spline;

/* Prints the fields of a JSON object as "key   value" lines (numbers with 17 digits, arrays
 * space-separated), skipping the item `skip` (may be NULL). */
void ua_cli_print_fields(FILE *f, const cJSON *obj, const cJSON *skip);

/* What `uniapprox check --exhaustive` was given (strings borrowed from argv; NULL: not given). */
typedef struct {
    const char *model;    /* MODEL: check its float export (or NULL with kernel) */
    const char *kernel;   /* --kernel FILE.c: a hand-written float kernel instead */
    const char *symbol;   /* --symbol NAME: the kernel's function */
    const char *against;  /* --against EXPR: the target (default: the model's) */
    const char *lo, *hi;  /* --lo A --hi B: the interval (default: the model's domain) */
    const char *threads;  /* --threads N */
    const char *top;      /* --top K: worst inputs listed */
    const char *cflags;   /* --cflags "...": extra compiler arguments (e.g. -lsleef) */
    const char *max_ulp;  /* --max-ulp U: exit 1 when the max error exceeds U */
    const char *timeout;  /* --timeout S: kill the checking process after S seconds (0: never) */
    int json;
} ua_cli_exhaustive_args;

/* The least default of --timeout (seconds); the default grows to 20 us per float per thread. */
#define UA_CLI_CHECK_TIMEOUT 600.0

/* Runs the exhaustive float32 check (cli/check_exhaustive.c); returns the exit code. */
int ua_cli_check_exhaustive(const ua_cli_exhaustive_args *a);

/* eval of a sequence model on an n-D .npy (cli/eval_seq.c): prints, or writes output when not
 * NULL. Returns the exit code. */
int ua_cli_eval_seq(const ua_model *m, const char *input, const char *output);

/* The commands. argv[0] is the command name. */
int cmd_check(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_plot(int argc, char **argv);

#endif /* UA_CLI_H */
