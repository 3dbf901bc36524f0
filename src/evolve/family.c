/*
 * The `evolve` family vtable (src/model/family.h): its option table, predict, save / load
 * through the safetensors container, describe (the front as a table) and the C export.
 *
 * Tensors: "front_sizes" I32 (P,) the vertex count of each program of the front (sorted by
 * cost); "front_nodes" I32 (V, 4) every vertex [kind, operand 0, operand 1, operand 2] of the
 * programs one after the other (V = sum of the sizes); "front_values" F64 (V,) the constants
 * (0 for other vertices); "front_metrics" F64 (P, 5) [error, search error, ops, latency,
 * verified]. Metadata: "evolve_precision" float32|double, "evolve_cost" ops|latency,
 * "evolve_chosen" the index of the chosen program, "evolve_tol" the tolerance it was chosen by.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ANZ "AutoNumerics-Zero, Real et al., arXiv 2312.08472 (2023)"

const ua_option_spec ev_option_spec[] = {
    { "cost", UA_OPT_CHOICE, "ops", 0, 0, 0, "ops|latency",
      "the cost objective: the operation count, or the latency estimate (the longest "
      "dependency path; add/sub/mul/fma 4 cycles, div 11, sqrt 12)", ANZ },
    { "degree", UA_OPT_INT, NULL, 0, 24, 0, NULL,
      "degree of the seed polynomial (Horner, minimax coefficients; unset: 6 for float32, 10 "
      "for double)", "Remez 1934" },
    { "exhaustive", UA_OPT_CHOICE, "front", 0, 0, 0, "front|chosen|none",
      "float32 on a float interval: check every program of the front, or only the chosen one, "
      "at every float of the interval (uniapprox/exhaustive.h); otherwise a dense grid", NULL },
    { "generations", UA_OPT_INT, "10", 0, 100000, 0, NULL,
      "generations of the outer NSGA-II loop", "Deb et al., IEEE TEC 6(2), 2002" },
    { "max-evals", UA_OPT_INT, "1000", 1, 10000000, 0, NULL,
      "objective evaluations of the inner CMA-ES per child (the seed's polish gets 4x)",
      "Hansen, arXiv 1604.00772" },
    { "max-vertices", UA_OPT_INT, "100", 2, 100, 0, NULL,
      "most vertices of a program (input, constants and operations)", ANZ },
    { "offspring", UA_OPT_INT, "10", 1, 10000, 0, NULL, "children per generation", ANZ },
    { "operations", UA_OPT_STRING, "add,sub,mul,div,sqrt,fma", 0, 0, 0, NULL,
      "the operations mutations may insert (the seed uses fma when listed, else mul and add)",
      ANZ },
    { "population", UA_OPT_INT, "5", 1, 10000, 0, NULL, "parent population of NSGA-II", ANZ },
    { "precision", UA_OPT_CHOICE, "double", 0, 0, 0, "float32|double",
      "float32: programs computed in float, error in float32 ULPs; double: in double, relative "
      "error (the paper's real-number mode)", ANZ },
    { "seed", UA_OPT_INT, "1", 0, 9007199254740992.0, 0, NULL, "random seed", NULL },
    { "seeds", UA_OPT_CHOICE, "horner", 0, 0, 0, "horner|all",
      "the starting programs: horner, the minimax polynomial of each degree in Horner form; all, "
      "also split polynomials (Estrin's scheme, one level: a shorter dependency chain) and range "
      "halving by repeated squaring over a rational core (N(t)/N(-t), Pade's form of e^t), "
      "and, for a target 0 at the left end, centred polynomials (fma(t, c0, t q(x - c)); on "
      "[0, b] also in x^2 - z0), their constants tuned", "Estrin 1960; Pade 1892" },
    { "tol", UA_OPT_REAL, NULL, 0, 1e300, 1, NULL,
      "the chosen program is the cheapest whose checked error is within tol (float32 ULPs, "
      "over every float of a float interval unless --exhaustive none; double: relative error, "
      "a sampled maximum over a grid, not a bound; unset: "
      "1 ULP in float32; in double the highest-degree seed polynomial's checked error plus "
      "4 x 2^-52 (rounding noise; the verdict uses the same tolerance), when that error is "
      "below 1/2 (otherwise no default: not resolved, give --tol))", NULL },
    { "train-points", UA_OPT_INT, "1024", 16, 65536, 0, NULL,
      "points of the interval the inner loop tunes and ranks programs on (Chebyshev points; "
      "the seeds' Remez and the final check use 8 times as many; not fit's --points, which "
      "sets the engine's measurement)", ANZ },
};
const size_t ev_noptions = sizeof ev_option_spec / sizeof ev_option_spec[0];

static void ev_free(void *state) { ev_model_free(state); }

static ua_status ev_predict(const void *state, const double *x, size_t n, double *y)
{
    if (n && (!x || !y)) return UA_ERR(UA_EINVAL, "evolve predict: NULL arrays");
    for (size_t i = 0; i < n; i++) y[i] = ev_model_eval(state, x[i]);
    return UA_OK;
}

static ua_status ev_save(const void *state, ua_st *st)
{
    const ev_model *m = state;
    size_t V = 0;
    for (size_t i = 0; i < m->nfront; i++) V += (size_t)m->front[i].prog.n;
    int32_t *sizes = malloc(m->nfront * sizeof *sizes), *nodes = malloc(4 * V * sizeof *nodes);
    double *vals = malloc(V * sizeof *vals), *met = malloc(5 * m->nfront * sizeof *met);
    ua_status s = UA_OK;
    if (!sizes || !nodes || !vals || !met) s = UA_ENOMEM_ERR(V * 24);
    size_t v = 0;
    for (size_t i = 0; !s && i < m->nfront; i++) {
        const ev_member *e = &m->front[i];
        sizes[i] = e->prog.n;
        for (int j = 0; j < e->prog.n; j++, v++) {
            nodes[4 * v] = e->prog.kind[j];
            for (int k = 0; k < 3; k++) nodes[4 * v + 1 + k] = e->prog.arg[j][k];
            vals[v] = e->prog.val[j];
        }
        met[5 * i] = e->err;
        met[5 * i + 1] = e->sample_err;
        met[5 * i + 2] = e->ops;
        met[5 * i + 3] = e->latency;
        met[5 * i + 4] = e->verified;
    }
    int64_t sp = (int64_t)m->nfront, sn[2] = {(int64_t)V, 4}, sm[2] = {(int64_t)m->nfront, 5},
            sv = (int64_t)V;
    char buf[32];
    if (!s) s = ua_st_add(st, "front_sizes", UA_I32, 1, &sp, sizes);
    if (!s) s = ua_st_add(st, "front_nodes", UA_I32, 2, sn, nodes);
    if (!s) s = ua_st_add(st, "front_values", UA_F64, 1, &sv, vals);
    if (!s) s = ua_st_add(st, "front_metrics", UA_F64, 2, sm, met);
    if (!s) s = ua_st_set_meta(st, "evolve_precision",
                               m->precision == EV_FLOAT32 ? "float32" : "double");
    if (!s) s = ua_st_set_meta(st, "evolve_cost", m->cost == EV_COST_OPS ? "ops" : "latency");
    snprintf(buf, sizeof buf, "%zu", m->chosen);
    if (!s) s = ua_st_set_meta(st, "evolve_chosen", buf);
    if (!s) s = ua_st_set_meta(st, "evolve_tol", ua_fmt_double(buf, m->tol));
    free(sizes);
    free(nodes);
    free(vals);
    free(met);
    return s;
}

/* Tensor name of dtype dt with ndim dims; shape out (any pointer may be NULL). */
static ua_status get(const ua_st *st, const char *name, ua_dtype dt, size_t ndim,
                     const int64_t **shape, const void **data)
{
    ua_dtype t;
    size_t nd;
    if (ua_st_get(st, name, &t, &nd, shape, data))
        return UA_ERR(UA_EFORMAT, "evolve model: tensor '%s' is missing", name);
    if (t != dt || nd != ndim)
        return UA_ERR(UA_EFORMAT, "evolve model: tensor '%s' has the wrong type or rank", name);
    return UA_OK;
}

