/*
 * Telling a pole from a jump (docs/spline.md, "Singularities"): AutoKnots locates a jump wherever
 * f changes by a good part of its local change across two adjacent doubles, and clusters knots
 * down to the precision limit at a kink; both also happen where |f| grows without bound between
 * two doubles (tan x at pi/2, 1/sin^2 x at pi), and the spline is then wrong next to it. The
 * places where that happened are probed with ua_probe_singularity (src/probe: the same test as
 * the cheb family, and the same message): |f| keeps growing as the distance to the place
 * halves, where a jump or a kink levels off at its one-sided limits.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "internal.h"
#include "probe/probe.h"

enum { MAX_PROBES = 16, REC_CAP = 2304 };

/* f, recording what the probe samples (to measure the spline's error there). */
typedef struct {
    ua_fn1 f;
    void *ctx;
    size_t n;
    double x[REC_CAP], y[REC_CAP];
} recorder;

static double recorded_f(double x, void *ctx)
{
    recorder *r = ctx;
    double y = r->f(x, r->ctx);
    if (r->n < REC_CAP) {
        r->x[r->n] = x;
        r->y[r->n] = y;
        r->n++;
    }
    return y;
}

void ua_spline_sing_add(ua_spline_sing_cands *c, double x, double y, int cluster)
{
    double m = fabs(y);
    if (!(m >= 0.0)) return;
    if (c->n < UA_SPLINE_SING_CANDS) {
        c->x[c->n] = x;
        c->mag[c->n] = m;
        c->cluster[c->n] = (unsigned char)(cluster != 0);
        c->n++;
        return;
    }
    size_t lo = 0; /* full: replace the smallest |f| when this one is larger */
    for (size_t i = 1; i < c->n; i++)
        if (c->mag[i] < c->mag[lo]) lo = i;
    if (m > c->mag[lo]) {
        c->x[lo] = x;
        c->mag[lo] = m;
        c->cluster[lo] = (unsigned char)(cluster != 0);
    }
}

ua_status ua_spline_probe_singularity(ua_fn1 f, void *ctx, double a, double b,
                                      const ua_spline *sp, double fscale,
                                      const ua_spline_sing_cands *c, ua_spline_singularity *out)
{
    memset(out, 0, sizeof *out);
    if (!c->n) return UA_OK;
    recorder *rec = ua_calloc(1, sizeof *rec);
    if (!rec) return UA_ENOMEM_ERR(sizeof *rec);
    rec->f = f;
    rec->ctx = ctx;
    /* in x, whatever the spline's map: the test only looks at halving distances to the place */
    ua_probe_sampler s = {.f = recorded_f, .ctx = rec, .map = UA_PROBE_MAP_NONE, .xa = a, .xb = b,
                         .ta = a, .tb = b};
    /* the candidates by |f|, largest first: where f is unbounded it is the largest there is */
    size_t order[UA_SPLINE_SING_CANDS];
    for (size_t i = 0; i < c->n; i++) order[i] = i;
    for (size_t i = 1; i < c->n; i++)
        for (size_t j = i; j > 0 && c->mag[order[j]] > c->mag[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    double probed[MAX_PROBES];
    size_t nprobed = 0;
    const double near = ldexp(b - a, -24); /* the probe's samples would be the same ones */
    ua_status st = UA_OK;
    for (size_t i = 0; i < c->n && nprobed < MAX_PROBES && !out->found; i++) {
        double e = c->x[order[i]];
        int seen = 0;
        for (size_t q = 0; q < nprobed; q++)
            if (fabs(e - probed[q]) <= near) seen = 1;
        if (seen) continue;
        probed[nprobed++] = e;
        if (c->cluster[order[i]]) {
            /* knots clustered at the precision limit: an even pole or a logarithm lies within
             * the neighbouring intervals, where |f| is largest */
            size_t j = ua_spline_find(sp, e);
            double lo = sp->x[j > 0 ? j - 1 : 0], hi = sp->x[j + 2 < sp->n ? j + 2 : sp->n - 1];
            if ((st = ua_probe_locate_peak(&s, lo, hi, &e))) break;
        }
        rec->n = 0;
        int singular = 0;
        double tpeak = e, fpeak = 0.0;
        st = ua_probe_singularity(&s, a, b, e, &singular, &tpeak, &fpeak);
        if (st) break; /* UA_EDOMAIN (a non-finite sample, naming x) */
        if (!singular) continue;
        out->found = 1;
        out->x = e;
        out->xpeak = tpeak;
        out->fpeak = fpeak;
        /* the spline's relative error at the probe's samples: where it stands next to the pole */
        for (size_t k = 0; k < rec->n; k++) {
            double d = fabs(ua_spline_eval(sp, rec->x[k]) - rec->y[k]);
            double den = fabs(rec->y[k]) + fscale;
            double err = den > 0 ? d / den : (d > 0 ? INFINITY : 0.0);
            if (!(err <= out->err)) out->err = err;
        }
    }
    out->nevals = s.nevals;
    free(rec);
    return st;
}
