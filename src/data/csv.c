/* The CSV reader: a header row of column names, then rows of numbers (uniapprox/data.h,
 * docs/data.md). Fields are split at commas; blanks around a field are dropped; a field may be
 * quoted ("a b", with "" for a quote), which matters for names; there are no multi-line fields. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

/* Blanks around a field: the C locale's isspace (' ', \t, \r, \v, \f). */
static int blank(char c) { return isspace((unsigned char)c); }

/*
 * Splits line (modified in place: fields are NUL-terminated, quotes removed) into fs.
 * Errors: UA_EFORMAT (an unterminated quote, text after a closing quote), UA_ENOMEM.
 */
static ua_status split(char *line, const char *path, size_t lineno, ua_fields *fs)
{
    fs->n = 0;
    char *p = line;
    for (;;) {
        size_t col = fs->n + 1;
        while (blank(*p)) p++;
        char *start = p, *end;
        if (*p == '"') {
            char *w = start;
            p++;
            for (;;) {
                if (*p == '\0')
                    return UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: unterminated quote",
                                  path, lineno, col);
                if (*p == '"') {
                    if (p[1] != '"') break;
                    p++; /* "" is one quote */
                }
                *w++ = *p++;
            }
            end = w;
            p++; /* the closing quote */
            while (blank(*p)) p++;
            if (*p != ',' && *p != '\0')
                return UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: text after the closing "
                                          "quote", path, lineno, col);
        } else {
            while (*p != ',' && *p != '\0') p++;
            end = p;
            while (end > start && blank(end[-1])) end--;
        }
        char sep = *p;
        *end = '\0';
        ua_status s = ua_fields_push(fs, start);
        if (s) return s;
        if (sep == '\0') return UA_OK;
        p++; /* past the comma (kept in sep: *end may have been the comma) */
    }
}

/* Reads the header: the first line that is not blank or a comment. */
static ua_status read_header(ua_lines *L, ua_fields *fs, char ***names_out, size_t *d_out)
{
    ua_status s = UA_OK;
    int got;
    while ((got = ua_lines_next(L, &s)) == 1 && ua_line_skippable(L->buf)) {}
    if (got < 0) return s;
    if (got == 0) return UA_ERR(UA_EFORMAT, "%s: no data rows (the file is empty)", L->path);
    if ((s = split(L->buf, L->path, L->lineno, fs))) return s;
    size_t d = fs->n;
    for (size_t j = 0; j < d; j++)
        if (!*fs->f[j])
            return UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: empty column name in the "
                                      "header", L->path, L->lineno, j + 1);
    size_t a, b;
    int dup = ua_data_find_dup((const char *const *)fs->f, d, &a, &b);
    if (dup < 0) return UA_ENOMEM_ERR(d * 2 * sizeof(void *));
    if (dup) {
        char shown[64];
        return UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: duplicate column name '%s' (also "
                                  "column %zu)", L->path, L->lineno, b + 1,
                      ua_data_clip(shown, sizeof shown, fs->f[a]), a + 1);
    }
    char **names = ua_calloc(d, sizeof *names);
    if (!names) return UA_ENOMEM_ERR(d * sizeof *names);
    for (size_t j = 0; j < d; j++)
        if (!(names[j] = ua_strdup(fs->f[j]))) {
            ua_data_free_names(names, d);
            return UA_ENOMEM_ERR(strlen(fs->f[j]) + 1);
        }
    *names_out = names;
    *d_out = d;
    return UA_OK;
}

ua_status ua_data_read_csv(FILE *f, const char *path, ua_dataset **out)
{
    ua_lines L;
    ua_fields fs = {0};
    ua_dvec v = {0};
    char **names = NULL;
    size_t d = 0, n = 0;
    ua_lines_init(&L, f, path);
    ua_status s = read_header(&L, &fs, &names, &d);
    int got;
    while (!s && (got = ua_lines_next(&L, &s)) == 1) {
        if (ua_line_skippable(L.buf)) continue;
        if ((s = split(L.buf, path, L.lineno, &fs))) break;
        if (fs.n != d) {
            s = UA_ERR(UA_EFORMAT, "%s: line %zu has %zu columns, expected %zu (column %zu %s)",
                       path, L.lineno, fs.n, d, fs.n < d ? fs.n + 1 : d + 1,
                       fs.n < d ? "is missing" : "is extra");
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
    if (!s && n == 0) s = UA_ERR(UA_EFORMAT, "%s: no data rows (only a header)", path);
    ua_lines_free(&L);
    free(fs.f);
    if (s) {
        free(v.v);
        ua_data_free_names(names, d);
        return s;
    }
    double *x = realloc(v.v, n * d * sizeof *x); /* give back the growth slack */
    return ua_data_make(x ? x : v.v, n, d, names, path, out);
}

/* The CSV pieces the block reader (blocks.c) shares, so that both read CSV by the same rules. */
ua_status ua_data_csv_split(char *line, const char *path, size_t lineno, ua_fields *fs)
{
    return split(line, path, lineno, fs);
}

ua_status ua_data_csv_header(ua_lines *L, ua_fields *fs, char ***names, size_t *d)
{
    return read_header(L, fs, names, d);
}
