/*
 * uniapprox/distill.h — fit any family to any model (knowledge distillation, Hinton et al. 2015,
 * "Distilling the Knowledge in a Neural Network"; for regression the soft targets are simply the
 * teacher's predictions).
 *
 * The teacher is only called through the public model API (ua_model_predict): the student is an
 * ordinary ua_fit of a problem built from it. A student family that takes samples gets a SAMPLES
 * problem of the teacher's predictions at drawn points — Sobol points in the box
 * (scrambled, src/core/qmc.c) or training inputs resampled with Gaussian jitter — and a family
 * that takes only functions (chebnd, sparse, cheb, spline) gets a FUNCTION problem whose function
 * is the teacher on the box, so it samples where it wants (its own grids). docs/compress.md.
 */
#ifndef UNIAPPROX_DISTILL_H
#define UNIAPPROX_DISTILL_H

#include <stddef.h>
#include <stdint.h>
#include "uniapprox/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the distillation points come from. Start from ua_distill_options_default. */
typedef struct {
    size_t points;          /* points drawn for a samples student (default 4000) */
    const double *data_x;   /* (data_n, d) training inputs to resample from; NULL: the box */
    size_t data_n;
    double jitter;          /* resampled inputs get N(0, (jitter * column std)^2) noise (0.05) */
    const double *lo, *hi;  /* (d,) box; NULL: the teacher's box, else the data's bounding box */
    uint64_t seed;          /* points, check points and jitter (default 1) */
    size_t check_points;    /* fresh points for the student-vs-teacher error (default 10000) */
} ua_distill_options;

/* Fills *o with the defaults listed in ua_distill_options. */
void ua_distill_options_default(ua_distill_options *o);

/* Errors of the student against the teacher on fresh points drawn as the training points were
 * (other Sobol points, or other resampled rows with other jitter): sampled, not bounds. */
typedef struct {
    size_t points;          /* fresh points compared */
    double rmse;            /* root mean square of student - teacher over points and outputs */
    double max_abs;         /* sampled maximum of |student - teacher| */
    double teacher_rms;     /* root mean square of the teacher's outputs there (for scale) */
    const char *source;     /* "box" or "data" (static) */
    const char *problem;    /* "samples" or "function": what the student was fitted on (static) */
} ua_distill_report;

/*
 * Distils teacher into a new model of family (opt: its options, NULL: defaults; a set made by
 * ua_family_options for that family). The teacher must have d inputs of a box or samples model
 * (not sequences or graphs); a FUNCTION student needs a single output. The box is o->lo, hi,
 * else the teacher's (ua_model_box), else the bounding box of o->data_x; a teacher without any
 * is refused. The student's metadata records "distilled_from" (the teacher's family),
 * "distill_source" (box | data), "distill_points", "distill_rmse" and "distill_max_abs" (against
 * the teacher, as in *rep). On UA_OK or UA_ENOTRESOLVED (the student's own verdict) *student is
 * set and *rep filled; a student whose prediction is not finite at a check point is
 * UA_ENOTRESOLVED whatever its own verdict (a 1-D student of samples has the box's two ends among
 * its points, so that its interval is the box). Errors: UA_EINVAL (bad options: 0 points, jitter
 * < 0 or NaN, data of another width, NaN data, lo >= hi, more than UA_DISTILL_MAX_POINTS points
 * or points whose arrays (points, teacher and student outputs: max(points, check_points)
 * (d + 2k) doubles) would take more than half the physical memory — refused before
 * allocating), UA_EUNSUPPORTED (a sequence or graph teacher — the model
 * file keeps no distribution of sequences or graphs to draw inputs from —, a family that takes
 * neither samples nor functions, a FUNCTION student of a several-output teacher, a teacher
 * without a box and no data), UA_EDOMAIN (the teacher's prediction is not finite at a drawn
 * point — a teacher asked beyond the box it was made on: the message names the point and, when
 * it lies outside the teacher's box, that box), the fit's errors, UA_ENOMEM; *student NULL.
 */
ua_status ua_distill(const ua_model *teacher, const char *family, const ua_options *opt,
                     const ua_distill_options *o, const ua_fit_hooks *hooks, ua_model **student,
                     ua_distill_report *rep);

/* The most points (training or check) of a distillation: 10^8, a few GB of arrays at most. */
#define UA_DISTILL_MAX_POINTS 100000000

/*
 * The points ua_distill draws for teacher with options o: n points (n, d) into x — the training
 * points (fresh 0: Sobol points 0 .. n-1, or resampled jittered rows) or the fresh check points
 * (fresh 1). Errors: as ua_distill's for the box and the options.
 */
ua_status ua_distill_points(const ua_model *teacher, const ua_distill_options *o, size_t n,
                            int fresh, double *x);

/*
 * mlp teacher -> mlp student with intermediate-representation matching (FitNets hints: Romero
 * et al., ICLR 2015; the Distiller study, Hinton-style distillation with hidden-layer losses
 * helping deep students). The student (options of the mlp family: hidden, activation, dtype,
 * epochs, lr, batch, seed are used; Adam, no validation split) is trained on the points of
 * ua_distill_points with the loss
 *     MSE(student(x), teacher(x)) + weight * MSE(P h_s(x) + c, h_t(x)),
 * both in standardised units: h_s the student's last hidden layer, h_t the teacher's last hidden
 * layer standardised per unit over the points, P, c a linear projection trained with the student
 * and dropped afterwards. weight 0 is the same loop without the hint (the comparison). *rep as
 * ua_distill's; the student's metadata adds "distill_hidden_weight".
 * Errors: UA_EUNSUPPORTED (a teacher that is not an mlp, or has no hidden layer; a student
 * without one), UA_EINVAL (weight < 0 or NaN, bad options), UA_EDIVERGED, UA_ENOMEM.
 */
ua_status ua_distill_mlp_hidden(const ua_model *teacher, const ua_options *student_opt,
                                const ua_distill_options *o, double weight, ua_model **student,
                                ua_distill_report *rep);

/* Root mean square and sampled maximum of |a - b| over n * k values (NaN counts as infinite
 * error: max_abs infinite). */
void ua_distill_diff(const double *a, const double *b, size_t nk, double *rmse, double *max_abs);

#ifdef __cplusplus
}
#endif
#endif /* UNIAPPROX_DISTILL_H */
