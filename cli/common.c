/* cli/common.c — option parsing, numbers, exit codes and output helpers shared by the commands. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

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

int ua_cli_parse(const char *cmd, int argc, char **argv, const ua_opt *opts, size_t nopts,
                 char ***pos, size_t *npos)
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
        if (!o) return ua_cli_usage(cmd, "unknown option '%s' (see uniapprox %s --help)", a, cmd);
        if (o->takes_value) {
            if (inline_value) *o->value = inline_value;
            else if (i + 1 < argc) *o->value = argv[++i];
            else return ua_cli_usage(cmd, "option '%s' needs a value", a);
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

int ua_cli_fail(const char *cmd, ua_status s)
{
    const char *msg = ua_last_error();
    fprintf(stderr, "uniapprox %s: %s\n", cmd, *msg ? msg : ua_strerror(s));
    return ua_cli_exit_code(s);
}

int ua_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "uniapprox %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return UA_EXIT_USAGE;
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
static void exact_numbers(cJSON *v)
{
    cJSON *next;
    for (cJSON *e = v ? v->child : NULL; e; e = next) {
        next = e->next;
        if (cJSON_IsNumber(e)) {
            double x = e->valuedouble;
            char buf[40];
            if (!isfinite(x)) strcpy(buf, "null");
            else
                for (int digits = 15; digits <= 17; digits++) {
                    snprintf(buf, sizeof buf, "%.*g", digits, x);
                    if (strtod(buf, NULL) == x) break;
                }
            cJSON *raw = cJSON_CreateRaw(buf);
            if (!raw) continue;
            if (cJSON_IsObject(v)) cJSON_ReplaceItemInObjectCaseSensitive(v, e->string, raw);
            else cJSON_ReplaceItemViaPointer(v, e, raw);
        } else {
            exact_numbers(e);
        }
    }
}

void ua_cli_print_json(cJSON *v)
{
    exact_numbers(v);
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
        if (!stdout_reported)
            fprintf(stderr, "uniapprox%s%s: error writing to standard output: %s\n",
                    cmd ? " " : "", cmd ? cmd : "", strerror(e ? e : EIO));
        return UA_EXIT_FAIL;
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

void ua_cli_progress(size_t done, size_t total, const struct timespec *start, const char *what)
{
    if (done >= total) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
    fprintf(stderr, "\r\033[K[%zu/%zu] %.1f s elapsed", done, total, el);
    if (done > 0) fprintf(stderr, ", ETA %.1f s", el / (double)done * (double)(total - done));
    if (what) fprintf(stderr, "  %s", what);
    fflush(stderr);
}

int ua_cli_train_progress_open(ua_cli_train_progress *p, const char *log_path, int improved)
{
    p->log = NULL;
    p->tty = isatty(2);
    p->improved = improved;
    if (log_path && !(p->log = fopen(log_path, "w")))
        return ua_cli_usage("fit", "cannot write --log '%s'", log_path);
    return 0;
}

void ua_cli_train_progress_cb(const ua_mlp_progress *p, void *ctx)
{
    ua_cli_train_progress *c = ctx;
    if (c->log) {
        fprintf(c->log, "{\"epoch\": %zu, \"train_loss\": %.9g, \"val_loss\": ", p->epoch,
                p->train_loss);
        if (isnan(p->val_loss)) fputs("null", c->log);
        else fprintf(c->log, "%.9g", p->val_loss);
        fprintf(c->log, ", \"lr\": %.6g, \"seconds\": %.6g", p->lr, p->seconds);
        if (c->improved) fprintf(c->log, ", \"improved\": %s", p->improved ? "true" : "false");
        fputs("}\n", c->log);
        fflush(c->log);
    }
    if (c->tty) {
        double eta = p->seconds / (double)p->epoch * (double)(p->epochs - p->epoch);
        fprintf(stderr, "\r\033[Kepoch %zu/%zu  train %.4g  val %.4g  %.1fs  ETA %.0fs", p->epoch,
                p->epochs, p->train_loss, p->val_loss, p->seconds, eta);
        fflush(stderr);
    }
}

void ua_cli_train_progress_close(ua_cli_train_progress *p, ua_status *fit_status)
{
    if (p->tty) fputs("\r\033[K", stderr);
    if (p->log && fclose(p->log) && !*fit_status) *fit_status = UA_EIO;
    p->log = NULL;
}

double ua_cli_rmse(const double *p, const double *y, size_t n)
{
    /* scaled by the largest error, so huge targets do not overflow the sum of squares */
    double mx = 0, acc = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(p[i] - y[i]);
        mx = isnan(e) || isnan(mx) ? NAN : e > mx ? e : mx;
    }
    if (!(mx > 0 && isfinite(mx))) return mx;
    for (size_t i = 0; i < n; i++) {
        double e = (p[i] - y[i]) / mx;
        acc += e * e;
    }
    return mx * sqrt(acc / (double)n);
}

int ua_cli_samples_only(const ua_cli_fit_input *in, const char *family)
{
    if (in->domain_given && !in->target)
        return ua_cli_usage("fit", "--domain applies to TARGET fits; with --data the model has no "
                            "domain");
    if (in->target || (!in->data && !in->split_dir))
        return ua_cli_usage("fit", "the %s family fits samples: give --data FILE or --split-dir "
                            "DIR", family);
    return 0;
}

int ua_cli_size_opt(const char *name, const char *v, size_t lo, size_t *out)
{
    if (v && (ua_cli_size(v, out) || *out < lo))
        return ua_cli_usage("fit", "--%s '%s' must be a count >= %zu", name, v, lo);
    return 0;
}

int ua_cli_double_opt(const char *name, const char *v, double *out)
{
    if (v && ua_cli_double(v, out)) return ua_cli_usage("fit", "--%s '%s' is not a number", name, v);
    return 0;
}
