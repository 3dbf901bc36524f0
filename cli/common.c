/* cli/common.c — option parsing, numbers, exit codes and output helpers shared by the commands. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/internal.h"
#include "uniapprox/dist.h"
#include "model/family.h" /* ua_json_exact_numbers */

int ua_cli_double(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t') end++;
    if (*end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int ua_cli_size(const char *s, size_t *out)
{
    if (!s || *s < '0' || *s > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > (unsigned long long)(size_t)-1) return -1;
    *out = (size_t)v;
    return 0;
}

/* A '-' followed by a digit, '.', '(' or a space starts a number or an expression ("-2^2",
 * "-(x+1)", "-.5"), never an option: no option name starts with one. */
static int looks_like_operand(const char *s)
{
    double v;
    if (ua_cli_double(s, &v) == 0) return 1;
    return s[0] == '-' && (s[1] == '.' || s[1] == '(' || s[1] == ' ' ||
                           (s[1] >= '0' && s[1] <= '9'));
}

/* The output option as given (before an MPI rank's scratch path replaced it), for
 * ua_cli_check_writable's clash message and comparison. */
static const char *out_given, *out_mapped, *out_label;

int ua_cli_parse(const char *cmd, int argc, char **argv, const ua_opt *opts, size_t nopts,
                 char ***pos, size_t *npos)
{
    return ua_cli_parse_ex(cmd, argc, argv, opts, nopts, NULL, NULL, pos, npos);
}

/* Whether the option (name without "--") names a file the command reads: by name, as every
 * command spells its input files with one of these (a new one joins here), so that
 * ua_cli_check_writable refuses an output onto it. */
static int names_input(const char *name)
{
    static const char *const names[] = { "data", "test-data", "targets", "test-targets", "graphs",
                                         "test-graphs", "pde", "target-data", "input",
                                         "log" /* report's training log */ };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i])) return 1;
    return 0;
}
static void note_option_input(const char *name, const char *value);

/* Whether a is one of opts by its spelling: "--name", "--name=...", or "-c" of a short name. */
static int is_option_of(const char *a, const ua_opt *opts, size_t nopts)
{
    if (a[0] != '-' || !a[1]) return 0;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) return 1;
    for (size_t k = 0; k < nopts; k++) {
        if (a[1] == '-') {
            size_t len = strlen(opts[k].name);
            if (!strncmp(a + 2, opts[k].name, len) && (a[2 + len] == '\0' || a[2 + len] == '='))
                return 1;
        } else if (a[2] == '\0' && opts[k].short_name && opts[k].short_name == a[1])
            return 1;
    }
    return 0;
}

int ua_cli_parse_ex(const char *cmd, int argc, char **argv, const ua_opt *opts, size_t nopts,
                    ua_cli_unknown_fn unknown, void *ctx, char ***pos, size_t *npos)
{
    *npos = 0;
    *pos = calloc((size_t)argc + 1, sizeof **pos);
    if (!*pos) return ua_cli_usage(cmd, "out of memory");
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0' || looks_like_operand(a)) {
            (*pos)[(*npos)++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_positional = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return -1;
        const ua_opt *o = NULL;
        const char *inline_value = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < nopts; k++)
                if (strlen(opts[k].name) == len && !strncmp(opts[k].name, name, len)) o = &opts[k];
            if (eq) inline_value = eq + 1;
        } else if (a[2] == '\0') {
            for (size_t k = 0; k < nopts; k++)
                if (opts[k].short_name == a[1]) o = &opts[k];
        }
        if (!o && unknown && a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            int rc = unknown(ctx, name, eq ? (size_t)(eq - name) : strlen(name),
                             eq ? eq + 1 : NULL, &i, argc, argv);
            if (rc) return rc;
            continue;
        }
        if (!o && a[1] != '-' && a[2] != '\0')
            /* "-x^2", "-sin(x)": an operand, not a cluster of short options (there are none) */
            return ua_cli_usage(cmd, "unknown option '%s'; an argument that starts with '-' goes "
                                "after --, with the options before it: uniapprox %s [options] -- "
                                "'%s'", a, cmd, a);
        if (!o) return ua_cli_usage(cmd, "unknown option '%s' (see uniapprox %s --help)", a, cmd);
        if (o->takes_value) {
            if (inline_value) *o->value = inline_value;
            else if (i + 1 < argc && is_option_of(argv[i + 1], opts, nopts))
                /* "--accuracy -o x.c": the value was left out, not "-o" meant as one (a value
                 * that spells one of this command's options goes as --accuracy=VALUE) */
                return ua_cli_usage(cmd, "option '%s' needs a value (the next argument, '%s', "
                                    "is an option)", a, argv[i + 1]);
            else if (i + 1 < argc) *o->value = argv[++i];
            else return ua_cli_usage(cmd, "option '%s' needs a value", a);
            note_option_input(o->name, *o->value);
            /* in an MPI job, rank 0 alone writes the user's output (cli/dist_output.c) */
            if (!strcmp(o->name, "output")) {
                out_given = *o->value;
                out_label = o->short_name ? "-o" : "--output";
                *o->value = ua_cli_rank_output(*o->value);
                out_mapped = *o->value;
            }
        } else {
            if (inline_value) return ua_cli_usage(cmd, "option '%s' takes no value", a);
            *o->flag = 1;
        }
    }
    return 0;
}

