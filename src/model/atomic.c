/* Atomic file replacement: temporary file in the target's directory, fsync, rename (atomic.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "atomic.h"

static void release(ua_atomic *a)
{
    free(a->path);
    free(a->tmp);
    a->path = a->tmp = NULL;
    a->f = NULL;
}

ua_status ua_atomic_open(ua_atomic *a, const char *path)
{
    memset(a, 0, sizeof *a);
    if (!path || !*path) return UA_ERR(UA_EINVAL, "output path is NULL or empty");
    size_t n = strlen(path);
    a->path = ua_strdup(path);
    a->tmp = malloc(n + sizeof ".tmp.XXXXXX");
    if (!a->path || !a->tmp) {
        release(a);
        return UA_ENOMEM_ERR(n + sizeof ".tmp.XXXXXX");
    }
    /* Same directory as the target, so that rename() stays within one file system. */
    memcpy(a->tmp, path, n);
    memcpy(a->tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        int e = errno;
        ua_status s = UA_ERR(UA_EIO, "cannot create a temporary file for '%s': %s", path,
                             strerror(e));
        release(a);
        return s;
    }
    /* mkstemp makes the file 0600; give the result the mode an existing file had, or the usual
     * 0644 of a new data file, so that replacing a model does not silently hide it from others. */
    struct stat sb;
    mode_t mode = stat(path, &sb) == 0 ? (sb.st_mode & 07777) : 0644;
    (void)fchmod(fd, mode); /* best effort: a mode we cannot set is no reason to fail the write */
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        int e = errno;
        close(fd);
        unlink(a->tmp);
        ua_status s = UA_ERR(UA_EIO, "cannot open '%s': %s", a->tmp, strerror(e));
        release(a);
        return s;
    }
    return UA_OK;
}

void ua_atomic_abort(ua_atomic *a)
{
    if (a->f) fclose(a->f);
    if (a->tmp) unlink(a->tmp);
    release(a);
}

ua_status ua_atomic_commit(ua_atomic *a)
{
    const char *step = "write";
    int e = 0;
    /* ferror catches an fwrite that failed earlier without the caller checking it. */
    if (ferror(a->f)) e = errno ? errno : EIO;
    else if (fflush(a->f) != 0) e = errno, step = "flush";
    else if (fsync(fileno(a->f)) != 0) e = errno, step = "sync";
    if (e) {
        ua_status s = UA_ERR(UA_EIO, "cannot %s '%s': %s", step, a->tmp, strerror(e));
        ua_atomic_abort(a);
        return s;
    }
    FILE *f = a->f;
    a->f = NULL;
    if (fclose(f) != 0) {
        e = errno;
        ua_status s = UA_ERR(UA_EIO, "cannot close '%s': %s", a->tmp, strerror(e));
        ua_atomic_abort(a);
        return s;
    }
    if (rename(a->tmp, a->path) != 0) {
        e = errno;
        ua_status s = UA_ERR(UA_EIO, "cannot rename '%s' to '%s': %s", a->tmp, a->path,
                             strerror(e));
        ua_atomic_abort(a);
        return s;
    }
    /* Sync the directory too, so that the new name itself survives a crash. Best effort: some
     * file systems refuse fsync on a directory, and the data is already safe. */
    char *slash = strrchr(a->path, '/');
    const char *dir = ".";
    if (slash == a->path) dir = "/";
    else if (slash) { *slash = '\0'; dir = a->path; }
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(a->tmp);
    a->tmp = NULL;
    release(a);
    return UA_OK;
}
