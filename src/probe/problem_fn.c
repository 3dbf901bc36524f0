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

double ua_probe_problem_fn1(double x, void *ctx)
{
    ua_probe_problem_fn *c = ctx;
    double y;
    /* a call already failed (the user's function crashed or ran past --timeout): the fit will
     * report that failure, so the function is not called again. Calling it again would restart
     * the child and, for a hang, wait another --timeout at each retry of the constructor (three
     * times the --timeout in all for cheb), while the message says one */
    if (c->called_failed) return NAN;
    ua_status s = ua_problem_eval(c->p, &x, 1, &y);
    if (s == UA_OK && y != y && c->fail == UA_OK &&
        ua_problem_kind_of(c->p) == UA_PROBLEM_FORMULA) {
        /* a formula's NaN: say whether it is a removable singularity (--fill-removable) */
        if (ua_problem_nan_text(c->p, &x, c->msg, sizeof c->msg)[0]) c->fail = UA_EDOMAIN;
    }
    if (s == UA_OK) return y;
    c->called_failed = 1;
    if (c->fail == UA_OK) {
        c->fail = s;
        ua_last_error_message(c->msg, sizeof c->msg);
    }
    return NAN;
}

ua_status ua_probe_problem_status(const ua_probe_problem_fn *c, ua_status s)
{
    if (c->fail == UA_OK || s == UA_OK || s == UA_ENOTRESOLVED) return s;
    return UA_ERR(c->fail, "%s", c->msg);
}
