/*
 * Sequence data: an n-D .npy reader (int32/int64/float32/float64, C order; src/data's reader takes
 * 1-D / 2-D floats only), a .npy writer, and the validation of sequence inputs and targets against
 * a model's shapes. Files are untrusted: every length is checked, the data must have exactly the
 * size the shape says, and messages name the file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_HEADER 65536

/* Finds 'key' in the header dict and returns the text after its ':' (NULL if absent). */
static const char *hkey(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (!p) return NULL;
    p += strlen(pat);
    while (*p == ' ') p++;
    if (*p != ':') return NULL;
    p++;
    while (*p == ' ') p++;
    return p;
}

ua_status ua_seq_npy_read(const char *path, ua_seq_npy *a)
{
    memset(a, 0, sizeof *a);
    FILE *f = fopen(path, "rb");
    if (!f) return UA_ERR(UA_EINVAL, "%s: cannot open", path);
    unsigned char pre[12];
    ua_status s = UA_OK;
    char *hdr = NULL;
    unsigned char *raw = NULL;
    size_t hlen = 0;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) {
        s = UA_ERR(UA_EFORMAT, "%s: not a .npy file", path);
        goto done;
    }
    hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2) {
            s = UA_ERR(UA_EFORMAT, "%s: truncated .npy preamble", path);
            goto done;
        }
        hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    if (pre[6] < 1 || pre[6] > 3 || hlen > MAX_HEADER) {
        s = UA_ERR(UA_EFORMAT, "%s: unsupported .npy version %u or header length %zu", path, pre[6], hlen);
        goto done;
    }
    hdr = malloc(hlen + 1);
    if (!hdr) {
        s = UA_ENOMEM_ERR(hlen + 1);
        goto done;
    }
    if (fread(hdr, 1, hlen, f) != hlen) {
        s = UA_ERR(UA_EFORMAT, "%s: truncated .npy header", path);
        goto done;
    }
    hdr[hlen] = '\0';
    const char *d = hkey(hdr, "descr"), *fo = hkey(hdr, "fortran_order"), *sh = hkey(hdr, "shape");
    if (!d || !fo || !sh) {
        s = UA_ERR(UA_EFORMAT, "%s: .npy header lacks descr, fortran_order or shape", path);
        goto done;
    }
    if (strncmp(fo, "False", 5)) {
        s = UA_ERR(UA_EFORMAT, "%s: Fortran-order .npy is not supported (save C order)", path);
        goto done;
    }
    char kind = 0, order = 0;
    size_t esize = 0;
    if (strlen(d) >= 5 && (d[0] == '\'' || d[0] == '"') && (d[1] == '<' || d[1] == '>' || d[1] == '|')) {
        order = d[1];
        kind = d[2];
        esize = (size_t)(d[3] - '0');
        if (d[4] != d[0]) esize = 0;
    }
    if (!((kind == 'f' || kind == 'i') && (esize == 4 || esize == 8)) || order == '>') {
        s = UA_ERR(UA_EFORMAT, "%s: .npy dtype %.6s is not supported (little-endian int32, int64, "
                               "float32, float64)", path, d);
        goto done;
    }
    a->is_int = kind == 'i';
    if (*sh != '(') {
        s = UA_ERR(UA_EFORMAT, "%s: .npy shape is not a tuple", path);
        goto done;
    }
    sh++;
    size_t count = 1;
    for (;;) {
        while (*sh == ' ') sh++;
        if (*sh == ')') break;
        char *end;
        unsigned long long v = strtoull(sh, &end, 10);
        if (end == sh || a->ndim == 8 || v > (1ull << 40)) {
            s = UA_ERR(UA_EFORMAT, "%s: bad .npy shape", path);
            goto done;
        }
        a->shape[a->ndim++] = (size_t)v;
        if (v && count > ((size_t)1 << 40) / v) {
            s = UA_ERR(UA_EFORMAT, "%s: .npy shape too large", path);
            goto done;
        }
        count *= (size_t)v;
        sh = end;
        while (*sh == ' ') sh++;
        if (*sh == ',') sh++;
    }
    if (a->ndim == 0 || count == 0) {
        s = UA_ERR(UA_EFORMAT, "%s: .npy array is empty or a scalar", path);
        goto done;
    }
    raw = malloc(count * esize);
    a->v = malloc(count * sizeof *a->v);
    if (!raw || !a->v) {
        s = UA_ENOMEM_ERR(count * (esize + 8));
        goto done;
    }
    size_t got = fread(raw, esize, count, f);
    if (got != count || fgetc(f) != EOF) {
        s = UA_ERR(UA_EFORMAT, "%s: the data is not the %zu elements the shape says", path, count);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        const unsigned char *e = raw + i * esize;
        double x;
        if (kind == 'f' && esize == 4) { float v; memcpy(&v, e, 4); x = v; }
        else if (kind == 'f') memcpy(&x, e, 8);
        else if (esize == 4) { int32_t v; memcpy(&v, e, 4); x = v; }
        else { int64_t v; memcpy(&v, e, 8); x = (double)v; }
        if (!isfinite(x)) {
            s = UA_ERR(UA_EFORMAT, "%s: element %zu is not finite", path, i);
            goto done;
        }
        a->v[i] = x;
    }