static ua_status ev_load(const ua_st *st, double lo, double hi, void **state)
{
    if (!state) return UA_ERR(UA_EINVAL, "evolve load: state is NULL");
    *state = NULL;
    const int64_t *ss, *sn, *sv, *sm;
    const void *dsz, *dnd, *dvl, *dmt;
    ua_status s = get(st, "front_sizes", UA_I32, 1, &ss, &dsz);
    if (!s) s = get(st, "front_nodes", UA_I32, 2, &sn, &dnd);
    if (!s) s = get(st, "front_values", UA_F64, 1, &sv, &dvl);
    if (!s) s = get(st, "front_metrics", UA_F64, 2, &sm, &dmt);
    if (s) return s;
    if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
        return UA_ERR(UA_EFORMAT, "evolve model: the domain must be a finite interval");
    int64_t P = ss[0];
    if (P < 1 || P > 10000)
        return UA_ERR(UA_EFORMAT, "evolve model: %" PRId64 " programs (need 1..10000)", P);
    if (sn[1] != 4 || sn[0] != sv[0] || sm[0] != P || sm[1] != 5)
        return UA_ERR(UA_EFORMAT, "evolve model: inconsistent tensor shapes");
    const int32_t *sizes = dsz, *nodes = dnd;
    const double *vals = dvl, *met = dmt;
    int64_t V = 0;
    for (int64_t i = 0; i < P; i++) {
        if (sizes[i] < 1 || sizes[i] > EV_MAX_VERTICES)
            return UA_ERR(UA_EFORMAT, "evolve model: program %" PRId64 " has %d vertices (need "
                          "1..%d)", i, (int)sizes[i], EV_MAX_VERTICES);
        V += sizes[i];
    }
    if (V != sn[0])
        return UA_ERR(UA_EFORMAT, "evolve model: the program sizes add up to %" PRId64 ", not "
                      "%" PRId64, V, sn[0]);
    const char *pr = ua_st_meta(st, "evolve_precision"), *co = ua_st_meta(st, "evolve_cost");
    const char *ch = ua_st_meta(st, "evolve_chosen");
    if (!pr || (strcmp(pr, "float32") && strcmp(pr, "double")))
        return UA_ERR(UA_EFORMAT, "evolve model: metadata 'evolve_precision' must be float32 or "
                      "double");
    if (!co || (strcmp(co, "ops") && strcmp(co, "latency")))
        return UA_ERR(UA_EFORMAT, "evolve model: metadata 'evolve_cost' must be ops or latency");
    char *end = NULL;
    unsigned long long chosen = ch ? strtoull(ch, &end, 10) : 0;
    if (!ch || end == ch || *end || ch[0] == '-' || chosen >= (unsigned long long)P)
        return UA_ERR(UA_EFORMAT, "evolve model: metadata 'evolve_chosen' must index the front");
    double tol;
    if ((s = ua_st_meta_number(st, "evolve model", "evolve_tol", 0, &tol))) return s;
    if (!(tol > 0)) return UA_ERR(UA_EFORMAT, "evolve model: 'evolve_tol' must be > 0");
    ev_model *m = calloc(1, sizeof *m);
    ev_member *front = m ? calloc((size_t)P, sizeof *front) : NULL;
    if (!front) {
        free(m);
        return UA_ENOMEM_ERR((size_t)P * sizeof *front);
    }
    m->front = front;
    m->nfront = (size_t)P;
    m->chosen = (size_t)chosen;
    m->a = lo;
    m->b = hi;
    m->tol = tol;
    m->precision = strcmp(pr, "float32") ? EV_DOUBLE : EV_FLOAT32;
    m->cost = strcmp(co, "ops") ? EV_COST_LATENCY : EV_COST_OPS;
    int64_t v = 0;
    for (int64_t i = 0; i < P; i++) {
        ev_member *e = &front[i];
        e->prog.n = sizes[i];
        for (int j = 0; j < sizes[i]; j++, v++) {
            const int32_t *r = nodes + 4 * v;
            for (int k = 0; k < 4; k++)
                if (r[k] < 0 || r[k] >= EV_MAX_VERTICES) goto bad;
            e->prog.kind[j] = (uint8_t)r[0];
            for (int k = 0; k < 3; k++) e->prog.arg[j][k] = (uint8_t)r[1 + k];
            e->prog.val[j] = vals[v];
            if (m->precision == EV_FLOAT32 && r[0] == EV_CONST && isfinite(vals[v]) &&
                (double)ev_to_float(vals[v]) != vals[v])
                goto bad;
        }
        if (!ev_prog_valid(&e->prog)) goto bad;
        const double *q = met + 5 * i;
        e->err = q[0];
        e->sample_err = q[1];
        e->ops = ev_prog_ops(&e->prog);
        e->latency = ev_prog_latency(&e->prog);
        e->verified = q[4] == 1;
        if (!(q[0] >= 0) || !(q[1] >= 0) || q[2] != e->ops || q[3] != e->latency ||
            (q[4] != 0 && q[4] != 1)) {
            ev_model_free(m);
            return UA_ERR(UA_EFORMAT, "evolve model: the metrics of program %" PRId64 " do not "
                          "match it (errors >= 0, its op count and latency, verified 0 or 1)", i);
        }
    }
    *state = m;
    return UA_OK;
bad:
    ev_model_free(m);
    return UA_ERR(UA_EFORMAT, "evolve model: a program is malformed (vertex kinds 0..7, operands "
                  "before their vertex, finite constants%s)",
                  strcmp(pr, "float32") ? "" : " that are floats");
}

