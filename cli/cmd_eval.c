/* uniapprox eval — evaluate a model at points given as arguments or on standard input. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: uniapprox eval MODEL [X ...] [--input FILE [--x-col C,...]] [--json]\n"
    "                     [--gradient | --std | --proba]\n"
    "\n"
    "Prints the model's value at each X, one per line (17 significant digits, so the double reads\n"
    "back exactly). Without X, reads the points from standard input: for 1-D models numbers\n"
    "separated by spaces, tabs, commas or newlines; for models of d inputs one row of d numbers\n"
    "per line; blank lines and comments (# to the end of a line) are skipped. With --input,\n"
    "reads the rows from FILE (CSV with a header, whitespace-separated\n"
    "text, or .npy; the columns of --x-col, else those named as the model's inputs when it was\n"
    "fitted on a table with a header and FILE has one, else all, in order: a headerless file\n"
    "of the model's width is read as its inputs in order). A model with k\n"
    "outputs prints k numbers per\n"
    "line. Points outside a 1-D model's domain give nan. A UTF-8 byte-order mark at the start\n"
    "of the input (standard input or FILE) is skipped.\n"
    "\n"
    "options:\n"
    "  --input FILE   read the points from FILE\n"
    "  --x-col C,...  columns of FILE (names or 0-based indices; default: the model's input\n"
    "                 names, else all)\n"
    "  --json         print [{\"x\": ..., \"y\": ...}, ...] instead\n"
    "  --gradient     print the partial derivatives df/dx_1 .. df/dx_d at each point instead\n"
    "                 (models whose family differentiates itself: chebnd; with --json, a\n"
    "                 \"gradient\" array per point)\n"
    "  --std          also the predictive standard deviation (target units) and the 95%\n"
    "                 prediction interval y +- 1.96 sd: \"y sd lo hi\" per output, with --json\n"
    "                 \"std\" and \"interval95\" (models whose family has an uncertainty: the\n"
    "                 kernel family's Gaussian-process variance, noise included; an mlp deep\n"
    "                 ensemble's mixture variance, fitted with --n-estimators M >= 2, or an mlp\n"
    "                 with a variance head, --task gaussian)\n"
    "  --proba        print a classifier's class probabilities instead, one column per class\n"
    "                 (label 0, 1, ...; scikit-learn's predict_proba), with --json \"proba\"\n"
    "                 beside \"y\" (families with probabilities: mlp --task classify)\n"
    "sequence models: --input X.npy takes (N, n) tokens or (N, n, d) floats and\n"
    "prints one sequence of predictions per line, or writes them with --output Y.npy ((N, n)\n"
    "classes or (N, n, k) values); with --json, [{\"sequence\": i, \"y\": [...]}, ...] (a class\n"
    "or a value per position, or an array of k values)\n"
    "  --output FILE  write a sequence model's predictions to an .npy\n"
    "graph models: --graphs FILE (JSON lines, docs/graph.md; targets, if any, are ignored) prints\n"
    "one line per graph (per node for a model of node targets): the most probable class, or the\n"
    "values; with --json, [{\"graph\": i, \"y\": [...]}, ...] (\"node\" for node targets; a\n"
    "classifier's \"y\" holds its class probabilities and \"class\" the most probable)\n"
    "  --graphs FILE  the graphs to predict\n";

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

/* Reads every number on stdin; names the line and the token that is not a number. With
 * per_line > 1, every non-blank line must hold exactly per_line numbers. A UTF-8 byte-order
 * mark (EF BB BF) at the very start of the input is skipped, as the file readers do. */
