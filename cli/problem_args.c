/* cli/problem_args.c — the problem a command works on, from its arguments: a formula on a box
 * (TARGET, --vars, --domain; how it is sampled, --sample-prec, and its removable singularities,
 * --fill-removable), the user's own C function (--function, --dim), samples (--data,
 * --split-dir, --test-data; sequences with --targets), or graphs (--graphs, --test-graphs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "uniapprox/dist.h"
#include "uniapprox/pde.h"

const char ua_cli_problem_help[] =
    "what to approximate (one of):\n"
    "  TARGET               an expression (docs/expressions.md) or a built-in such as nfw-sigma\n"
    "  --vars x,y,z         the variables of TARGET, in order (default: x)\n"
    "  --domain BOX         a:b for every variable, a:b,c:d,... in order, or x=a:b,y=c:d\n"
    "                       (default -1:1)\n"
    "  --sample-prec P      how TARGET is sampled for the fit: auto (default: MPFR at 113 bits\n"
    "                       when a 64-point probe finds the double formula off by more than 4\n"
    "                       ulps, else double), double (or 53), or BITS (MPFR at BITS bits,\n"
    "                       54..4096, rounded once to double)\n"
    "  --fill-removable     where TARGET is NaN (0/0, as x^2/sinh(x^2) at 0), use its limit,\n"
    "                       taken in MPFR from both sides (refused for a jump or a pole); the\n"
    "                       fit and the measurement use the same value, and the report says so\n"
    "  --function F.c:SYM   your own C function `double SYM(double)`, or with --dim d (or\n"
    "                       --vector) `double SYM(const double *x)`; F.so:SYM loads a shared\n"
    "                       object. It runs in a child process (a crash is reported, not fatal);\n"
    "                       its reference is itself, in double\n"
    "  --dim d              the number of variables of --function (default 1)\n"
    "  --vector             a 1-D --function takes const double *x\n"
    "  --cflags \"...\"       extra compiler arguments for --function F.c\n"
    "  --timeout S          seconds a --function call may run; the first call past it\n"
    "                       ends the fit, about S seconds in all (default 60)\n"
    "  --data FILE          samples: CSV with a header, whitespace text, or .npy; one table\n"
    "                       (the inputs and the target together, not X and y apart)\n"
    "  --format F           csv, text or npy: the format of --data (default: by extension, so\n"
    "                       --data /dev/stdin needs it)\n"
    "  --x-col C,... --y-col C,...  columns by name or 0-based index (default: all but the\n"
    "                       last, and the last)\n"
    "  --test-data FILE     held-out rows (same columns): the test RMSE is reported\n"
    "  --split-dir DIR      a UCI-style split folder (data.txt, index_features.txt,\n"
    "                       index_target.txt, index_train_K.txt, index_test_K.txt)\n"
    "  --split K            which split of --split-dir (default 0)\n"
    "  --targets Y.npy      sequences: --data X.npy holds (N, n) tokens or (N, n, d) reals,\n"
    "                       Y.npy (N, n) classes or (N, n, k) reals\n"
    "  --test-targets Y.npy held-out sequences (with --test-data X.npy)\n"
    "  --graphs FILE        graphs: JSON lines, one graph per line (docs/graph.md)\n"
    "  --test-graphs FILE   held-out graphs (same features and targets)\n"
    "  --pde FILE           a PDE problem file (docs/pde.md): the equation, its box, conditions\n"
    "                       and the exact or reference solution the model is measured against\n";

size_t ua_cli_problem_input_opts(ua_cli_problem_args *a, ua_opt *o)
{
    const ua_opt opts[] = {
        { "data", 0, 1, &a->data, NULL },           { "format", 0, 1, &a->format, NULL },
        { "x-col", 0, 1, &a->x_col, NULL },         { "y-col", 0, 1, &a->y_col, NULL },
        { "split-dir", 0, 1, &a->split_dir, NULL }, { "test-data", 0, 1, &a->test_data, NULL },
        { "targets", 0, 1, &a->targets, NULL },
        { "test-targets", 0, 1, &a->test_targets, NULL },
        { "graphs", 0, 1, &a->graphs, NULL },
        { "test-graphs", 0, 1, &a->test_graphs, NULL },
        { "pde", 0, 1, &a->pde, NULL },
    };
    memcpy(o, opts, sizeof opts);
    return sizeof opts / sizeof opts[0];
}

size_t ua_cli_problem_opts(ua_cli_problem_args *a, ua_opt *o)
{
    const ua_opt opts[] = {
        { "vars", 0, 1, &a->vars, NULL },           { "domain", 0, 1, &a->domain, NULL },
        { "function", 0, 1, &a->function, NULL },   { "dim", 0, 1, &a->dim, NULL },
        { "vector", 0, 0, NULL, &a->vector },       { "cflags", 0, 1, &a->cflags, NULL },
        { "timeout", 0, 1, &a->timeout, NULL },
        { "sample-prec", 0, 1, &a->sample_prec, NULL },
        { "fill-removable", 0, 0, NULL, &a->fill_removable },
    };
    memcpy(o, opts, sizeof opts);
    size_t n = sizeof opts / sizeof opts[0];
    return n + ua_cli_problem_input_opts(a, o + n);
}

int ua_cli_split_is_problem(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--split-dir") || !strncmp(argv[i], "--split-dir=", 12)) return 1;
    return 0;
}

int ua_cli_problem_given(const ua_cli_problem_args *a)
{
    return a->target || a->vars || a->domain || a->function || a->dim || a->vector ||
           a->cflags || a->timeout || a->data || a->format || a->x_col || a->y_col ||
           a->split_dir || a->split || a->test_data || a->targets || a->test_targets ||
           a->sample_prec || a->fill_removable || a->graphs || a->test_graphs || a->pde;
}

/* --graphs FILE [--test-graphs FILE]: nothing else describes graphs. */
static int build_graphs(const char *cmd, const ua_cli_problem_args *a, ua_problem **out)
{
    if (!a->graphs) return ua_cli_usage(cmd, "--test-graphs goes with --graphs");
    if (a->target || a->function || a->data || a->split_dir || a->targets)
        return ua_cli_usage(cmd, "give either --graphs or a TARGET, --function or --data, not "
                            "both");
    if (a->vars || a->domain || a->dim || a->vector || a->cflags || a->timeout || a->format ||
        a->x_col || a->y_col || a->split || a->test_data || a->test_targets || a->sample_prec ||
        a->fill_removable)
        return ua_cli_usage(cmd, "graphs (--graphs, --test-graphs) take no other problem "
                            "options (--domain, --data, --format, --x-col, ...)");
    ua_status s = ua_problem_read_graphs(a->graphs, a->test_graphs, out);
    return s ? ua_cli_fail(cmd, s) : 0;
}

