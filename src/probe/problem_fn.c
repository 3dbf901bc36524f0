/*
 * A 1-D problem as a ua_fn1 that remembers why a call failed: the 1-D constructors see a failed
 * call only as NaN ("target is NaN at x = X"), while a FUNCTION problem's failure says more (the
 * user's function crashed, with which signal, or timed out).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "probe.h"

/* The message without the " [file:line]" tag UA_ERR appends (it is appended again). */
static void copy_message(char *dst, size_t len, const char *msg)
{
    snprintf(dst, len, "%s", msg ? msg : "");
    char *tag = strrchr(dst, '[');
    if (tag && tag > dst && tag[-1] == ' ') tag[-1] = '\0';
}

double ua_probe_problem_fn1(double x, void *ctx)
{
    ua_probe_problem_fn *c = ctx;
    double y;
    ua_status s = ua_problem_eval(c->p, &x, 1, &y);
    if (s == UA_OK) return y;
    if (c->fail == UA_OK) {
        c->fail = s;
        copy_message(c->msg, sizeof c->msg, ua_last_error());
    }
    return NAN;
}

ua_status ua_probe_problem_status(const ua_probe_problem_fn *c, ua_status s)
{
    if (c->fail == UA_OK || s == UA_OK || s == UA_ENOTRESOLVED) return s;
    return UA_ERR(c->fail, "%s", c->msg);
}
