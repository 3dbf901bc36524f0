/*
 * src/model/atomic.h — atomic file replacement (internal): write to "path.tmp.XXXXXX" in the
 * target's directory, flush and fsync, then rename over path. Used by the model writer, the C
 * exporter and `uniapprox plot`, so a crash or a failed write never leaves a half-written file at
 * path.
 *
 * What is at path decides how it is written (ua_atomic_target):
 *  - nothing, or a regular file: the atomic replacement above;
 *  - a symbolic link: the link is kept and its target (resolved through every link, also when it
 *    does not exist yet) is replaced atomically;
 *  - a character or block device, a FIFO or a socket: written directly (O_WRONLY|O_TRUNC, no
 *    temporary file, no rename), as a shell redirection would, so "-o /dev/null" discards and
 *    "-o /dev/full" fails with "No space left on device" instead of replacing the device node;
 *  - a directory: refused (UA_EIO, "'path' is a directory").
 */
#ifndef UA_MODEL_ATOMIC_H
#define UA_MODEL_ATOMIC_H

#include <stdio.h>
#include "uniapprox/status.h"

typedef struct {
    char *path; /* the final name (symbolic links resolved) */
    char *tmp;  /* the temporary file, NULL once renamed or removed, and when direct */
    FILE *f;    /* write here */
    int direct; /* path is a device, FIFO or socket: f writes to it directly */
} ua_atomic;

/* Resolves what path names: *resolved (malloc'd) is path with every symbolic link followed (path
 * itself when it is no link), *direct is 1 when it is an existing non-regular file that is not a
 * directory (device, FIFO, socket), else 0. Errors: UA_EIO for a directory, a link loop, or a
 * component that cannot be examined; UA_ENOMEM. */
ua_status ua_atomic_target(const char *path, char **resolved, int *direct);

/* Creates the temporary file (or opens a device, FIFO or socket for writing: see above; opening a
 * FIFO waits for a reader). Errors: UA_EIO (message names the file and errno), UA_ENOMEM. */
ua_status ua_atomic_open(ua_atomic *a, const char *path);

/* Flushes, syncs, closes and renames into place. On any failure the temporary file is removed,
 * an existing file at path is untouched, and UA_EIO is returned ("cannot write 'path': REASON").
 * When direct: flushes and closes only (what was written stays written). Releases a in every
 * case. */
ua_status ua_atomic_commit(ua_atomic *a);

/* Closes and removes the temporary file (after a failure); when direct, only closes. Releases a.
 * Safe on a zeroed a. */
void ua_atomic_abort(ua_atomic *a);

#endif /* UA_MODEL_ATOMIC_H */