static int read_stdin(vec *xs, size_t per_line)
{
    size_t on_line = 0;
    char tok[256];
    size_t len = 0, line = 1, tok_line = 1, pos = 0;
    int ch;
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    for (;;) {
        ch = getchar();
        /* pos counts the bytes read; the first three, when they are the byte-order mark, only
         * ever sit at the front of the first token: drop them there */
        if (pos < 3 && ch != EOF && (unsigned char)ch == bom[pos] && len == pos) {
            tok[len++] = (char)ch;
            pos++;
            if (pos == 3) len = 0; /* the whole mark: skip it */
            continue;
        }
        pos = 3; /* past the start: no mark any more */
        if (ch == '#' && len == 0) /* a comment, as in the data files: to the end of the line */
            while ((ch = getchar()) != EOF && ch != '\n') {}
        if (ch == '\0') /* would end the token's string early: a number after it lost */
            return ua_cli_usage("eval", "stdin line %zu: NUL byte (not a text file?)", line);
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
            on_line++;
            len = 0;
        }
        if ((ch == '\n' || ch == EOF) && per_line > 1) {
            if (on_line && on_line != per_line)
                return ua_cli_usage("eval", "stdin line %zu has %zu value%s, the model takes %zu",
                                    line, on_line, on_line == 1 ? "" : "s", per_line);
            on_line = 0;
        }
        if (ch == '\n') line++;
        if (ch == EOF) break;
    }
    if (ferror(stdin)) return ua_cli_usage("eval", "error reading standard input");
    return 0;
}

/* The columns of ds named by the model's "input_names" (written by ua_fit from the header of the
 * table it was fitted on), into cols: 0; -1 when the model records no names or the file has no
 * header (then the columns are taken in order); else the exit code, naming the missing column. */
static int columns_by_name(const ua_model *m, const ua_dataset *ds, const char *path,
                           size_t *cols, size_t *nc)
{
    const char *names = ua_model_meta(m, "input_names");
    cJSON *arr = names ? cJSON_Parse(names) : NULL;
    int header = 0;
    for (size_t j = 0; j < ua_dataset_cols(ds); j++) {
        char def[32];
        snprintf(def, sizeof def, "%zu", j);
        header |= strcmp(ua_dataset_colname(ds, j), def) != 0;
    }
    if (!cJSON_IsArray(arr) || !header || cJSON_GetArraySize(arr) > 256) {
        cJSON_Delete(arr);
        return -1;
    }
    int rc = 0;
    const cJSON *e;
    *nc = 0;
    cJSON_ArrayForEach(e, arr) {
        if (!cJSON_IsString(e)) continue;
        if (ua_dataset_column(ds, e->valuestring, &cols[*nc]) != UA_OK) {
            ua_clear_error();
            rc = ua_cli_usage("eval", "%s has no column '%s', an input of the model (its inputs: "
                              "%s; or choose columns with --x-col)", path, e->valuestring, names);
            break;
        }
        (*nc)++;
    }
    cJSON_Delete(arr);
    return rc;
}

/* Reads the rows of FILE (the columns of x_cols, by the model's input names, or all) into xs;
 * they must number din. */
static int read_input(const ua_model *m, const char *path, const char *x_cols, size_t din,
                      vec *xs)
{
    ua_dataset *ds;
    ua_status s = ua_dataset_read(path, UA_FORMAT_AUTO, &ds);
    if (s) return ua_cli_fail("eval", s);
    size_t cols[256], nc = 0, n = ua_dataset_rows(ds);
    int rc = 0;
    if (x_cols) {
        const char *p = x_cols;
        while (!rc) {
            char name[256];
            size_t len = strcspn(p, ",");
            if (len == 0 || len >= sizeof name || nc == 256) {
                rc = ua_cli_usage("eval", "bad column list '%s'", x_cols);
                break;
            }
            memcpy(name, p, len);
            name[len] = '\0';
            if ((s = ua_dataset_column(ds, name, &cols[nc++]))) rc = ua_cli_fail("eval", s);
            if (!p[len]) break;
            p += len + 1;
        }
    } else if ((rc = columns_by_name(m, ds, path, cols, &nc)) != -1) {
        /* selected by name, or refused */
    } else if ((rc = 0, nc = ua_dataset_cols(ds)) > 256) {
        rc = ua_cli_usage("eval", "%s has %zu columns; choose them with --x-col", path, nc);
    } else {
        for (size_t j = 0; j < nc; j++) cols[j] = j;
    }
    if (!rc && nc != din)
        rc = ua_cli_usage("eval", "%s: %zu input columns, the model takes %zu", path, nc, din);
    if (!rc) {
        xs->v = malloc(n * nc * sizeof *xs->v);
        if (!xs->v) rc = ua_cli_usage("eval", "out of memory");
        else if ((s = ua_dataset_select(ds, NULL, n, cols, nc, xs->v))) rc = ua_cli_fail("eval", s);
        else xs->n = xs->cap = n * nc;
    }
    ua_dataset_free(ds);
    return rc;
}

