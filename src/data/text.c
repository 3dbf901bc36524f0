/* The whitespace text reader: rows of numbers separated by blanks or tabs, no header, columns
 * named "0", "1", ... — the layout of the UCI data.txt files (uniapprox/data.h, docs/data.md). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* Blanks are the C locale's isspace: ' ', \t, \r, \v, \f (\n ends the line). */
static int space(char c) { return isspace((unsigned char)c); }

/* Splits line in place at runs of blanks into fs (no empty fields). Errors: UA_ENOMEM. */
static ua_status split(char *p, ua_fields *fs)
{
    fs->n = 0;
    for (;;) {
        while (space(*p)) p++;
        if (!*p) return UA_OK;
        ua_status s = ua_fields_push(fs, p);
        if (s) return s;
        while (*p && !space(*p)) p++;
        if (!*p) return UA_OK;
        *p++ = '\0';
    }
}

ua_status ua_data_read_text(FILE *f, const char *path, ua_dataset **out)
{
    ua_lines L;
    ua_fields fs = {0};
    ua_dvec v = {0};
    size_t d = 0, n = 0, first = 0; /* first: the line that fixed d */
    ua_status s = UA_OK;
    ua_lines_init(&L, f, path);
    while (ua_lines_next(&L, &s) == 1) {
        if (ua_line_skippable(L.buf)) continue;
        if ((s = split(L.buf, &fs))) break;
        if (n == 0) {
            d = fs.n;
            first = L.lineno;
        } else if (fs.n != d) {
            s = UA_ERR(UA_EFORMAT, "%s: line %zu has %zu columns, expected %zu as on line %zu "
                                   "(column %zu %s)", path, L.lineno, fs.n, d, first,
                       fs.n < d ? fs.n + 1 : d + 1, fs.n < d ? "is missing" : "is extra");
            break;
        }
        if ((s = ua_dvec_reserve(&v, d))) break;
        double *row = v.v + v.n; /* (d,) */
        for (size_t j = 0; j < d && !s; j++)
            s = ua_data_parse_cell(fs.f[j], path, L.lineno, j + 1, &row[j]);
        if (s) break;
        v.n += d;
        n++;
    }
    if (!s && n == 0)
        s = UA_ERR(UA_EFORMAT, "%s: no data rows (the file is empty or only blank/comment "
                               "lines)", path);
    ua_lines_free(&L);
    free(fs.f);
    if (s) {
        free(v.v);
        return s;
    }
    double *x = realloc(v.v, n * d * sizeof *x); /* give back the growth slack */
    return ua_data_make(x ? x : v.v, n, d, NULL, path, out);
}