int ua_cli_exit_code(ua_status s)
{
    switch (s) {
    case UA_OK: return UA_EXIT_OK;
    case UA_EINVAL: case UA_EPARSE: case UA_EDOMAIN: case UA_EFORMAT: case UA_EUNSUPPORTED:
    case UA_ENOTFOUND:
        return UA_EXIT_USAGE;
    default: return UA_EXIT_FAIL;
    }
}

int ua_cli_debug;

const char *ua_cli_error_text(void)
{
    /* the library tags every message with " [src/file.c:N]": for developers only (--debug) */
    static _Thread_local char buf[1024];
    snprintf(buf, sizeof buf, "%s", ua_last_error());
    if (ua_cli_debug) return buf;
    /* every tag, also those of a lower layer's message quoted inside another one ("'m.st': cheb
     * model: ... [src/cheb/eval.c:62]") */
    char *w = buf;
    for (const char *r = buf; *r;) {
        size_t k = 0;
        if (r[0] == ' ' && r[1] == '[' && (!strncmp(r + 2, "src/", 4) || !strncmp(r + 2, "cli/", 4))) {
            k = 6;
            while (r[k] && r[k] != ']' && r[k] != ' ' && r[k] != '[') k++;
            if (r[k] != ']' || !memchr(r + 6, ':', k - 6)) k = 0; /* not a [path:line] tag */
            else k++;
        }
        if (k) r += k;
        else *w++ = *r++;
    }
    *w = '\0';
    return buf;
}

int ua_cli_json_errors;

int ua_cli_verror(const char *cmd, int code, const char *fmt, va_list ap)
{
    char buf[2048], *msg = buf;
    vsnprintf(buf, sizeof buf, fmt, ap);
    /* a library message that names the command already ("distill: ...") is not prefixed twice */
    size_t cl = cmd ? strlen(cmd) : 0;
    if (cl && !strncmp(msg, cmd, cl) && msg[cl] == ':' && msg[cl + 1] == ' ') msg += cl + 2;
    cJSON *o = ua_cli_json_errors ? cJSON_CreateObject() : NULL;
    if (o) { /* --json: one JSON object per error, on stderr, so that stdout stays one document */
        cJSON_AddStringToObject(o, "error", msg);
        cJSON_AddNumberToObject(o, "status", code);
        if (cmd) cJSON_AddStringToObject(o, "command", cmd);
        if (ua_dist_size() > 1) cJSON_AddNumberToObject(o, "rank", ua_dist_rank());
        char *text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        char line[4400];
        if (text) snprintf(line, sizeof line, "%s\n", text);
        if (text && !ua_cli_rank_hold_error(line)) fputs(line, stderr);
        free(text);
    } else {
        /* in an MPI job, a rank > 0 names itself and holds the message back (cli/dist_output.c) */
        char line[2200], rank[32] = "";
        if (ua_dist_rank() > 0) snprintf(rank, sizeof rank, "rank %d: ", ua_dist_rank());
        snprintf(line, sizeof line, "uniapprox%s%s: %s%s\n", cmd ? " " : "", cmd ? cmd : "",
                 rank, msg);
        if (!ua_cli_rank_hold_error(line)) fputs(line, stderr);
    }
    return code;
}

