/* The family registry: one line per family, sorted by name. Adding a family = one folder, one line
 * here, its tests and its docs page (docs/engine.md). */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "family.h"

static const ua_family *const families[] = {
    &ua_family_cheb,
    &ua_family_chebnd,
    &ua_family_evolve,
    &ua_family_graph,
    &ua_family_kernel,
    &ua_family_minimax,
    &ua_family_mlp,
    &ua_family_pde,
    &ua_family_rf,
    &ua_family_seq,
    &ua_family_sparse,
    &ua_family_spline,
};
#define NFAMILIES (sizeof families / sizeof families[0])

size_t ua_family_registry_count(void) { return NFAMILIES; }

const ua_family *ua_family_registry_at(size_t i) { return i < NFAMILIES ? families[i] : NULL; }

const ua_family *ua_family_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < NFAMILIES; i++)
        if (strcmp(families[i]->name, name) == 0) return families[i];
    return NULL;
}

static void fill_info(const ua_family *f, ua_family_info *info)
{
    info->name = f->name;
    info->summary = f->summary ? f->summary : "";
    info->doc = f->doc ? f->doc : "";
    info->accepts = f->accepts;
    info->min_dim = f->min_dim;
    info->max_dim = f->max_dim;
    info->options = f->options;
    info->noptions = f->noptions;
    info->out_of_core = f->fit_blocks != NULL;
}

size_t ua_family_count(void) { return NFAMILIES; }

ua_status ua_family_info_at(size_t i, ua_family_info *info)
{
    if (i >= NFAMILIES || !info) return UA_ERR(UA_ENOTFOUND, "no family number %zu", i);
    fill_info(families[i], info);
    return UA_OK;
}

/* "cheb, kernel, ..." into buf. */
static const char *names(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < NFAMILIES; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? ", " : "", families[i]->name);
    }
    return buf;
}

static const ua_family *lookup(const char *name, ua_status *s)
{
    const ua_family *f = ua_family_find(name);
    char list[256];
    if (!f)
        *s = UA_ERR(UA_ENOTFOUND, "unknown family '%s' (families: %s)", name ? name : "(null)",
                    names(list, sizeof list));
    return f;
}

ua_status ua_family_info_get(const char *name, ua_family_info *info)
{
    ua_status s = UA_OK;
    const ua_family *f = lookup(name, &s);
    if (f && info) fill_info(f, info);
    return s;
}

/* Whether f takes a problem of this kind and input dimension. */
static int takes(const ua_family *f, ua_problem_kind kind, size_t d)
{
    if (!f->fit || !(f->accepts & UA_ACCEPTS(kind))) return 0;
    if (kind == UA_PROBLEM_SEQUENCES || kind == UA_PROBLEM_GRAPHS)
        return 1; /* d counts features per position (per node) there */
    return d >= f->min_dim && (f->max_dim == 0 || d <= f->max_dim);
}

/* What family f takes, in words: "1-D formulas and functions". */
static void describe_accepts(const ua_family *f, char *buf, size_t len)
{
    static const char *const kinds[] = { "formulas", "functions", "samples", "sequences",
                                         "graphs", "PDE problems" };
    char dims[48] = "";
    if (f->max_dim == f->min_dim) snprintf(dims, sizeof dims, "%zu-D ", f->min_dim);
    else if (f->max_dim) snprintf(dims, sizeof dims, "%zu- to %zu-D ", f->min_dim, f->max_dim);
    else if (f->min_dim > 1) snprintf(dims, sizeof dims, "%zu-D and higher ", f->min_dim);
    int n = 0, total = 0;
    for (int k = 0; k < 6; k++) total += (f->accepts >> k) & 1;
    snprintf(buf, len, "%s", (f->accepts & (UA_ACCEPTS(UA_PROBLEM_SEQUENCES) |
             UA_ACCEPTS(UA_PROBLEM_GRAPHS))) && total == 1 ? "" : dims);
    for (int k = 0; k < 6; k++) {
        if (!((f->accepts >> k) & 1)) continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", n == 0 ? "" : n + 1 == total ? " and " : ", ",
                 kinds[k]);
        n++;
    }
    if (!total) snprintf(buf, len, "nothing (it cannot fit)");
}

ua_status ua_family_accepts(const char *name, const ua_problem *p)
{
    ua_status s = UA_OK;
    const ua_family *f = lookup(name, &s);
    if (!f) return s;
    if (!p) return UA_ERR(UA_EINVAL, "ua_family_accepts: problem is NULL");
    ua_problem_kind kind = ua_problem_kind_of(p);
    size_t d = ua_problem_dim(p);
    if (takes(f, kind, d)) return UA_OK;
    char what[160], alts[256] = "";
    describe_accepts(f, what, sizeof what);
    size_t nalt = 0;
    for (size_t i = 0; i < NFAMILIES; i++)
        if (takes(families[i], kind, d)) {
            size_t used = strlen(alts);
            snprintf(alts + used, sizeof alts - used, "%s%s", nalt ? ", " : "",
                     families[i]->name);
            nalt++;
        }
    char this_one[64];
    if (kind == UA_PROBLEM_SEQUENCES) snprintf(this_one, sizeof this_one, "sequences");
    else if (kind == UA_PROBLEM_GRAPHS) snprintf(this_one, sizeof this_one, "graphs");
    else snprintf(this_one, sizeof this_one, "%zu-D %s", d, kind == UA_PROBLEM_FORMULA ? "formulas"
                  : kind == UA_PROBLEM_FUNCTION ? "functions"
                  : kind == UA_PROBLEM_PDE ? "PDE problems" : "samples");
    if (nalt)
        return UA_ERR(UA_EUNSUPPORTED, "the %s family fits %s; for %s use --family %s", f->name,
                      what, this_one, alts);
    return UA_ERR(UA_EUNSUPPORTED, "the %s family fits %s; no family fits %s", f->name, what,
                  this_one);
}

ua_status ua_family_options(const char *name, ua_options **out)
{
    ua_status s = UA_OK;
    const ua_family *f = lookup(name, &s);
    if (!f) return s;
    return ua_options_alloc(f->options, f->noptions, out);
}
