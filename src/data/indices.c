/* ua_read_indices: the UCI split files (index_train_K.txt, index_test_K.txt, index_features.txt,
 * index_target.txt): non-negative integers separated by whitespace, one per line in the
 * published files (uniapprox/data.h, docs/data.md). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

static int space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/*
 * Parses tok as "digits" or "digits.000" (some writers save integer indices as floats).
 * Returns 1 with *v, 0 when tok is not of that form, 2 when it is but does not fit in size_t.
 */
static int parse_index(const char *tok, size_t *v)
{
    const char *p = tok;
    size_t x = 0;
    int over = 0;
    if (*p < '0' || *p > '9') return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned dig = (unsigned)(*p - '0');
        if (x > (SIZE_MAX - dig) / 10) over = 1;
        else x = 10 * x + dig;
    }
    if (*p == '.')
        for (p++; *p == '0'; p++) {}
    if (*p) return 0;
    *v = x;
    return over ? 2 : 1;
}

ua_status ua_read_indices(const char *path, size_t limit, size_t **idx, size_t *n)
{
    if (!idx || !n) return UA_ERR(UA_EINVAL, "ua_read_indices: NULL output");
    *idx = NULL;
    *n = 0;
    if (!path || !*path) return UA_ERR(UA_EINVAL, "ua_read_indices: path is NULL or empty");
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return UA_ERR(UA_EINVAL, "cannot open '%s': %s", path, strerror(e));
    }
    ua_lines L;
    ua_lines_init(&L, f, path);
    size_t *v = NULL, count = 0, cap = 0;
    ua_status s = UA_OK;
    while (!s && ua_lines_next(&L, &s) == 1) {
        if (ua_line_skippable(L.buf)) continue;
        char *p = L.buf;
        for (size_t col = 1; !s; col++) {
            while (space(*p)) p++;
            if (!*p) break;
            char *tok = p;
            while (*p && !space(*p)) p++;
            char save = *p;
            *p = '\0';
            size_t x;
            char shown[64];
            int r = parse_index(tok, &x);
            if (r == 0) {
                s = UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: '%s' is %s", path, L.lineno,
                           col, ua_data_clip(shown, sizeof shown, tok),
                           tok[0] == '-' ? "negative (indices are 0-based row or column "
                                           "numbers)" : "not a non-negative integer");
            } else if (r == 2 || x >= limit) {
                s = UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: index %s is out of range "
                                       "(must be < %zu)", path, L.lineno, col,
                           ua_data_clip(shown, sizeof shown, tok), limit);
            } else {
                if (count == cap) {
                    size_t ncap = cap ? 2 * cap : 1024;
                    size_t *nv = ncap <= SIZE_MAX / sizeof *nv ? realloc(v, ncap * sizeof *nv)
                                                               : NULL;
                    if (!nv) {
                        s = UA_ENOMEM_ERR(ncap * sizeof *nv);
                        break;
                    }
                    v = nv;
                    cap = ncap;
                }
                v[count++] = x;
            }
            *p = save;
        }
    }
    if (!s && count == 0) s = UA_ERR(UA_EFORMAT, "%s: no indices (the file is empty)", path);
    ua_lines_free(&L);
    fclose(f);
    if (s) {
        free(v);
        return s;
    }
    size_t *shrunk = realloc(v, count * sizeof *v);
    *idx = shrunk ? shrunk : v;
    *n = count;
    return UA_OK;
}
