/* uniapprox eval — evaluate a model at points given as arguments or on standard input. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: uniapprox eval MODEL [X ...] [--json]\n"
    "\n"
    "Prints the model's value at each X, one per line (17 significant digits, so the double reads\n"
    "back exactly). Without X, reads the points from standard input: numbers separated by\n"
    "spaces, tabs, commas or newlines. Points outside the model's domain give nan.\n"
    "\n"
    "options:\n"
    "  --json   print [{\"x\": ..., \"y\": ...}, ...] instead\n";

typedef struct {
    double *v;
    size_t n, cap;
} vec;

static int push(vec *p, double x)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 256;
        double *v = realloc(p->v, cap * sizeof *v);
        if (!v) return -1;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = x;
    return 0;
}

/* Reads every number on stdin; names the line and the token that is not a number. */
static int read_stdin(vec *xs)
{
    char tok[256];
    size_t len = 0, line = 1, tok_line = 1;
    int ch;
    for (;;) {
        ch = getchar();
        int sep = ch == EOF || isspace(ch) || ch == ',' || ch == ';';
        if (!sep) {
            if (len == 0) tok_line = line;
            if (len + 1 >= sizeof tok)
                return ua_cli_usage("eval", "stdin line %zu: token too long", line);
            tok[len++] = (char)ch;
        } else if (len) {
            tok[len] = '\0';
            double x;
            if (ua_cli_double(tok, &x))
                return ua_cli_usage("eval", "stdin line %zu: '%s' is not a finite number",
                                    tok_line, tok);
            if (push(xs, x)) return ua_cli_usage("eval", "out of memory");
            len = 0;
        }
        if (ch == '\n') line++;
        if (ch == EOF) break;
    }
    if (ferror(stdin)) return ua_cli_usage("eval", "error reading standard input");
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    int json = 0;
    const ua_opt opts[] = { { "json", 0, 0, NULL, &json } };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("eval", argc, argv, opts, 1, &pos, &npos);
    if (rc == -1) {
        free(pos);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    vec xs = { 0 };
    if (!rc && npos < 1) rc = ua_cli_usage("eval", "expected MODEL [X ...] (see --help)");
    for (size_t i = 1; !rc && i < npos; i++) {
        double x;
        if (ua_cli_double(pos[i], &x)) rc = ua_cli_usage("eval", "'%s' is not a finite number", pos[i]);
        else if (push(&xs, x)) rc = ua_cli_usage("eval", "out of memory");
    }
    const char *path = npos ? pos[0] : NULL;
    free(pos);
    ua_model *m = NULL;
    if (!rc) {
        ua_status s = ua_model_load(path, &m);
        if (s) rc = ua_cli_fail("eval", s);
    }
    if (!rc && npos == 1) rc = read_stdin(&xs);
    double *y = NULL;
    if (!rc && xs.n) {
        y = malloc(xs.n * sizeof *y);
        ua_status s = y ? ua_model_predict(m, xs.v, xs.n, y) : UA_ENOMEM;
        if (s) rc = ua_cli_fail("eval", s);
    }
    if (!rc) {
        if (json) {
            cJSON *arr = cJSON_CreateArray();
            for (size_t i = 0; i < xs.n; i++) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "x", xs.v[i]);
                if (y[i] == y[i]) cJSON_AddNumberToObject(o, "y", y[i]);
                else cJSON_AddNullToObject(o, "y");
                cJSON_AddItemToArray(arr, o);
            }
            ua_cli_print_json(arr);
        } else {
            for (size_t i = 0; i < xs.n; i++) printf("%.17g\n", y[i]);
        }
    }
    free(y);
    free(xs.v);
    ua_model_free(m);
    return rc;
}
