/*
 * src/pde/family.c — the `pde` family vtable (src/model/family.h): physics-informed networks for
 * PDE problems (docs/pde.md). The fit is train.c, the C export export.c.
 *
 * Tensors: "theta" F64 (P,) — [gaussian: centres (m, d), log widths (m, d)], then per layer
 * W (out, in) row-major and b (out,) —, "x_lo" and "x_hi" F64 (d,) the box the inputs are scaled
 * from, and for fourier "B" F64 (m, d). Metadata: "pde_hidden" ("32x32x32"), "pde_activation",
 * "pde_net", "pde_features". With hard constraints (u = g + D N, transform.c): "pde_transform_vars"
 * (the inputs then the parameters, joined by commas), "pde_transform_g", "pde_transform_D" (the
 * expressions) and "transform_params" F64 (the parameters' values), when there are parameters.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "model/family.h"
#include "internal.h"

static const char *const act_names[] = { "tanh", "sin" };
static const char *const arch_names[] = { "mlp", "fourier", "gaussian" };

static void pde_free(void *state)
{
    ua_pde_net_free(state);
    free(state);
}

static ua_status pde_predict(const void *state, const double *x, size_t n, double *y)
{
    return ua_pde_net_predict(state, x, n, y);
}

static void pde_dims(const void *state, size_t *din, size_t *dout)
{
    *din = ((const ua_pde_net *)state)->d;
    *dout = 1;
}

static void hidden_text(const ua_pde_net *net, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t l = 1; l < net->nlayers; l++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%zu", l > 1 ? "x" : "", net->width[l]);
    }
}

static ua_status pde_save(const void *state, ua_st *st)
{
    const ua_pde_net *net = state;
    int64_t sP[1] = { (int64_t)net->P }, sd[1] = { (int64_t)net->d };
    int64_t sB[2] = { (int64_t)net->m, (int64_t)net->d };
    char hid[UA_PDE_MAX_LAYERS * 8], num[32];
    hidden_text(net, hid, sizeof hid);
    ua_status s = ua_st_add(st, "theta", UA_F64, 1, sP, net->theta);
    if (!s) s = ua_st_add(st, "x_lo", UA_F64, 1, sd, net->lo);
    if (!s) s = ua_st_add(st, "x_hi", UA_F64, 1, sd, net->hi);
    if (!s && net->arch == UA_PDE_NET_FOURIER) s = ua_st_add(st, "B", UA_F64, 2, sB, net->B);
    if (!s) s = ua_st_set_meta(st, "pde_hidden", hid);
    if (!s) s = ua_st_set_meta(st, "pde_activation", act_names[net->act]);
    if (!s) s = ua_st_set_meta(st, "pde_net", arch_names[net->arch]);
    snprintf(num, sizeof num, "%zu", net->m);
    if (!s) s = ua_st_set_meta(st, "pde_features", num);
    if (!s && net->T) { /* u = g + D N: the expressions, their variables, the parameters */
        const ua_pde_transform *T = net->T;
        int64_t sp[1] = { (int64_t)(T->nvars - T->d) };
        s = ua_st_set_meta(st, "pde_transform_vars", T->vars);
        if (!s) s = ua_st_set_meta(st, "pde_transform_g", ua_pde_transform_text(T, 0));
        if (!s) s = ua_st_set_meta(st, "pde_transform_D", ua_pde_transform_text(T, 1));
        if (!s && sp[0]) s = ua_st_add(st, "transform_params", UA_F64, 1, sp, T->vals + T->d);
    }
    return s;
}

/* The output transform a saved model records (none when it has no pde_transform_* metadata):
 * untrusted, so every part is checked (ua_pde_transform_new parses the expressions). */