/* Splits "x,y,z" into names (at most UA_PROBLEM_MAX_DIM), pointing into buf. */
static int split_vars(const char *cmd, const char *list, char *buf, size_t len,
                      const char **names, size_t *n)
{
    if (strlen(list) >= len) return ua_cli_usage(cmd, "--vars '%s' is too long", list);
    strcpy(buf, list);
    *n = 0;
    for (char *p = buf;;) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        if (!*p) return ua_cli_usage(cmd, "--vars '%s': an empty name", list);
        for (const char *q = p; *q; q++)
            if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '_' ||
                  (q > p && *q >= '0' && *q <= '9')))
                return ua_cli_usage(cmd, "--vars '%s': '%s' is not a name (letters, digits, _)",
                                    list, p);
        for (size_t k = 0; k < *n; k++)
            if (!strcmp(names[k], p))
                return ua_cli_usage(cmd, "--vars '%s': '%s' is given twice", list, p);
        if (*n == UA_PROBLEM_MAX_DIM)
            return ua_cli_usage(cmd, "--vars: at most %d variables", UA_PROBLEM_MAX_DIM);
        names[(*n)++] = p;
        if (!c) break;
        p = c + 1;
    }
    return 0;
}

static int build_box(const char *cmd, const char *domain, const char *const *names, size_t d,
                     double *lo, double *hi)
{
    char gen[UA_PROBLEM_MAX_DIM][8];
    const char *defaults[UA_PROBLEM_MAX_DIM];
    if (!names) { /* x, or x1 .. xd: the names a --function's variables go by */
        for (size_t i = 0; i < d; i++) {
            snprintf(gen[i], sizeof gen[i], d == 1 ? "x" : "x%zu", i + 1);
            defaults[i] = gen[i];
        }
        names = defaults;
    }
    ua_status s = ua_box_parse(domain ? domain : "-1:1", names, d, lo, hi);
    return s ? ua_cli_fail(cmd, s) : 0;
}

/* --sample-prec and --fill-removable on a formula problem p; frees p on failure. */
static int apply_sampling(const char *cmd, const ua_cli_problem_args *a, ua_problem **p)
{
    ua_status s = UA_OK;
    if (a->sample_prec) {
        size_t bits = 0;
        if (!strcmp(a->sample_prec, "auto")) bits = UA_SAMPLE_PREC_AUTO;
        else if (!strcmp(a->sample_prec, "double")) bits = 53;
        else if (ua_cli_size(a->sample_prec, &bits) || bits < 53 || bits > UA_SAMPLE_PREC_MAX) {
            ua_problem_free(*p);
            *p = NULL;
            return ua_cli_usage(cmd, "--sample-prec '%s': expected auto, double (53) or MPFR bits "
                                "in [54, %d]", a->sample_prec, UA_SAMPLE_PREC_MAX);
        }
        s = ua_problem_set_sample_prec(*p, (long)bits);
    }
    if (!s && a->fill_removable) s = ua_problem_set_fill_removable(*p, 1);
    if (s) {
        ua_problem_free(*p);
        *p = NULL;
        return ua_cli_fail(cmd, s);
    }
    return 0;
}