done:
    fclose(f);
    free(hdr);
    free(raw);
    if (s) {
        free(a->v);
        a->v = NULL;
    }
    return s;
}

ua_status ua_seq_npy_write(const char *path, const int64_t *shape, size_t ndim,
                           const int32_t *ints, const float *floats)
{
    char h[256], dims[160] = "";
    size_t count = 1;
    for (size_t i = 0; i < ndim; i++) {
        char t[32];
        snprintf(t, sizeof t, "%lld,%s", (long long)shape[i], ndim > 1 && i + 1 < ndim ? " " : "");
        strncat(dims, t, sizeof dims - strlen(dims) - 1);
        count *= (size_t)shape[i];
    }
    if (ndim > 1) dims[strlen(dims) - 1] = '\0'; /* (a, b) not (a, b,) */
    int len = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                       ints ? "<i4" : "<f4", dims);
    size_t total = 10 + (size_t)len + 1, pad = (64 - total % 64) % 64;
    FILE *f = fopen(path, "wb");
    if (!f) return UA_ERR(UA_EIO, "%s: cannot write", path);
    unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0 };
    size_t hl = (size_t)len + pad + 1;
    pre[8] = (unsigned char)(hl & 0xff);
    pre[9] = (unsigned char)(hl >> 8);
    fwrite(pre, 1, 10, f);
    fwrite(h, 1, (size_t)len, f);
    for (size_t i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    fwrite(ints ? (const void *)ints : (const void *)floats, 4, count, f);
    if (fclose(f)) return UA_ERR(UA_EIO, "%s: write error", path);
    return UA_OK;
}

void ua_seq_data_free(ua_seq_data *d)
{
    if (!d) return;
    free(d->tok);
    free(d->x);
    free(d->cls);
    free(d->y);
    memset(d, 0, sizeof *d);
}

/* Integer-valued doubles to int32 (for tokens / classes). */
static ua_status to_ints(const char *path, const double *v, size_t count, int32_t **out)
{
    int32_t *t = malloc(count * sizeof *t);
    if (!t) return UA_ENOMEM_ERR(count * sizeof *t);
    for (size_t i = 0; i < count; i++) {
        if (v[i] != floor(v[i]) || v[i] < 0 || v[i] > 2147483647.0) {
            free(t);
            return UA_ERR(UA_EFORMAT, "%s: element %zu (%g) is not a non-negative integer token", path,
                          i, v[i]);
        }
        t[i] = (int32_t)v[i];
    }
    *out = t;
    return UA_OK;
}

static ua_status to_floats(const double *v, size_t count, float **out)
{
    float *t = malloc(count * sizeof *t);
    if (!t) return UA_ENOMEM_ERR(count * sizeof *t);
    for (size_t i = 0; i < count; i++) t[i] = (float)v[i];
    *out = t;
    return UA_OK;
}

