/*
 * The graph family on the engine (src/model/family.h): its option table and the vtable's fit on a
 * GRAPHS problem. fit reads the architecture from the training set (node and edge feature widths,
 * classes or target width, graph or node level) and the options, standardises regression targets
 * on the training set, computes the encodings (the model keeps how many training graphs had fewer
 * eigenvectors than asked, padded with zeros, and its description says so), trains, and records
 * the training loss and throughput on the model's metadata. The train and test metrics are the
 * engine's measurement (ua_model_measure), not the fit's. No option lives in a static.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "model/family.h"
#include "internal.h"

const ua_option_spec ua_gps_option_table[UA_GPS_NOPTIONS] = {
    { "dim-hidden", UA_OPT_INT, "64", 2, UA_GPS_MAX_WIDTH, 0, NULL,
      "width C of the node states (a multiple of --heads)", "GraphGPS gt.dim_hidden" },
    { "layers", UA_OPT_INT, "4", 1, UA_GPS_MAX_LAYERS, 0, NULL, "GPS layers", "GraphGPS gt.layers" },
    { "heads", UA_OPT_INT, "4", 1, 256, 0, NULL, "attention heads", "GraphGPS gt.n_heads" },
    { "mpnn", UA_OPT_CHOICE, "gine", 0, 0, 0, "gine|none",
      "the local message-passing branch: GINE, or none (a pure graph Transformer)",
      "GINE: Hu et al. (2020); GraphGPS gt.layer_type" },
    { "attention", UA_OPT_CHOICE, "mha", 0, 0, 0, "mha|none",
      "the global branch: multi-head attention within each graph, or none (a plain MPNN)",
      "Vaswani et al. (2017); GraphGPS gt.layer_type" },
    { "pe", UA_OPT_CHOICE, "rwse", 0, 0, 0, UA_GPS_PE_CHOICES,
      "positional / structural encoding: random-walk diagonals (rwse), Laplacian eigenvectors "
      "with random sign flips in training (lappe), or none",
      "RWSE: Dwivedi et al. (2022); LapPE: Dwivedi et al. (2020)" },
    { "pe-dim", UA_OPT_INT, "16", 1, UA_GPS_MAX_PE, 0, NULL,
      "columns of the node state given to the encoding (< --dim-hidden)", "GraphGPS posenc.dim_pe" },
    { "walk-length", UA_OPT_INT, "20", 1, UA_GPS_MAX_PE, 0, NULL,
      "RWSE: random-walk steps k = 1..K", "GraphGPS posenc_RWSE.kernel.times" },
    { "max-freqs", UA_OPT_INT, "8", 1, UA_GPS_MAX_PE / 2, 0, NULL,
      "LapPE: eigenvectors per node (smallest eigenvalues first; fewer nodes: zero padded, "
      "counted in the report)", "GraphGPS posenc_LapPE.eigen.max_freqs" },
    { "pool", UA_OPT_CHOICE, "sum", 0, 0, 0, "sum|mean",
      "graph-level readout: sum or mean of the node states", "GraphGPS model.graph_pooling" },
    { "dropout", UA_OPT_REAL, "0", 0, 0.95, 0, NULL, "dropout on the branches and the FFN",
      "GraphGPS gt.dropout" },
    { "attn-dropout", UA_OPT_REAL, "0", 0, 0.95, 0, NULL, "dropout on the attention weights",
      "GraphGPS gt.attn_dropout" },
    { "lr", UA_OPT_REAL, "0.001", 0, 10, 1, NULL, "AdamW learning rate (peak)", "GraphGPS optim.base_lr" },
    { "weight-decay", UA_OPT_REAL, "1e-5", 0, 1, 0, NULL, "AdamW decoupled weight decay",
      "Loshchilov & Hutter (2019); GraphGPS optim.weight_decay" },
    { "epochs", UA_OPT_INT, "100", 1, 1000000, 0, NULL, "passes over the training graphs",
      "GraphGPS optim.max_epoch" },
    { "batch-size", UA_OPT_INT, "32", 1, 1000000, 0, NULL, "graphs per step", "GraphGPS train.batch_size" },
    { "warmup", UA_OPT_INT, "5", 0, 1000000, 0, NULL,
      "epochs of linear warm-up before the cosine decay", "GraphGPS optim.num_warmup_epochs" },
    { "loss", UA_OPT_CHOICE, "auto", 0, 0, 0, UA_GPS_LOSS_CHOICES,
      "training loss: auto is cross_entropy for classes, l1 for values", "GraphGPS model.loss_fun" },
    { "seed", UA_OPT_INT, "0", 0, 4294967295.0, 0, NULL,
      "initialisation, shuffling, dropout and sign flips", NULL },
    { "threads", UA_OPT_INT, "1", 0, 1024, 0, NULL,
      "OpenMP threads (0: OpenMP's default); 1 by default: a minibatch of small graphs is little "
      "work to share (docs/graph.md, \"Speed\")", NULL },
    { "log", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
      "write the training curve as JSON lines to this file (default: none)", NULL },
};

static ua_status set_meta_num(ua_model *meta, const char *key, double v)
{
    char buf[32];
    return ua_model_set_meta(meta, key, ua_fmt_double(buf, v));
}

/* mean and population standard deviation of the regression targets (scale 1 when constant) */
static void target_scaler(ua_gps *m, const ua_graphs *g)
{
    size_t R = g->level == UA_GRAPH_LEVEL_NODE ? g->nnodes : g->ngraphs, K = m->a.nout;
    for (size_t k = 0; k < K; k++) {
        double s = 0, q = 0;
        for (size_t r = 0; r < R; r++) s += g->y[r * g->ny + k];
        s /= (double)R;
        for (size_t r = 0; r < R; r++) q += (g->y[r * g->ny + k] - s) * (g->y[r * g->ny + k] - s);
        double sd = sqrt(q / (double)R);
        m->y_mean[k] = s;
        m->y_scale[k] = sd > 0 && isfinite(sd) ? sd : 1;
    }
}

