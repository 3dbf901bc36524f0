/* ua_family_choose (uniapprox/model.h): the family fitted when the caller names none (--family
 * auto, the CLI's default). The policy lives here and in the families' auto_priority hooks, so that
 * the command line never names a family. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "family.h"

/* The why of the last choice of this thread: one line, read by the caller before its next call. */
static _Thread_local char why_buf[512];

/* Whether f takes p: through ua_family_accepts, so that the rule is the registry's; the refusal's
 * message is cleared (a family that does not take p is not an error here). */
static int takes(const ua_family *f, const ua_problem *p)
{
    if (ua_family_accepts(f->name, p) == UA_OK) return 1;
    ua_clear_error();
    return 0;
}

/* A constructor: it takes formulas or functions and no samples or sequences, so it evaluates the
 * target where it chooses instead of learning from given points. */
static int is_constructor(const ua_family *f)
{
    unsigned box = UA_ACCEPTS(UA_PROBLEM_FORMULA) | UA_ACCEPTS(UA_PROBLEM_FUNCTION);
    return (f->accepts & box) && !(f->accepts & ~box);
}

/* "a formula in 2 variables", "your function of 1 variable", "samples with 3 inputs" or
 * "sequences" into buf. */
static const char *problem_words(const ua_problem *p, char *buf, size_t len)
{
    ua_problem_kind k = ua_problem_kind_of(p);
    size_t d = ua_problem_dim(p);
    if (k == UA_PROBLEM_FORMULA)
        snprintf(buf, len, "a formula in %zu variable%s", d, d == 1 ? "" : "s");
    else if (k == UA_PROBLEM_FUNCTION)
        snprintf(buf, len, "your function of %zu variable%s", d, d == 1 ? "" : "s");
    else if (k == UA_PROBLEM_SAMPLES) snprintf(buf, len, "samples with %zu inputs", d);
    else if (k == UA_PROBLEM_GRAPHS) snprintf(buf, len, "graphs");
    else if (k == UA_PROBLEM_PDE)
        snprintf(buf, len, "a PDE in %zu variable%s", d, d == 1 ? "" : "s");
    else snprintf(buf, len, "sequences");
    return buf;
}

/* max_dim with 0 (no limit) as the largest. */
static size_t dim_limit(const ua_family *f) { return f->max_dim ? f->max_dim : (size_t)-1; }

ua_status ua_family_choose(const ua_problem *p, const char **name, const char **why)
{
    if (why) *why = NULL;
    if (!p || !name) return UA_ERR(UA_EINVAL, "ua_family_choose: NULL argument");
    *name = NULL;
    size_t n = ua_family_registry_count();
    char what[96];
    problem_words(p, what, sizeof what);

    /* 1. the highest claim of a family's own hook */
    const ua_family *best = NULL;
    const char *best_why = NULL;
    int best_priority = 0;
    for (size_t i = 0; i < n; i++) {
        const ua_family *f = ua_family_registry_at(i);
        if (!f->auto_priority || !takes(f, p)) continue;
        const char *w = NULL;
        int prio = f->auto_priority(p, &w);
        if (prio > best_priority) {
            best = f;
            best_priority = prio;
            best_why = w;
        }
    }
    if (best) {
        snprintf(why_buf, sizeof why_buf, "auto: %s; %s", what,
                 best_why && best_why[0] ? best_why : best->summary ? best->summary : best->name);
        goto chosen;
    }

    /* 2. a formula or function in d > 1: the constructor with the narrowest dimension range */
    ua_problem_kind k = ua_problem_kind_of(p);
    if ((k == UA_PROBLEM_FORMULA || k == UA_PROBLEM_FUNCTION) && ua_problem_dim(p) > 1) {
        for (size_t i = 0; i < n; i++) {
            const ua_family *f = ua_family_registry_at(i);
            if (!is_constructor(f) || !takes(f, p)) continue;
            if (!best || dim_limit(f) < dim_limit(best)) best = f;
        }
        if (best) {
            char range[48];
            if (best->max_dim) snprintf(range, sizeof range, "%zu- to %zu-D", best->min_dim,
                                        best->max_dim);
            else snprintf(range, sizeof range, "%zu-D and up", best->min_dim);
            snprintf(why_buf, sizeof why_buf, "auto: %s; %s (%s), the constructor with the "
                     "narrowest dimension range that takes it", what,
                     best->summary && best->summary[0] ? best->summary : best->name, range);
            goto chosen;
        }
    }

    /* 3. the first family by name that accepts p */
    for (size_t i = 0; i < n && !best; i++) {
        const ua_family *f = ua_family_registry_at(i);
        if (takes(f, p)) best = f;
    }
    if (!best) return UA_ERR(UA_EUNSUPPORTED, "no family takes %s", what);
    snprintf(why_buf, sizeof why_buf, "auto: %s; the first family by name that takes it", what);

chosen:
    *name = best->name;
    if (why) *why = why_buf;
    return UA_OK;
}
