/*
 * The `graph` family vtable (src/model/family.h): fit and the option table (options.c),
 * predict_graphs, save / load through the safetensors container, describe, and the C export's
 * refusal (export.c).
 *
 * Tensors: the network's by PyTorch state_dict name (model.c: "node_encoder.weight",
 * "layers.0.self_attn.in_proj_weight", "layers.0.norm2.running_var", ..., "head.2.bias"), F32;
 * regression models also "y_mean", "y_scale" (nout,) F64, the targets' standardisation.
 * Metadata: graph_din, graph_edim, graph_nout, graph_task ("classify"/"regress"), graph_level
 * ("graph"/"node"), graph_width, graph_layers, graph_heads, graph_mpnn ("gine"/"none"),
 * graph_attention ("mha"/"none"), graph_pe ("none"/"rwse"/"lappe"), graph_pe_k (raw encoding
 * columns: the walk length, or twice the eigenvectors for LapPE's vectors and values), graph_pe_dim,
 * graph_pe_padded (LapPE: training graphs with fewer nodes than eigenvectors asked), graph_pool ("sum"/"mean"), and the fit's report (epochs_run,
 * train_loss, graphs_per_second).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/family.h"
#include "internal.h"

static void gps_free(void *state) { ua_gps_free(state); }

static ua_status gps_predict(const void *state, const double *x, size_t n, double *y)
{
    (void)state, (void)x, (void)n, (void)y;
    return UA_ERR(UA_EUNSUPPORTED, "a graph model takes graphs, not rows of numbers "
                  "(ua_model_predict_graphs; uniapprox eval MODEL --graphs FILE)");
}

static void gps_dims(const void *state, size_t *din, size_t *dout)
{
    const ua_gps *m = state;
    *din = m->a.din;
    *dout = m->a.nout;
}

/* y (R, nout) for the graphs (or nodes) of g: probabilities of each class, or values. */
static ua_status gps_predict_graphs(const void *state, const ua_graphs *g, double **y,
                                    size_t *nout, int *classify)
{
    const ua_gps *m = state;
    *y = NULL;
    *nout = m->a.nout;
    *classify = m->a.classify;
    ua_status s = ua_graphs_check(g, "graphs");
    if (s) return s;
    if (g->node_dim != m->a.din || (m->a.mpnn && g->edge_dim != m->a.edim))
        return UA_ERR(UA_EINVAL, "graph: the model takes %zu node and %zu edge features, the "
                      "graphs have %zu and %zu", m->a.din, m->a.edim, g->node_dim, g->edge_dim);
    size_t R = m->a.node_level ? g->nnodes : g->ngraphs;
    double *out = ua_calloc(R * m->a.nout + 1, sizeof *out), *pe = NULL;
    if (!out) return UA_ENOMEM_ERR(R * m->a.nout * sizeof *out);
    size_t padded = 0;
    s = ua_gps_batches_check(m, g, 64, 0, 0); /* before the encodings: a huge graph is refused fast */
    if (!s) s = ua_gps_encodings(m, g, &pe, &padded);
    /* a set without targets, or with other ones, is predicted alike: the targets are not read */
    ua_graphs view = *g;
    view.y = NULL;
    view.ny = 0;
    if (!s) s = ua_gps_predict_all(m, &view, pe, 64, out);
    free(pe);
    if (s) {
        free(out);
        return s;
    }
    *y = out;
    return UA_OK;
}

static ua_status set_size(ua_st *st, const char *key, size_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", v);
    return ua_st_set_meta(st, key, buf);
}

static ua_status set_num(ua_st *st, const char *key, double v)
{
    char buf[32];
    return ua_st_set_meta(st, key, ua_fmt_double(buf, v));
}

static const char *pe_name(int pe) { return pe == UA_GPS_PE_RWSE ? "rwse" : pe == UA_GPS_PE_LAPPE ? "lappe" : "none"; }