static ua_status load_transform(const ua_st *st, const char *who, size_t d, ua_pde_transform **T)
{
    *T = NULL;
    const char *vars = ua_st_meta(st, "pde_transform_vars");
    const char *g = ua_st_meta(st, "pde_transform_g"), *D = ua_st_meta(st, "pde_transform_D");
    if (!vars && !g && !D) return UA_OK;
    if (!vars || !g || !D || strlen(vars) > 1024)
        return UA_ERR(UA_EFORMAT, "%s: pde_transform_vars, pde_transform_g and pde_transform_D "
                      "go together", who);
    char buf[1025];
    const char *names[UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS];
    size_t nv = 0;
    snprintf(buf, sizeof buf, "%s", vars);
    for (char *p = buf, *e; p; p = e) {
        e = strchr(p, ',');
        if (e) *e++ = '\0';
        if (!*p || nv == UA_PDE_MAX_DIM + UA_PDE_MAX_PARAMS)
            return UA_ERR(UA_EFORMAT, "%s: pde_transform_vars is not %zu to %zu names joined by "
                          "commas", who, d, d + UA_PDE_MAX_PARAMS);
        names[nv++] = p;
    }
    if (nv < d) return UA_ERR(UA_EFORMAT, "%s: pde_transform_vars has fewer names than inputs", who);
    size_t np = nv - d, zero = 0;
    const double *par = NULL;
    if (np) {
        ua_status s = ua_st_get_f64(st, who, "transform_params", 1, &np, &zero, &par);
        if (s) return s;
        for (size_t i = 0; i < np; i++)
            if (!isfinite(par[i]))
                return UA_ERR(UA_EFORMAT, "%s: transform_params is not finite", who);
    }
    ua_status s = ua_pde_transform_new(g, D, names, nv, d, par, T);
    if (s == UA_ENOMEM) return s;
    if (s) {
        char msg[400];
        ua_last_error_message(msg, sizeof msg);
        return UA_ERR(UA_EFORMAT, "%s: %s", who, msg);
    }
    return UA_OK;
}

static int name_index(const char *v, const char *const *names, int n)
{
    for (int i = 0; v && i < n; i++)
        if (!strcmp(v, names[i])) return i;
    return -1;
}

static ua_status pde_load(const ua_st *st, double lo, double hi, void **state)
{
    (void)lo;
    (void)hi;
    *state = NULL;
    const char *who = "pde model";
    int act = name_index(ua_st_meta(st, "pde_activation"), act_names, 2);
    int arch = name_index(ua_st_meta(st, "pde_net"), arch_names, 3);
    const char *hid = ua_st_meta(st, "pde_hidden"), *feat = ua_st_meta(st, "pde_features");
    if (act < 0 || arch < 0 || !hid || !feat)
        return UA_ERR(UA_EFORMAT, "%s: metadata pde_activation, pde_net, pde_hidden or "
                      "pde_features missing or unknown", who);
    size_t w[UA_PDE_MAX_LAYERS], nh = 0;
    for (const char *p = hid; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > UA_PDE_MAX_WIDTH || nh == UA_PDE_MAX_LAYERS ||
            (*end && *end != 'x'))
            return UA_ERR(UA_EFORMAT, "%s: pde_hidden '%.40s' is not widths joined by x", who, hid);
        w[nh++] = (size_t)v;
        p = *end ? end + 1 : end;
    }
    char *end;
    long m = strtol(feat, &end, 10);
    if (!nh || *end || end == feat || m < 0 || m > 4096 || (arch != UA_PDE_NET_MLP && m < 1))
        return UA_ERR(UA_EFORMAT, "%s: pde_hidden or pde_features out of range", who);
    size_t d = 0, zero = 0, P = 0;
    const double *xlo, *xhi, *theta;
    ua_status s = ua_st_get_f64(st, who, "x_lo", 1, &d, &zero, &xlo);
    if (!s && d > UA_PDE_MAX_DIM) s = UA_ERR(UA_EFORMAT, "%s: %zu inputs (at most %d)", who, d,
                                             UA_PDE_MAX_DIM);
    if (!s) s = ua_st_get_f64(st, who, "x_hi", 1, &d, &zero, &xhi);
    for (size_t i = 0; !s && i < d; i++)
        if (!(xlo[i] < xhi[i]) || !isfinite(xhi[i] - xlo[i]))
            s = UA_ERR(UA_EFORMAT, "%s: x_lo, x_hi is not a box", who);
    if (s) return s;
    ua_pde_net *net = calloc(1, sizeof *net);
    if (!net) return UA_ENOMEM_ERR(sizeof *net);
    s = ua_pde_net_init(net, d, xlo, xhi, (ua_pde_act)act, (ua_pde_arch)arch, (size_t)m, w, nh);
    if (s) {
        free(net);
        return UA_ERR(UA_EFORMAT, "%s: a network of this shape cannot be built", who);
    }
    P = net->P;
    s = ua_st_get_f64(st, who, "theta", 1, &P, &zero, &theta);
    if (!s) memcpy(net->theta, theta, P * sizeof *theta);
    if (!s && arch == UA_PDE_NET_FOURIER) {
        size_t rows = (size_t)m, cols = d;
        const double *B;
        s = ua_st_get_f64(st, who, "B", 2, &rows, &cols, &B);
        if (!s) memcpy(net->B, B, (size_t)m * d * sizeof *B);
    }
    if (!s) s = load_transform(st, who, d, &net->T);
    if (s) {
        pde_free(net);
        return s;
    }
    *state = net;
    return UA_OK;
}