int ua_cli_error(const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ua_cli_verror(cmd, code, fmt, ap);
    va_end(ap);
    return code;
}

int ua_cli_fail(const char *cmd, ua_status s)
{
    const char *msg = ua_cli_error_text();
    return ua_cli_error(cmd, ua_cli_exit_code(s), "%s", *msg ? msg : ua_strerror(s));
}

int ua_cli_fail_output(const char *cmd, ua_status s)
{
    const char *msg = ua_cli_error_text();
    return ua_cli_error(cmd, UA_EXIT_OUTPUT, "%s", *msg ? msg : ua_strerror(s));
}

int ua_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ua_cli_verror(cmd, UA_EXIT_USAGE, fmt, ap);
    va_end(ap);
    return UA_EXIT_USAGE;
}

int ua_cli_points_alias(const char *cmd, const char *old_value, const char **points)
{
    if (*points)
        return ua_cli_usage(cmd, "--check-points is the old name of --points: give one of them");
    if (!ua_cli_json_errors)
        fprintf(ua_cli_notes(), "uniapprox %s: warning: --check-points is deprecated; use --points\n", cmd);
    *points = old_value;
    return 0;
}

int ua_cli_domain(const char *cmd, const char *s, double *a, double *b)
{
    /* The separator is the first ':' after the first character, so "-4:4" and "1e-4:1e4" work. */
    const char *colon = s && *s ? strchr(s + 1, ':') : NULL;
    if (!colon) return ua_cli_usage(cmd, "domain '%s' is not of the form a:b", s ? s : "");
    char left[128];
    size_t n = (size_t)(colon - s);
    if (n >= sizeof left) return ua_cli_usage(cmd, "domain '%s' is too long", s);
    memcpy(left, s, n);
    left[n] = '\0';
    if (ua_cli_double(left, a) || ua_cli_double(colon + 1, b))
        return ua_cli_usage(cmd, "domain '%s': endpoints must be finite numbers", s);
    if (!(*a < *b)) return ua_cli_usage(cmd, "domain '%s': need a < b", s);
    return 0;
}

/* cJSON prints a number with 15 digits whenever that reads back within a relative DBL_EPSILON,
 * which is not always the same double (0.30000000000000004 comes out as 0.3). Every number is
 * rewritten as the shortest of %.15g, %.16g, %.17g that reads back bitwise, and NaN / Inf as
 * null, before printing. */

void ua_cli_print_json(cJSON *v)
{
    ua_json_exact_numbers(v);
    char *text = cJSON_Print(v);
    if (text) {
        puts(text);
        free(text);
    }
    cJSON_Delete(v);
}

static int stdout_reported;

void ua_cli_stdout_reported(void)
{
    stdout_reported = 1;
}

int ua_cli_flush_stdout(const char *cmd)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        /* once: a second check (main's, after the command's own) finds the same error, its
         * errno by then EIO, not the cause */
        if (!stdout_reported)
            ua_cli_error(cmd, UA_EXIT_OUTPUT, "error writing to standard output: %s",
                         strerror(e ? e : EIO));
        stdout_reported = 1;
        return UA_EXIT_OUTPUT;
    }
    return UA_EXIT_OK;
}

static void print_value(FILE *f, const cJSON *v)
{
    if (cJSON_IsString(v)) fputs(v->valuestring, f);
    else if (cJSON_IsBool(v)) fputs(cJSON_IsTrue(v) ? "yes" : "no", f);
    else if (cJSON_IsNumber(v)) {
        /* the shortest form that reads back as the same double */
        char buf[40];
        for (int digits = 15; digits <= 17; digits++) {
            snprintf(buf, sizeof buf, "%.*g", digits, v->valuedouble);
            if (strtod(buf, NULL) == v->valuedouble) break;
        }
        fputs(buf, f);
    }
    else if (cJSON_IsArray(v)) {
        const cJSON *e;
        int first = 1;
        cJSON_ArrayForEach(e, v) {
            if (!first) fputc(' ', f);
            print_value(f, e);
            first = 0;
        }
    } else fputs("-", f);
}