static ua_status gps_save(const void *state, ua_st *st)
{
    const ua_gps *m = state;
    const ua_gps_arch *a = &m->a;
    ua_status s = UA_OK;
    for (size_t i = 0; !s && i < m->ntensors; i++) {
        const ua_gps_tensor *t = &m->tensors[i];
        int64_t shape[2] = { (int64_t)t->shape[0], (int64_t)t->shape[1] };
        s = ua_st_add(st, t->name, UA_F32, t->ndim, shape, (t->stat ? m->stats : m->params) + t->offset);
    }
    if (!s && !a->classify) {
        int64_t shape[1] = { (int64_t)a->nout };
        s = ua_st_add(st, "y_mean", UA_F64, 1, shape, m->y_mean);
        if (!s) s = ua_st_add(st, "y_scale", UA_F64, 1, shape, m->y_scale);
    }
    if (!s) s = set_size(st, "graph_din", a->din);
    if (!s) s = set_size(st, "graph_edim", a->edim);
    if (!s) s = set_size(st, "graph_nout", a->nout);
    if (!s) s = ua_st_set_meta(st, "graph_task", a->classify ? "classify" : "regress");
    if (!s) s = ua_st_set_meta(st, "graph_level", a->node_level ? "node" : "graph");
    if (!s) s = set_size(st, "graph_width", a->C);
    if (!s) s = set_size(st, "graph_layers", a->L);
    if (!s) s = set_size(st, "graph_heads", a->H);
    if (!s) s = ua_st_set_meta(st, "graph_mpnn", a->mpnn ? "gine" : "none");
    if (!s) s = ua_st_set_meta(st, "graph_attention", a->attn ? "mha" : "none");
    if (!s) s = ua_st_set_meta(st, "graph_pe", pe_name(a->pe));
    if (!s) s = set_size(st, "graph_pe_k", a->K);
    if (!s) s = set_size(st, "graph_pe_dim", a->P);
    if (!s) s = ua_st_set_meta(st, "graph_pool", a->pool == UA_GPS_POOL_MEAN ? "mean" : "sum");
    if (!s && a->pe == UA_GPS_PE_LAPPE) s = set_size(st, "graph_pe_padded", m->pe_padded);
    if (!s && m->report.epochs_run) {
        s = set_size(st, "epochs_run", m->report.epochs_run);
        if (!s) s = set_num(st, "graphs_per_second", m->report.graphs_per_second);
    }
    return s;
}

static ua_status meta(const ua_st *st, const char *key, const char **v)
{
    *v = ua_st_meta(st, key);
    return *v ? UA_OK : UA_ERR(UA_EFORMAT, "graph model: metadata '%s' is missing", key);
}

static ua_status meta_size(const ua_st *st, const char *key, size_t lo, size_t hi, size_t *out)
{
    const char *v;
    ua_status s = meta(st, key, &v);
    if (s) return s;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end || *v == '-' || x < lo || x > hi)
        return UA_ERR(UA_EFORMAT, "graph model: '%s' = '%s' is not a count in %zu..%zu", key, v, lo, hi);
    *out = (size_t)x;
    return UA_OK;
}

/* metadata key as one of the names (index into *out) */
static ua_status meta_choice(const ua_st *st, const char *key, const char *const *names, int n,
                             int *out)
{
    const char *v;
    ua_status s = meta(st, key, &v);
    if (s) return s;
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i])) {
            *out = i;
            return UA_OK;
        }
    return UA_ERR(UA_EFORMAT, "graph model: '%s' = '%s' is not one of the known values", key, v);
}

