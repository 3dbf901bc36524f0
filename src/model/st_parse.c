/* ua_st_parse / ua_st_read: validate and load a safetensors image (uniapprox/model.h). The bytes
 * are untrusted: every length, offset, dtype, shape and metadata value is checked before use. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/internal.h"
#include "st_internal.h"

#define MAX_HEADER ((uint64_t)100 * 1000 * 1000) /* the reference reader's limit */
#define MAX_FILE ((uint64_t)1 << 30)
#define MAX_EXACT 9007199254740992.0 /* 2^53: beyond it a JSON number is no exact integer */

typedef struct {
    const char *name;
    ua_dtype dtype;
    size_t ndim;
    int64_t shape[UA_ST_MAX_DIMS];
    uint64_t begin, end;
} entry;

/* Every message starts with the file name when there is one, so a CLI user knows which input
 * was wrong. */
#define FAIL(...) fail_msg(label, __FILE__, __LINE__, __VA_ARGS__)
static ua_status fail_msg(const char *label, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ua_status fail_msg(const char *label, const char *file, int line, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ua_set_error(UA_EFORMAT, file, line, "%s%s", label, msg);
}

/* A JSON number that is an exact non-negative integer below 2^53. */
static int json_uint(const cJSON *v, uint64_t *out)
{
    if (!cJSON_IsNumber(v)) return 0;
    double d = v->valuedouble;
    if (!(d >= 0 && d <= MAX_EXACT) || d != (double)(uint64_t)d) return 0;
    *out = (uint64_t)d;
    return 1;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
static int cmp_begin(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

static ua_status check_tensor(const char *label, const cJSON *item, uint64_t ndata, entry *e)
{
    const char *name = item->string;
    if (!*name) return FAIL("a tensor has an empty name");
    if (!cJSON_IsObject(item)) return FAIL("tensor '%s': entry is not a JSON object", name);
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(item, "dtype");
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(item, "shape");
    const cJSON *of = cJSON_GetObjectItemCaseSensitive(item, "data_offsets");
    if (!cJSON_IsString(dt)) return FAIL("tensor '%s': missing or non-string \"dtype\"", name);
    int d = ua_st_dtype_from_name(dt->valuestring);
    if (d < 0)
        return FAIL("tensor '%s': unsupported dtype '%s' (expected F64, F32, I64, I32 or U8)",
                    name, dt->valuestring);
    if (!cJSON_IsArray(sh)) return FAIL("tensor '%s': missing or non-array \"shape\"", name);
    int nd = cJSON_GetArraySize(sh);
    if (nd > UA_ST_MAX_DIMS)
        return FAIL("tensor '%s': shape has %d dimensions, at most %d supported", name, nd,
                    UA_ST_MAX_DIMS);
    e->name = name;
    e->dtype = (ua_dtype)d;
    e->ndim = (size_t)nd;
    uint64_t count = 1;
    int empty = 0;
    size_t k = 0;
    for (const cJSON *v = sh->child; v; v = v->next, k++) {
        uint64_t dim;
        if (!json_uint(v, &dim))
            return FAIL("tensor '%s': shape entry %zu is not a non-negative integer", name, k);
        e->shape[k] = (int64_t)dim;
        if (dim == 0) { empty = 1; continue; }
        if (count > MAX_FILE / dim) /* no tensor that big fits in a file we accept */
            return FAIL("tensor '%s': shape has too many elements", name);
        count *= dim;
    }
    if (empty) count = 0;
    uint64_t nbytes = count * ua_dtype_size(e->dtype);
    if (!cJSON_IsArray(of) || cJSON_GetArraySize(of) != 2 || !json_uint(of->child, &e->begin) ||
        !json_uint(of->child->next, &e->end))
        return FAIL("tensor '%s': \"data_offsets\" is not a pair of non-negative integers", name);
    if (e->begin > e->end)
        return FAIL("tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] begin after end", name,
                    e->begin, e->end);
    if (e->end > ndata)
        return FAIL("tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] exceed the %" PRIu64
                    " data bytes", name, e->begin, e->end, ndata);
    if (e->end - e->begin != nbytes)
        return FAIL("tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] span %" PRIu64
                    " bytes but shape and dtype %s need %" PRIu64, name, e->begin, e->end,
                    e->end - e->begin, dt->valuestring, nbytes);
    return UA_OK;
}

static ua_status check_metadata(const char *label, const cJSON *meta, ua_st *st)
{
    if (!cJSON_IsObject(meta)) return FAIL("\"__metadata__\" is not a JSON object");
    int n = cJSON_GetArraySize(meta);
    const char **keys = ua_calloc((size_t)n, sizeof *keys);
    if (!keys) return UA_ENOMEM_ERR((size_t)n * sizeof *keys);
    ua_status s = UA_OK;
    size_t k = 0;
    for (const cJSON *v = meta->child; v; v = v->next) {
        if (!cJSON_IsString(v)) {
            s = FAIL("metadata '%s' is not a string", v->string);
            goto done;
        }
        keys[k++] = v->string;
    }
    qsort((void *)keys, k, sizeof *keys, cmp_str);
    for (size_t i = 1; i < k; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0) {
            s = FAIL("metadata key '%s' appears twice", keys[i]);
            goto done;
        }
    for (const cJSON *v = meta->child; v; v = v->next) {
        if (!*v->string) { s = FAIL("metadata has an empty key"); goto done; }
        if ((s = ua_st_meta_append(st, v->string, v->valuestring))) goto done;
    }
done:
    free((void *)keys);
    return s;
}

static ua_status parse(const unsigned char *p, size_t len, const char *label, ua_st **out)
{
    *out = NULL;
    if (len < 8)
        return FAIL("%zu bytes, too short for the 8-byte header length of a safetensors file",
                    len);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = hlen << 8 | p[i];
    /* A text file (JSON lines, CSV, a script) read as a model: its first 8 bytes, all printable,
     * make an absurd length; say what the file is not rather than quote that number. */
    int text8 = 1;
    for (int i = 0; i < 8; i++) text8 &= (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' ||
                                         p[i] == '\r' || p[i] == '\t';
    if (text8 && hlen > len - 8)
        return FAIL("not a uniapprox model file (safetensors): it begins with text, not an "
                    "8-byte header length");
    if (hlen > MAX_HEADER)
        return FAIL("header length %" PRIu64 " exceeds the limit of %" PRIu64 " bytes", hlen,
                    MAX_HEADER);
    if (hlen > len - 8)
        return FAIL("header length %" PRIu64 " exceeds the %zu bytes after the length field",
                    hlen, len - 8);
    const char *text = (const char *)p + 8;
    uint64_t ndata = len - 8 - hlen;

    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, (size_t)hlen, &end, 0);
    if (!root) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        return FAIL("header is not valid JSON (error near byte %zu of %" PRIu64 ")", at, hlen);
    }
    ua_status s = UA_OK;
    ua_st *st = NULL;
    entry *ents = NULL;
    entry **byoff = NULL;
    /* Only padding may follow the JSON value: anything else means the header is not what the
     * writer meant. */
    for (const char *q = end; q < text + hlen; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') {
            s = FAIL("header has trailing bytes after the JSON object (at byte %zu)",
                     (size_t)(q - text));
            goto done;
        }
    if (!cJSON_IsObject(root)) {
        s = FAIL("header is not a JSON object");
        goto done;
    }
    if ((s = ua_st_alloc(&st))) goto done;

    size_t n = 0, nmeta = 0;
    for (const cJSON *c = root->child; c; c = c->next)
        strcmp(c->string, "__metadata__") == 0 ? nmeta++ : n++;
    if (nmeta > 1) {
        s = FAIL("\"__metadata__\" appears twice");
        goto done;
    }
    ents = ua_calloc(n, sizeof *ents);
    byoff = ua_calloc(n, sizeof *byoff);
    if (!ents || !byoff) {
        s = UA_ENOMEM_ERR(n * sizeof *ents);
        goto done;
    }
    size_t k = 0;
    for (const cJSON *c = root->child; c; c = c->next) {
        if (strcmp(c->string, "__metadata__") == 0) s = check_metadata(label, c, st);
        else s = check_tensor(label, c, ndata, &ents[k++]);
        if (s) goto done;
    }
    /* Duplicates and overlaps by sorting: O(n log n) even for a hostile header with millions of
     * entries. The entries keep header order for loading; sort copies. */
    for (size_t i = 0; i < n; i++) byoff[i] = &ents[i];
    qsort(byoff, n, sizeof *byoff, cmp_begin);
    const entry *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const entry *e = byoff[i];
        if (e->begin == e->end) continue; /* an empty tensor occupies no bytes */
        if (prev && prev->end > e->begin) {
            s = FAIL("tensors '%s' [%" PRIu64 ", %" PRIu64 "] and '%s' [%" PRIu64 ", %" PRIu64
                     "] overlap", prev->name, prev->begin, prev->end, e->name, e->begin, e->end);
            goto done;
        }
        prev = e;
    }
    entry *sorted = ua_calloc(n, sizeof *sorted);
    if (!sorted) {
        s = UA_ENOMEM_ERR(n * sizeof *sorted);
        goto done;
    }
    if (n) memcpy(sorted, ents, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_name);
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i - 1].name, sorted[i].name) == 0) {
            s = FAIL("tensor '%s' appears twice", sorted[i].name);
            break;
        }
    free(sorted);
    if (s) goto done;

    const unsigned char *data = p + 8 + hlen;
    int le = ua_st_host_is_le();
    for (size_t i = 0; i < n; i++) {
        const entry *e = &ents[i];
        if ((s = ua_st_add_nocheck(st, e->name, e->dtype, e->ndim, e->shape, data + e->begin)))
            goto done;
        if (!le) {
            ua_st_tensor *t = &st->t[st->n - 1];
            size_t es = ua_dtype_size(t->dtype);
            ua_st_bswap(t->data, t->nbytes / es, es);
        }
    }
