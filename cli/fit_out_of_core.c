/* uniapprox fit --data FILE --out-of-core: a table larger than memory, read in blocks
 * (uniapprox/blocks.h, docs/data.md "Out-of-core data"). The option is named after the standard
 * term, scikit-learn's "out-of-core learning" (its user guide's name for learning from data that
 * do not fit in main memory, by partial_fit over mini-batches); --block-rows is the rows of one
 * read. The family comes through the registry (ua_fit_blocks), its options from its own table;
 * the result is measured on every row of the file, streamed, and reported with the process's
 * peak resident memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "uniapprox/blocks.h"

#define DEFAULT_BLOCK_ROWS 65536
/* A family trained in epochs over the blocks (an `epochs` option: mlp) validates on whole blocks
 * held out (--val-frac of them, at least one, leaving at least one to train on): at the default
 * size a table of fewer than EPOCH_MIN_BLOCKS blocks is re-read for it in blocks of a tenth of its
 * rows (rounded up), so that 0.1 of them is one block */
#define EPOCH_MIN_BLOCKS 10

/* 1 when the option table of o has an option called name. */
static int has_option(const ua_options *o, const char *name)
{
    size_t n = 0;
    const ua_option_spec *spec = o ? ua_options_spec(o, &n) : NULL;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(spec[i].name, name)) return 1;
    return 0;
}

/* "mlp, rf": the registered families that train out of core, into buf. */
static const char *out_of_core_families(char *buf, size_t size)
{
    buf[0] = '\0';
    ua_family_info fi;
    for (size_t i = 0; ua_family_info_at(i, &fi) == UA_OK; i++) {
        if (!fi.out_of_core) continue;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", used ? ", " : "", fi.name);
    }
    return buf;
}

static const char help[] =
    "usage: uniapprox fit --data FILE --out-of-core --family F [--block-rows N] [--y-col COL]\n"
    "                     [-o MODEL] [--json] [--threads N] [family options]\n"
    "\n"
    "Fits a table that need not fit in memory: a .npy file (float32 or float64, C order;\n"
    "memory-mapped) or a .csv file with a header (indexed by the byte offset of every block in\n"
    "one pass), read in blocks of N rows (default 65536; for a family trained in epochs, when\n"
    "that gives fewer than 10 blocks, a tenth of the rows, so that --val-frac can hold out whole\n"
    "blocks). Standardisation comes from one streaming pass (Welford); training visits the\n"
    "blocks in a shuffled order and the rows of each block in a shuffled order; validation is\n"
    "whole blocks held out. Without --family the families that train out of core are named;\n"
    "how each one trains on the blocks is on its page and in docs/data.md.\n"
    "The target is the last column unless --y-col names one (a header name or a 0-based\n"
    "index, as in-memory fit takes it; one column); the inputs are the other columns. The fit is then measured on every row of the\n"
    "file (RMSE and largest error, streamed), and the peak resident memory reported.\n"
    "\n"
    "exit status: 0 fitted (no tolerance applies), 1 a runtime failure, 2 bad usage or bad\n"
    "input (a malformed or truncated file, NaN/Inf, a family that does not train out of core),\n"
    "3 the model cannot be written\n";

int ua_cli_out_of_core_given(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--out-of-core")) return 1;
    return 0;
}

typedef struct {
    const char *family;
    ua_options *opt;
} ooc_ctx;

/* A family option: --name VALUE or --name=VALUE, or a flag. */
static int family_option(void *vctx, const char *name, size_t len, const char *inline_value,
                         int *i, int argc, char **argv)
{
    ooc_ctx *c = vctx;
    char opt[64];
    if (len >= sizeof opt || !c->opt)
        return ua_cli_usage("fit", "unknown option '--%.*s'", (int)len, name);
    memcpy(opt, name, len);
    opt[len] = '\0';
    ua_family_info fi;
    int kind = 0;
    if (!ua_family_info_get(c->family, &fi))
        for (size_t k = 0; k < fi.noptions; k++)
            if (!strcmp(fi.options[k].name, opt)) kind = fi.options[k].type == UA_OPT_FLAG ? 1 : 2;
    if (!kind)
        return ua_cli_usage("fit", "--%s is not an option of out-of-core fitting or of the %s "
                            "family (see uniapprox fit --out-of-core --help)", opt, c->family);
    const char *value = inline_value;
    if (kind == 2 && !value) {
        if (*i + 1 >= argc) return ua_cli_usage("fit", "option '--%s' needs a value", opt);
        value = argv[++*i];
    }
    ua_status s = ua_options_set(c->opt, opt, kind == 1 ? NULL : value);
    return s ? ua_cli_fail("fit", s) : 0;
}

