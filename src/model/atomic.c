/* Atomic file replacement: temporary file in the target's directory, fsync, rename; symbolic links
 * followed, devices and FIFOs written directly, directories refused (atomic.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    a->direct = 0;
}

/* The most links followed before giving up, as the kernel's own limit (ELOOP). */
#define MAX_LINKS 40

ua_status ua_atomic_target(const char *path, char **resolved, int *direct)
{
    *resolved = NULL;
    *direct = 0;
    if (!path || !*path) return UA_ERR(UA_EINVAL, "the output path is empty");
    char *cur = ua_strdup(path);
    if (!cur) return UA_ENOMEM_ERR(strlen(path) + 1);
    /* What the name finally reaches, as the kernel follows it (also through /proc's fd links,
     * such as /dev/stdout to a pipe, which readlink cannot name): a device or FIFO is written
     * through the name itself. */
    struct stat fin;
    if (stat(path, &fin) == 0 && !S_ISREG(fin.st_mode)) {
        if (S_ISDIR(fin.st_mode)) {
            free(cur);
            return UA_ERR(UA_EIO, "cannot write '%s': it is a directory", path);
        }
        *direct = 1;
        *resolved = cur;
        return UA_OK;
    }
    /* Follow the links one at a time rather than with realpath(), so that a link whose target
     * does not exist yet (a dangling link) still names the file to create. A relative target is
     * relative to the link's directory; the kernel walks "dir/target" the same way. */
    for (int hops = 0;; hops++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0) break; /* nothing there yet (or unreachable: mkstemp says why) */
        if (S_ISLNK(sb.st_mode)) {
            if (hops == MAX_LINKS) {
                free(cur);
                return UA_ERR(UA_EIO, "cannot write '%s': %s", path, strerror(ELOOP));
            }
            char target[PATH_MAX];
            ssize_t len = readlink(cur, target, sizeof target);
            if (len < 0 || (size_t)len == sizeof target) {
                int e = len < 0 ? errno : ENAMETOOLONG;
                free(cur);
                return UA_ERR(UA_EIO, "cannot read the link '%s': %s", path, strerror(e));
            }
            target[len] = '\0';
            const char *slash = strrchr(cur, '/');
            size_t dirlen = target[0] != '/' && slash ? (size_t)(slash - cur) + 1 : 0;
            char *next = malloc(dirlen + (size_t)len + 1);
            if (!next) {
                free(cur);
                return UA_ENOMEM_ERR(dirlen + (size_t)len + 1);
            }
            memcpy(next, cur, dirlen);
            memcpy(next + dirlen, target, (size_t)len + 1);
            free(cur);
            cur = next;
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            free(cur);
            return UA_ERR(UA_EIO, "cannot write '%s': it is a directory", path);
        }
        *direct = !S_ISREG(sb.st_mode);
        break;
    }
    *resolved = cur;
    return UA_OK;
}

ua_status ua_atomic_open(ua_atomic *a, const char *path)
{
    memset(a, 0, sizeof *a);
    ua_status s = ua_atomic_target(path, &a->path, &a->direct);
    if (s) return s;
    if (a->direct) {
        /* A device, FIFO or socket: write to it as a shell redirection would. Replacing it with a
         * regular file (rename) would destroy /dev/null for everyone. */
        int fd = open(a->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0 || !(a->f = fdopen(fd, "wb"))) {
            int e = errno;
            if (fd >= 0) close(fd);
            s = UA_ERR(UA_EIO, "cannot write '%s': %s", path, strerror(e));
            release(a);
            return s;
        }
        return UA_OK;
    }
    const char *given = path;
    path = a->path;
    size_t n = strlen(path);
    a->tmp = malloc(n + sizeof ".tmp.XXXXXX");
    if (!a->tmp) {
        release(a);
        return UA_ENOMEM_ERR(n + sizeof ".tmp.XXXXXX");
    }
    /* Same directory as the target, so that rename() stays within one file system. */
    memcpy(a->tmp, path, n);
    memcpy(a->tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        int e = errno;
        /* named as the user gave it; the temporary file is an implementation detail */
        s = UA_ERR(UA_EIO, "cannot write '%s': %s", given, strerror(e));
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
        s = UA_ERR(UA_EIO, "cannot open '%s': %s", a->tmp, strerror(e));
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

/* Commit of a direct write: flush and close; nothing to sync (fsync fails on /dev/null and FIFOs)
 * or rename. */
static ua_status commit_direct(ua_atomic *a)
{
    int e = 0;
    if (ferror(a->f)) e = errno ? errno : EIO;
    else if (fflush(a->f) != 0) e = errno ? errno : EIO;
    FILE *f = a->f;
    a->f = NULL;
    if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
    ua_status s = e ? UA_ERR(UA_EIO, "cannot write '%s': %s", a->path, strerror(e)) : UA_OK;
    release(a);
    return s;
}

ua_status ua_atomic_commit(ua_atomic *a)
{
    if (a->direct) return commit_direct(a);
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
