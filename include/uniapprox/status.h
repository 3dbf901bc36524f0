/*
 * uniapprox/status.h — status codes and the last-error message.
 *
 * Every uniapprox function that can fail returns a ua_status and writes its results through
 * trailing out-pointers. On failure it also records a human-readable message, with the source
 * file and line that raised it, in a thread-local buffer that ua_last_error() returns (the way
 * sqlite3_errmsg works). The library never prints and never exits.
 */
#ifndef UNIAPPROX_STATUS_H
#define UNIAPPROX_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Status codes. Append only: the numeric values are part of the ABI.
 *
 * The CLI maps them to exit codes: UA_OK -> 0; UA_EINVAL, UA_EPARSE, UA_EDOMAIN, UA_EFORMAT,
 * UA_EUNSUPPORTED -> 2 (bad usage or bad input); everything else -> 1 (runtime failure).
 */
typedef enum {
    UA_OK = 0,           /* success */
    UA_ENOMEM = 1,       /* an allocation failed */
    UA_EINVAL = 2,       /* an invalid argument or an impossible option (a >= b, tol <= 0, ...) */
    UA_EPARSE = 3,       /* an expression could not be parsed (the message names the column) */
    UA_EDOMAIN = 4,      /* the target is NaN or +-Inf somewhere in the domain (message names x) */
    UA_EIO = 5,          /* reading or writing a file failed (message names the file and errno) */
    UA_EFORMAT = 6,      /* a file is malformed: bad length, offset, dtype, shape or metadata */
    UA_ENOTRESOLVED = 7, /* the approximation did not reach the tolerance within its limits;
                            the result is still returned and holds the best one found */
    UA_EUNSUPPORTED = 8, /* the operation is not available for this model or option */
    UA_ENOTFOUND = 9,    /* a named thing (family, tensor, metadata key, built-in) does not exist */
    UA_EDIVERGED = 10    /* an iterative fit blew up (non-finite loss or parameters); nothing is
                            returned and nothing should be saved */
} ua_status;

/*
 * Returns a static, constant English description of a status code ("success",
 * "out of memory", ...). Never NULL; unknown codes give "unknown status".
 * Thread-safe.
 */
const char *ua_strerror(ua_status s);

/*
 * Returns the message recorded by the last failing uniapprox call on this thread, of the form
 * "<what went wrong> [src/file.c:123]". The string is owned by the library and stays valid
 * until the next uniapprox call on the same thread. Returns "" when nothing has failed yet.
 * Thread-safe (the buffer is thread-local).
 */
const char *ua_last_error(void);

/* Clears the last-error message of this thread. */
void ua_clear_error(void);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_STATUS_H */
