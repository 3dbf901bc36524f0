/*
 * The NumPy .npy reader and writer (uniapprox/data.h, docs/data.md): ua_npy_read (any rank,
 * float32/float64/int32/int64), the .npy path of ua_dataset_read (1-D / 2-D floats) and
 * ua_npy_write. Format (numpy.lib.format, NEP 1):
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
#define _XOPEN_SOURCE 700 /* realpath, mkstemp, fdopen */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "internal.h"

#define MAX_HEADER (1u << 20) /* numpy itself refuses headers over 10000 bytes by default */
#define MAX_DIMS UA_NPY_MAX_DIMS
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

static int host_is_le(void);

static ua_status parse_header(hparse *p, int floats_only, ua_npy_header *h)
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
            /* byte order '<', '>' or '|' (not applicable: one byte), kind f/i/u, size in bytes */
            char kind = val[1], size = val[2];
            int ok = (val[0] == '<' || val[0] == '>' || val[0] == '=' ||
                      (val[0] == '|' && size == '1')) &&
                     val[3] == '\0' &&
                     ((kind == 'f' && (size == '4' || size == '8')) ||
                      ((kind == 'i' || kind == 'u') &&
                       (size == '1' || size == '2' || size == '4' || size == '8'))) &&
                     !(floats_only && kind != 'f');
            if (ok) {
                static const ua_npy_dtype ints[2][4] = {
                    { UA_NPY_I1, UA_NPY_I2, UA_NPY_I4, UA_NPY_I8 },
                    { UA_NPY_U1, UA_NPY_U2, UA_NPY_U4, UA_NPY_U8 } };
                h->big = val[0] == '>' || (val[0] == '=' && !host_is_le()); /* '=': native */
                h->esize = (size_t)(size - '0');
                int w = size == '1' ? 0 : size == '2' ? 1 : size == '4' ? 2 : 3;
                h->dtype = kind == 'f' ? (h->esize == 4 ? UA_NPY_F4 : UA_NPY_F8)
                                       : ints[kind == 'u'][w];
            } else if (floats_only) {
                p->i = at;
                return HFAIL(p, "dtype '%s' is not supported (expected '<f4', '<f8', '>f4' or "
                                "'>f8': float32 or float64)", val);
            } else {
                p->i = at;
                return HFAIL(p, "dtype '%s' is not supported (expected float32 or float64, "
                                "'<f4' '<f8', or an integer of 1, 2, 4 or 8 bytes, '<i4' '<u2' "
                                "'|u1' ..., either byte order)", val);
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
        } else if ((s = shape_lit(p, h->shape, &h->ndim))) {
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

/* Writes "(a, b, c)" into buf for messages. */
static const char *shape_text(char *buf, size_t size, const size_t *shape, size_t ndim)
{
    size_t at = (size_t)snprintf(buf, size, "(");
    for (size_t k = 0; k < ndim && at < size; k++)
        at += (size_t)snprintf(buf + at, size - at, k ? ", %zu" : ndim == 1 ? "%zu," : "%zu",
                               shape[k]);
    if (at < size) snprintf(buf + at, size - at, ")");
    return buf;
}

/* "row R, column C" (1-D / 2-D; 1-based, as the CSV readers name lines) or "element [i, j, k]"
 * (0-based, as numpy indexes a[i, j, k]) for element number at. */
static const char *where(char *buf, size_t size, const ua_npy_header *h, size_t at)
{
    if (h->ndim == 0) {
        snprintf(buf, size, "the scalar");
    } else if (h->ndim <= 2) {
        size_t d = h->ndim == 2 ? h->shape[1] : 1;
        snprintf(buf, size, "row %zu, column %zu", at / d + 1, at % d + 1);
    } else {
        size_t idx[MAX_DIMS], len = (size_t)snprintf(buf, size, "element [");
        for (size_t k = h->ndim; k-- > 0;) {
            idx[k] = at % h->shape[k];
            at /= h->shape[k];
        }
        for (size_t k = 0; k < h->ndim && len < size; k++)
            len += (size_t)snprintf(buf + len, size - len, k ? ", %zu" : "%zu", idx[k]);
        if (len < size) snprintf(buf + len, size - len, "]");
    }
    return buf;
}

/* Converts count raw elements to doubles in dst: floats must be finite, integers within +-2^53
 * (exact in a double); first is the 0-based element number of raw[0] (for messages). */
static ua_status convert(const unsigned char *raw, size_t count, const ua_npy_header *h,
                         int swap, size_t first, const char *path, double *dst)
{
    for (size_t k = 0; k < count; k++) {
        unsigned char b[8];
        const unsigned char *e = raw + k * h->esize;
        for (size_t t = 0; t < h->esize; t++) b[t] = swap ? e[h->esize - 1 - t] : e[t];
        double x;
        char pos[400];
        if (h->dtype == UA_NPY_F4) {
            float f;
            memcpy(&f, b, 4);
            x = f;
        } else if (h->dtype == UA_NPY_F8) {
            memcpy(&x, b, 8);
        } else if (h->dtype == UA_NPY_I4) {
            int32_t i;
            memcpy(&i, b, 4);
            x = i;
        } else if (h->dtype == UA_NPY_I1) {
            int8_t i;
            memcpy(&i, b, 1);
            x = i;
        } else if (h->dtype == UA_NPY_I2) {
            int16_t i;
            memcpy(&i, b, 2);
            x = i;
        } else if (h->dtype == UA_NPY_U1) {
            x = b[0];
        } else if (h->dtype == UA_NPY_U2) {
            uint16_t i;
            memcpy(&i, b, 2);
            x = i;
        } else if (h->dtype == UA_NPY_U4) {
            uint32_t i;
            memcpy(&i, b, 4);
            x = i;
        } else if (h->dtype == UA_NPY_U8) {
            uint64_t i;
            memcpy(&i, b, 8);
            if (i > ((uint64_t)1 << 53))
                return UA_ERR(UA_EFORMAT, "%s: %s: uint64 value %llu is beyond 2^53 (not exact "
                                          "as a double)", path,
                              where(pos, sizeof pos, h, first + k), (unsigned long long)i);
            x = (double)i;
        } else {
            int64_t i;
            memcpy(&i, b, 8);
            if (i > ((int64_t)1 << 53) || i < -((int64_t)1 << 53))
                return UA_ERR(UA_EFORMAT, "%s: %s: int64 value %lld is beyond +-2^53 (not exact "
                                          "as a double)", path,
                              where(pos, sizeof pos, h, first + k), (long long)i);
            x = (double)i;
        }
        if (!isfinite(x))
            return UA_ERR(UA_EFORMAT, "%s: %s: non-finite value '%s'", path,
                          where(pos, sizeof pos, h, first + k),
                          isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        dst[k] = x;
    }
    return UA_OK;
}

ua_status ua_npy_read_values(FILE *f, const char *path, const ua_npy_header *h, double **out)
{
    *out = NULL;
    size_t count = h->count;
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
        /* got == 0 (no data where the shape wants some) leaves v NULL: no v + have then */
        if (got && (s = convert(raw, got, h, swap, have, path, v + have))) break;
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
        if (ferror(f))
            s = UA_ERR(UA_EIO, "%s: read error after the data", path);
        else if (extra)
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

ua_status ua_npy_read_header(FILE *f, const char *path, int floats_only, ua_npy_header *h)
{
    memset(h, 0, sizeof *h);
    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, f);
    if (got == 0 && ferror(f)) return UA_ERR(UA_EIO, "%s: read error in the .npy preamble", path);
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
    if (!s) {
        hparse p = {text, hlen, 0, path};
        s = parse_header(&p, floats_only, h);
    }
    free(text);
    if (s) return s;
    /* prod(shape) must fit in memory as doubles; a zero entry makes the array empty, but the
     * other entries are still bounded so that a hostile shape is refused the same way. */
    size_t count = 1, bound = 1;
    for (size_t k = 0; k < h->ndim; k++) {
        size_t e = h->shape[k] ? h->shape[k] : 1;
        if (bound > SIZE_MAX / sizeof(double) / e) {
            char buf[200];
            return UA_ERR(UA_EFORMAT, "%s: .npy shape %s is too large", path,
                          shape_text(buf, sizeof buf, h->shape, h->ndim));
        }
        bound *= e;
        count *= h->shape[k];
    }
    h->count = count;
    return UA_OK;
}

ua_status ua_npy_read(const char *path, ua_npy **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_npy_read: out is NULL");
    *out = NULL;
    if (!path || !*path) return UA_ERR(UA_EINVAL, "ua_npy_read: path is NULL or empty");
    FILE *f;
    ua_status s = ua_data_open(path, &f);
    if (s) return s;
    ua_npy_header h;
    double *v = NULL;
    s = ua_npy_read_header(f, path, 0, &h);
    if (!s) s = ua_npy_read_values(f, path, &h, &v);
    fclose(f); /* read-only: nothing to flush */
    if (s) return s;
    ua_npy *a = calloc(1, sizeof *a);
    if (!a) {
        free(v);
        return UA_ENOMEM_ERR(sizeof *a);
    }
    a->dtype = h.dtype;
    a->big_endian = h.big;
    a->ndim = h.ndim;
    memcpy(a->shape, h.shape, h.ndim * sizeof *h.shape);
    a->count = h.count;
    a->v = v;
    *out = a;
    return UA_OK;
}

void ua_npy_free(ua_npy *a)
{
    if (!a) return;
    free(a->v);
    free(a);
}

ua_status ua_data_read_npy(FILE *f, const char *path, ua_dataset **out)
{
    ua_npy_header h;
    ua_status s = ua_npy_read_header(f, path, 1, &h);
    if (s) return s;
    size_t n, d;
    if (h.ndim == 1) {
        n = h.shape[0];
        d = 1;
    } else if (h.ndim == 2) {
        n = h.shape[0];
        d = h.shape[1];
    } else {
        return UA_ERR(UA_EFORMAT, "%s: .npy shape has %zu dimensions; expected (n,) or (n, d)",
                      path, h.ndim);
    }
    if (n == 0) return UA_ERR(UA_EFORMAT, "%s: no data rows (shape has 0 rows)", path);
    if (d == 0) return UA_ERR(UA_EFORMAT, "%s: .npy shape (%zu, 0) has no columns", path, n);
    double *x = NULL;
    if ((s = ua_npy_read_values(f, path, &h, &x))) return s;
    return ua_data_make(x, n, d, NULL, path, out);
}

/* ---- writer ------------------------------------------------------------------------------- */

ua_status ua_npy_write(const char *path, ua_npy_dtype dtype, const size_t *shape, size_t ndim,
                       const void *data)
{
    if (!path || !*path || (ndim && !shape))
        return UA_ERR(UA_EINVAL, "ua_npy_write: path or shape is NULL");
    if (dtype < UA_NPY_F4 || dtype > UA_NPY_I8)
        return UA_ERR(UA_EINVAL, "ua_npy_write: unknown dtype %d", (int)dtype);
    if (ndim > MAX_DIMS)
        return UA_ERR(UA_EINVAL, "ua_npy_write: %zu dimensions (at most %d)", ndim, MAX_DIMS);
    size_t esize = dtype == UA_NPY_F4 || dtype == UA_NPY_I4 ? 4 : 8, count = 1;
    for (size_t k = 0; k < ndim; k++) {
        if (shape[k] && count > SIZE_MAX / esize / shape[k])
            return UA_ERR(UA_EINVAL, "ua_npy_write: the shape is too large");
        count *= shape[k];
    }
    if (count && !data) return UA_ERR(UA_EINVAL, "ua_npy_write: data is NULL");
    char dims[MAX_DIMS * 24 + 8], h[MAX_DIMS * 24 + 128];
    shape_text(dims, sizeof dims, shape, ndim);
    static const char *const names[] = {"", "f4", "f8", "i4", "i8"};
    int len = snprintf(h, sizeof h, "{'descr': '%c%s', 'fortran_order': False, 'shape': %s, }",
                       host_is_le() ? '<' : '>', names[dtype], dims);
    size_t pad = (64 - (10 + (size_t)len + 1) % 64) % 64, hl = (size_t)len + pad + 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    pre[8] = (unsigned char)(hl & 0xff);
    pre[9] = (unsigned char)(hl >> 8);
    /* A regular file (or a new one) is written to a temporary file in the same folder and renamed
     * over path, so that a failed write leaves what was there; a device or FIFO is written in
     * place. A symbolic link is followed (realpath), so the link stays a link. */
    char tmp[4200] = "", *real = realpath(path, NULL);
    const char *target = real ? real : path;
    struct stat st;
    int direct = stat(target, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
    FILE *f = NULL;
    if (direct) {
        f = fopen(target, "wb");
    } else {
        const char *slash = strrchr(target, '/');
        int n = slash ? (int)(slash - target) : 0;
        if (snprintf(tmp, sizeof tmp, "%.*s%s.%s.tmp.XXXXXX", n, target, slash ? "/" : "",
                     slash ? slash + 1 : target) < (int)sizeof tmp) {
            int fd = mkstemp(tmp);
            /* mkstemp makes the file 0600: the mode of the file it replaces, or the 0644 of a new
             * data file, as the other outputs (src/model/atomic.c) */
            struct stat old;
            if (fd >= 0) (void)fchmod(fd, stat(target, &old) == 0 ? (old.st_mode & 07777) : 0644);
            if (fd >= 0 && !(f = fdopen(fd, "wb"))) close(fd);
        } else {
            errno = ENAMETOOLONG;
        }
    }
    if (!f) {
        int e = errno;
        if (tmp[0]) unlink(tmp);
        free(real);
        return UA_ERR(UA_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    int bad = fwrite(pre, 1, 10, f) != 10 || fwrite(h, 1, (size_t)len, f) != (size_t)len;
    for (size_t i = 0; i < pad && !bad; i++) bad = fputc(' ', f) == EOF;
    if (!bad) bad = fputc('\n', f) == EOF;
    if (!bad && count) bad = fwrite(data, esize, count, f) != count;
    if (!bad) bad = fflush(f) != 0;
    int e = errno;
    if (fclose(f) || bad) {
        if (tmp[0]) unlink(tmp);
        free(real);
        return UA_ERR(UA_EIO, "%s: write error: %s", path, strerror(e ? e : EIO));
    }
    if (tmp[0] && rename(tmp, target) != 0) {
        e = errno;
        unlink(tmp);
        free(real);
        return UA_ERR(UA_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    free(real);
    return UA_OK;
}
