/* ua_dataset_read (and ua_data_open, shared with ua_npy_read): open the file, choose the reader by format or extension (uniapprox/data.h). */
#include <errno.h>
#include <sys/stat.h>
#include <string.h>
#include <strings.h>

#include "core/internal.h"
#include "internal.h"

/* 1 when path ends in ext (ASCII case-insensitive). */
static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);
    return n > k && strcasecmp(path + n - k, ext) == 0;
}

ua_status ua_data_open(const char *path, FILE **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return UA_ERR(UA_EINVAL, "cannot open '%s': %s", path, strerror(e));
    }
    /* A directory opens on Linux and fails only at the first read; it is bad input, not an
     * I/O failure. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return UA_ERR(UA_EINVAL, "cannot read '%s': it is a directory", path);
    }
    *out = f;
    return UA_OK;
}

ua_status ua_dataset_read(const char *path, ua_format format, ua_dataset **out)
{
    if (!out) return UA_ERR(UA_EINVAL, "ua_dataset_read: out is NULL");
    *out = NULL;
    if (!path || !*path) return UA_ERR(UA_EINVAL, "ua_dataset_read: path is NULL or empty");
    if (format == UA_FORMAT_AUTO)
        format = has_ext(path, ".csv") ? UA_FORMAT_CSV
               : has_ext(path, ".npy") ? UA_FORMAT_NPY : UA_FORMAT_TEXT;
    if (format != UA_FORMAT_CSV && format != UA_FORMAT_TEXT && format != UA_FORMAT_NPY)
        return UA_ERR(UA_EINVAL, "ua_dataset_read: unknown format %d", (int)format);
    FILE *f;
    ua_status s = ua_data_open(path, &f);
    if (s) return s;
    s = format == UA_FORMAT_CSV ? ua_data_read_csv(f, path, out)
                : format == UA_FORMAT_NPY ? ua_data_read_npy(f, path, out)
                                          : ua_data_read_text(f, path, out);
    fclose(f); /* read-only: nothing to flush, a close error cannot lose data */
    return s;
}