/* What eval keeps of a sequence model's predictions, filled a block of sequences at a time
 * (ua_model_predict_sequences_blocks): y (N, n) classes (the argmax of each position's logits)
 * for a classifier, else y (N, n, K) values. */
enum { EVAL_BLOCK_VALUES = 1 << 24 };

typedef struct {
    double *y;
    size_t n, N, K;
    int classify, nomem;
} eval_blocks;

static ua_status keep_block(void *ctx, size_t first, size_t count, const double *out, size_t nout,
                            int classify)
{
    eval_blocks *eb = ctx;
    if (!eb->y) {
        eb->K = nout;
        eb->classify = classify;
        size_t per = classify ? 1 : nout;
        eb->y = eb->N * eb->n <= SIZE_MAX / sizeof(double) / (per ? per : 1) - 1
                    ? malloc(eb->N * eb->n * per * sizeof *eb->y + 1) : NULL;
        if (!eb->y) {
            eb->nomem = 1; /* said by the caller */
            return UA_ENOMEM;
        }
    }
    size_t pos = count * eb->n;
    if (classify) {
        double *cls = eb->y + first * eb->n;
        for (size_t r = 0; r < pos; r++) {
            size_t am = 0;
            for (size_t c = 1; c < nout; c++)
                if (out[r * nout + c] > out[r * nout + am]) am = c;
            cls[r] = (double)am;
        }
    } else {
        memcpy(eb->y + first * eb->n * nout, out, pos * nout * sizeof *out);
    }
    return UA_OK;
}

/* A sequence model (ua_model_kind UA_PROBLEM_SEQUENCES) on an n-D .npy: (N, n) tokens or
 * (N, n, d) reals in; predictions printed one sequence per line, or written to an .npy
 * (--output: (N, n) int32 classes or (N, n, k) float32 values). */
