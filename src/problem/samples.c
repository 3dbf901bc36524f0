/* ua_problem_read_samples: a SAMPLES problem from a table (CSV, text, .npy; columns by name or
 * index; a UCI-style split folder; a held-out test file) or a SEQUENCES problem from .npy files
 * (uniapprox/problem.h). */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* Re-records the last error (from a lower layer) under status s, without its old tag. */
static ua_status restatus(ua_status s)
{
    char msg[1024];
    ua_last_error_message(msg, sizeof msg);
    return UA_ERR(s, "%s", msg);
}

/* The columns named in the comma-separated list (names or 0-based indices) of ds (read from
 * file): *cols malloc'd, *n >= 1. */
static ua_status parse_columns(const ua_dataset *ds, const char *file, const char *what,
                               const char *list, size_t **cols, size_t *n)
{
    size_t cap = 1;
    for (const char *p = list; *p; p++) cap += *p == ',';
    *n = 0;
    *cols = ua_calloc(cap, sizeof **cols);
    if (!*cols) return UA_ENOMEM_ERR(cap * sizeof **cols);
    for (const char *p = list;;) {
        size_t len = strcspn(p, ",");
        const char *a = p, *b = p + len;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        char name[256];
        if (a == b || (size_t)(b - a) >= sizeof name)
            return UA_ERR(UA_EINVAL, "%s columns '%.100s': %s", what, list,
                          a == b ? "an empty column name" : "a column name is too long");
        memcpy(name, a, (size_t)(b - a));
        name[b - a] = '\0';
        size_t j;
        ua_status s = ua_dataset_column(ds, name, &j);
        if (s == UA_ENOTFOUND) return restatus(UA_EINVAL);
        if (s) return s;
        for (size_t k = 0; k < *n; k++)
            if ((*cols)[k] == j)
                return UA_ERR(UA_EINVAL, "%s: %s column '%s' is given twice", file, what,
                              ua_dataset_colname(ds, j));
        (*cols)[(*n)++] = j;
        if (!p[len]) break;
        p += len + 1;
    }
    return UA_OK;
}

/* Reads the UCI index file DIR/NAME, every value < limit. */
static ua_status read_index(const char *dir, const char *name, size_t limit, size_t **idx,
                            size_t *n)
{
    char path[4200];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return UA_ERR(UA_EINVAL, "path too long: %.100s/%s", dir, name);
    return ua_read_indices(path, limit, idx, n);
}

/* The training and test rows of a split folder are distinct rows: a row listed twice in
 * index_train_K.txt would be fitted twice, and one in both files would be tested on after being
 * trained on (a leak into the test RMSE). Names the file, the index and its entries (1-based, in
 * file order: the line when the file holds one index per line, as the UCI splits do). */
static ua_status check_split_rows(const char *dir, const char *trname, const size_t *tr,
                                  size_t ntr, const char *tename, const size_t *te, size_t nte,
                                  size_t rows)
{
    /* where each row was first listed: 0 none, e >= 1 entry e of the training file, -e of the
     * test file */
    long long *seen = ua_calloc(rows, sizeof *seen);
    if (!seen) return UA_ENOMEM_ERR(rows * sizeof *seen);
    ua_status s = UA_OK;
    for (size_t i = 0; !s && i < ntr; i++) {
        if (seen[tr[i]])
            s = UA_ERR(UA_EFORMAT, "%s/%s: index %zu is listed twice (entries %lld and %zu): "
                       "each training row once", dir, trname, tr[i], seen[tr[i]], i + 1);
        seen[tr[i]] = (long long)i + 1;
    }
    for (size_t i = 0; !s && i < nte; i++) {
        long long e = seen[te[i]];
        if (e > 0)
            s = UA_ERR(UA_EFORMAT, "%s/%s: index %zu (entry %zu) is also a training row (%s, "
                       "entry %lld): the test rows must not overlap the training rows", dir,
                       tename, te[i], i + 1, trname, e);
        else if (e < 0)
            s = UA_ERR(UA_EFORMAT, "%s/%s: index %zu is listed twice (entries %lld and %zu): "
                       "each test row once", dir, tename, te[i], -e, i + 1);
        seen[te[i]] = -((long long)i + 1);
    }
    free(seen);
    return s;
}

