/*
 * The whole network, templated on T (see layers_t.h): workspace, forward pass, loss, backward
 * pass, optimiser update, and the operations table TS(ops) that model.c picks by dtype.
 */

#define P_(m, p, off) ((T *)(p) + (m)->off)

static void TS(work_free)(ua_mlp_work *w)
{
    for (size_t l = 0; l < UA_MLP_MAX_LAYERS; l++) {
        free(w->z[l]);
        free(w->h[l]);
        free(w->stat[l]);
    }
    free(w->dz);
    free(w->dh);
    free(w->xb);
    free(w->yb);
    free(w->out);
    memset(w, 0, sizeof *w);
}

static ua_status TS(work_alloc)(const ua_mlp *m, size_t B, ua_mlp_work *w)
{
    memset(w, 0, sizeof *w);
    w->B = B;
    size_t maxw = m->d, bytes = 0;
    int ok = 1;
    for (size_t l = 0; l < m->L; l++) {
        size_t wl = m->width[l + 1];
        if (wl > maxw) maxw = wl;
        ok &= (w->z[l] = ua_calloc(B * wl, sizeof(T))) != NULL;
        if (l + 1 < m->L) {
            ok &= (w->h[l] = ua_calloc(B * wl, sizeof(T))) != NULL;
            ok &= (w->stat[l] = ua_calloc(B * (m->groups[l] > 3 ? m->groups[l] : 3), sizeof(T))) != NULL;
        }
        bytes += 2 * B * wl * sizeof(T);
    }
    ok &= (w->dz = ua_calloc(B * maxw, sizeof(T))) != NULL;
    ok &= (w->dh = ua_calloc(B * maxw, sizeof(T))) != NULL;
    ok &= (w->xb = ua_calloc(B * m->d, sizeof(T))) != NULL;
    ok &= (w->yb = ua_calloc(B * m->k, sizeof(T))) != NULL;
    ok &= (w->out = ua_calloc(B * m->dout, sizeof(T))) != NULL;
    if (!ok) {
        TS(work_free)(w);
        return UA_ENOMEM_ERR(bytes + 2 * B * maxw * sizeof(T));
    }
    return UA_OK;
}

/* xb (B, d) <- x[idx] (n, d) and yb (B, k) <- y[idx], rounded to T. */
static void TS(load)(const ua_mlp *m, ua_mlp_work *w, const double *x, const double *y,
                     const size_t *idx, size_t B)
{
    T *xb = w->xb, *yb = w->yb;
    for (size_t i = 0; i < B; i++) {
        size_t r = idx ? idx[i] : i;
        for (size_t j = 0; j < m->d; j++) xb[i * m->d + j] = (T)x[r * m->d + j];
        if (y)
            for (size_t j = 0; j < m->k; j++) yb[i * m->k + j] = (T)y[r * m->k + j];
    }
}

static void TS(forward)(const ua_mlp *m, const void *p, ua_mlp_work *w, size_t B)
{
    const T *h = w->xb; /* (B, width[l]) */
    for (size_t l = 0; l < m->L; l++) {
        size_t in = m->width[l], out = m->width[l + 1];
        T *z = w->z[l]; /* (B, out) */
        TS(dense_forward)(z, h, P_(m, p, off_w[l]), P_(m, p, off_b[l]), B, in, out, m->mult[l]);
        if (l + 1 == m->L) break;
        T *a = w->h[l]; /* (B, out) */
        if (m->opt.evonorm) {
            const T *ev = P_(m, p, off_act[l]); /* (3, out): v, gamma, beta */
            TS(evonorm_forward)(a, w->stat[l], z, ev, ev + out, ev + 2 * out, B, out, m->groups[l]);
        } else if (m->opt.act == UA_ACT_POLYRELU) {
            TS(polyrelu_forward)(a, z, P_(m, p, off_act[l]), B * out);
        } else if (m->opt.act == UA_ACT_POLYNORM) {
            TS(polynorm_forward)(a, w->stat[l], z, P_(m, p, off_act[l]), B, out);
        } else {
            TS(act_forward)(a, z, B * out, m->opt.act, m->opt.leaky_slope);
        }
        h = a;
    }
}

static double TS(loss)(const ua_mlp *m, ua_mlp_work *w, size_t B, int grad, size_t *correct)
{
    const T *p = w->z[m->L - 1]; /* (B, dout) */
    if (m->opt.task == UA_TASK_CLASSIFY)
        return TS(xent_forward_backward)(grad ? w->out : NULL, p, w->yb, B, m->dout, correct);
    if (m->opt.task == UA_TASK_GAUSSIAN)
        return TS(gauss_forward_backward)(grad ? w->out : NULL, p, w->yb, B, m->k);
    return TS(mse_forward_backward)(grad ? w->out : NULL, p, w->yb, B, m->dout);
}