void ua_cli_print_fields(FILE *f, const cJSON *obj, const cJSON *skip)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, obj) {
        if (e == skip) continue;
        fprintf(f, "%-18s ", e->string);
        print_value(f, e);
        fputc('\n', f);
    }
}

FILE *ua_cli_notes(void)
{
    static FILE *null_stream;
    if (ua_dist_rank() == 0) return stderr;
    if (!null_stream) null_stream = fopen("/dev/null", "w");
    return null_stream ? null_stream : stderr;
}

void ua_cli_progress(size_t done, size_t total, const struct timespec *start, const char *what)
{
    FILE *f = ua_cli_notes();
    if (done >= total) {
        fputs("\r\033[K", f);
        fflush(f);
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
    fprintf(f, "\r\033[K[%zu/%zu] %.1f s elapsed", done, total, el);
    if (done > 0) fprintf(f, ", ETA %.1f s", el / (double)done * (double)(total - done));
    if (what) fprintf(f, "  %s", what);
    fflush(f);
}

/* The files this command reads (ua_cli_note_input) and the outputs checked so far: a command
 * names a handful, so fixed tables suffice (beyond them, a path is not compared). */
typedef struct {
    const char *option; /* without "--"; NULL: an operand; for an output, the label ("-o") */
    const char *path;   /* borrowed from argv */
} path_note;
static path_note inputs[16], outputs[16];
static size_t n_inputs, n_outputs;
/* the FILE of --function FILE:SYMBOL (a copy: argv holds it with the symbol) */
static char function_file[4096];

void ua_cli_note_input(const char *option, const char *path)
{
    struct stat st;
    if (!path || !*path || !strcmp(path, "-") || stat(path, &st) != 0) return;
    if (n_inputs < sizeof inputs / sizeof *inputs) inputs[n_inputs++] = (path_note){ option, path };
}

/* Records the inputs an option's value names (ua_cli_parse_ex). */
static void note_option_input(const char *name, const char *value)
{
    if (names_input(name)) ua_cli_note_input(name, value);
    const char *colon = strrchr(value, ':');
    if (!strcmp(name, "function") && colon && (size_t)(colon - value) < sizeof function_file) {
        snprintf(function_file, sizeof function_file, "%.*s", (int)(colon - value), value);
        ua_cli_note_input(name, function_file);
    }
}

/* Whether a and b name one regular file: by device and inode when both exist (a device or a
 * pipe, written in place, never clashes); when neither does, by the resolved directory and the
 * name (the two outputs of one command, not yet written). */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    /* a device or a pipe (/dev/null, /dev/stdout) is written in place: nothing is overwritten */
    if (ea && eb) return S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea || eb) return 0;
    char ra[4096], rb[4096];
    const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
    const char *ba = na ? na + 1 : a, *bb = nb ? nb + 1 : b;
    if (strcmp(ba, bb)) return 0;
    char da[4096], db[4096];
    snprintf(da, sizeof da, "%.*s", na ? (int)(na - a) + (na == a) : 1, na ? a : ".");
    snprintf(db, sizeof db, "%.*s", nb ? (int)(nb - b) + (nb == b) : 1, nb ? b : ".");
    if (!realpath(da, ra) || !realpath(db, rb)) return !strcmp(a, b);
    return !strcmp(ra, rb);
}

int ua_cli_points_model_only(const char *cmd, const ua_model *m, const char *path)
{
    ua_problem_kind k = ua_model_kind(m);
    if (k != UA_PROBLEM_SEQUENCES && k != UA_PROBLEM_GRAPHS) return 0;
    return ua_cli_usage(cmd, "%s is a %s model of %s; %s works on models of points (formulas, "
                        "functions, samples)", path, ua_model_family(m), ua_problem_kind_name(k),
                        cmd);
}