/* A split folder's column list (index_features.txt, index_target.txt) names each column once:
 * a column listed twice would be two identical inputs (as --x-col a,a, which is refused). */
static ua_status check_split_cols(const char *dir, const char *name, const size_t *c, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (c[i] == c[j])
                return UA_ERR(UA_EFORMAT, "%s/%s: index %zu is listed twice (entries %zu and %zu): "
                              "each column once", dir, name, c[i], j + 1, i + 1);
    return UA_OK;
}

/* A column name that is only the default of a headerless file ("3" for column 3). */
static int default_name(const char *name, size_t j)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", j);
    return strcmp(name, buf) == 0;
}

/* The input columns' names from the file's header as the problem's variable names (what the
 * engine records as the model's "input_names"); none when the file has no header (its names are
 * the defaults "0", "1", ...). */
static ua_status name_inputs(ua_problem *p, const ua_dataset *ds, const size_t *xc, size_t nx)
{
    int header = 0;
    for (size_t j = 0; j < ua_dataset_cols(ds); j++)
        header |= !default_name(ua_dataset_colname(ds, j), j);
    if (!header) return UA_OK;
    if (!(p->vars = ua_calloc(nx, sizeof *p->vars))) return UA_ENOMEM_ERR(nx * sizeof *p->vars);
    for (size_t i = 0; i < nx; i++)
        if (!(p->vars[i] = ua_strdup(ua_dataset_colname(ds, xc[i]))))
            return UA_ENOMEM_ERR(strlen(ua_dataset_colname(ds, xc[i])) + 1);
    return UA_OK;
}

/* The target columns' names from the file's header (the model's "target_names", compared when
 * the model is measured on other rows); none without a header. */
static ua_status name_targets(ua_problem *p, const ua_dataset *ds, const size_t *yc, size_t ny)
{
    int header = 0;
    for (size_t j = 0; j < ua_dataset_cols(ds); j++)
        header |= !default_name(ua_dataset_colname(ds, j), j);
    if (!header || ny != p->k) return UA_OK;
    if (!(p->ynames = ua_calloc(ny, sizeof *p->ynames)))
        return UA_ENOMEM_ERR(ny * sizeof *p->ynames);
    for (size_t i = 0; i < ny; i++)
        if (!(p->ynames[i] = ua_strdup(ua_dataset_colname(ds, yc[i]))))
            return UA_ENOMEM_ERR(strlen(ua_dataset_colname(ds, yc[i])) + 1);
    return UA_OK;
}

/* Copies rows (NULL: all nr) of columns xc / yc of ds into new arrays. */
static ua_status select_xy(const ua_dataset *ds, const size_t *rows, size_t nr, const size_t *xc,
                           size_t nx, const size_t *yc, size_t ny, double **x, double **y)
{
    *x = ua_calloc(nr * nx, sizeof **x);
    *y = ua_calloc(nr * ny, sizeof **y);
    if (!*x || !*y) return UA_ENOMEM_ERR(nr * (nx + ny) * sizeof(double));
    ua_status s = ua_dataset_select(ds, rows, nr, xc, nx, *x);
    if (!s) s = ua_dataset_select(ds, rows, nr, yc, ny, *y);
    return s;
}

