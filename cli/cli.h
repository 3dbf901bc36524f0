/*
 * cli/cli.h — what the commands share: the option parser, exit codes, error printing, building a
 * problem from the command line, and printing a measurement. One file per command
 * (cmd_<name>.c); main.c holds only the sorted command table and the dispatch (git's layout). The
 * CLI never names a family: it goes through the registry (ua_family_*), ua_fit and
 * ua_model_measure.
 */
#ifndef UA_CLI_H
#define UA_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <sys/types.h>
#include <cjson/cJSON.h>
#include "uniapprox.h"
#include "uniapprox/pde.h"

/* Exit codes (README): 0 ok, 1 runtime failure (or not resolved), 2 bad usage or bad input,
 * 3 an output cannot be written (a file given with -o / --output, a folder, standard output) —
 * the same code whether that is found before the work starts or when the result is saved. */
enum { UA_EXIT_OK = 0, UA_EXIT_FAIL = 1, UA_EXIT_USAGE = 2, UA_EXIT_OUTPUT = 3 };

/* Set by main when the command line holds --json (before "--"): errors are printed on stderr as
 * one JSON object {"error": MESSAGE, "status": EXIT_CODE, "command": CMD} per line. */
extern int ua_cli_json_errors;

/* Set by `uniapprox --debug COMMAND ...`: error messages keep the library's source location. */
extern int ua_cli_debug;

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

/*
 * ua_cli_parse for a command that takes exactly one MODEL argument: on --help prints help and
 * returns UA_EXIT_OK with *path NULL; otherwise returns 0 with *path the model's argument (a
 * string of argv), or the exit code of a usage error (printed: a bad option, no MODEL or more
 * than one). The caller returns rc when rc != 0 or *path is NULL.
 */
int ua_cli_parse_model(const char *cmd, const char *help, int argc, char **argv,
                       const ua_opt *opts, size_t nopts, const char **path);

/*
 * As ua_cli_parse, but a long option not in opts is handed to unknown(ctx, name, len, inline,
 * &i, argc, argv) (name not NUL-terminated: len bytes; inline the text after '=' or NULL), which
 * consumes its value (advancing *i) and returns 0, or prints and returns UA_EXIT_USAGE.
 */
typedef int (*ua_cli_unknown_fn)(void *ctx, const char *name, size_t len, const char *inline_value,
                                 int *i, int argc, char **argv);
int ua_cli_parse_ex(const char *cmd, int argc, char **argv, const ua_opt *opts, size_t nopts,
                    ua_cli_unknown_fn unknown, void *ctx, char ***pos, size_t *npos);

/* Maps a status to an exit code (see uniapprox/status.h). */
int ua_cli_exit_code(ua_status s);

/* The last error message, without the library's " [src/file.c:N]" tag unless --debug. */
const char *ua_cli_error_text(void);

/* Prints "uniapprox CMD: <last error>" on stderr and returns the exit code for s. */
int ua_cli_fail(const char *cmd, ua_status s);

/* As ua_cli_fail, for a failure to write an output: returns UA_EXIT_OUTPUT whatever s is. */
int ua_cli_fail_output(const char *cmd, ua_status s);

/* Prints "uniapprox CMD: <message>" (or its JSON form under --json) on stderr and returns code.
 * cmd NULL: "uniapprox: <message>". Every error of the CLI goes through here. */
