/*
 * The out-of-core block reader (uniapprox/blocks.h, docs/data.md "Out-of-core data"): a .npy
 * table memory-mapped, or a CSV table indexed by the byte offset of each block's first line, with
 * per-column statistics from one streaming pass (Welford 1962) and seeded shuffles.
 *
 * Memory: the .npy mapping is released page range by page range (MADV_DONTNEED) as soon as a
 * block has been converted, so the resident set holds about one block of the file, not the file;
 * the CSV reader holds one line and the index (two size_t per block).
 */
#define _GNU_SOURCE /* madvise, fseeko, ftello */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uniapprox/blocks.h"
#include "core/internal.h"
#include "internal.h"

struct ua_blocks {
    char *path;
    ua_format format;
    size_t n, d, B, nblocks;
    /* statistics, each (d,) */
    double *mean, *m2, *min, *max;
    /* .npy */
    const unsigned char *map; /* the whole file, mapped read-only */
    size_t map_len, data_off, esize;
    int is_f4, swap;
    long page;
    char namebuf[32];
    /* CSV */
    FILE *f;
    char **names;      /* (d,) */
    off_t *offset;     /* (nblocks,) byte offset of each block's first data line */
    size_t *lineno;    /* (nblocks,) line number before that line (for messages) */
    ua_lines lines;
    ua_fields fields;
};

