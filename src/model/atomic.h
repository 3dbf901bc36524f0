/*
 * src/model/atomic.h — atomic file replacement (internal): write to "path.tmp.XXXXXX" in the
 * target's directory, flush and fsync, then rename over path. Used by the model writer and the C
 * exporter, so a crash or a failed write never leaves a half-written file at path.
 */
#ifndef UA_MODEL_ATOMIC_H
#define UA_MODEL_ATOMIC_H

#include <stdio.h>
#include "uniapprox/status.h"

typedef struct {
    char *path; /* the final name */
    char *tmp;  /* the temporary file, NULL once renamed or removed */
    FILE *f;    /* write here */
} ua_atomic;

/* Creates the temporary file. Errors: UA_EIO (message names the file and errno), UA_ENOMEM. */
ua_status ua_atomic_open(ua_atomic *a, const char *path);

/* Flushes, syncs, closes and renames into place. On any failure the temporary file is removed,
 * an existing file at path is untouched, and UA_EIO is returned. Releases a in every case. */
ua_status ua_atomic_commit(ua_atomic *a);

/* Closes and removes the temporary file (after a failure). Releases a. Safe on a zeroed a. */
void ua_atomic_abort(ua_atomic *a);

#endif /* UA_MODEL_ATOMIC_H */