static ua_status read_table(const ua_sample_source *src, ua_problem **out)
{
    if (src->split_dir && src->test_data)
        return UA_ERR(UA_EINVAL, "a split folder holds its own test rows: give the split folder or "
                      "a test file, not both");
    if (src->targets || src->test_targets)
        return UA_ERR(UA_EINVAL, "target files belong to sequences; a table names its target "
                      "columns");
    char path[4200];
    const char *data = src->data;
    if (!data && src->split_dir) {
        if ((size_t)snprintf(path, sizeof path, "%s/data.txt", src->split_dir) >= sizeof path)
            return UA_ERR(UA_EINVAL, "path too long: %.100s/data.txt", src->split_dir);
        data = path;
    }
    if (!data) return UA_ERR(UA_EINVAL, "no samples: give a data file or a split folder");

    ua_dataset *ds = NULL, *ts = NULL;
    size_t *xc = NULL, *yc = NULL, *tr = NULL, *te = NULL, nx = 0, ny = 0, ntr = 0, nte = 0;
    double *x = NULL, *y = NULL, *tx = NULL, *ty = NULL;
    ua_problem *p = NULL;
    ua_status s = ua_dataset_read(data, src->format, &ds);
    if (s) return s;
    size_t cols = ua_dataset_cols(ds), rows = ua_dataset_rows(ds);

    if (src->y_cols) s = parse_columns(ds, data, "target", src->y_cols, &yc, &ny);
    else if (src->split_dir && !(s = read_index(src->split_dir, "index_target.txt", cols, &yc, &ny)))
        s = check_split_cols(src->split_dir, "index_target.txt", yc, ny);
    else if ((yc = malloc(sizeof *yc))) yc[ny++] = cols - 1;
    else s = UA_ENOMEM_ERR(sizeof *yc);
    if (s) goto done;

    if (src->x_cols) s = parse_columns(ds, data, "input", src->x_cols, &xc, &nx);
    else if (src->split_dir && !(s = read_index(src->split_dir, "index_features.txt", cols, &xc, &nx)))
        s = check_split_cols(src->split_dir, "index_features.txt", xc, nx);
    else if (!(xc = ua_calloc(cols, sizeof *xc))) s = UA_ENOMEM_ERR(cols * sizeof *xc);
    else
        for (size_t j = 0; j < cols; j++) {
            int is_y = 0;
            for (size_t k = 0; k < ny; k++) is_y |= yc[k] == j;
            if (!is_y) xc[nx++] = j;
        }
    if (s) goto done;
    if (nx == 0) {
        s = UA_ERR(UA_EINVAL, "%s: no input columns left (%zu column%s, all targets)", data, cols,
                   cols == 1 ? "" : "s");
        goto done;
    }
    /* a target among the inputs would be learnt from itself */
    for (size_t i = 0; i < nx; i++)
        for (size_t k = 0; k < ny; k++)
            if (xc[i] == yc[k]) {
                s = UA_ERR(UA_EINVAL, "%s: column '%s' is both an input and a target", data,
                           ua_dataset_colname(ds, xc[i]));
                goto done;
            }

    ntr = rows;
    if (src->split_dir) {
        char name[64];
        snprintf(name, sizeof name, "index_train_%zu.txt", src->split);
        if ((s = read_index(src->split_dir, name, rows, &tr, &ntr))) goto done;
        snprintf(name, sizeof name, "index_test_%zu.txt", src->split);
        if ((s = read_index(src->split_dir, name, rows, &te, &nte))) goto done;
        char trname[64];
        snprintf(trname, sizeof trname, "index_train_%zu.txt", src->split);
        if ((s = check_split_rows(src->split_dir, trname, tr, ntr, name, te, nte, rows)))
            goto done;
    }
    if ((s = select_xy(ds, tr, ntr, xc, nx, yc, ny, &x, &y))) goto done;
    if ((s = ua_problem_samples(x, y, ntr, nx, ny, &p))) goto done;
    if ((s = name_inputs(p, ds, xc, nx))) goto done;
    if ((s = name_targets(p, ds, yc, ny))) goto done;

    if (src->split_dir) {
        free(x);
        free(y);
        x = y = NULL;
        if ((s = select_xy(ds, te, nte, xc, nx, yc, ny, &tx, &ty))) goto done;
        if ((s = ua_problem_set_test(p, tx, ty, nte))) goto done;
    } else if (src->test_data) {
        if ((s = ua_dataset_read(src->test_data, src->format, &ts))) goto done;
        if (ua_dataset_cols(ts) != cols) {
            s = UA_ERR(UA_EINVAL, "%s has %zu columns, %s has %zu: a test file needs the same "
                       "columns", src->test_data, ua_dataset_cols(ts), data, cols);
            goto done;
        }
        for (size_t j = 0; j < cols; j++) {
            const char *a = ua_dataset_colname(ds, j), *b = ua_dataset_colname(ts, j);
            if (strcmp(a, b) != 0 && !default_name(a, j) && !default_name(b, j)) {
                s = UA_ERR(UA_EINVAL, "%s: column %zu is '%s', in %s it is '%s'", src->test_data,
                           j, b, data, a);
                goto done;
            }
        }
        nte = ua_dataset_rows(ts);
        if ((s = select_xy(ts, NULL, nte, xc, nx, yc, ny, &tx, &ty))) goto done;
        if ((s = ua_problem_set_test(p, tx, ty, nte))) goto done;
    }
    free(p->desc);
    if (!(p->desc = ua_strdup(src->split_dir && !src->data ? src->split_dir : data)))
        s = UA_ENOMEM_ERR(strlen(data) + 1);
done:
    if (s) ua_problem_free(p);
    else *out = p;
    ua_dataset_free(ds);
    ua_dataset_free(ts);
    free(xc);
    free(yc);
    free(tr);
    free(te);
    free(x);
    free(y);
    free(tx);
    free(ty);
    return s;
}