int ua_cli_error(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int ua_cli_verror(const char *cmd, int code, const char *fmt, va_list ap);

/* Prints "uniapprox CMD: <message>" on stderr and returns UA_EXIT_USAGE. */
int ua_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict numeric parsing: the whole string, finite. Return 0 on success, -1 otherwise. */
int ua_cli_double(const char *s, double *out);
int ua_cli_size(const char *s, size_t *out);

/* The deprecated --check-points (old_value): warns on stderr and stores it in *points, or
 * refuses it beside --points. 0 or UA_EXIT_USAGE. */
int ua_cli_points_alias(const char *cmd, const char *old_value, const char **points);

/* Parses "a:b" into finite a < b. Returns 0 or prints a usage error and returns UA_EXIT_USAGE. */
int ua_cli_domain(const char *cmd, const char *s, double *a, double *b);

/* The progress line on stderr (callers only use it when stderr is a terminal): "[done/total]
 * elapsed, ETA, what", redrawn in place; done == total clears it. */
void ua_cli_progress(size_t done, size_t total, const struct timespec *start, const char *what);

/* Prints a cJSON value on stdout followed by a newline, and deletes it. */
void ua_cli_print_json(cJSON *v);

/* Checks that stdout was written without error (closed pipe, full disk): 0, or UA_EXIT_OUTPUT
 * with "uniapprox CMD: error writing to standard output: REASON" on stderr — unless the command
 * already reported that failure (ua_cli_stdout_reported), so that the user reads it once. A NULL
 * cmd (the top level: `uniapprox --help`) prints "uniapprox: error writing ...". */
int ua_cli_flush_stdout(const char *cmd);
/* Notes that the running command has itself reported a failed write to stdout. */
void ua_cli_stdout_reported(void);

/* Prints the fields of a JSON object as "key   value" lines (numbers with 17 digits, arrays
 * space-separated), skipping the item `skip` (may be NULL). */
void ua_cli_print_fields(FILE *f, const cJSON *obj, const cJSON *skip);

/*
 * Whether path can be written before long work starts: a temporary file is created (and removed)
 * in its directory, or path is a device / FIFO that opens for writing. 0, or prints "cannot write
 * WHAT 'PATH': REASON" and returns UA_EXIT_OUTPUT. "-" (stdout) is always fine.
 * In an MPI job of several ranks, for the command's --output (the path ua_cli_parse gave it) the
 * call is collective: rank 0's verdict on the user's path is broadcast and a rank > 0 returns it
 * too (its message held back), so every rank must make the call at the same point of the command.
 * An output that is the same file as an input (ua_cli_note_input) or as an output checked
 * before in this command (the model and --plot to one path) is refused with UA_EXIT_USAGE: "-o
 * d.csv is also the input --data d.csv: the output would overwrite it". Files are compared by
 * identity (st_dev and st_ino when the file exists, so ./d.csv, d.csv and a symlink to it are one;
 * the resolved directory and the name when it does not yet exist).
 */
int ua_cli_check_writable(const char *cmd, const char *what, const char *path);
/*
 * ua_cli_check_writable for an output that can only be a file (a model): "-" is refused with
 * UA_EXIT_USAGE ("-o -: a model is not written to standard output; give a file"), where
 * ua_cli_check_writable would take it for standard output.
 */
int ua_cli_check_model_output(const char *cmd, const char *what, const char *path);
/*
 * Records that the command reads the file path (option: its option without "--", "data", or
 * NULL for an operand such as MODEL), so that ua_cli_check_writable refuses an output that is
 * the same file. ua_cli_parse records the value of every option that names a file read (--data,
 * --test-data, --targets, --test-targets, --graphs, --test-graphs, --pde, --target-data, --input,
 * report's --log: one list in cli/common.c; the FILE of --function FILE:SYMBOL) and
 * ua_cli_parse_model its MODEL; a command with another file operand calls this itself. path is
 * borrowed (argv) and must outlive the command; a path that does not exist is not recorded.
 */
void ua_cli_note_input(const char *option, const char *path);
/*
 * 0, or UA_EXIT_USAGE with the clash named, when output (labelled label; "-" and NULL never clash)
 * is a file that the loaded model m records as what it was fitted to: the C source of
 * --function (metadata "function", FILE:SYMBOL; check and report read it again), the --data
 * table (metadata "data_path", absolute; for models without it "data", as given at the fit,
 * taken from the current directory), data.txt or an index_*.txt file of the --split-dir folder,
 * or another file the fit read (metadata "input_files", recorded absolute by `fit`: --test-data,
 * --targets, --test-targets, --graphs, --test-graphs). Files are compared as
 * ua_cli_check_writable does. For the commands that load a
 * model and then write (export, report, distill, compress), after the load.
 */
int ua_cli_check_not_model_source(const char *cmd, const ua_model *m, const char *label,
                                  const char *output);
/* 0 when model m takes points (a formula's, a function's or samples' model); for a model of
 * sequences or graphs prints that cmd works on models of points (naming the model file path and
 * its kind) and returns UA_EXIT_USAGE — before any data is read against it. */
int ua_cli_points_model_only(const char *cmd, const ua_model *m, const char *path);
/* The family options that name a file the fit writes (--log: the training curve of mlp, seq and
 * graph; --plot: the picture of pde), each checked with ua_cli_check_writable as "--NAME", so that
 * a path that cannot be written exits 3 before the training rather than after it. o may be NULL.
 * 0, or UA_EXIT_OUTPUT (or UA_EXIT_USAGE for an empty path) with the message printed. */
int ua_cli_check_option_outputs(const char *cmd, const ua_options *o);
/* A learner's training log that could not be written during the fit (a full disk: metadata
 * "log_error", set by the library instead of failing the fit): prints "uniapprox CMD: MESSAGE
 * (the model is saved as OUTPUT; the log holds the epochs written before)", or "(the model was
 * not saved)" when saved is 0, and returns UA_EXIT_OUTPUT; 0 when the log was written. */
int ua_cli_log_error(const char *cmd, const ua_model *m, const char *output, int saved);

/* ------------------------------------------------------------------------------------------ */
/* the problem a command works on (cli/problem_args.c)                                        */

/* What the command line says about the problem; strings borrowed from argv, NULL: not given. */
typedef struct {
    const char *target;       /* TARGET: an expression or a built-in */
    const char *vars;         /* --vars x,y,z */
    const char *domain;       /* --domain a:b | a:b,c:d | x=a:b,y=c:d */
    const char *function;     /* --function FILE.c:SYMBOL | FILE.so:SYMBOL */
    const char *dim;          /* --dim d */
    int vector;               /* --vector: a 1-D function takes const double *x */
    const char *cflags;       /* --cflags "..." for --function */
    const char *timeout;      /* --timeout S for each batch of --function calls */
    const char *data;         /* --data FILE */
    const char *format;       /* --format csv|text|npy */
    const char *x_col, *y_col;
    const char *split_dir, *split;
    const char *test_data;
    const char *targets, *test_targets; /* sequences */
    const char *sample_prec;  /* --sample-prec auto|double|BITS: how a TARGET is sampled */
    int fill_removable;       /* --fill-removable: limits at a TARGET's 0/0 points */
    const char *graphs, *test_graphs; /* --graphs FILE, --test-graphs FILE (JSON lines) */
    const char *pde;                  /* --pde FILE: a PDE problem file (docs/pde.md) */
    int measure_only; /* set by the command, not an option: the data measure an existing model
                       * (check), so sequence ids are not bounded as for a fit */
} ua_cli_problem_args;

/* The option table entries of the problem arguments (for ua_cli_parse), into opts; returns their
 * number (at most 24). --split K is not among them: cheb has a --split flag, so the command
 * takes --split as the split number only when --split-dir is given (ua_cli_split_is_problem). */
size_t ua_cli_problem_opts(ua_cli_problem_args *a, ua_opt *opts);

/* The subset of those entries that name input files and their layout (--data, --format, --x-col,
 * --y-col, --split-dir, --test-data, --targets, --test-targets, --graphs, --test-graphs, --pde),
 * into opts; returns their number (at most 16). `check` takes these and reads the formula and
 * function options from the model instead. */
size_t ua_cli_problem_input_opts(ua_cli_problem_args *a, ua_opt *opts);

/* Whether argv holds --split-dir (then --split K is the split number of the problem). */
int ua_cli_split_is_problem(int argc, char **argv);

/* Whether any problem argument was given. */
int ua_cli_problem_given(const ua_cli_problem_args *a);

/* Builds the problem. Prints the reason and returns an exit code (2 for bad input) on failure;
 * 0 with *out set on success. */
int ua_cli_problem_build(const char *cmd, const ua_cli_problem_args *a, ua_problem **out);

/* The help lines of the problem arguments. */
extern const char ua_cli_problem_help[];

/* ------------------------------------------------------------------------------------------ */
/* printing a measurement (cli/report.c)                                                      */

/* Adds the measurement r of model m on problem p to a JSON object: the reference p gives (not
 * the model's: check --against), how the fit sampled the target (only when p is the model's own
 * problem), errors with their points, train/test RMSE, the tolerance and the verdict. p NULL:
 * the reference the model records. */
void ua_cli_measurement_json(cJSON *obj, const ua_model *m, const ua_problem *p,
                             const ua_measurement *r);

/* The learner's metrics (uniapprox/metrics.h) of model m on a SAMPLES problem p: its training
 * rows under the name train_name ("train", or "data" for check) and its test rows, and cv's
 * summary when not NULL; printed as text on f (when not NULL) and added as "metrics" to o (when
 * not NULL). Other problems: nothing. Returns 0, or the exit code of a failure (printed). */
int ua_cli_learn_metrics(FILE *f, cJSON *o, const char *cmd, const ua_model *m,
                         const ua_problem *p, const char *train_name, const ua_cv_result *cv);

/* Whether model m predicts every test row of the SAMPLES problem p (read from path) finitely:
 * 0, or prints which row (1-based, as in the file after its header) is not, with the interval a
 * 1-D model is defined on, and returns UA_EXIT_USAGE. Other problems, no test rows: 0. */
int ua_cli_check_test_rows(const char *cmd, const ua_model *m, const ua_problem *p,
                           const char *path);
/* The same for the training rows of p, read from path given as option opt ("--data"). */
int ua_cli_check_rows(const char *cmd, const ua_model *m, const ua_problem *p, const char *opt,
                      const char *path);

/* The rows of a learner's command beside its model (cli/learn_args.c): --data TRAIN and
 * --target-data TEST (NULL: not given) read with --format, --x-col, --y-col; model (may be NULL)
 * the model whose input and target names choose the columns when --x-col and --y-col are not
 * given. */
typedef struct {
    const char *data, *target_data, *format, *x_col, *y_col;
    const ua_model *model;
} ua_cli_learn_rows_args;

/* The columns of ds named by the model's metadata key ("input_names" or "target_names", the
 * header of the table ua_fit was given), count of them, into cols (count entries): 1 when the
 * model records count names and ds has a column of every one, else 0 (no names, no header, a
 * name missing: the caller takes the columns by position). Shared by explain, influence and
 * compress (ua_cli_read_rows, ua_cli_learn_rows), so that they match a table to a model alike. */
int ua_cli_columns_by_name(const ua_model *m, const char *key, const ua_dataset *ds,
                           size_t count, size_t *cols);

/* Reads a's files into *train and *test (NULL where not given), each with d inputs and, when k
 * is not 0, k targets. With a->model and neither --x-col nor --y-col, a file's columns are taken
 * by the model's input (and target) names where it has them all (ua_cli_columns_by_name), else
 * by position; either way a file whose names differ from the model's is then refused
 * (ua_model_check_columns). 0, or prints why (--format without a file, a read error, other
 * widths, other column names) and returns the exit code with both NULL. */
int ua_cli_learn_rows(const char *cmd, const ua_cli_learn_rows_args *a, size_t d, size_t k,
                      ua_problem **train, ua_problem **test);

/* The value of --family wherever it stands in argv (before "--"; the family decides which
 * options exist), or NULL. */
const char *ua_cli_find_family(int argc, char **argv);

/* *rmse := the RMSE of model m's predictions against the training rows of the SAMPLES problem p
 * (NaN when p is NULL or has another number of targets; a NaN prediction counts as an infinite
 * error, ua_distill_diff). 0, or the exit code of a failed prediction (printed). */
int ua_cli_learn_rmse(const char *cmd, const ua_model *m, const ua_problem *p, double *rmse);

/* Prints the measurement as an aligned text block: the reference p gives (the one measured
 * against, as ua_cli_measurement_json), points ("a sampled maximum,
 * not a bound"), each error with where it occurs, the constructor's own estimate beside it, the
 * tolerance and the verdict. fitted_rows: the problem's training rows are those the model was
 * fitted on ("train rmse"); 0 for rows given to `check` ("rmse on FILE"). */
void ua_cli_measurement_text(FILE *f, const ua_model *m, const ua_problem *p,
                             const ua_measurement *r, int fitted_rows);

/* A tolerance ratio (error over allowance) as text in buf: %.3g, with more digits where that
 * would hide which side of 1 it is on (1.0015 is "1.002", not "1"; 0.99996 is "0.99996").
 * Returns buf. */
const char *ua_cli_ratio_text(char *buf, size_t len, double ratio);

/* Measurement options from --points N and --prec BITS (either may be NULL); prints and
 * returns UA_EXIT_USAGE when bad. Installs the progress line when stderr is a terminal. */
int ua_cli_measure_options(const char *cmd, const char *points, const char *prec,
                           ua_measure_options *o);

/* Fit hooks that draw a progress line on a terminal (training epochs and other work). */
void ua_cli_fit_hooks(ua_fit_hooks *h);
/* Clears a progress line drawn by the hooks. */
void ua_cli_progress_done(void);

/* ------------------------------------------------------------------------------------------ */
/* the exhaustive float32 check (cli/check_exhaustive.c)                                      */

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

/* On SIGINT, SIGTERM or SIGHUP (unless ignored at start): kill the child registered with
 * ua_cli_kill_on_signal, remove file and then the (empty) folder dir given here (either may be
 * NULL; a later call replaces them), remove a compilation's temporary folder
 * (ua_compile_remove_temps), then die of the signal. Nothing temporary outlives a Ctrl-C. */
void ua_cli_remove_on_signal(const char *dir, const char *file);
/* The line (with its newline) written to stderr when SIGINT, SIGTERM or SIGHUP ends the command,
 * before the cleanup above; installs the handler. For rank 0 of an MPI job, which mpirun ends with
 * SIGTERM on a Ctrl-C, and then exits 1 without a word. */
void ua_cli_say_on_signal(const char *note);

/* Where notes, warnings and progress go: stderr, except on MPI ranks other than 0 (uniapprox/
 * dist.h), where a null stream, so that a job of N ranks says each thing once. Errors go through
 * ua_cli_error, which holds a rank's message until the ranks agree (cli/dist_output.c). */
FILE *ua_cli_notes(void);

/* In an MPI job (uniapprox/dist.h) only rank 0 writes the --output the user named: on ranks > 0
 * ua_cli_rank_output returns a path of the same last component in a private scratch folder
 * (removed by ua_cli_rank_output_cleanup, also registered with atexit); on rank 0, and for "-"
 * (standard output), path itself. ua_cli_parse applies it to every option named "output". */
const char *ua_cli_rank_output(const char *path);
void ua_cli_rank_output_cleanup(void);
/* In an MPI job of several ranks, a rank > 0 holds its error messages back (returns 1: the
 * caller prints nothing; 0 elsewhere: print it): rank 0, failing alike, prints the same one.
 * ua_cli_dist_end, called by main on every rank after the command returned rc, agrees with the
 * other ranks (uniapprox/dist.h, ua_dist_agree_codes) on the job's exit code, which it returns
 * (rank 0's, or the first non-zero in rank order) after printing this rank's held messages if
 * rank 0 did not end the same way; when the others do not arrive (one waits in a collective for
 * this one) it prints them and ends the job with MPI_Abort. */
int ua_cli_rank_hold_error(const char *line);
int ua_cli_dist_end(int rc);
/* The child process to kill on those signals (0: none). */
void ua_cli_kill_on_signal(pid_t child);

/* Whether m is a 1-D model (one input, one output, a finite domain); prints
 * "uniapprox CMD: ... works on 1-D models; MODEL has d inputs and k outputs" otherwise. */
int ua_cli_model_is_1d(const char *cmd, const ua_model *m);

/* The interior breakpoints or knots of a 1-D model in (lo, hi), from the family's description
 * (its "breakpoints" or "knots" array): their number, and *out malloc'd (the caller frees; NULL
 * when there are none). Drawn by `plot` and `report` (cli/cmd_plot.c). */
size_t ua_cli_model_marks(const ua_model *m, double lo, double hi, double **out);

/* The commands. argv[0] is the command name. */
int cmd_check(int argc, char **argv);
int cmd_compress(int argc, char **argv);
int cmd_data(int argc, char **argv);
/* `uniapprox data graphs TASK -o FILE` (cli/data_graphs.c); argv[0] is "graphs". */
int ua_cli_data_graphs(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_distill(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_influence(int argc, char **argv);
/* cli/cmd_explain.c, shared with cmd_influence.c: s "a,b,..." as exactly d finite numbers into v
 * (what names the option in the message), 0 or UA_EXIT_USAGE; and the rows of a data file for a
 * model of din inputs (the columns of x_cols, else the model's input names, else the first din of
 * a file of din or din + 1 columns) into *X (n, din) malloc'd; keep (may be NULL) receives the
 * dataset (the caller frees it). 0 or the exit code, printed. */
int ua_cli_parse_point(const char *cmd, const char *s, size_t d, double *v, const char *what);
int ua_cli_read_rows(const char *cmd, const ua_model *m, const char *path, const char *x_cols,
                     size_t din, double **X, size_t *n, ua_dataset **keep);
int cmd_export(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_libm(int argc, char **argv);
int cmd_lipschitz(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Parses expr as a formula in the model's variables (its "vars" metadata when it has more than
 * one input; x otherwise) into *t, which the caller frees. The parser's status. */
ua_status ua_cli_parse_on_model(const ua_model *m, const char *expr, ua_target **t);

/* The errors of a PDE model into fit's or check's JSON o: the pointwise relative and ULP keys
 * removed (they mean nothing where the solution is 0), the solution and the grid's errors added. */
void ua_cli_pde_errors_json(cJSON *o, const ua_pde_errors *e);

/* fit --data FILE --out-of-core (cli/fit_out_of_core.c): 1 when argv holds --out-of-core
 * (before "--"); the whole command then, returning the exit code. */
int ua_cli_out_of_core_given(int argc, char **argv);
int ua_cli_fit_out_of_core(int argc, char **argv);

#endif /* UA_CLI_H */