static ua_status gps_load(const ua_st *st, double lo, double hi, void **state)
{
    (void)lo, (void)hi;
    *state = NULL;
    static const char *const task[] = { "regress", "classify" }, *const level[] = { "graph", "node" };
    static const char *const gine[] = { "none", "gine" }, *const mha[] = { "none", "mha" };
    static const char *const pes[] = { "none", "rwse", "lappe" }, *const pools[] = { "sum", "mean" };
    ua_gps_arch a = { 0 };
    ua_status s = meta_size(st, "graph_din", 1, UA_GPS_MAX_FEATURES, &a.din);
    if (!s) s = meta_size(st, "graph_edim", 0, UA_GPS_MAX_FEATURES, &a.edim);
    if (!s) s = meta_size(st, "graph_nout", 1, UA_GPS_MAX_OUT, &a.nout);
    if (!s) s = meta_choice(st, "graph_task", task, 2, &a.classify);
    if (!s) s = meta_choice(st, "graph_level", level, 2, &a.node_level);
    if (!s) s = meta_size(st, "graph_width", 2, UA_GPS_MAX_WIDTH, &a.C);
    if (!s) s = meta_size(st, "graph_layers", 1, UA_GPS_MAX_LAYERS, &a.L);
    if (!s) s = meta_size(st, "graph_heads", 1, 256, &a.H);
    if (!s) s = meta_choice(st, "graph_mpnn", gine, 2, &a.mpnn);
    if (!s) s = meta_choice(st, "graph_attention", mha, 2, &a.attn);
    if (!s) s = meta_choice(st, "graph_pe", pes, 3, &a.pe);
    if (!s) s = meta_size(st, "graph_pe_k", 0, UA_GPS_MAX_PE, &a.K);
    if (!s) s = meta_size(st, "graph_pe_dim", 0, UA_GPS_MAX_PE, &a.P);
    if (!s) s = meta_choice(st, "graph_pool", pools, 2, &a.pool);
    if (!s && a.pe == UA_GPS_PE_LAPPE && a.K % 2)
        s = UA_ERR(UA_EFORMAT, "graph model: a LapPE model has an even graph_pe_k (vectors and values)");
    if (s) return s;
    ua_gps *m;
    if ((s = ua_gps_build(&a, &m))) return s == UA_EINVAL ? UA_ERR(UA_EFORMAT, "graph model: %s", ua_last_error()) : s;
    size_t want = m->ntensors + (a.classify ? 0 : 2);
    if (ua_st_count(st) != want)
        s = UA_ERR(UA_EFORMAT, "graph model: %zu tensors, the architecture has %zu", ua_st_count(st), want);
    for (size_t i = 0; !s && i < m->ntensors; i++) {
        const ua_gps_tensor *t = &m->tensors[i];
        ua_dtype dt;
        size_t nd;
        const int64_t *sh;
        const void *data;
        if (ua_st_get(st, t->name, &dt, &nd, &sh, &data)) {
            s = UA_ERR(UA_EFORMAT, "graph model: tensor '%s' is missing", t->name);
            break;
        }
        if (dt != UA_F32 || nd != t->ndim || sh[0] != (int64_t)t->shape[0] ||
            (nd == 2 && sh[1] != (int64_t)t->shape[1])) {
            s = UA_ERR(UA_EFORMAT, "graph model: tensor '%s' must be F32 of shape (%zu%s%zu)",
                       t->name, t->shape[0], t->ndim == 2 ? ", " : "", t->ndim == 2 ? t->shape[1] : 0);
            break;
        }
        float *dstp = (t->stat ? m->stats : m->params) + t->offset;
        memcpy(dstp, data, t->size * sizeof(float));
        int var = strstr(t->name, "running_var") != NULL;
        for (size_t j = 0; j < t->size; j++)
            if (!isfinite(dstp[j]) || (var && dstp[j] < 0)) {
                s = UA_ERR(UA_EFORMAT, "graph model: tensor '%s' element %zu is %s", t->name, j,
                           var ? "not a finite variance >= 0" : "not finite");
                break;
            }
    }
    if (!s && !a.classify) {
        const double *mu, *sc;
        size_t r = a.nout;
        s = ua_st_get_f64(st, "graph model", "y_mean", 1, &r, NULL, &mu);
        if (!s) s = ua_st_get_f64(st, "graph model", "y_scale", 1, &r, NULL, &sc);
        for (size_t k = 0; !s && k < a.nout; k++) {
            if (!(sc[k] > 0)) s = UA_ERR(UA_EFORMAT, "graph model: y_scale[%zu] must be > 0", k);
            m->y_mean[k] = mu[k];
            m->y_scale[k] = sc[k];
        }
    }
    const char *pad = ua_st_meta(st, "graph_pe_padded");
    if (pad) m->pe_padded = (size_t)strtoull(pad, NULL, 10);
    const char *ep = ua_st_meta(st, "epochs_run"), *gps = ua_st_meta(st, "graphs_per_second");
    const char *tl = ua_st_meta(st, "train_loss");
    if (ep) m->report.epochs_run = (size_t)strtoull(ep, NULL, 10);
    m->report.graphs_per_second = gps ? strtod(gps, NULL) : 0;
    m->report.train_loss = tl ? strtod(tl, NULL) : NAN;
    if (s) {
        ua_gps_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}

static ua_status gps_describe(const void *state, cJSON *obj)
{
    const ua_gps *m = state;
    const ua_gps_arch *a = &m->a;
    cJSON_AddStringToObject(obj, "task", a->classify ? "classify" : "regress");
    cJSON_AddStringToObject(obj, "level", a->node_level ? "node" : "graph");
    cJSON_AddNumberToObject(obj, "node_features", (double)a->din);
    cJSON_AddNumberToObject(obj, "edge_features", (double)a->edim);
    cJSON_AddNumberToObject(obj, a->classify ? "classes" : "outputs", (double)a->nout);
    cJSON_AddNumberToObject(obj, "width", (double)a->C);
    cJSON_AddNumberToObject(obj, "layers", (double)a->L);
    cJSON_AddNumberToObject(obj, "heads", (double)a->H);
    cJSON_AddStringToObject(obj, "mpnn", a->mpnn ? "gine" : "none");
    cJSON_AddStringToObject(obj, "attention", a->attn ? "mha" : "none");
    char enc[160];
    if (a->pe == UA_GPS_PE_RWSE) snprintf(enc, sizeof enc, "rwse, walks of 1..%zu steps", a->K);
    else if (a->pe == UA_GPS_PE_LAPPE)
        snprintf(enc, sizeof enc, "lappe, %zu eigenvectors and eigenvalues per node; %zu training "
                 "graph(s) of fewer nodes padded with zeros", a->K / 2, m->pe_padded);
    else snprintf(enc, sizeof enc, "none");
    cJSON_AddStringToObject(obj, "encoding", enc);
    if (a->pe) cJSON_AddNumberToObject(obj, "pe_dim", (double)a->P);
    if (!a->node_level) cJSON_AddStringToObject(obj, "pool", a->pool == UA_GPS_POOL_MEAN ? "mean" : "sum");
    cJSON_AddNumberToObject(obj, "parameters", (double)m->nparams);
    if (m->report.epochs_run) {
        cJSON_AddNumberToObject(obj, "epochs_run", (double)m->report.epochs_run);
        if (isfinite(m->report.train_loss)) cJSON_AddNumberToObject(obj, "train_loss", m->report.train_loss);
        cJSON_AddNumberToObject(obj, "graphs_per_second", m->report.graphs_per_second);
    }
    return UA_OK;
}

const ua_family ua_family_graph = {
    .name = "graph",
    .summary = "GraphGPS on graphs: GINE message passing + attention within each graph, with "
               "random-walk or Laplacian encodings (graph or node targets, classes or values)",
    .doc = "docs/graph.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_GRAPHS),
    .min_dim = 0,
    .max_dim = 0,
    .options = ua_gps_option_table,
    .noptions = UA_GPS_NOPTIONS,
    .fit = ua_gps_fit_problem,
    .free = gps_free,
    .predict = gps_predict,
    .save = gps_save,
    .load = gps_load,
    .export_c = ua_gps_export_c,
    .describe = gps_describe,
    .dims = gps_dims,
    .predict_graphs = gps_predict_graphs,
};