/* ---- sequences ------------------------------------------------------------------------------ */

/* The largest token / class id a file may hold beyond its number of positions: a model infers
 * its vocabulary (classes) as the largest id + 1 and sizes its embedding (output layer and
 * logits) by it, so one stray id (a class of 10^7 in 3200 positions asked for 7.8 GB) is refused
 * before anything is allocated. An id may be as large as the number of positions N * len (no
 * more ids than positions to learn them from) or these floors, whichever is larger. */
#define SEQ_TOKEN_FLOOR 65536u /* an embedding of 65536 rows: 16 MB at width 64 */
#define SEQ_CLASS_FLOOR 4096u  /* logits of 4096 classes per position */

/* Every value of a (count,) an integer in [0, 2^31): tokens or classes (what), each below
 * max(floor, count) (see SEQ_TOKEN_FLOOR; floor SIZE_MAX: no bound). Messages name the file. */
static ua_status check_ints(const char *path, const char *what, const ua_npy *a, size_t floor_ids)
{
    size_t limit = a->count > floor_ids ? a->count : floor_ids;
    const char *plural = strcmp(what, "class") ? "tokens" : "classes";
    for (size_t i = 0; i < a->count; i++) {
        double v = a->v[i];
        if (v != floor(v) || v < 0 || v > 2147483647.0)
            return UA_ERR(UA_EFORMAT, "%s: sequence %zu, position %zu: %.17g is not a "
                          "non-negative integer %s", path, i / a->shape[1], i % a->shape[1], v,
                          what);
        if (v >= (double)limit)
            return UA_ERR(UA_EINVAL, "%s: sequence %zu, position %zu: %s %.0f is far beyond what "
                          "the data needs: the model would have %.0f %s (the largest + 1) for "
                          "%zu positions; %s must be below max(%zu, the number of positions) = "
                          "%zu", path, i / a->shape[1], i % a->shape[1], what, v, v + 1,
                          plural, a->count, plural, floor_ids, limit);
    }
    return UA_OK;
}

/* Reads inputs (N, len) tokens or (N, len, d) values and targets (N, len) classes or (N, len, k)
 * values, as src/seq/data.c does for the seq family; tokens and classes bounded by
 * max(tok_floor, positions) and max(cls_floor, positions). */
static ua_status read_pair(const char *xp, const char *yp, ua_npy **x, ua_npy **y, size_t tok_floor,
                           size_t cls_floor)
{
    *x = *y = NULL;
    ua_status s = ua_npy_read(xp, x);
    if (s) return s;
    ua_npy *a = *x;
    if (a->ndim != 2 && a->ndim != 3)
        return UA_ERR(UA_EFORMAT, "%s: inputs have %zu dimensions; expected (N, len) tokens or "
                      "(N, len, d) values", xp, a->ndim);
    if (a->count == 0)
        return UA_ERR(UA_EFORMAT, "%s: the inputs are empty (a zero in the shape)", xp);
    if (a->ndim == 2 && (s = check_ints(xp, "token", a, tok_floor))) return s;
    if ((s = ua_npy_read(yp, y))) return s;
    ua_npy *b = *y;
    if ((b->ndim != 2 && b->ndim != 3) || b->shape[0] != a->shape[0] ||
        b->shape[1] != a->shape[1]) {
        char sh[96] = "";
        for (size_t i = 0; i < b->ndim && i < 4; i++) {
            char t[24];
            snprintf(t, sizeof t, i ? ", %zu" : "%zu", b->shape[i]);
            strncat(sh, t, sizeof sh - strlen(sh) - 1);
        }
        return UA_ERR(UA_EFORMAT, "%s: targets of shape (%s) do not match the inputs' (%zu, %zu); "
                      "expected (N, len) classes or (N, len, k) values", yp, sh, a->shape[0],
                      a->shape[1]);
    }
    if (b->count == 0)
        return UA_ERR(UA_EFORMAT, "%s: the targets are empty (a zero in the shape)", yp);
    if (b->ndim == 2 && (s = check_ints(yp, "class", b, cls_floor))) return s;
    return UA_OK;
}