done:
    free(ents);
    free((void *)byoff);
    cJSON_Delete(root);
    if (s) ua_st_free(st);
    else *out = st;
    return s;
}

ua_status ua_st_parse(const void *buf, size_t len, ua_st **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_st_parse: out is NULL");
    *out = NULL;
    if (!buf && len) return UA_ERR(UA_EINVAL, "ua_st_parse: buffer is NULL");
    static const unsigned char none[1] = {0};
    return parse(buf ? buf : none, len, "", out);
}

ua_status ua_st_read(const char *path, ua_st **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_st_read: out is NULL");
    *out = NULL;
    if (!path) return UA_ERR(UA_EINVAL, "ua_st_read: path is NULL");
    int fd = open(path, O_RDONLY);
    if (fd < 0) return UA_ERR(UA_EINVAL, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return UA_ERR(UA_EIO, "cannot stat '%s': %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return UA_ERR(UA_EINVAL, "cannot open '%s': not a regular file", path);
    }
    if ((uint64_t)sb.st_size > MAX_FILE) {
        close(fd);
        return UA_ERR(UA_EFORMAT, "'%s' is %lld bytes, larger than the 1 GiB limit", path,
                      (long long)sb.st_size);
    }
    size_t size = (size_t)sb.st_size, got = 0;
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return UA_ENOMEM_ERR(size);
    }
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return UA_ERR(UA_EIO, "cannot read '%s': %s", path, strerror(e));
        }
        if (r == 0) break; /* the file shrank since fstat: parse what is there */
        got += (size_t)r;
    }
    close(fd);
    size_t lsz = strlen(path) + 8;
    char *label = malloc(lsz);
    ua_status s;
    if (!label) s = UA_ENOMEM_ERR(lsz);
    else {
        snprintf(label, lsz, "'%s': ", path);
        s = parse(buf, got, label, out);
    }
    free(label);
    free(buf);
    return s;
}
