/* cli/data_input.c — samples for the learners: --data FILE or a UCI-style --split-dir, columns
 * chosen by name or index, rows by a split file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Appends to *cols the columns named in the comma-separated list (names or 0-based indices). */
static int parse_columns(const ua_dataset *ds, const char *list, size_t **cols, size_t *n)
{
    size_t cap = 1;
    for (const char *p = list; *p; p++) cap += *p == ',';
    *cols = malloc(cap * sizeof **cols);
    *n = 0;
    if (!*cols) return ua_cli_usage("fit", "out of memory");
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        char name[256];
        if (len == 0 || len >= sizeof name)
            return ua_cli_usage("fit", "bad column list '%s'", list);
        memcpy(name, p, len);
        name[len] = '\0';
        size_t j;
        ua_status s = ua_dataset_column(ds, name, &j);
        if (s) return ua_cli_fail("fit", s);
        (*cols)[(*n)++] = j;
        if (!p[len]) break;
        p += len + 1;
    }
    return 0;
}

/* Reads a UCI index file DIR/NAME, every value < limit. */
static int read_index_file(const char *dir, const char *name, size_t limit, size_t **idx,
                           size_t *n)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return ua_cli_usage("fit", "path too long: %s/%s", dir, name);
    ua_status s = ua_read_indices(path, limit, idx, n);
    return s ? ua_cli_fail("fit", s) : 0;
}

int ua_cli_load_xy(const ua_cli_fit_input *in, const char *part, ua_cli_xy *out)
{
    memset(out, 0, sizeof *out);
    char path[4096];
    const char *data = in->data;
    if (!data && in->split_dir) {
        if ((size_t)snprintf(path, sizeof path, "%s/data.txt", in->split_dir) >= sizeof path)
            return ua_cli_usage("fit", "path too long: %s", in->split_dir);
        data = path;
    }
    if (!data) return ua_cli_usage("fit", "no samples: give --data FILE or --split-dir DIR");
    ua_dataset *ds;
    ua_status s = ua_dataset_read(data, UA_FORMAT_AUTO, &ds);
    if (s) return ua_cli_fail("fit", s);
    size_t cols = ua_dataset_cols(ds), rows = ua_dataset_rows(ds);
    size_t *xc = NULL, *yc = NULL, *rc_idx = NULL, nx = 0, ny = 0, nr = rows;
    int rc = 0;

    if (in->y_col) rc = parse_columns(ds, in->y_col, &yc, &ny);
    else if (in->split_dir) rc = read_index_file(in->split_dir, "index_target.txt", cols, &yc, &ny);
    else if ((yc = malloc(sizeof *yc))) yc[ny++] = cols - 1;
    else rc = ua_cli_usage("fit", "out of memory");

    if (!rc && in->x_col) rc = parse_columns(ds, in->x_col, &xc, &nx);
    else if (!rc && in->split_dir)
        rc = read_index_file(in->split_dir, "index_features.txt", cols, &xc, &nx);
    else if (!rc) {
        xc = malloc(cols * sizeof *xc);
        if (!xc) rc = ua_cli_usage("fit", "out of memory");
        for (size_t j = 0; !rc && j < cols; j++) {
            int is_y = 0;
            for (size_t k = 0; k < ny; k++) is_y |= yc[k] == j;
            if (!is_y) xc[nx++] = j;
        }
    }
    if (!rc && nx == 0) rc = ua_cli_usage("fit", "%s: no input columns left", data);
    /* a target among the inputs would be learnt from itself */
    for (size_t i = 0; !rc && i < nx; i++)
        for (size_t k = 0; !rc && k < ny; k++)
            if (xc[i] == yc[k])
                rc = ua_cli_usage("fit", "%s: column '%s' is both an input and a target", data,
                                  ua_dataset_colname(ds, xc[i]));
    if (!rc && in->split_dir) {
        const char *k = in->split_k ? in->split_k : "0";
        size_t kk;
        char name[64];
        if (ua_cli_size(k, &kk)) rc = ua_cli_usage("fit", "--split '%s' is not a count", k);
        else {
            snprintf(name, sizeof name, "index_%s_%zu.txt", part, kk);
            rc = read_index_file(in->split_dir, name, rows, &rc_idx, &nr);
        }
    }
    if (!rc) {
        out->n = nr;
        out->d = nx;
        out->k = ny;
        out->x = malloc(nr * nx * sizeof *out->x);
        out->y = malloc(nr * ny * sizeof *out->y);
        if (!out->x || !out->y) rc = ua_cli_usage("fit", "out of memory");
    }
    if (!rc && ((s = ua_dataset_select(ds, rc_idx, nr, xc, nx, out->x)) ||
                (s = ua_dataset_select(ds, rc_idx, nr, yc, ny, out->y))))
        rc = ua_cli_fail("fit", s);
    free(xc);
    free(yc);
    free(rc_idx);
    ua_dataset_free(ds);
    if (rc) ua_cli_xy_free(out);
    return rc;
}

void ua_cli_xy_free(ua_cli_xy *xy)
{
    free(xy->x);
    free(xy->y);
    memset(xy, 0, sizeof *xy);
}
