/* Status strings and the thread-local last-error message (see uniapprox/status.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_error[1024];

const char *ua_strerror(ua_status s)
{
    switch (s) {
    case UA_OK: return "success";
    case UA_ENOMEM: return "out of memory";
    case UA_EINVAL: return "invalid argument";
    case UA_EPARSE: return "parse error";
    case UA_EDOMAIN: return "target not finite in the domain";
    case UA_EIO: return "input/output error";
    case UA_EFORMAT: return "malformed file";
    case UA_ENOTRESOLVED: return "not resolved";
    case UA_EUNSUPPORTED: return "unsupported";
    case UA_ENOTFOUND: return "not found";
    case UA_EDIVERGED: return "diverged";
    }
    return "unknown status";
}

const char *ua_last_error(void) { return last_error; }

void ua_clear_error(void) { last_error[0] = '\0'; }

void ua_last_error_message(char *buf, size_t len)
{
    if (!len) return;
    snprintf(buf, len, "%s", last_error);
    size_t n = strlen(buf);
    char *tag = n && buf[n - 1] == ']' ? strrchr(buf, '[') : NULL;
    if (tag && tag > buf && tag[-1] == ' ') tag[-1] = '\0';
}

ua_status ua_set_error(ua_status s, const char *file, int line, const char *fmt, ...)
{
    char msg[sizeof last_error - 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Name the file from the project root ("src/target/parse.c"), never by the absolute path of
     * the machine that built it. */
    const char *base = NULL;
    for (const char *p = file; *p; p++)
        if ((p == file || p[-1] == '/') && (!strncmp(p, "src/", 4) || !strncmp(p, "cli/", 4)))
            base = p;
    snprintf(last_error, sizeof last_error, "%s [%s:%d]", msg, base ? base : file, line);
    return s;
}

char *ua_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void *ua_calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size) return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

char *ua_fmt_double(char *buf, double x)
{
    if (x != x) strcpy(buf, "nan");
    else if (x > 1.7976931348623157e308) strcpy(buf, "inf");
    else if (x < -1.7976931348623157e308) strcpy(buf, "-inf");
    else snprintf(buf, 32, "%.17g", x);
    return buf;
}