int ua_cli_check_not_model_source(const char *cmd, const ua_model *m, const char *label,
                                  const char *output)
{
    if (!m || !output || !strcmp(output, "-")) return 0;
    const char *fn = ua_model_meta(m, "function"), *data = ua_model_meta(m, "data");
    if (fn) {
        const char *colon = strrchr(fn, ':');
        char file[4096];
        snprintf(file, sizeof file, "%.*s", colon ? (int)(colon - fn) : (int)strlen(fn), fn);
        if (same_file(output, file))
            return ua_cli_usage(cmd, "%s %s is the C source the model was fitted to (--function "
                                "%s): the output would overwrite it", label, output, file);
    }
    /* "data_path": the file or split folder, absolute (models of earlier versions: "data" alone,
     * as given, compared from the current directory) */
    const char *dp = ua_model_meta(m, "data_path");
    struct stat st;
    if (dp && stat(dp, &st) == 0 && S_ISDIR(st.st_mode)) { /* a split folder: its own files */
        const char *slash = strrchr(output, '/'), *base = slash ? slash + 1 : output;
        char dir[4096], rdir[4096];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - output) + (slash == output) : 1,
                 slash ? output : ".");
        if ((!strcmp(base, "data.txt") || !strncmp(base, "index_", 6)) && realpath(dir, rdir) &&
            !strcmp(rdir, dp))
            return ua_cli_usage(cmd, "%s %s is in the split folder the model was fitted to "
                                "(--split-dir %s): the output would overwrite its data", label,
                                output, data ? data : dp);
    } else if (dp ? same_file(output, dp) : data && same_file(output, data)) {
        return ua_cli_usage(cmd, "%s %s is the data the model was fitted to (%s): the output "
                            "would overwrite it", label, output, data ? data : dp);
    }
    /* the test data, the targets, the graphs the fit read (fit records them absolute) */
    cJSON *files = cJSON_Parse(ua_model_meta(m, "input_files") ? ua_model_meta(m, "input_files") : "[]");
    const cJSON *f;
    int rc = 0;
    cJSON_ArrayForEach(f, files)
        if (!rc && cJSON_IsString(f) && same_file(output, f->valuestring))
            rc = ua_cli_usage(cmd, "%s %s is a file the model was fitted from (%s): the output "
                              "would overwrite it", label, output, f->valuestring);
    cJSON_Delete(files);
    return rc;
}

/* 0, or UA_EXIT_USAGE with the clash named when path (the output labelled label) is one of the
 * command's inputs or an output checked before; records it as an output otherwise. */
static int check_clash(const char *cmd, const char *label, const char *given)
{
    for (size_t i = 0; i < n_inputs; i++)
        if (inputs[i].path != given && same_file(given, inputs[i].path)) {
            if (inputs[i].option)
                return ua_cli_usage(cmd, "%s %s is also the input --%s %s: the output would "
                                    "overwrite it", label, given, inputs[i].option, inputs[i].path);
            return ua_cli_usage(cmd, "%s %s is also the input %s: the output would overwrite it",
                                label, given, inputs[i].path);
        }
    for (size_t i = 0; i < n_outputs; i++) {
        if (outputs[i].path == given) return 0; /* the same output, checked again */
        if (same_file(given, outputs[i].path))
            return ua_cli_usage(cmd, "%s %s is also the output %s %s: one would overwrite the "
                                "other", label, given, outputs[i].option, outputs[i].path);
    }
    if (n_outputs < sizeof outputs / sizeof *outputs)
        outputs[n_outputs++] = (path_note){ label, given };
    return 0;
}

