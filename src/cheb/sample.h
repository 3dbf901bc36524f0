/*
 * src/cheb/sample.h — the fit of one piece (sample.c) and the probe (src/probe/probe.h: the
 * sampler in the series' variable t, x or ln x for the log map, the edge detector and the pole
 * probe) under the names the fitting code (fit.c) uses.
 */
#ifndef UA_CHEB_SAMPLE_H
#define UA_CHEB_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include "internal.h"
#include "probe/probe.h"

/* The sampler is the probe's (src/probe/probe.h); cheb passes its ua_map through as the
 * probe's map, whose values are the same. The cheb names below forward to the probe, so that the
 * fitting code (fit.c) reads as before. */
_Static_assert((int)UA_MAP_NONE == (int)UA_PROBE_MAP_NONE &&
                   (int)UA_MAP_LOG == (int)UA_PROBE_MAP_LOG,
               "cheb's ua_map and the probe's map values must agree");
typedef ua_probe_sampler ua_cheb_sampler;

/* Options of one piece fit, derived from ua_cheb_options. */
typedef struct {
    double tol;
    int abs_tol;
} ua_cheb_tol;

/* Result of fitting one piece. coeffs is malloc'ed (n entries, chopped when resolved). */
typedef struct {
    double *coeffs;
    size_t n;
    int resolved;
    int floored;   /* resolved only after an absolute tolerance below 2^-52 vscale was raised to
                      that floor (it cannot be met in double): the fit reports not resolved */
    double vscale; /* max |f| over the samples */
    size_t grid;   /* the size of the last grid sampled (2^k + 1): the next is 2 grid - 1 */
} ua_cheb_piece_fit;

static inline double ua_cheb_sampler_x(const ua_cheb_sampler *s, double t)
{
    return ua_probe_sampler_x(s, t);
}
static inline ua_status ua_cheb_sample(ua_cheb_sampler *s, double t, double *y)
{
    return ua_probe_sample(s, t, y);
}
static inline ua_status ua_cheb_sampler_memo(ua_cheb_sampler *s, size_t hint)
{
    return ua_probe_sampler_memo(s, hint);
}
static inline void ua_cheb_sampler_release(ua_cheb_sampler *s) { ua_probe_sampler_release(s); }

/*
 * Adaptive fit of one piece [lo, hi] (in t) on grids 17, 33, ... up to the largest 2^k + 1 <=
 * nmax. ext_lo / ext_hi: the endpoint is an interior breakpoint, where the target may jump:
 * its value is extrapolated from the interior samples instead of sampled. vscale_global: the
 * scale the relative tolerance refers to (max with the piece's own). On UA_OK *out is filled
 * (resolved or not); on failure nothing is left allocated.
 */
ua_status ua_cheb_fit_piece(ua_cheb_sampler *s, double lo, double hi, size_t nmax, int ext_lo,
                            int ext_hi, const ua_cheb_tol *tol, double vscale_global,
                            ua_cheb_piece_fit *out);

/* ua_cheb_fit_piece starting on the least grid 2^k + 1 >= nmin (17 for ua_cheb_fit_piece; capped
 * at the last grid nmax allows): the refit of a piece whose check on other points (scan.c)
 * failed, on grids larger than the one it was chopped on. */
ua_status ua_cheb_fit_piece_from(ua_cheb_sampler *s, double lo, double hi, size_t nmin,
                                 size_t nmax, int ext_lo, int ext_hi, const ua_cheb_tol *tol,
                                 double vscale_global, ua_cheb_piece_fit *out);

/* Moves an edge e located by ua_cheb_detect_edge (with hp non-NULL, from the target's values in
 * MPFR: |x - 2/7| + 1 in double is rounded to 4 ulps of x near its kink) inside (lo, hi) (in t, no map) onto the
 * singular point to within an ulp where it can (src/cheb/locate.c): the intersection of the
 * one-sided quadratics at a kink, else the peak of the second difference over neighbouring
 * doubles; *e is left as it is otherwise (also for the log map). UA_EDOMAIN when a sample is not
 * finite. */
ua_status ua_cheb_locate_edge(ua_cheb_sampler *s, const ua_cheb_hp *hp, double lo, double hi,
                              double *e);

/* The probes (src/probe/edge.c), under the names the fitting code uses. */
static inline ua_status ua_cheb_detect_edge(ua_cheb_sampler *s, double lo, double hi,
                                            double vscale, double hscale, int *found,
                                            double *edge)
{
    return ua_probe_detect_edge(s, lo, hi, vscale, hscale, found, edge);
}
static inline ua_status ua_cheb_probe_singularity(ua_cheb_sampler *s, double lo, double hi,
                                                  double e, int *singular, double *tpeak,
                                                  double *fpeak)
{
    return ua_probe_singularity(s, lo, hi, e, singular, tpeak, fpeak);
}
static inline ua_status ua_cheb_locate_peak(ua_cheb_sampler *s, double lo, double hi,
                                            double *peak)
{
    return ua_probe_locate_peak(s, lo, hi, peak);
}

#endif /* UA_CHEB_SAMPLE_H */