/* Whether FILE (given to --data) looks like a graph data set: a .jsonl name, or a first
 * non-blank byte '{' (a JSON object per line, docs/graph.md). */
static int looks_like_graphs(const char *file)
{
    size_t n = file ? strlen(file) : 0;
    if (n >= 6 && !strcmp(file + n - 6, ".jsonl")) return 1;
    FILE *f = file ? fopen(file, "rb") : NULL;
    if (!f) return 0;
    int c;
    do c = fgetc(f); while (c == ' ' || c == '\t' || c == '\r' || c == '\n');
    fclose(f);
    return c == '{';
}

static int build_samples(const char *cmd, const ua_cli_problem_args *a, ua_problem **out)
{
    if (a->target) return ua_cli_usage(cmd, "give either a TARGET or --data/--split-dir, not both");
    if (a->function) return ua_cli_usage(cmd, "give either --function or --data/--split-dir, not both");
    if (a->vars || a->domain || a->dim || a->vector || a->cflags || a->timeout)
        return ua_cli_usage(cmd, "--vars, --domain, --dim, --vector, --cflags and --timeout "
                            "describe a TARGET or --function; samples (--data, --split-dir) have "
                            "none");
    if (a->sample_prec || a->fill_removable)
        return ua_cli_usage(cmd, "--sample-prec and --fill-removable apply to a TARGET (a "
                            "formula); samples are used as they are");
    if (a->data && a->split_dir)
        return ua_cli_usage(cmd, "give either --data or --split-dir, not both (a split folder "
                            "holds its own data.txt)");
    if (a->split && !a->split_dir) return ua_cli_usage(cmd, "--split K needs --split-dir");
    if (a->test_targets && !a->targets)
        return ua_cli_usage(cmd, "--test-targets goes with --targets (sequences)");
    if (a->targets && !a->data) return ua_cli_usage(cmd, "--targets needs --data X.npy");
    if (a->targets && (a->split_dir || a->x_col || a->y_col))
        return ua_cli_usage(cmd, "sequences (--targets) take no --split-dir, --x-col or --y-col");
    if (a->targets && a->format && strcmp(a->format, "npy"))
        return ua_cli_usage(cmd, "--format %s: sequences (--targets) are read from .npy files only",
                            a->format);
    if (a->targets && !a->test_data != !a->test_targets)
        return ua_cli_usage(cmd, "give --test-data and --test-targets together");
    ua_sample_source src = { 0 };
    src.data = a->data;
    src.x_cols = a->x_col;
    src.y_cols = a->y_col;
    src.split_dir = a->split_dir;
    src.test_data = a->test_data;
    src.targets = a->targets;
    src.test_targets = a->test_targets;
    src.sequences = a->targets != NULL;
    src.ids_unbounded = a->measure_only;
    if (a->split && ua_cli_size(a->split, &src.split))
        return ua_cli_usage(cmd, "--split '%s' is not a count", a->split);
    if (a->format) {
        if (!strcmp(a->format, "csv")) src.format = UA_FORMAT_CSV;
        else if (!strcmp(a->format, "text")) src.format = UA_FORMAT_TEXT;
        else if (!strcmp(a->format, "npy")) src.format = UA_FORMAT_NPY;
        else return ua_cli_usage(cmd, "--format '%s': expected csv, text or npy", a->format);
    }
    ua_status s = ua_problem_read_samples(&src, out);
    if (s && looks_like_graphs(a->data))
        return ua_cli_error(cmd, ua_cli_exit_code(s), "%s (this looks like a graph data set: "
                            "give it with --graphs)", ua_cli_error_text());
    return s ? ua_cli_fail(cmd, s) : 0;
}

/* In a job of several MPI ranks every rank reads the input files itself; standard input (and so
 * "-", /dev/stdin, a pipe) reaches rank 0 only, and the other ranks would read nothing: refused on
 * every rank alike, before any rank reads. A path that does not exist is left to the reader's
 * own message. */