/* Whether this process can write path (ua_cli_check_writable without the clash check). */
static int check_path_writable(const char *cmd, const char *what, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return ua_cli_error(cmd, UA_EXIT_OUTPUT, "cannot write %s '%s': it is a directory",
                                what, path);
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return 0; /* written in place */
    }
    /* the model is written to a temporary file beside it and renamed: try exactly that */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) return ua_cli_usage(cmd, "%s path too long", what);
        memcpy(dir, path, n ? n : 1);
        dir[n ? n : 1] = '\0';
    } else snprintf(dir, sizeof dir, ".");
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/.uniapprox-write-test.XXXXXX", dir);
    int fd = mkstemp(tmp), err = errno;
    if (fd < 0 && stat(dir, &st) != 0)
        return ua_cli_error(cmd, UA_EXIT_OUTPUT, "cannot write %s '%s': %s", what, path,
                            strerror(errno));
    if (fd < 0) /* the directory exists (e.g. /proc): the file may exist, and still not be written */
        return ua_cli_error(cmd, UA_EXIT_OUTPUT, "cannot write %s '%s': it is written to a "
                            "temporary file in '%s' and renamed, and that directory takes no new "
                            "file (creating one there: %s)", what, path, dir, strerror(err));
    close(fd);
    unlink(tmp);
    return 0;
}

int ua_cli_check_model_output(const char *cmd, const char *what, const char *path)
{
    if (path && !strcmp(path, "-")) /* a file named "-" is what would be written */
        return ua_cli_usage(cmd, "-o -: a model is not written to standard output; give a file");
    return ua_cli_check_writable(cmd, what, path);
}

int ua_cli_check_writable(const char *cmd, const char *what, const char *path)
{
    if (!path || !strcmp(path, "-")) return 0;
    if (!*path) return ua_cli_usage(cmd, "%s: the path is empty", what);
    /* the output option as the user gave it (an MPI rank > 0 writes a scratch copy instead) */
    int is_out = out_mapped && path == out_mapped;
    const char *given = is_out ? out_given : path;
    int rc = check_clash(cmd, is_out ? out_label : what, given);
    if (rc) return rc;
    rc = check_path_writable(cmd, what, path);
    if (is_out && ua_dist_size() > 1) {
        /* Collective, before any long work: only rank 0 checks the user's path (a rank > 0 has
         * checked its scratch copy), so every rank takes rank 0's verdict. Otherwise the ranks
         * > 0 would go on into the command's first collective while rank 0 ends, and the job
         * would end by MPI_Abort after ua_cli_dist_end's wait instead of with the code. Every
         * rank reaches this call at the same point: they run the same command on the same
         * arguments, and the checks above do not depend on the rank. */
        int root_rc = rc;
        if (ua_dist_bcast(&root_rc, sizeof root_rc, 0) != UA_OK)
            return ua_cli_error(cmd, UA_EXIT_OUTPUT, "%s", ua_last_error());
        /* held back (rank 0 printed it), as the job's code is rank 0's */
        if (ua_dist_rank() > 0 && root_rc && !rc)
            rc = ua_cli_error(cmd, root_rc, "cannot write %s '%s' (rank 0's check)", what, given);
    }
    return rc;
}

int ua_cli_log_error(const char *cmd, const ua_model *m, const char *output, int saved)
{
    const char *why = ua_model_meta(m, "log_error");
    if (!why || !*why) return 0;
    fflush(stdout); /* after the results, so that it is the last line read */
    if (saved && output)
        return ua_cli_error(cmd, UA_EXIT_OUTPUT, "%s (the model is saved as %s; the log holds the "
                            "epochs written before)", why, output);
    return ua_cli_error(cmd, UA_EXIT_OUTPUT, "%s", why);
}

int ua_cli_check_option_outputs(const char *cmd, const ua_options *o)
{
    /* by name: every family's option that writes a file is one of these (a new one joins here) */
    static const char *const names[] = { "log", "plot" };
    for (size_t i = 0; o && i < sizeof names / sizeof *names; i++) {
        const char *path = ua_options_get(o, names[i]);
        char what[32];
        snprintf(what, sizeof what, "--%s", names[i]);
        int rc = path ? ua_cli_check_writable(cmd, what, path) : 0;
        if (rc) return rc;
    }
    return 0;
}
/* What an interrupted command leaves behind: fixed buffers read by the handler, which uses only
 * kill, unlink, rmdir, signal and raise (async-signal-safe). */
static char intr_file[4200], intr_dir[4096];
static volatile sig_atomic_t intr_child;
static char intr_note[128];
static size_t intr_note_len;