static ua_status read_sequences(const ua_sample_source *src, ua_problem **out)
{
    if (src->split_dir || src->x_cols || src->y_cols)
        return UA_ERR(UA_EINVAL, "columns and split folders belong to tables, not to sequences");
    if (!src->data || !src->targets)
        return UA_ERR(UA_EINVAL, "sequences need an .npy of inputs and an .npy of targets");
    if (!src->test_data != !src->test_targets)
        return UA_ERR(UA_EINVAL, "a test set of sequences needs both its inputs and its targets");
    ua_npy *x, *y, *tx = NULL, *ty = NULL;
    ua_problem *p = NULL;
    /* ids size a model only when it is fitted on them; a test set's may reach the same bound as
     * the training set's (a model's vocabulary or classes can reach it); measuring an existing
     * model bounds nothing here (the model refuses an id beyond its own vocabulary) */
    size_t tok_floor = src->ids_unbounded ? SIZE_MAX : SEQ_TOKEN_FLOOR;
    size_t cls_floor = src->ids_unbounded ? SIZE_MAX : SEQ_CLASS_FLOOR;
    ua_status s = read_pair(src->data, src->targets, &x, &y, tok_floor, cls_floor);
    if (s) goto done;
    size_t N = x->shape[0], len = x->shape[1];
    size_t xd = x->ndim == 3 ? x->shape[2] : 0, yk = y->ndim == 3 ? y->shape[2] : 0;
    if ((s = ua_problem_sequences(x->v, y->v, N, len, xd, yk, &p))) goto done;
    if (src->test_data) {
        size_t pos = x->shape[0] * x->shape[1];
        if ((s = read_pair(src->test_data, src->test_targets, &tx, &ty,
                           tok_floor > pos ? tok_floor : pos, cls_floor > pos ? cls_floor : pos)))
            goto done;
        size_t txd = tx->ndim == 3 ? tx->shape[2] : 0, tyk = ty->ndim == 3 ? ty->shape[2] : 0;
        if (tx->shape[1] != len || txd != xd) {
            s = UA_ERR(UA_EINVAL, "%s: test inputs of length %zu with %zu features (0: tokens); "
                       "the training inputs have length %zu with %zu", src->test_data,
                       tx->shape[1], txd, len, xd);
            goto done;
        }
        if (tyk != yk) {
            s = UA_ERR(UA_EINVAL, "%s: test targets with %zu values per position (0: classes); "
                       "the training targets have %zu", src->test_targets, tyk, yk);
            goto done;
        }
        if ((s = ua_problem_set_test(p, tx->v, ty->v, tx->shape[0]))) goto done;
    }
    free(p->desc);
    if (!(p->desc = ua_strdup(src->data))) s = UA_ENOMEM_ERR(strlen(src->data) + 1);
done:
    if (s) ua_problem_free(p);
    else *out = p;
    ua_npy_free(x);
    ua_npy_free(y);
    ua_npy_free(tx);
    ua_npy_free(ty);
    return s;
}

ua_status ua_problem_read_samples(const ua_sample_source *src, ua_problem **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_problem_read_samples: out is NULL");
    *out = NULL;
    if (!src) return UA_ERR(UA_EINVAL, "ua_problem_read_samples: src is NULL");
    return src->sequences ? read_sequences(src, out) : read_table(src, out);
}