static int check_rank_readable(const char *cmd, const char *opt, const char *path)
{
    if (!path || ua_dist_size() <= 1) return 0;
    struct stat st;
    if (strcmp(path, "-") && (stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
        return 0;
    return ua_cli_usage(cmd, "%s %s: under mpirun every rank reads its input files itself, and "
                        "standard input or a pipe reaches rank 0 only: give a regular file", opt, path);
}

int ua_cli_problem_build(const char *cmd, const ua_cli_problem_args *a, ua_problem **out)
{
    *out = NULL;
    const char *const opts[] = {"--data", "--test-data", "--targets", "--test-targets", "--graphs",
                                "--test-graphs", "--pde"};
    const char *const paths[] = {a->data, a->test_data, a->targets, a->test_targets, a->graphs,
                                 a->test_graphs, a->pde};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        int rc = check_rank_readable(cmd, opts[i], paths[i]);
        if (rc) return rc;
    }
    if (a->pde) { /* the file says everything: no other problem option goes with it */
        if (a->target || a->function || a->data || a->split_dir || a->targets || a->graphs ||
            a->test_graphs || a->vars || a->domain || a->dim || a->vector || a->cflags ||
            a->timeout || a->format || a->x_col || a->y_col || a->split || a->test_data ||
            a->test_targets || a->sample_prec || a->fill_removable)
            return ua_cli_usage(cmd, "--pde FILE takes no other problem options (its box, "
                                "equation and solution are in the file)");
        ua_status s = ua_pde_problem_read(a->pde, out);
        return s ? ua_cli_fail(cmd, s) : 0;
    }
    if (a->graphs || a->test_graphs) return build_graphs(cmd, a, out);
    if (a->data || a->split_dir || a->targets) return build_samples(cmd, a, out);
    if (a->format || a->x_col || a->y_col || a->split || a->test_data || a->test_targets)
        return ua_cli_usage(cmd, "--format, --x-col, --y-col, --split, --test-data and "
                            "--test-targets go with --data or --split-dir");
    if (a->target && a->function)
        return ua_cli_usage(cmd, "give either a TARGET or --function, not both");
    double lo[UA_PROBLEM_MAX_DIM], hi[UA_PROBLEM_MAX_DIM];
    char buf[4096];
    const char *names[UA_PROBLEM_MAX_DIM];
    size_t nvars = 0;
    int rc;
    if (a->vars && (rc = split_vars(cmd, a->vars, buf, sizeof buf, names, &nvars))) return rc;
    if (a->function) {
        size_t d = nvars ? nvars : 1;
        if (a->dim && (ua_cli_size(a->dim, &d) || d < 1 || d > UA_PROBLEM_MAX_DIM))
            return ua_cli_usage(cmd, "--dim '%s': expected a count in [1, %d]", a->dim,
                                UA_PROBLEM_MAX_DIM);
        if (nvars && nvars != d)
            return ua_cli_usage(cmd, "--vars names %zu variable%s but --dim is %zu", nvars,
                                nvars == 1 ? "" : "s", d);
        double timeout = 0;
        if (a->timeout && (ua_cli_double(a->timeout, &timeout) || !(timeout > 0)))
            return ua_cli_usage(cmd, "--timeout '%s': expected a positive number of seconds",
                                a->timeout);
        if (a->sample_prec || a->fill_removable)
            return ua_cli_usage(cmd, "--sample-prec and --fill-removable apply to a TARGET (a "
                                "formula); --function is evaluated as it is, in double");
        if ((rc = build_box(cmd, a->domain, nvars ? names : NULL, d, lo, hi))) return rc;
        ua_status s = ua_problem_function(a->function, d, a->vector, a->cflags, lo, hi,
                                          timeout, out);
        return s ? ua_cli_fail(cmd, s) : 0;
    }
    if (a->dim || a->vector || a->cflags || a->timeout)
        return ua_cli_usage(cmd, "--dim, --vector, --cflags and --timeout go with --function");
    if (!a->target) return ua_cli_usage(cmd, "nothing to approximate: give a TARGET, --function "
                                        "or --data (see --help)");
    ua_target *t;
    ua_status s = ua_target_parse(a->target, nvars ? names : NULL, nvars, &t);
    if (s == UA_EPARSE && !a->vars && strstr(ua_last_error(), "unknown variable")) {
        return ua_cli_error(cmd, UA_EXIT_USAGE, "%s (a target of several variables names them "
                            "with --vars, e.g. --vars x,y)", ua_cli_error_text());
    }
    if (s) return ua_cli_fail(cmd, s);
    size_t d = ua_target_dim(t);
    if ((rc = build_box(cmd, a->domain, nvars ? names : NULL, d, lo, hi))) {
        ua_target_free(t);
        return rc;
    }
    s = ua_problem_formula(t, lo, hi, out);
    ua_target_free(t);
    return s ? ua_cli_fail(cmd, s) : apply_sampling(cmd, a, out);
}