static ua_status ev_describe(const void *state, cJSON *obj)
{
    const ev_model *m = state;
    if (!m || !obj) return UA_ERR(UA_EINVAL, "evolve describe: NULL argument");
    int fl = m->precision == EV_FLOAT32, ok = 1;
    const char *unit = fl ? "ULP" : "relative";
    ok = ok && cJSON_AddStringToObject(obj, "precision", fl ? "float32" : "double");
    ok = ok && cJSON_AddStringToObject(obj, "cost", m->cost == EV_COST_OPS ? "ops" : "latency");
    ok = ok && cJSON_AddStringToObject(obj, "error_unit", unit);
    ok = ok && cJSON_AddNumberToObject(obj, "tol", m->tol);
    ok = ok && cJSON_AddNumberToObject(obj, "chosen", (double)m->chosen);
    ok = ok && cJSON_AddNumberToObject(obj, "front_size", (double)m->nfront);
    /* the front as a table, one line a program */
    size_t len = 96 * (m->nfront + 2);
    char *tab = malloc(len);
    if (!tab) return UA_ENOMEM_ERR(len);
    size_t u = (size_t)snprintf(tab, len, "  # ops latency  error (%s)  checked\n", unit);
    for (size_t i = 0; i < m->nfront && u < len; i++) {
        const ev_member *e = &m->front[i];
        int w = snprintf(tab + u, len - u, "%3zu %3d %7d  %-13.6g  %s%s\n", i, e->ops, e->latency,
                         e->err, e->verified ? "every float" : fl ? "dense grid" : "dense grid",
                         i == m->chosen ? "  <- chosen" : "");
        if (w < 0) break;
        u += (size_t)w;
    }
    ok = ok && cJSON_AddStringToObject(obj, "front", tab);
    free(tab);
    /* every program as an expression, one line each (a string, so that the text of `info`
     * shows it as it is), and the front's columns as arrays of numbers for --json readers */
    size_t cap = 8192 * m->nfront + 1, used = 0;
    char *progs = malloc(cap);
    if (!progs) return UA_ENOMEM_ERR(cap);
    progs[0] = '\0';
    for (size_t i = 0; i < m->nfront && used + 1 < cap; i++) {
        int w = snprintf(progs + used, cap - used, "%3zu  ", i);
        if (w < 0) break;
        used += (size_t)w;
        size_t room = cap - used > 8000 ? 8000 : cap - used;
        size_t need = ev_prog_text(&m->front[i].prog, fl ? 9 : 17, progs + used, room);
        used += need < room ? need : room - 1;
        if (used + 1 < cap) progs[used++] = '\n', progs[used] = '\0';
    }
    ok = ok && cJSON_AddStringToObject(obj, "programs", progs);
    free(progs);
    const char *col[5] = {"program_ops", "program_latency", "program_error",
                          "program_search_error", "program_exhaustive"};
    for (int c = 0; ok && c < 5; c++) {
        cJSON *arr = cJSON_AddArrayToObject(obj, col[c]);
        ok = arr != NULL;
        for (size_t i = 0; ok && i < m->nfront; i++) {
            const ev_member *e = &m->front[i];
            cJSON *v = c == 0   ? cJSON_CreateNumber(e->ops)
                       : c == 1 ? cJSON_CreateNumber(e->latency)
                       : c == 2 ? cJSON_CreateNumber(e->err)
                       : c == 3 ? cJSON_CreateNumber(e->sample_err)
                                : cJSON_CreateBool(e->verified);
            ok = v && cJSON_AddItemToArray(arr, v);
        }
    }
    return ok ? UA_OK : UA_ENOMEM_ERR(64);
}

const ua_family ua_family_evolve = {
    .name = "evolve",
    .summary = "programs of float operations (add, sub, mul, div, sqrt, fma) found by evolution "
               "(NSGA-II over error and cost, CMA-ES constants), seeded with the minimax polynomial",
    .doc = "docs/evolve.md",
    .accepts = UA_ACCEPTS(UA_PROBLEM_FORMULA),
    .min_dim = 1,
    .max_dim = 1,
    .options = ev_option_spec,
    .noptions = sizeof ev_option_spec / sizeof ev_option_spec[0],
    .fit = ev_family_fit,
    .free = ev_free,
    .predict = ev_predict,
    .save = ev_save,
    .load = ev_load,
    .export_c = ev_export_c,
    .describe = ev_describe,
};