static void on_interrupt(int sig)
{
    if (intr_note_len) { /* write(2) is async-signal-safe, stdio is not */
        ssize_t k = write(STDERR_FILENO, intr_note, intr_note_len);
        (void)k;
    }
    if (intr_child > 0) kill((pid_t)intr_child, SIGKILL);
    if (intr_file[0]) unlink(intr_file);
    if (intr_dir[0]) rmdir(intr_dir);
    ua_compile_remove_temps();
    signal(sig, SIG_DFL);
    raise(sig); /* die of the signal, as the shell expects of an interrupted command */
}

void ua_cli_remove_on_signal(const char *dir, const char *file)
{
    static int installed;
    intr_dir[0] = intr_file[0] = '\0';
    if (file) snprintf(intr_file, sizeof intr_file, "%s", file);
    if (dir) snprintf(intr_dir, sizeof intr_dir, "%s", dir);
    if (installed) return;
    installed = 1;
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        /* a signal ignored when we started (nohup, a background job) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_interrupt;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

void ua_cli_say_on_signal(const char *note)
{
    snprintf(intr_note, sizeof intr_note, "%s", note ? note : "");
    intr_note_len = strlen(intr_note);
    ua_cli_remove_on_signal(NULL, NULL); /* installs the handler */
}

void ua_cli_kill_on_signal(pid_t child)
{
    intr_child = child;
}

int ua_cli_model_is_1d(const char *cmd, const ua_model *m)
{
    size_t din, dout;
    double lo, hi;
    ua_model_dims(m, &din, &dout);
    ua_model_domain(m, &lo, &hi);
    if (din == 1 && dout == 1 && isfinite(lo) && isfinite(hi)) return 1;
    size_t d;
    ua_model_box(m, &d, NULL, NULL);
    ua_cli_error(cmd, UA_EXIT_USAGE, "works on 1-D models with a domain; this %s model has %zu "
                 "input%s and %zu output%s%s", ua_model_family(m), din, din == 1 ? "" : "s",
            dout, dout == 1 ? "" : "s", d > 1 ? " on a box" : isfinite(lo) ? "" : " and no domain");
    return 0;
}

int ua_cli_parse_model(const char *cmd, const char *help, int argc, char **argv,
                       const ua_opt *opts, size_t nopts, const char **path)
{
    char **pos;
    size_t npos;
    *path = NULL;
    int rc = ua_cli_parse(cmd, argc, argv, opts, nopts, &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    const char *one = npos == 1 ? pos[0] : NULL;
    free(pos);
    if (rc) return rc;
    if (!one) return ua_cli_usage(cmd, "expected one MODEL (see --help)");
    ua_cli_note_input(NULL, one);
    *path = one;
    return 0;
}

ua_status ua_cli_parse_on_model(const ua_model *m, const char *expr, ua_target **t)
{
    size_t d;
    const double *lo, *hi;
    ua_model_box(m, &d, &lo, &hi);
    const char *vars = ua_model_meta(m, "vars");
    char buf[1024];
    const char *names[UA_PROBLEM_MAX_DIM];
    size_t n = 0;
    if (vars && d > 1) {
        snprintf(buf, sizeof buf, "%s", vars);
        for (char *v = strtok(buf, ","); v && n < UA_PROBLEM_MAX_DIM; v = strtok(NULL, ","))
            names[n++] = v;
    }
    return ua_target_parse(expr, n ? names : NULL, n, t);
}

void ua_cli_pde_errors_json(cJSON *o, const ua_pde_errors *e)
{
    static const char *const drop[] = { "max_rel_err", "max_rel_err_x", "max_ulp64",
                                        "max_ulp64_x", "max_ulp32", "max_ulp32_x", "reference" };
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(o, drop[i]);
    cJSON_AddStringToObject(o, "solution", e->solution);
    if (e->rel_l2 == e->rel_l2) cJSON_AddNumberToObject(o, "rel_l2_err", e->rel_l2);
    cJSON_AddNumberToObject(o, "grid_points", (double)e->npoints);
    cJSON_AddNumberToObject(o, "grid_max_abs_err", e->max_abs);
}