static int host_is_le(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Welford's update of the column statistics with one row x (d,), the row's number i (0-based). */
static void stats_push(ua_blocks *b, const double *x, size_t i)
{
    double cnt = (double)(i + 1);
    for (size_t j = 0; j < b->d; j++) {
        double delta = x[j] - b->mean[j];
        b->mean[j] += delta / cnt;
        b->m2[j] += delta * (x[j] - b->mean[j]);
        if (i == 0 || x[j] < b->min[j]) b->min[j] = x[j];
        if (i == 0 || x[j] > b->max[j]) b->max[j] = x[j];
    }
}

/* ---- .npy ------------------------------------------------------------------------------------ */

/* Row r (0-based, global) of the mapped data into out (d,); UA_EFORMAT for NaN/Inf. */
static ua_status npy_row(const ua_blocks *b, size_t r, double *out)
{
    const unsigned char *p = b->map + b->data_off + r * b->d * b->esize;
    for (size_t j = 0; j < b->d; j++, p += b->esize) {
        unsigned char e[8];
        for (size_t t = 0; t < b->esize; t++) e[t] = b->swap ? p[b->esize - 1 - t] : p[t];
        double x;
        if (b->is_f4) {
            float f;
            memcpy(&f, e, 4);
            x = f;
        } else {
            memcpy(&x, e, 8);
        }
        if (!isfinite(x))
            return UA_ERR(UA_EFORMAT, "%s: row %zu, column %zu: non-finite value '%s'", b->path,
                          r + 1, j + 1, isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        out[j] = x;
    }
    return UA_OK;
}

/* Releases the pages of rows [r0, r1) (whole pages only inside the mapping; a page shared with
 * a neighbouring block is released too and simply read again if needed). */
static void npy_release(const ua_blocks *b, size_t r0, size_t r1)
{
    uintptr_t lo = (uintptr_t)(b->map + b->data_off + r0 * b->d * b->esize);
    uintptr_t hi = (uintptr_t)(b->map + b->data_off + r1 * b->d * b->esize);
    uintptr_t page = (uintptr_t)b->page;
    lo &= ~(page - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static ua_status npy_open(ua_blocks *b)
{
    FILE *f;
    ua_status s = ua_data_open(b->path, &f);
    if (s) return s;
    ua_npy_header h;
    s = ua_npy_read_header(f, b->path, 1, &h);
    off_t off = s ? 0 : ftello(f);
    struct stat st;
    int fd = fileno(f);
    if (!s && (off < 0 || fstat(fd, &st) != 0))
        s = UA_ERR(UA_EIO, "%s: cannot find the data's position: %s", b->path, strerror(errno));
    if (!s && !S_ISREG(st.st_mode))
        s = UA_ERR(UA_EINVAL, "%s: out-of-core reading needs a regular file (it is mapped)",
                   b->path);
    if (!s) {
        if (h.ndim == 1 || h.ndim == 2) {
            b->n = h.shape[0];
            b->d = h.ndim == 2 ? h.shape[1] : 1;
        } else {
            s = UA_ERR(UA_EFORMAT, "%s: .npy shape has %zu dimensions; expected (n,) or (n, d)",
                       b->path, h.ndim);
        }
    }
    if (!s && b->n == 0) s = UA_ERR(UA_EFORMAT, "%s: no data rows (shape has 0 rows)", b->path);
    if (!s && b->d == 0)
        s = UA_ERR(UA_EFORMAT, "%s: .npy shape (%zu, 0) has no columns", b->path, b->n);
    if (!s) {
        /* count * 8 fits size_t (ua_npy_read_header), so count * esize does */
        size_t need = h.count * h.esize, have = (size_t)st.st_size - (size_t)off;
        if ((size_t)st.st_size < (size_t)off || have < need)
            s = UA_ERR(UA_EFORMAT, "%s: truncated: the shape needs %zu data bytes, the file has "
                       "%zu", b->path, need, (size_t)st.st_size < (size_t)off ? 0 : have);
        else if (have > need)
            s = UA_ERR(UA_EFORMAT, "%s: %zu bytes after the data (the shape needs %zu data "
                       "bytes)", b->path, have - need, need);
    }
    if (!s) {
        b->map_len = (size_t)st.st_size;
        void *m = mmap(NULL, b->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
            s = UA_ERR(UA_EIO, "%s: cannot map the file: %s", b->path, strerror(errno));
        else b->map = m;
    }
    fclose(f); /* the mapping stays valid after the descriptor is closed */
    if (s) return s;
    b->data_off = (size_t)off;
    b->esize = h.esize;
    b->is_f4 = h.dtype == UA_NPY_F4;
    b->swap = h.big == host_is_le();
    b->page = sysconf(_SC_PAGESIZE);
    if (b->page <= 0) b->page = 4096;
    (void)madvise((void *)b->map, b->map_len, MADV_SEQUENTIAL);
    return UA_OK;
}

/* The statistics pass over the mapping, block by block, releasing each block's pages. */
static ua_status npy_scan(ua_blocks *b, double *row)
{
    for (size_t r0 = 0; r0 < b->n; r0 += b->B) {
        size_t r1 = b->n - r0 < b->B ? b->n : r0 + b->B;
        for (size_t r = r0; r < r1; r++) {
            ua_status s = npy_row(b, r, row);
            if (s) return s;
            stats_push(b, row, r);
        }
        npy_release(b, r0, r1);
    }
    return UA_OK;
}

/* ---- CSV ------------------------------------------------------------------------------------- */

/* Parses the current line (not skippable) into row (d,). */
static ua_status csv_row(ua_blocks *b, double *row)
{
    ua_lines *L = &b->lines;
    ua_status s = ua_data_csv_split(L->buf, b->path, L->lineno, &b->fields);
    if (s) return s;
    size_t nf = b->fields.n, d = b->d;
    if (nf != d)
        return UA_ERR(UA_EFORMAT, "%s: line %zu has %zu columns, expected %zu (column %zu %s)",
                      b->path, L->lineno, nf, d, nf < d ? nf + 1 : d + 1,
                      nf < d ? "is missing" : "is extra");
    for (size_t j = 0; j < d; j++)
        if ((s = ua_data_parse_cell(b->fields.f[j], b->path, L->lineno, j + 1, &row[j])))
            return s;
    return UA_OK;
}

/* Advances to the next data line, recording its byte offset in *at. 1: a line, 0: the end. */
static int csv_next(ua_blocks *b, off_t *at, ua_status *s)
{
    for (;;) {
        off_t here = ftello(b->f);
        int got = ua_lines_next(&b->lines, s);
        if (got != 1) return got;
        if (ua_line_skippable(b->lines.buf)) continue;
        if (at) *at = here;
        return 1;
    }
}

/* The indexing pass: header, then every row checked, counted and added to the statistics, the
 * offset of every B-th row recorded. The index grows geometrically with the blocks found. */
static ua_status csv_scan(ua_blocks *b, double **rowp)
{
    ua_status s = ua_data_open(b->path, &b->f);
    if (s) return s;
    ua_lines_init(&b->lines, b->f, b->path);
    if ((s = ua_data_csv_header(&b->lines, &b->fields, &b->names, &b->d))) return s;
    if (!(*rowp = malloc(b->d * sizeof **rowp))) return UA_ENOMEM_ERR(b->d * sizeof **rowp);
    if (!(b->mean = ua_calloc(4 * b->d, sizeof *b->mean))) return UA_ENOMEM_ERR(4 * b->d * 8);
    b->m2 = b->mean + b->d;
    b->min = b->m2 + b->d;
    b->max = b->min + b->d;
    size_t cap = 0;
    off_t at;
    int got;
    while ((got = csv_next(b, &at, &s)) == 1) {
        if (b->n % b->B == 0) {
            if (b->nblocks == cap) {
                size_t nc = cap ? 2 * cap : 64;
                off_t *o = realloc(b->offset, nc * sizeof *o);
                if (o) b->offset = o;
                size_t *l = o ? realloc(b->lineno, nc * sizeof *l) : NULL;
                if (!o || !l) return UA_ENOMEM_ERR(nc * (sizeof *o + sizeof *l));
                b->lineno = l;
                cap = nc;
            }
            b->offset[b->nblocks] = at;
            b->lineno[b->nblocks] = b->lines.lineno - 1;
            b->nblocks++;
        }
        if ((s = csv_row(b, *rowp))) return s;
        stats_push(b, *rowp, b->n);
        b->n++;
    }
    if (got < 0) return s;
    if (b->n == 0) return UA_ERR(UA_EFORMAT, "%s: no data rows (only a header)", b->path);
    return UA_OK;
}

/* ---- the source ------------------------------------------------------------------------------ */

static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);
    return n > k && strcasecmp(path + n - k, ext) == 0;
}

ua_status ua_blocks_open(const char *path, ua_format format, size_t block_rows, ua_blocks **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_blocks_open: out is NULL");
    *out = NULL;
    if (!path || !*path) return UA_ERR(UA_EINVAL, "ua_blocks_open: path is NULL or empty");
    if (!block_rows) return UA_ERR(UA_EINVAL, "out-of-core data: the block size must be >= 1 row");
    if (format == UA_FORMAT_AUTO)
        format = has_ext(path, ".npy") ? UA_FORMAT_NPY
               : has_ext(path, ".csv") ? UA_FORMAT_CSV : UA_FORMAT_AUTO;
    if (format != UA_FORMAT_NPY && format != UA_FORMAT_CSV)
        return UA_ERR(UA_EINVAL, "%s: out-of-core data must be a .npy (float32 or float64) or a "
                      ".csv file", path);
    /* each block is read again every epoch (and the scan reads it first): a pipe or a FIFO
     * cannot be read twice, so it is refused before anything is consumed from it */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return UA_ERR(UA_EINVAL, "%s: out-of-core data must be a regular file (it is read more "
                      "than once)", path);
    ua_blocks *b = ua_calloc(1, sizeof *b);
    if (!b) return UA_ENOMEM_ERR(sizeof *b);
    b->format = format;
    b->B = block_rows;
    double *row = NULL;
    ua_status s = (b->path = ua_strdup(path)) ? UA_OK : UA_ENOMEM_ERR(strlen(path) + 1);
    if (!s && format == UA_FORMAT_NPY) {
        s = npy_open(b);
        if (!s) {
            b->nblocks = b->n / b->B + (b->n % b->B != 0);
            row = malloc(b->d * sizeof *row);
            b->mean = ua_calloc(4 * b->d, sizeof *b->mean);
            if (!row || !b->mean) s = UA_ENOMEM_ERR(5 * b->d * sizeof *row);
        }
        if (!s) {
            b->m2 = b->mean + b->d;
            b->min = b->m2 + b->d;
            b->max = b->min + b->d;
            s = npy_scan(b, row);
        }
    } else if (!s) {
        s = csv_scan(b, &row);
    }
    free(row);
    if (s) {
        ua_blocks_close(b);
        return s;
    }
    /* a block never holds more than the table: B d doubles then fit in memory's address range */
    if (b->B > b->n) b->B = b->n;
    *out = b;
    return UA_OK;
}

void ua_blocks_close(ua_blocks *b)
{
    if (!b) return;
    if (b->map) munmap((void *)b->map, b->map_len);
    if (b->f) fclose(b->f); /* read-only: nothing to flush */
    ua_lines_free(&b->lines);
    free(b->fields.f);
    ua_data_free_names(b->names, b->d);
    free(b->offset);
    free(b->lineno);
    free(b->mean);
    free(b->path);
    free(b);
}

size_t ua_blocks_rows(const ua_blocks *b) { return b ? b->n : 0; }
size_t ua_blocks_cols(const ua_blocks *b) { return b ? b->d : 0; }
size_t ua_blocks_count(const ua_blocks *b) { return b ? b->nblocks : 0; }
size_t ua_blocks_block_rows(const ua_blocks *b) { return b ? b->B : 0; }

size_t ua_blocks_rows_of(const ua_blocks *b, size_t i)
{
    if (!b || i >= b->nblocks) return 0;
    return i + 1 < b->nblocks ? b->B : b->n - i * b->B;
}

const char *ua_blocks_colname(const ua_blocks *b, size_t j)
{
    if (!b || j >= b->d) return NULL;
    if (b->names) return b->names[j];
    ua_blocks *w = (ua_blocks *)b; /* .npy: "0", "1", ... formatted on demand */
    snprintf(w->namebuf, sizeof w->namebuf, "%zu", j);
    return w->namebuf;
}

void ua_blocks_stats(const ua_blocks *b, double *mean, double *sd, double *min, double *max)
{
    if (!b) return;
    for (size_t j = 0; j < b->d; j++) {
        if (mean) mean[j] = b->mean[j];
        if (sd) sd[j] = sqrt(b->m2[j] / (double)b->n);
        if (min) min[j] = b->min[j];
        if (max) max[j] = b->max[j];
    }
}

ua_status ua_blocks_read(ua_blocks *b, size_t i, double *out, size_t *nrows)
{
    if (!b || !out || !nrows) return UA_ERR(UA_EINVAL, "ua_blocks_read: NULL argument");
    *nrows = 0;
    if (i >= b->nblocks)
        return UA_ERR(UA_EINVAL, "ua_blocks_read: block %zu of %zu", i, b->nblocks);
    size_t rows = ua_blocks_rows_of(b, i), r0 = i * b->B;
    ua_status s = UA_OK;
    if (b->format == UA_FORMAT_NPY) {
        for (size_t r = 0; r < rows && !s; r++) s = npy_row(b, r0 + r, out + r * b->d);
        npy_release(b, r0, r0 + rows);
        if (s) return s;
    } else {
        if (fseeko(b->f, b->offset[i], SEEK_SET) != 0)
            return UA_ERR(UA_EIO, "%s: cannot seek to block %zu: %s", b->path, i, strerror(errno));
        clearerr(b->f);
        b->lines.lineno = b->lineno[i];
        for (size_t r = 0; r < rows; r++) {
            int got = csv_next(b, NULL, &s);
            if (got < 0) return s;
            if (got == 0)
                return UA_ERR(UA_EIO, "%s: the file ended inside block %zu (was it changed while "
                              "being read?)", b->path, i);
            if ((s = csv_row(b, out + r * b->d))) return s;
        }
    }
    *nrows = rows;
    return UA_OK;
}

void ua_blocks_shuffle(uint64_t seed, uint64_t stream, size_t *perm, size_t n)
{
    ua_rng r;
    ua_rng_seed(&r, seed ^ (0x9e3779b97f4a7c15ull * (stream + 1)));
    for (size_t i = 0; i < n; i++) perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        /* an unbiased enough index in [0, i): the high bits of a 64 x 64 -> 128 product */
        size_t j = (size_t)(((unsigned __int128)ua_rng_next(&r) * i) >> 64);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

ua_status ua_blocks_split(const ua_blocks *b, double val_frac, uint64_t seed, size_t *train,
                          size_t *ntrain, size_t *val, size_t *nval)
{
    if (!b || !train || !ntrain || !val || !nval)
        return UA_ERR(UA_EINVAL, "ua_blocks_split: NULL argument");
    *ntrain = *nval = 0;
    if (!(val_frac >= 0 && val_frac < 1))
        return UA_ERR(UA_EINVAL, "out-of-core data: the validation fraction must be in [0, 1), "
                      "got %g", val_frac);
    size_t nb = b->nblocks, nv = 0;
    if (val_frac > 0) {
        nv = (size_t)floor(val_frac * (double)nb + 0.5);
        if (nv < 1) nv = 1;
        if (nb < 2 || nv >= nb)
            return UA_ERR(UA_EINVAL, "%s: holding out %g of %zu block%s of %zu rows leaves no "
                          "training block; give a smaller block size (--block-rows) or a "
                          "validation fraction of 0", b->path, val_frac, nb, nb == 1 ? "" : "s",
                          b->B);
    }
    /* val: the first nv of a seeded permutation of the blocks; both lists in file order */
    size_t *perm = malloc(nb * sizeof *perm);
    unsigned char *held = ua_calloc(nb, 1);
    if (!perm || !held) {
        free(perm);
        free(held);
        return UA_ENOMEM_ERR(nb * (sizeof *perm + 1));
    }
    ua_blocks_shuffle(seed, UINT64_MAX, perm, nb);
    for (size_t t = 0; t < nv; t++) held[perm[t]] = 1;
    for (size_t i = 0; i < nb; i++) {
        if (held[i]) val[(*nval)++] = i;
        else train[(*ntrain)++] = i;
    }
    free(perm);
    free(held);
    return UA_OK;
}

ua_status ua_blocks_scaler(const ua_blocks *b, const size_t *cols, size_t ncols, ua_scaler *sc)
{
    if (!sc) return UA_ERR(UA_EINVAL, "ua_blocks_scaler: sc is NULL");
    memset(sc, 0, sizeof *sc);
    if (!b || !cols || !ncols) return UA_ERR(UA_EINVAL, "ua_blocks_scaler: NULL argument");
    for (size_t t = 0; t < ncols; t++)
        if (cols[t] >= b->d)
            return UA_ERR(UA_EINVAL, "ua_blocks_scaler: column %zu of %zu", cols[t], b->d);
    sc->mean = malloc(ncols * sizeof *sc->mean);
    sc->scale = malloc(ncols * sizeof *sc->scale);
    if (!sc->mean || !sc->scale) {
        ua_scaler_free(sc);
        return UA_ENOMEM_ERR(2 * ncols * sizeof(double));
    }
    sc->d = ncols;
    for (size_t t = 0; t < ncols; t++) {
        size_t j = cols[t];
        double sd = sqrt(b->m2[j] / (double)b->n);
        /* a constant column: Welford's mean is that value exactly and its M2 exactly 0 */
        sc->mean[t] = b->min[j] == b->max[j] ? b->min[j] : b->mean[j];
        sc->scale[t] = b->min[j] == b->max[j] || !(sd > 0) ? 1.0 : sd;
    }
    return UA_OK;
}

void ua_blocks_xy(const double *rows, size_t n, size_t d, size_t ycol, double *x, double *y)
{
    for (size_t i = 0; i < n; i++) {
        const double *r = rows + i * d;
        double *xi = x + i * (d - 1);
        for (size_t j = 0, t = 0; j < d; j++) {
            if (j == ycol) y[i] = r[j];
            else xi[t++] = r[j];
        }
    }
}