static ua_status pde_describe(const void *state, cJSON *obj)
{
    const ua_pde_net *net = state;
    char hid[UA_PDE_MAX_LAYERS * 8];
    hidden_text(net, hid, sizeof hid);
    int ok = cJSON_AddStringToObject(obj, "network", arch_names[net->arch]) != NULL;
    ok = ok && cJSON_AddStringToObject(obj, "hidden", hid);
    ok = ok && cJSON_AddStringToObject(obj, "activation", act_names[net->act]);
    if (net->arch != UA_PDE_NET_MLP) ok = ok && cJSON_AddNumberToObject(obj, "features", (double)net->m);
    ok = ok && cJSON_AddNumberToObject(obj, "parameters", (double)net->P);
    ok = ok && cJSON_AddNumberToObject(obj, "inputs", (double)net->d);
    if (net->T) {
        const char *g = ua_pde_transform_text(net->T, 0), *D = ua_pde_transform_text(net->T, 1);
        char *t = malloc(strlen(g) + strlen(D) + 32);
        if (t) sprintf(t, "u = g + D N, g = %s, D = %s", g, D);
        ok = ok && t && cJSON_AddStringToObject(obj, "output_transform", t);
        free(t);
    }
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

/* The gradient of u at x: the first-derivative channels of the forward jet. */
static ua_status pde_gradient(const void *state, const double *x, size_t n, double *g)
{
    const ua_pde_net *net = state;
    ua_pde_jet jet = { .d = net->d, .C = 1 + net->d, .npairs = 0 };
    size_t chunk = 2048, C = jet.C;
    ua_pde_work w;
    ua_status s = ua_pde_work_alloc(&w, net, &jet, chunk);
    double *u = s ? NULL : malloc(chunk * C * sizeof *u);
    if (!s && !u) s = UA_ENOMEM_ERR(chunk * C * sizeof *u);
    for (size_t i = 0; !s && i < n; i += chunk) {
        size_t m = n - i < chunk ? n - i : chunk;
        ua_pde_net_forward(net, &jet, &w, x + i * net->d, m, u);
        for (size_t p = 0; p < m; p++)
            for (size_t a = 0; a < net->d; a++) g[(i + p) * net->d + a] = u[p * C + 1 + a];
    }
    free(u);
    if (w.A) ua_pde_work_free(&w);
    return s;
}

/* Every PDE problem is this family's: no other family reads the equation. */
static int pde_auto_priority(const ua_problem *p, const char **why)
{
    if (ua_problem_kind_of(p) != UA_PROBLEM_PDE) return 0;
    *why = "a physics-informed network for PDE problems";
    return 100;
}

const ua_family ua_family_pde = {
    .name = "pde",
    .summary = "physics-informed networks for PDE problems (--pde FILE): forward-mode "
               "derivatives in float64, Adam then L-BFGS, residual-based resampling, "
               "Fourier or PIG Gaussian features",
    .doc = "docs/pde.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_PDE),
    .min_dim = 1,
    .max_dim = UA_PDE_MAX_DIM,
    .options = ua_pde_option_spec,
    .noptions = UA_PDE_NOPTIONS,
    .fit = ua_pde_fit,
    .free = pde_free,
    .predict = pde_predict,
    .save = pde_save,
    .load = pde_load,
    .export_c = ua_pde_export_c,
    .describe = pde_describe,
    .dims = pde_dims,
    .auto_priority = pde_auto_priority,
    .gradient = pde_gradient,
};
