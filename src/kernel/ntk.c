/*
 * NNGP and NTK of a fully connected network Dense, act, ..., act, Dense with `depth` hidden
 * layers, in the NTK parametrisation (Jacot et al. 2018; Lee et al. 2018; the
 * layer-by-layer recursion of neural-tangents' stax):
 *   start   Sigma = x.x'/d, Theta = 0 (and q11 = x.x/d, q22 = x'.x'/d)
 *   Dense   Sigma <- sw^2 Sigma + sb^2, then Theta <- Sigma + sw^2 Theta (the new Sigma)
 *   act     Theta <- Theta * Fdot, Sigma <- F, both from the Sigma before it, with
 *     relu: t = arccos(q12 / sqrt(q11 q22)), F = sqrt(q11 q22) (sin t + (pi - t) cos t) / (2 pi),
 *           Fdot = (pi - t) / (2 pi); on the diagonal F = q / 2
 *     erf:  F = (2/pi) asin(2 q12 / sqrt((1 + 2 q11)(1 + 2 q22))),
 *           Fdot = (4/pi) / sqrt((1 + 2 q11)(1 + 2 q22) - 4 q12^2)          (Williams 1997)
 * The NNGP kernel is the final Sigma, the NTK the final Theta. With a frozen readout layer its
 * own term (the final Sigma) is left out of Theta.
 */
#include <math.h>

#include "internal.h"

/* One activation on the pair (q11, q22, q12): *f and *fdot, and the diagonals' new values. */
static void act(ua_kernel_act a, double q11, double q22, double q12, double *f, double *fdot,
                double *d11, double *d22)
{
    if (a == UA_KACT_RELU) {
        double nn = sqrt(q11 * q22);
        double c = nn > 0 ? q12 / nn : 0.0;
        if (c > 1) c = 1;
        if (c < -1) c = -1;
        double t = acos(c);
        *f = nn * (sin(t) + (UA_PI - t) * c) / (2.0 * UA_PI);
        *fdot = (UA_PI - t) / (2.0 * UA_PI);
        *d11 = q11 / 2.0;
        *d22 = q22 / 2.0;
    } else {
        double a1 = 1.0 + 2.0 * q11, a2 = 1.0 + 2.0 * q22;
        double r = 2.0 * q12 / sqrt(a1 * a2);
        if (r > 1) r = 1;
        if (r < -1) r = -1;
        *f = (2.0 / UA_PI) * asin(r);
        double det = a1 * a2 - 4.0 * q12 * q12;
        *fdot = (4.0 / UA_PI) / sqrt(det > 0 ? det : 0x1p-1000);
        *d11 = (2.0 / UA_PI) * asin(2.0 * q11 / a1);
        *d22 = (2.0 / UA_PI) * asin(2.0 * q22 / a2);
    }
}

void ua_ntk_pair(const ua_kernel_spec *s, double q11, double q22, double s12, double *nngp,
                 double *ntk)
{
    double w2 = s->sw * s->sw, b2 = s->sb * s->sb, S = s12, T = 0.0;
    for (int l = 0; l < s->depth; l++) {
        S = w2 * S + b2; /* Dense */
        q11 = w2 * q11 + b2;
        q22 = w2 * q22 + b2;
        T = S + w2 * T;
        double f, fd, d11, d22;
        act(s->act, q11, q22, S, &f, &fd, &d11, &d22);
        T *= fd;
        S = f;
        q11 = d11;
        q22 = d22;
    }
    S = w2 * S + b2; /* readout Dense */
    T = (s->frozen_readout ? 0.0 : S) + w2 * T;
    *nngp = S;
    *ntk = T;
}
