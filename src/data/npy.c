/*
 * The NumPy .npy reader (uniapprox/data.h, docs/data.md). Format (numpy.lib.format, NEP 1):
 *
 *   6 bytes  magic "\x93NUMPY"
 *   2 bytes  version major, minor: 1.0 (u16 header length), 2.0 and 3.0 (u32; 3.0 = UTF-8 header)
 *   2|4      header length HLEN, little-endian
 *   HLEN     the header: a Python dict literal {'descr': '<f8', 'fortran_order': False,
 *            'shape': (n, d), } padded with spaces and ending in '\n'
 *   ...      the data, prod(shape) elements, C order
 *
 * The file is untrusted: the header is parsed strictly (exactly those three keys, each once),
 * every length is checked for overflow, the data must have exactly the size the shape says, and
 * memory grows only as data actually arrives, so a header claiming a huge shape costs nothing.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"

#define MAX_HEADER (1u << 20) /* numpy itself refuses headers over 10000 bytes by default */
#define MAX_DIMS 32           /* numpy's limit; only 1 and 2 are accepted in the end */
#define CHUNK 65536           /* bytes of raw data converted at a time; a multiple of 8 */

typedef struct {
    const char *s; /* the header text, hlen bytes */
    size_t n, i;
    const char *path;
} hparse;

