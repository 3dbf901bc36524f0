/* Shared reader helpers (src/data/internal.h): the line reader, the cell parser, the growing
 * array of doubles. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/internal.h"
#include "internal.h"

ua_status ua_dvec_reserve(ua_dvec *a, size_t extra)
{
    if (extra <= a->cap - a->n) return UA_OK;
    if (extra > SIZE_MAX / sizeof(double) - a->n)
        return UA_ERR(UA_ENOMEM, "table too large (%zu + %zu values)", a->n, extra);
    size_t need = a->n + extra;
    size_t cap = a->cap ? a->cap : 1024;
    while (cap < need) cap = cap > SIZE_MAX / sizeof(double) / 2 ? need : 2 * cap;
    double *v = realloc(a->v, cap * sizeof(double));
    if (!v) return UA_ENOMEM_ERR(cap * sizeof(double));
    a->v = v;
    a->cap = cap;
    return UA_OK;
}

ua_status ua_fields_push(ua_fields *fs, char *s)
{
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 64;
        if (cap > SIZE_MAX / sizeof *fs->f) return UA_ENOMEM_ERR(SIZE_MAX);
        char **f = realloc(fs->f, cap * sizeof *f);
        if (!f) return UA_ENOMEM_ERR(cap * sizeof *f);
        fs->f = f;
        fs->cap = cap;
    }
    fs->f[fs->n++] = s;
    return UA_OK;
}

void ua_lines_init(ua_lines *r, FILE *f, const char *path)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->path = path;
}

void ua_lines_free(ua_lines *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
}

int ua_lines_next(ua_lines *r, ua_status *st)
{
    errno = 0;
    ssize_t got = getline(&r->buf, &r->cap, r->f);
    if (got < 0) {
        if (ferror(r->f)) {
            int e = errno;
            *st = e == ENOMEM ? UA_ENOMEM_ERR(r->cap)
                              : UA_ERR(UA_EIO, "%s: read error after line %zu: %s", r->path,
                                       r->lineno, strerror(e ? e : EIO));
            return -1;
        }
        return 0;
    }
    r->lineno++;
    size_t n = (size_t)got;
    if (strlen(r->buf) != n) {
        *st = UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: NUL byte (not a text file?)",
                     r->path, r->lineno, strlen(r->buf) + 1);
        return -1;
    }
    if (n && r->buf[n - 1] == '\n') r->buf[--n] = '\0';
    if (n && r->buf[n - 1] == '\r') r->buf[--n] = '\0';
    if (r->lineno == 1 && n >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(r->buf, r->buf + 3, n - 2); /* a UTF-8 byte-order mark (spreadsheet exports) */
        n -= 3;
    }
    r->len = n;
    return 1;
}

int ua_line_skippable(const char *s)
{
    /* every isspace character (\f and \v too): a line the splitters would find no field in is
     * blank, never a row of zero columns */
    while (isspace((unsigned char)*s)) s++;
    return *s == '\0' || *s == '#';
}

const char *ua_data_clip(char *buf, size_t size, const char *s)
{
    size_t n = strlen(s);
    if (n < size) {
        memcpy(buf, s, n + 1);
    } else {
        memcpy(buf, s, size - 4);
        memcpy(buf + size - 4, "...", 4);
    }
    return buf;
}

/* "inf", "infinity", "nan", "nan(...)" in any case, after an optional sign: what strtod accepts
 * as a non-finite literal. */
static int nonfinite_literal(const char *s)
{
    if (*s == '+' || *s == '-') s++;
    return (s[0] == 'i' || s[0] == 'I' || s[0] == 'n' || s[0] == 'N');
}

ua_status ua_data_parse_cell(const char *s, const char *path, size_t line, size_t col,
                             double *v)
{
    char shown[64];
    if (!*s) return UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: empty cell", path, line, col);
    errno = 0;
    char *end;
    double x = strtod(s, &end);
    int range = errno == ERANGE;
    if (end == s)
        return UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: '%s' is not a number", path, line,
                      col, ua_data_clip(shown, sizeof shown, s));
    if (*end) {
        char junk[24];
        return UA_ERR(UA_EFORMAT,
                      "%s: line %zu, column %zu: '%s' is not a number (junk '%s' after it)",
                      path, line, col, ua_data_clip(shown, sizeof shown, s),
                      ua_data_clip(junk, sizeof junk, end));
    }
    if (!isfinite(x)) {
        if (nonfinite_literal(s) || !range)
            return UA_ERR(UA_EFORMAT, "%s: line %zu, column %zu: non-finite value '%s'", path,
                          line, col, ua_data_clip(shown, sizeof shown, s));
        return UA_ERR(UA_EFORMAT,
                      "%s: line %zu, column %zu: '%s' is out of the double range", path, line,
                      col, ua_data_clip(shown, sizeof shown, s));
    }
    /* ERANGE with a finite result is underflow: strtod returned the nearest subnormal or zero,
     * which is the right value to keep. */
    *v = x;
    return UA_OK;
}