static int eval_sequences(const ua_model *m, const char *input, const char *output, int json)
{
    ua_npy *a;
    ua_status s = ua_npy_read(input, &a);
    if (s) return ua_cli_fail("eval", s);
    if (a->ndim != 2 && a->ndim != 3) {
        size_t ndim = a->ndim;
        ua_npy_free(a);
        return ua_cli_usage("eval", "%s: a sequence model takes (N, n) tokens or (N, n, d) "
                            "reals; this array has %zu dimension%s", input, ndim, ndim == 1 ? "" : "s");
    }
    for (size_t i = 0; i < a->ndim; i++)
        if (a->shape[i] == 0) {
            static const char *const what[3] = {"no sequences (N = 0)", "sequences of length 0",
                                                "0 values a token"};
            ua_npy_free(a);
            return ua_cli_usage("eval", "%s: %s; nothing to predict", input, what[i]);
        }
    size_t N = a->shape[0], n = a->shape[1], xd = a->ndim == 3 ? a->shape[2] : 0;
    /* a block of sequences at a time: a classifier keeps only each position's class */
    eval_blocks eb = { NULL, n, N, 0, 0, 0 };
    s = ua_model_predict_sequences_blocks(m, a->v, N, n, xd, EVAL_BLOCK_VALUES, keep_block, &eb);
    ua_npy_free(a);
    double *y = eb.y;
    size_t K = eb.K;
    int classify = eb.classify;
    if (s) {
        free(y);
        if (eb.nomem)
            return ua_cli_usage("eval", "out of memory for the predictions of %zu x %zu positions",
                                N, n);
        return s == UA_EINVAL ? ua_cli_usage("eval", "%s: %s", input, ua_cli_error_text())
                              : ua_cli_fail("eval", s);
    }
    size_t cnt = N * n;
    int rc = 0;
    if (output) {
        size_t shape[3] = { N, n, K };
        void *buf = classify ? (void *)malloc(cnt * sizeof(int32_t))
                             : (void *)malloc(cnt * K * sizeof(float));
        if (!buf) rc = ua_cli_usage("eval", "out of memory");
        for (size_t i = 0; !rc && i < (classify ? cnt : cnt * K); i++) {
            if (classify) ((int32_t *)buf)[i] = (int32_t)y[i];
            else ((float *)buf)[i] = (float)y[i];
        }
        if (!rc && (s = ua_npy_write(output, classify ? UA_NPY_I4 : UA_NPY_F4, shape,
                                     classify ? 2 : 3, buf)))
            rc = ua_cli_fail_output("eval", s);
        free(buf);
    } else if (json) { /* [{"sequence": i, "y": [...]}, ...]: a class or a value a position, or
                        * k values a position as an array */
        putchar('[');
        for (size_t i = 0; i < N; i++) {
            printf("%s{\"sequence\": %zu, \"y\": [", i ? ", " : "", i);
            for (size_t t = 0; t < n; t++) {
                if (t) fputs(", ", stdout);
                if (classify) printf("%d", (int)y[i * n + t]);
                else {
                    if (K > 1) putchar('[');
                    for (size_t c = 0; c < K; c++)
                        printf("%s%.17g", c ? ", " : "", y[(i * n + t) * K + c]);
                    if (K > 1) putchar(']');
                }
            }
            fputs("]}", stdout);
        }
        puts("]");
    } else {
        for (size_t i = 0; i < N; i++)
            for (size_t t = 0; t < n; t++) {
                if (classify) printf("%d", (int)y[i * n + t]);
                else
                    for (size_t c = 0; c < K; c++)
                        printf("%s%.9g", c ? "," : "", y[(i * n + t) * K + c]);
                putchar(t + 1 < n ? ' ' : '\n');
            }
    }
    free(y);
    return rc;
}

/* A graph model (ua_model_kind UA_PROBLEM_GRAPHS) on a file of graphs: one line per graph, or
 * per node for a model of node targets. */