static void TS(backward)(const ua_mlp *m, const void *p, ua_mlp_work *w, size_t B, void *gv)
{
    T *g = gv;
    const T *dz = w->out; /* (B, width[l+1]) gradient at the pre-activations of layer l */
    for (size_t l = m->L; l-- > 0;) {
        size_t in = m->width[l], out = m->width[l + 1];
        const T *hin = l ? w->h[l - 1] : w->xb; /* (B, in) */
        T *dh = l ? w->dh : NULL;               /* (B, in) */
        TS(dense_backward)(dh, g + m->off_w[l], g + m->off_b[l], dz, hin, P_(m, p, off_w[l]),
                           B, in, out, m->mult[l]);
        if (!l) break;
        size_t hl = l - 1; /* the hidden layer whose activation feeds layer l */
        T *dzn = w->dz;    /* (B, in) */
        const T *zin = w->z[hl];
        if (m->opt.evonorm) {
            const T *ev = P_(m, p, off_act[hl]);
            T *gev = g + m->off_act[hl];
            TS(evonorm_backward)(dzn, gev, gev + in, gev + 2 * in, dh, zin, w->stat[hl], ev,
                                 ev + in, B, in, m->groups[hl]);
        } else if (m->opt.act == UA_ACT_POLYRELU) {
            TS(polyrelu_backward)(dzn, g + m->off_act[hl], dh, zin, P_(m, p, off_act[hl]), B * in);
        } else if (m->opt.act == UA_ACT_POLYNORM) {
            TS(polynorm_backward)(dzn, g + m->off_act[hl], dh, zin, w->stat[hl],
                                  P_(m, p, off_act[hl]), B, in);
        } else {
            TS(act_backward)(dzn, dh, zin, B * in, m->opt.act, m->opt.leaky_slope);
        }
        dz = dzn;
    }
}

/* The optimiser step of parameters [lo, hi) of the flat buffer at step m->step (already counted):
 * each tensor's part of the span with that tensor's learning-rate factor and decay flag. The
 * steps are per parameter, so spans that cover [0, nparams) give the bits of one whole update
 * (threads update disjoint spans at once: train.c). */
static void TS(update_span)(ua_mlp *m, const void *gv, double lr, size_t lo, size_t hi)
{
    const T *g = gv;
    T *p = m->params, *m1 = m->m1, *m2 = m->m2;
    const ua_mlp_options *o = &m->opt;
    for (size_t t = 0; t < m->ntensors; t++) {
        const ua_mlp_tensor_info *ti = &m->tensors[t];
        size_t a = ti->offset > lo ? ti->offset : lo, e = ti->offset + ti->size;
        if (e > hi) e = hi;
        if (a >= e) continue;
        double lrt = lr * ti->lr_scale, wd = ti->decay ? o->weight_decay : 0.0;
        if (o->optim == UA_OPTIM_SGD)
            TS(ua_train_sgd)(p + a, g + a, m1 + a, e - a, lrt, o->momentum, wd, m->step);
        else
            TS(ua_train_adam)(p + a, g + a, m1 + a, m2 + a, e - a, lrt, o->beta1, o->beta2,
                              o->eps, wd, o->optim == UA_OPTIM_ADAMW, m->step);
    }
}

static void TS(update)(ua_mlp *m, const void *gv, double lr)
{
    m->step++;
    TS(update_span)(m, gv, lr, 0, m->nparams);
}

static void TS(to_double)(const void *src, double *dst, size_t n)
{
    const T *s = src;
    for (size_t i = 0; i < n; i++) dst[i] = (double)s[i];
}

static void TS(from_double)(const double *src, void *dst, size_t n)
{
    T *d = dst;
    for (size_t i = 0; i < n; i++) d[i] = (T)src[i];
}

static void TS(outputs)(const ua_mlp *m, const ua_mlp_work *w, size_t B, double *out)
{
    const T *z = w->z[m->L - 1];
    for (size_t i = 0; i < B * m->dout; i++) out[i] = (double)z[i];
}

/* The first of the B rows with a non-finite pre-activation (any layer, the outputs included) or
 * hidden activation after TS(forward), or B when every value is finite. An activation such as
 * ReLU maps NaN (inf - inf in an overflowed sum) to 0, so the outputs alone would hide it. */
static size_t TS(first_nonfinite)(const ua_mlp *m, const ua_mlp_work *w, size_t B)
{
    size_t bad = B;
    for (size_t l = 0; l < m->L; l++) {
        size_t out = m->width[l + 1];
        const T *z = w->z[l], *h = l + 1 < m->L ? w->h[l] : NULL;
        for (size_t i = 0; i < bad * out; i++)
            if (!isfinite(z[i]) || (h && !isfinite(h[i]))) {
                bad = i / out;
                break;
            }
    }
    return bad;
}

const ua_mlp_ops TS(ua_mlp_ops) = {
    sizeof(T),     TS(work_alloc), TS(work_free),   TS(load),
    TS(forward),   TS(loss),       TS(backward),    TS(update),
    TS(to_double), TS(from_double), TS(outputs),    TS(first_nonfinite), TS(update_span),
};

#undef P_