ua_status ua_seq_data_read(const char *x_path, const char *y_path, ua_seq_data *out)
{
    memset(out, 0, sizeof *out);
    ua_seq_npy x, y = { 0 };
    ua_status s = ua_seq_npy_read(x_path, &x);
    if (s) return s;
    if (x.ndim != 2 && x.ndim != 3) {
        s = UA_ERR(UA_EFORMAT, "%s: inputs have %zu dimensions; expected (N, n) tokens or (N, n, d) "
                               "floats", x_path, x.ndim);
        goto done;
    }
    out->N = x.shape[0];
    out->n = x.shape[1];
    out->d = x.ndim == 3 ? x.shape[2] : 0;
    if (x.ndim == 2) s = to_ints(x_path, x.v, out->N * out->n, &out->tok);
    else s = to_floats(x.v, out->N * out->n * out->d, &out->x);
    if (s || !y_path) goto done;
    if ((s = ua_seq_npy_read(y_path, &y))) goto done;
    if ((y.ndim != 2 && y.ndim != 3) || y.shape[0] != out->N || y.shape[1] != out->n) {
        char sh[64] = "";
        for (size_t i = 0; i < y.ndim && i < 3; i++) {
            char t[24];
            snprintf(t, sizeof t, i ? ", %zu" : "%zu", y.shape[i]);
            strncat(sh, t, sizeof sh - strlen(sh) - 1);
        }
        s = UA_ERR(UA_EFORMAT, "%s: targets of shape (%s) do not match the inputs' (%zu, %zu); "
                               "expected (N, n) classes or (N, n, k) values", y_path, sh, out->N,
                   out->n);
        goto done;
    }
    out->k = y.ndim == 3 ? y.shape[2] : 0;
    if (y.ndim == 2) s = to_ints(y_path, y.v, out->N * out->n, &out->cls);
    else s = to_floats(y.v, out->N * out->n * out->k, &out->y);
done:
    free(x.v);
    free(y.v);
    if (s) ua_seq_data_free(out);
    return s;
}

ua_status ua_seq_data_check(const ua_seq_data *d, const ua_seq_options *o)
{
    if (!d || d->N == 0 || d->n == 0) return UA_ERR(UA_EINVAL, "no sequences");
    if (o->n && d->n > o->n)
        return UA_ERR(UA_EINVAL, "sequences of length %zu are longer than the model's %zu", d->n, o->n);
    if (o->vocab) {
        if (!d->tok) return UA_ERR(UA_EINVAL, "the model takes tokens (N, n); the inputs are real (N, n, d)");
        for (size_t i = 0; i < d->N * d->n; i++)
            if (d->tok[i] < 0 || (size_t)d->tok[i] >= o->vocab)
                return UA_ERR(UA_EINVAL, "sequence %zu, position %zu: token %d is outside the "
                                         "vocabulary 0..%zu", i / d->n, i % d->n, (int)d->tok[i],
                              o->vocab - 1);
    } else if (o->din) {
        if (!d->x || d->d != o->din)
            return UA_ERR(UA_EINVAL, "the model takes real inputs (N, n, %zu); got %s", o->din,
                          d->x ? "another feature count" : "tokens");
        for (size_t i = 0; i < d->N * d->n * d->d; i++)
            if (!isfinite(d->x[i])) return UA_ERR(UA_EINVAL, "input %zu is not finite", i);
    }
    if (o->classify) {
        if (d->k || !d->cls) {
            if (d->y) return UA_ERR(UA_EINVAL, "a classifier needs (N, n) class targets; got real (N, n, k)");
            return UA_OK; /* inputs only */
        }
        for (size_t i = 0; i < d->N * d->n; i++)
            if (d->cls[i] < 0 || (o->nout && (size_t)d->cls[i] >= o->nout))
                return UA_ERR(UA_EINVAL, "sequence %zu, position %zu: class %d is outside 0..%zu",
                              i / d->n, i % d->n, (int)d->cls[i], o->nout - 1);
    } else if (d->y) {
        if (o->nout && d->k != o->nout)
            return UA_ERR(UA_EINVAL, "targets have %zu values per position; the model has %zu", d->k, o->nout);
        for (size_t i = 0; i < d->N * d->n * d->k; i++)
            if (!isfinite(d->y[i])) return UA_ERR(UA_EINVAL, "target %zu is not finite", i);
    } else if (d->cls) {
        return UA_ERR(UA_EINVAL, "a regression model needs (N, n, k) real targets; got classes");
    }
    return UA_OK;
}