/* The column named name (a header name first, then a 0-based index). */
static int target_column(ua_blocks *b, const char *name, size_t *col)
{
    size_t d = ua_blocks_cols(b);
    if (!name) {
        *col = d - 1;
        return 0;
    }
    for (size_t j = 0; j < d; j++)
        if (!strcmp(ua_blocks_colname(b, j), name)) {
            *col = j;
            return 0;
        }
    char *end;
    unsigned long long v = strtoull(name, &end, 10);
    if (*name >= '0' && *name <= '9' && !*end && v < d) {
        *col = (size_t)v;
        return 0;
    }
    if (strchr(name, ','))
        return ua_cli_usage("fit", "--y-col '%s': out-of-core fitting takes one target column",
                            name);
    return ua_cli_usage("fit", "--y-col '%s': no such column (the table has %zu columns)", name,
                        d);
}

int ua_cli_fit_out_of_core(int argc, char **argv)
{
    const char *data = NULL, *family = NULL, *block_rows = NULL, *target = NULL, *output = NULL;
    const char *threads = NULL, *old_target = NULL;
    int json = 0, ooc = 0;
    const ua_opt opts[] = {
        { "data", 0, 1, &data, NULL },         { "family", 0, 1, &family, NULL },
        { "block-rows", 0, 1, &block_rows, NULL }, { "y-col", 0, 1, &target, NULL },
        { "output", 'o', 1, &output, NULL },    { "json", 0, 0, NULL, &json },
        { "threads", 0, 1, &threads, NULL },   { "out-of-core", 0, 0, NULL, &ooc },
        { "target", 0, 1, &old_target, NULL }, /* the old name, refused with the new one */
    };
    /* the family first, so that its options can be set while parsing */
    ooc_ctx c = { NULL, NULL };
    for (int i = 1; i + 1 < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--family")) c.family = argv[i + 1];
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strncmp(argv[i], "--family=", 9)) c.family = argv[i] + 9;
    if (c.family && ua_family_options(c.family, &c.opt)) c.opt = NULL;
    /* a family that does not train out of core is said first, before its options are read
     * against out-of-core fitting's (--targets of a sequence family is no option here) */
    ua_family_info cfi;
    int asks_help = 0;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        asks_help |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
    if (c.opt && !asks_help && !ua_family_info_get(c.family, &cfi) && !cfi.out_of_core) {
        char names[200];
        ua_options_free(c.opt);
        return ua_cli_usage("fit", "the %s family does not train out of core (those that do: %s)",
                            c.family, out_of_core_families(names, sizeof names));
    }
    char **pos = NULL;
    size_t npos = 0;
    int rc = ua_cli_parse_ex("fit", argc, argv, opts, sizeof opts / sizeof *opts, family_option,
                             &c, &pos, &npos);
    free(pos);
    if (rc == -1) {
        ua_options_free(c.opt);
        fputs(help, stdout);
        return UA_EXIT_OK;
    }
    if (!rc && old_target)
        rc = ua_cli_usage("fit", "--target: the target column is --y-col COL (a header name or "
                          "a 0-based index), in-memory and out-of-core alike");
    if (!rc && npos) rc = ua_cli_usage("fit", "--out-of-core fits a --data file; no TARGET");
    if (!rc && !data) rc = ua_cli_usage("fit", "--out-of-core needs --data FILE (.npy or .csv)");
    if (!rc && (!family || !strcmp(family, "auto"))) {
        char names[200];
        rc = ua_cli_usage("fit", "--out-of-core needs --family (one that trains out of core: %s)",
                          out_of_core_families(names, sizeof names));
    }
    if (!rc && !c.opt) rc = ua_cli_usage("fit", "unknown family '%s'", family);
    size_t B = DEFAULT_BLOCK_ROWS;
    if (!rc && block_rows && (ua_cli_size(block_rows, &B) || B < 1 || B > ((size_t)1 << 40)))
        rc = ua_cli_usage("fit", "--block-rows '%s': expected an integer in [1, 2^40]", block_rows);
    if (!rc && threads) {
        char *end;
        long t = strtol(threads, &end, 10);
        if (*end || end == threads || t < 0 || t > 1024)
            rc = ua_cli_usage("fit", "--threads '%s': expected an integer in [0, 1024] "
                              "(0: the OpenMP default, all cores)", threads);
        else {
            ua_status s = ua_options_set(c.opt, "threads", threads);
            if (s && s != UA_ENOTFOUND) rc = ua_cli_fail("fit", s);
            ua_clear_error();
            ua_set_threads((int)t);
        }
    }
    if (!rc && output) rc = ua_cli_check_model_output("fit", "the model", output);
    if (!rc) rc = ua_cli_check_option_outputs("fit", c.opt); /* --log: before the fit */
    ua_blocks *src = NULL;
    ua_status s = UA_OK;
    if (!rc && (s = ua_blocks_open(data, UA_FORMAT_AUTO, B, &src))) rc = ua_cli_fail("fit", s);
    if (!rc && !block_rows && has_option(c.opt, "epochs") &&
        ua_blocks_count(src) < EPOCH_MIN_BLOCKS) {
        /* a small table (under EPOCH_MIN_BLOCKS x 65536 rows): opened again, the pass is cheap */
        size_t n = ua_blocks_rows(src), B10 = (n + EPOCH_MIN_BLOCKS - 1) / EPOCH_MIN_BLOCKS;
        if (B10 < ua_blocks_block_rows(src)) {
            ua_blocks_close(src);
            src = NULL;
            if ((s = ua_blocks_open(data, UA_FORMAT_AUTO, B10, &src))) rc = ua_cli_fail("fit", s);
        }
    }
    size_t ycol = 0;
    if (!rc) rc = target_column(src, target, &ycol);
    ua_model *m = NULL;
    if (!rc && (s = ua_fit_blocks(src, ycol, family, c.opt, &m))) rc = ua_cli_fail("fit", s);
    ua_options_free(c.opt);
    double rmse = 0, max_abs = 0;
    if (!rc && (s = ua_model_measure_blocks(m, src, ycol, &rmse, &max_abs)))
        rc = ua_cli_fail("fit", s);
    ua_status saved = UA_OK;
    if (!rc && output) saved = ua_model_save(m, output);
    struct rusage ru;
    double peak_mib = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : -1;
    if (!rc) {
        size_t n = ua_blocks_rows(src), nb = ua_blocks_count(src);
        B = ua_blocks_block_rows(src); /* lowered to the rows when the table is smaller */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "family", family);
        cJSON_AddStringToObject(o, "data", data);
        cJSON_AddStringToObject(o, "target", ua_blocks_colname(src, ycol));
        cJSON_AddNumberToObject(o, "rows", (double)n);
        cJSON_AddNumberToObject(o, "columns", (double)ua_blocks_cols(src));
        cJSON_AddNumberToObject(o, "blocks", (double)nb);
        cJSON_AddNumberToObject(o, "block_rows", (double)B);
        cJSON_AddNumberToObject(o, "rmse", rmse);
        cJSON_AddNumberToObject(o, "max_abs_error", max_abs);
        const char *keys[] = {"lambda", "select_rmse", "select_by", "n_train", "best_epoch",
                              "val_loss"};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            const char *v = ua_model_meta(m, keys[k]);
            if (!v) continue;
            char *end;
            double x = strtod(v, &end);
            if (*v && !*end) cJSON_AddNumberToObject(o, keys[k], x);
            else cJSON_AddStringToObject(o, keys[k], v);
        }
        cJSON_AddNumberToObject(o, "peak_rss_mib", peak_mib);
        if (output && !saved) cJSON_AddStringToObject(o, "saved", output);
        if (json) {
            ua_cli_print_json(o);
        } else {
            printf("fitted out of core: %s on %zu rows x %zu columns of %s, %zu block%s of %zu "
                   "rows\n", family, n, ua_blocks_cols(src), data, nb, nb == 1 ? "" : "s", B);
            printf("measured on every row (streamed): RMSE %.6g, largest |error| %.6g (target "
                   "column '%s')\n", rmse, max_abs, ua_blocks_colname(src, ycol));
            const char *sel = ua_model_meta(m, "select_rmse");
            if (sel)
                printf("lambda %.3g chosen by %s: RMSE %.6g there\n",
                       strtod(ua_model_meta(m, "lambda"), NULL),
                       ua_model_meta(m, "select_by") ? ua_model_meta(m, "select_by") : "?",
                       strtod(sel, NULL));
            printf("peak resident memory %.1f MiB\n", peak_mib);
            if (output && !saved) printf("saved %s\n", output);
            cJSON_Delete(o);
        }
        if (saved) {
            fflush(stdout);
            rc = ua_cli_fail_output("fit", saved);
        } else {
            rc = ua_cli_flush_stdout("fit");
        }
        if (!rc) rc = ua_cli_log_error("fit", m, output, output != NULL);
    }
    ua_model_free(m);
    ua_blocks_close(src);
    return rc;
}