/* "x.npy: header, column K: ..." with K the 1-based offset in the header text. */
#define HFAIL(P, ...) hfail((P), __FILE__, __LINE__, __VA_ARGS__)
static ua_status hfail(const hparse *p, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ua_status hfail(const hparse *p, const char *file, int line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ua_set_error(UA_EFORMAT, file, line, "%s: .npy header, column %zu: %s", p->path,
                        p->i + 1, msg);
}

static void skip_ws(hparse *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static int peek(const hparse *p) { return p->i < p->n ? (unsigned char)p->s[p->i] : -1; }

static ua_status expect(hparse *p, char c)
{
    skip_ws(p);
    if (peek(p) != (unsigned char)c) {
        int got = peek(p);
        return got < 0 ? HFAIL(p, "expected '%c', found the end of the header", c)
                       : HFAIL(p, "expected '%c', found '%c'", c, got);
    }
    p->i++;
    return UA_OK;
}

/* A quoted Python string without escapes, copied into buf (size bytes, NUL-terminated). */
static ua_status string_lit(hparse *p, char *buf, size_t size)
{
    skip_ws(p);
    int q = peek(p);
    if (q != '\'' && q != '"') return HFAIL(p, "expected a quoted string");
    size_t start = ++p->i, len = 0;
    while (p->i < p->n && p->s[p->i] != q) {
        if (p->s[p->i] == '\\') return HFAIL(p, "escapes are not allowed in header strings");
        p->i++;
    }
    if (p->i >= p->n) {
        p->i = start - 1;
        return HFAIL(p, "unterminated string");
    }
    len = p->i - start;
    p->i++;
    if (len >= size) {
        p->i = start;
        return HFAIL(p, "string too long");
    }
    memcpy(buf, p->s + start, len);
    buf[len] = '\0';
    return UA_OK;
}

/* A non-negative decimal integer (Python 2 writers may append 'L'), checked for overflow. */
static ua_status int_lit(hparse *p, size_t *v)
{
    skip_ws(p);
    size_t start = p->i, x = 0;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        unsigned dig = (unsigned)(p->s[p->i] - '0');
        if (x > (SIZE_MAX - dig) / 10) {
            p->i = start;
            return HFAIL(p, "shape entry too large");
        }
        x = 10 * x + dig;
        p->i++;
    }
    if (p->i == start) return HFAIL(p, "expected a non-negative integer in 'shape'");
    if (p->i < p->n && p->s[p->i] == 'L') p->i++;
    *v = x;
    return UA_OK;
}

/* A tuple of integers: "()", "(n,)", "(n, d)", "(n, d,)". "(n)" is an int in Python: refused. */
static ua_status shape_lit(hparse *p, size_t *dims, size_t *ndim)
{
    ua_status s = expect(p, '(');
    if (s) return s;
    size_t k = 0;
    int comma = 0;
    for (;;) {
        skip_ws(p);
        if (peek(p) == ')') break;
        if (k == MAX_DIMS) return HFAIL(p, "'shape' has more than %d entries", MAX_DIMS);
        if ((s = int_lit(p, &dims[k++]))) return s;
        skip_ws(p);
        comma = peek(p) == ',';
        if (comma) p->i++;
        else if (peek(p) != ')') return HFAIL(p, "expected ',' or ')' in 'shape'");
    }
    if (k == 1 && !comma) return HFAIL(p, "'shape' (n) is not a tuple (write (n,))");
    p->i++;
    *ndim = k;
    return UA_OK;
}

typedef struct {
    int big;       /* 1: '>' big-endian data */
    size_t esize;  /* 4 or 8 */
    size_t dims[MAX_DIMS], ndim;
} header;

static ua_status parse_header(hparse *p, header *h)
{
    enum { DESCR = 1, FORTRAN = 2, SHAPE = 4 };
    int seen = 0;
    ua_status s = expect(p, '{');
    if (s) return s;
    for (;;) {
        skip_ws(p);
        if (peek(p) == '}') break;
        char key[32], val[32];
        size_t at = p->i;
        if ((s = string_lit(p, key, sizeof key))) return s;
        int which = !strcmp(key, "descr") ? DESCR : !strcmp(key, "fortran_order") ? FORTRAN
                  : !strcmp(key, "shape") ? SHAPE : 0;
        if (!which) {
            p->i = at;
            return HFAIL(p, "unknown key '%s' (expected 'descr', 'fortran_order', 'shape')",
                         key);
        }
        if (seen & which) {
            p->i = at;
            return HFAIL(p, "key '%s' given twice", key);
        }
        seen |= which;
        if ((s = expect(p, ':'))) return s;
        skip_ws(p);
        at = p->i;
        if (which == DESCR) {
            if ((s = string_lit(p, val, sizeof val))) return s;
            if (!strcmp(val, "<f4") || !strcmp(val, "<f8") || !strcmp(val, ">f4") ||
                !strcmp(val, ">f8")) {
                h->big = val[0] == '>';
                h->esize = val[2] == '4' ? 4 : 8;
            } else {
                p->i = at;
                return HFAIL(p, "dtype '%s' is not supported (expected '<f4', '<f8', '>f4' or "
                                "'>f8': float32 or float64)", val);
            }
        } else if (which == FORTRAN) {
            if (p->n - p->i >= 5 && !memcmp(p->s + p->i, "False", 5)) {
                p->i += 5;
            } else if (p->n - p->i >= 4 && !memcmp(p->s + p->i, "True", 4)) {
                return HFAIL(p, "fortran_order True (column-major) is not supported; save a "
                                "C-order array (numpy.ascontiguousarray)");
            } else {
                return HFAIL(p, "'fortran_order' must be True or False");
            }
        } else if ((s = shape_lit(p, h->dims, &h->ndim))) {
            return s;
        }
        skip_ws(p);
        if (peek(p) == ',') p->i++;
        else if (peek(p) != '}') return HFAIL(p, "expected ',' or '}'");
    }
    p->i++;
    skip_ws(p);
    if (p->i != p->n) return HFAIL(p, "text after the closing '}'");
    if (seen != (DESCR | FORTRAN | SHAPE))
        return HFAIL(p, "missing key '%s'", !(seen & DESCR) ? "descr"
                                            : !(seen & FORTRAN) ? "fortran_order" : "shape");
    return UA_OK;
}

static int host_is_le(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Converts count raw elements to doubles in dst, checking each is finite; first is the
 * 0-based element number of raw[0] (for messages). */
static ua_status convert(const unsigned char *raw, size_t count, const header *h, int swap,
                         size_t first, size_t d, const char *path, double *dst)
{
    for (size_t k = 0; k < count; k++) {
        unsigned char b[8];
        const unsigned char *e = raw + k * h->esize;
        for (size_t t = 0; t < h->esize; t++) b[t] = swap ? e[h->esize - 1 - t] : e[t];
        double x;
        if (h->esize == 4) {
            float f;
            memcpy(&f, b, 4);
            x = f;
        } else {
            memcpy(&x, b, 8);
        }
        if (!isfinite(x)) {
            size_t at = first + k;
            return UA_ERR(UA_EFORMAT, "%s: row %zu, column %zu: non-finite value '%s'", path,
                          at / d + 1, at % d + 1, isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        }
        dst[k] = x;
    }
    return UA_OK;
}

/* Reads exactly count elements after the header into a fresh array, growing it as bytes arrive
 * (never trusting the shape for an allocation up front). */
static ua_status read_data(FILE *f, const char *path, const header *h, size_t count, size_t d,
                           double **out)
{
    unsigned char *raw = malloc(CHUNK);
    if (!raw) return UA_ENOMEM_ERR(CHUNK);
    double *v = NULL; /* (count,) once complete */
    size_t have = 0, cap = 0;
    int swap = h->big == host_is_le();
    size_t per = CHUNK / h->esize;
    ua_status s = UA_OK;
    while (have < count) {
        size_t want = count - have < per ? count - have : per;
        size_t bytes = fread(raw, 1, want * h->esize, f), got = bytes / h->esize;
        if (got < want && ferror(f)) {
            s = UA_ERR(UA_EIO, "%s: read error in the data", path);
            break;
        }
        if (cap - have < got) {
            /* Grow geometrically but never past count: memory follows the bytes read. */
            size_t ncap = cap ? cap : per;
            while (ncap - have < got) ncap = ncap > count / 2 ? count : 2 * ncap;
            if (ncap > count) ncap = count;
            double *nv = realloc(v, ncap * sizeof *v);
            if (!nv) {
                s = UA_ENOMEM_ERR(ncap * sizeof *v);
                break;
            }
            v = nv;
            cap = ncap;
        }
        if ((s = convert(raw, got, h, swap, have, d, path, v + have))) break;
        have += got;
        if (got < want) {
            s = UA_ERR(UA_EFORMAT, "%s: truncated: the shape needs %zu data bytes, the file has "
                                   "%zu", path, count * h->esize, have * h->esize + bytes % h->esize);
            break;
        }
    }
    free(raw);
    if (!s) {
        size_t extra = 0;
        unsigned char junk[512];
        size_t r;
        while ((r = fread(junk, 1, sizeof junk, f)) > 0) extra += r;
        if (extra)
            s = UA_ERR(UA_EFORMAT, "%s: %zu bytes after the data (the shape needs %zu data "
                                   "bytes)", path, extra, count * h->esize);
    }
    if (s) {
        free(v);
        return s;
    }
    *out = v;
    return UA_OK;
}

ua_status ua_data_read_npy(FILE *f, const char *path, ua_dataset **out)
{
    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, f);
    if (got == 0) return UA_ERR(UA_EFORMAT, "%s: no data rows (the file is empty)", path);
    if (memcmp(pre, "\x93NUMPY", got < 6 ? got : 6) != 0)
        return UA_ERR(UA_EFORMAT, "%s: not a .npy file (the magic \\x93NUMPY is missing)", path);
    if (got < 10)
        return UA_ERR(UA_EFORMAT, "%s: truncated .npy preamble (%zu of 10 bytes)", path, got);
    unsigned major = pre[6], minor = pre[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        return UA_ERR(UA_EFORMAT, "%s: .npy version %u.%u is not supported (1.0, 2.0, 3.0)",
                      path, major, minor);
    size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (major >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2)
            return UA_ERR(UA_EFORMAT, "%s: truncated .npy preamble (%zu of 12 bytes)", path,
                          (size_t)10);
        hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    if (hlen > MAX_HEADER)
        return UA_ERR(UA_EFORMAT, "%s: .npy header length %zu is over the %u-byte limit", path,
                      hlen, MAX_HEADER);
    char *text = malloc(hlen ? hlen : 1);
    if (!text) return UA_ENOMEM_ERR(hlen);
    got = fread(text, 1, hlen, f);
    ua_status s = UA_OK;
    if (got != hlen) {
        s = ferror(f) ? UA_ERR(UA_EIO, "%s: read error in the .npy header", path)
                      : UA_ERR(UA_EFORMAT, "%s: truncated .npy header (%zu of %zu bytes)", path,
                               got, hlen);
    } else if (memchr(text, '\0', hlen)) {
        s = UA_ERR(UA_EFORMAT, "%s: .npy header, column %zu: NUL byte", path,
                   (size_t)((char *)memchr(text, '\0', hlen) - text) + 1);
    }
    header h = {0};
    if (!s) {
        hparse p = {text, hlen, 0, path};
        s = parse_header(&p, &h);
    }
    free(text);
    if (s) return s;

    size_t n, d;
    if (h.ndim == 1) {
        n = h.dims[0];
        d = 1;
    } else if (h.ndim == 2) {
        n = h.dims[0];
        d = h.dims[1];
    } else {
        return UA_ERR(UA_EFORMAT, "%s: .npy shape has %zu dimensions; expected (n,) or (n, d)",
                      path, h.ndim);
    }
    if (n == 0) return UA_ERR(UA_EFORMAT, "%s: no data rows (shape has 0 rows)", path);
    if (d == 0) return UA_ERR(UA_EFORMAT, "%s: .npy shape (%zu, 0) has no columns", path, n);
    if (n > SIZE_MAX / sizeof(double) / d)
        return UA_ERR(UA_EFORMAT, "%s: .npy shape (%zu, %zu) is too large", path, n, d);
    double *x = NULL;
    if ((s = read_data(f, path, &h, n * d, d, &x))) return s;
    return ua_data_make(x, n, d, NULL, path, out);
}