static int eval_graphs(const ua_model *m, const char *file, int json)
{
    ua_graphs *g;
    ua_status s = ua_graphs_read(file, &g);
    if (s) return ua_cli_fail("eval", s);
    double *y = NULL;
    size_t K = 0;
    int classify = 0;
    s = ua_model_predict_graphs(m, g, &y, &K, &classify);
    if (s) {
        ua_graphs_free(g);
        return s == UA_EINVAL ? ua_cli_usage("eval", "%s: %s", file, ua_cli_error_text())
                              : ua_cli_fail("eval", s);
    }
    const char *desc = ua_model_meta(m, "graph_level");
    int node = desc && !strcmp(desc, "node");
    size_t R = node ? g->nnodes : g->ngraphs;
    if (json) putchar('[');
    for (size_t r = 0; r < R; r++) {
        const double *yr = y + r * K;
        size_t am = 0;
        for (size_t c = 1; c < K; c++)
            if (yr[c] > yr[am]) am = c;
        if (json) {
            printf("%s{\"%s\": %zu, ", r ? ", " : "", node ? "node" : "graph", r);
            if (classify) printf("\"class\": %zu, ", am);
            printf("\"y\": [");
            for (size_t c = 0; c < K; c++) printf("%s%.17g", c ? ", " : "", yr[c]);
            printf("]}");
        } else if (classify) {
            printf("%zu\n", am);
        } else {
            for (size_t c = 0; c < K; c++) printf("%s%.17g", c ? "," : "", yr[c]);
            putchar('\n');
        }
    }
    if (json) puts("]");
    free(y);
    ua_graphs_free(g);
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    int json = 0, gradient = 0, want_std = 0, want_proba = 0;
    const char *input = NULL, *x_cols = NULL, *output = NULL, *graphs = NULL;
    const ua_opt opts[] = {
        { "graphs", 0, 1, &graphs, NULL },
        { "output", 0, 1, &output, NULL },
        { "json", 0, 0, NULL, &json },
        { "input", 0, 1, &input, NULL },
        { "x-col", 0, 1, &x_cols, NULL },
        { "gradient", 0, 0, NULL, &gradient },
        { "std", 0, 0, NULL, &want_std },
        { "proba", 0, 0, NULL, &want_proba },
    };
    char **pos;
    size_t npos;
    int rc = ua_cli_parse("eval", argc, argv, opts, sizeof opts / sizeof opts[0], &pos, &npos);
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
    ua_cli_note_input(NULL, path);
    ua_model *m = NULL;
    if (!rc) {
        ua_status s = ua_model_load(path, &m);
        if (s) rc = ua_cli_fail("eval", s);
    }
    size_t din = 1, dout = 1, npts = 0;
    if (m) ua_model_dims(m, &din, &dout);
    int seq = m && ua_model_kind(m) == UA_PROBLEM_SEQUENCES;
    /* the usage error first: an --output that is refused anyway is not checked for writing */
    if (!rc && output && (!seq || !input))
        rc = ua_cli_usage("eval", "--output needs a sequence model and --input");
    if (!rc && output && !strcmp(output, "-")) /* a file named "-" is what was written */
        rc = ua_cli_usage("eval", "--output -: the .npy is written to a file; without --output "
                          "the predictions are printed");
    if (!rc && output) rc = ua_cli_check_writable("eval", "the predictions", output);
    int gm = m && ua_model_kind(m) == UA_PROBLEM_GRAPHS;
    if (!rc && (gm != (graphs != NULL)))
        rc = ua_cli_usage("eval", gm ? "a graph model takes --graphs FILE" : "--graphs needs a "
                          "graph model (this one is of the %s family)", ua_model_family(m));
    if (!rc && gm && (input || output || gradient || want_std || want_proba || x_cols || npos > 1))
        rc = ua_cli_usage("eval", "a graph model takes --graphs FILE [--json] alone");
    if (!rc && gm) {
        rc = eval_graphs(m, graphs, json);
        ua_model_free(m);
        return rc;
    }
    if (!rc && seq && !input)
        rc = ua_cli_usage("eval", "a sequence model takes --input X.npy");
    if (!rc && seq && (gradient || want_std || want_proba || x_cols || npos > 1 || (json && output)))
        rc = ua_cli_usage("eval", "a sequence model takes --input X.npy alone (predictions "
                          "printed), with --output Y.npy (written as .npy) or with --json; %s",
                          gradient ? "not --gradient" : want_std ? "not --std" : want_proba
                          ? "not --proba" : x_cols ? "not --x-col" : npos > 1
                          ? "not points after the model" : "not --json and --output together");
    if (!rc && seq) {
        rc = eval_sequences(m, input, output, json);
        ua_model_free(m);
        return rc;
    }
    if (!rc && npos > 1 && din > 1)
        rc = ua_cli_usage("eval", "the model takes %zu inputs: give rows on stdin or --input", din);
    if (!rc && npos > 1 && input) rc = ua_cli_usage("eval", "give points or --input, not both");
    if (!rc && x_cols && !input) rc = ua_cli_usage("eval", "--x-col needs --input");
    if (!rc && input) rc = read_input(m, input, x_cols, din, &xs);
    else if (!rc && npos == 1) rc = read_stdin(&xs, din);
    npts = xs.n / din;
    double *y = NULL;
    if (!rc && npts) {
        y = malloc(npts * dout * sizeof *y);
        ua_status s = y ? ua_model_predict(m, xs.v, npts, y) : UA_ENOMEM;
        if (s) rc = ua_cli_fail("eval", s);
    }
    double *sd = NULL; /* --std: (npts, dout) predictive standard deviations */
    if (!rc && want_std && gradient) rc = ua_cli_usage("eval", "give --std or --gradient, not both");
    if (!rc && want_std) {
        sd = malloc((npts ? npts : 1) * dout * sizeof *sd);
        ua_status s = sd ? ua_model_predict_std(m, xs.v, npts, sd) : UA_ENOMEM;
        if (s) rc = ua_cli_fail("eval", s);
    }
    double *pr = NULL; /* --proba: (npts, C) class probabilities */
    size_t C = 0;
    if (!rc && want_proba && (want_std || gradient))
        rc = ua_cli_usage("eval", "give --proba alone (not with --std or --gradient)");
    if (!rc && want_proba) {
        ua_status s = ua_model_predict_proba(m, NULL, 0, NULL, &C); /* refused: the reason */
        if (!s) {
            pr = malloc((npts ? npts : 1) * C * sizeof *pr);
            s = pr ? ua_model_predict_proba(m, xs.v, npts, pr, &C) : UA_ENOMEM;
        }
        if (s) rc = ua_cli_fail("eval", s);
    }
    const double z95 = 1.959963984540054; /* the normal's 0.975 quantile */
    double *g = NULL; /* --gradient: (npts, din) partial derivatives */
    if (!rc && gradient && !npts) {
        ua_status s = ua_model_gradient(m, NULL, 0, NULL); /* a family without one says so */
        if (s) rc = ua_cli_fail("eval", s);
    } else if (!rc && gradient) {
        g = malloc(npts * din * sizeof *g);
        ua_status s = g ? ua_model_gradient(m, xs.v, npts, g) : UA_ENOMEM;
        if (s) rc = ua_cli_fail("eval", s);
    }
    if (!rc) {
        if (json) {
            cJSON *arr = cJSON_CreateArray();
            for (size_t i = 0; i < npts; i++) {
                cJSON *o = cJSON_CreateObject();
                if (din == 1) cJSON_AddNumberToObject(o, "x", xs.v[i]);
                else cJSON_AddItemToObject(o, "x", cJSON_CreateDoubleArray(xs.v + i * din, (int)din));
                if (dout == 1 && y[i] == y[i]) cJSON_AddNumberToObject(o, "y", y[i]);
                else if (dout == 1) cJSON_AddNullToObject(o, "y");
                else cJSON_AddItemToObject(o, "y", cJSON_CreateDoubleArray(y + i * dout, (int)dout));
                if (g) cJSON_AddItemToObject(o, "gradient", cJSON_CreateDoubleArray(g + i * din, (int)din));
                if (pr) cJSON_AddItemToObject(o, "proba", cJSON_CreateDoubleArray(pr + i * C, (int)C));
                if (sd) {
                    cJSON_AddItemToObject(o, "std", cJSON_CreateDoubleArray(sd + i * dout, (int)dout));
                    cJSON *iv = cJSON_AddArrayToObject(o, "interval95");
                    for (size_t k = 0; iv && k < dout; k++) {
                        double lh[2] = {y[i * dout + k] - z95 * sd[i * dout + k],
                                        y[i * dout + k] + z95 * sd[i * dout + k]};
                        cJSON_AddItemToArray(iv, cJSON_CreateDoubleArray(lh, 2));
                    }
                }
                cJSON_AddItemToArray(arr, o);
            }
            ua_cli_print_json(arr);
        } else if (pr) {
            for (size_t i = 0; i < npts; i++)
                for (size_t c = 0; c < C; c++)
                    printf("%.17g%c", pr[i * C + c], c + 1 < C ? ' ' : '\n');
        } else if (g) {
            for (size_t i = 0; i < npts; i++)
                for (size_t k = 0; k < din; k++)
                    printf("%.17g%c", g[i * din + k], k + 1 < din ? ' ' : '\n');
        } else if (sd) {
            for (size_t i = 0; i < npts; i++)
                for (size_t k = 0; k < dout; k++) {
                    double v = y[i * dout + k], e = sd[i * dout + k];
                    printf("%.17g %.17g %.17g %.17g%c", v, e, v - z95 * e, v + z95 * e,
                           k + 1 < dout ? ' ' : '\n');
                }
        } else {
            for (size_t i = 0; i < npts; i++)
                for (size_t k = 0; k < dout; k++)
                    printf("%.17g%c", y[i * dout + k], k + 1 < dout ? ' ' : '\n');
        }
    }
    free(sd);
    free(pr);
    free(g);
    free(y);
    free(xs.v);
    ua_model_free(m);
    return rc;
}