ua_status ua_gps_fit_problem(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                             ua_model *meta, void **state)
{
    *state = NULL;
    const ua_graphs *g = ua_problem_graphs_data(p, 0);
    if (!g) return UA_ERR(UA_EINVAL, "graph: the problem holds no graphs");
    if (!g->y || !g->ny) return UA_ERR(UA_EINVAL, "graph: the training graphs have no targets");
    ua_gps_arch a = { 0 };
    a.C = (size_t)ua_options_int(o, "dim-hidden");
    a.L = (size_t)ua_options_int(o, "layers");
    a.H = (size_t)ua_options_int(o, "heads");
    a.mpnn = ua_options_choice(o, "mpnn") == 0;
    a.attn = ua_options_choice(o, "attention") == 0;
    a.pe = ua_options_choice(o, "pe");
    a.pool = ua_options_choice(o, "pool");
    a.din = g->node_dim;
    a.edim = g->edge_dim;
    a.classify = g->nclasses > 0;
    a.nout = a.classify ? g->nclasses : g->ny;
    a.node_level = g->level == UA_GRAPH_LEVEL_NODE;
    if (a.pe != UA_GPS_PE_NONE) {
        a.P = (size_t)ua_options_int(o, "pe-dim");
        a.K = (size_t)ua_options_int(o, a.pe == UA_GPS_PE_RWSE ? "walk-length" : "max-freqs");
        if (a.pe == UA_GPS_PE_LAPPE) a.K *= 2; /* eigenvector entries and eigenvalues */
        if (a.P >= a.C)
            return UA_ERR(UA_EINVAL, "graph: --pe-dim %zu must be below --dim-hidden %zu (the encoding "
                          "takes pe-dim of the hidden columns)", a.P, a.C);
    }
    if (a.C % a.H)
        return UA_ERR(UA_EINVAL, "graph: --dim-hidden %zu is not a multiple of --heads %zu", a.C, a.H);
    ua_gps_train_opts t;
    t.epochs = (size_t)ua_options_int(o, "epochs");
    t.batch_size = (size_t)ua_options_int(o, "batch-size");
    t.warmup = (size_t)ua_options_int(o, "warmup");
    t.lr = ua_options_real(o, "lr");
    t.weight_decay = ua_options_real(o, "weight-decay");
    t.dropout = ua_options_real(o, "dropout");
    t.attn_dropout = ua_options_real(o, "attn-dropout");
    t.seed = (uint64_t)ua_options_int(o, "seed");
    t.threads = (int)ua_options_int(o, "threads");
    int loss = ua_options_choice(o, "loss");
    if (loss == UA_GPS_LOSS_AUTO) loss = a.classify ? UA_GPS_LOSS_CE : UA_GPS_LOSS_L1;
    if (a.classify != (loss == UA_GPS_LOSS_CE))
        return UA_ERR(UA_EINVAL, "graph: --loss %s does not fit %s", loss == UA_GPS_LOSS_CE ?
                      "cross_entropy" : loss == UA_GPS_LOSS_L1 ? "l1" : "mse", a.classify ?
                      "class targets (use cross_entropy)" : "real targets (use l1 or mse)");
    t.loss = loss;
    if (t.epochs && t.warmup >= t.epochs) t.warmup = t.epochs / 10;
    ua_gps *m;
    ua_status s = ua_gps_build(&a, &m);
    if (s) return s;
    ua_gps_init_params(m, t.seed);
    if (!a.classify) target_scaler(m, g);
    double *pe = NULL;
    /* the size check first: the encodings of one huge graph take long before it would say no */
    s = ua_gps_batches_check(m, g, t.batch_size, t.dropout, t.attn_dropout);
    if (!s && g->level != UA_GRAPH_LEVEL_NODE && g->ngraphs < 2) /* as kernel, rf, mlp: 1 row */
        s = UA_ERR(UA_EINVAL, "graph: need at least 2 training graphs for a graph-level target, "
                   "got %zu (one graph determines nothing)", (size_t)g->ngraphs);
    if (!s) s = ua_gps_encodings(m, g, &pe, &m->pe_padded);
    /* OpenBLAS on one thread: its products here are (nodes, C) x (C, C), too small to share */
    int blas = ua_blas_threads_quiet();
#ifdef _OPENMP
    int prev = omp_get_max_threads();
    if (t.threads > 0) omp_set_num_threads(t.threads);
#endif
    if (!s) s = ua_gps_train(m, g, pe, &t, hooks, ua_options_get(o, "log"), meta);
#ifdef _OPENMP
    omp_set_num_threads(prev);
#endif
    ua_blas_threads_quiet_restore(blas);
    free(pe);
    if (!s) s = set_meta_num(meta, "train_loss", m->report.train_loss);
    if (!s) s = set_meta_num(meta, "graphs_per_second", m->report.graphs_per_second);
    if (s) {
        ua_gps_free(m);
        return s;
    }
    *state = m;
    return UA_OK;
}
