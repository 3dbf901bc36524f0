/* uniapprox lipschitz — a proven local Lipschitz constant of a network over a box, the best lower
 * bound found by gradient ascent, their ratio, and the proven range of the output
 * (uniapprox/lipschitz.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model/family.h"
#include "uniapprox/lipschitz.h"

static const char help[] =
    "usage: uniapprox lipschitz MODEL [--box a:b,c:d,...] [--norm inf|2] [--time S]\n"
    "                           [--boxes N] [--starts N] [--json]\n"
    "\n"
    "Proves an upper bound L on the local Lipschitz constant of the model over the box,\n"
    "|m(x) - m(y)| <= L ||x - y|| for all x, y in it, by bound propagation through the network's\n"
    "backward graph (the activations' derivatives enclosed over CROWN's bounds, carried through\n"
    "the Jacobian in interval arithmetic) and branch and bound on the box (the box with the largest\n"
    "bound halved until the bound is within 1% of the lower bound, or --time S seconds (default 2)\n"
    "or --boxes N boxes (default 4096) are spent). The lower bound is the largest gradient norm\n"
    "found by projected gradient ascent from --starts N points (default 16): a point value, not a\n"
    "bound from above. Also shown: the naive product of the layers' operator norms, and the proven\n"
    "range of the output (IBP and CROWN). For the families whose models carry the bounds (a\n"
    "model of another family exits 2 with their list).\n"
    "\n"
    "  --box a:b,...   the box (default: the model's own); one a:b per input, in order, one\n"
    "                  a:b for every input (as fit --domain), or x=a:b,y=c:d with the model's\n"
    "                  input names (as info shows them: vars or input_names) in their order\n"
    "  --norm inf|2    the input norm (default inf: the bound is on the 1-norm of the gradient)\n"
    "  --json          one JSON object\n";

/* The model's input names, as info shows them: "vars" (a formula's or function's variables,
 * comma-separated) or "input_names" (a table's header, a JSON array); d malloc'd strings, or
 * NULL when the model records none (or not d of them). list: the names joined by ",". */
static char **box_names(const ua_model *m, size_t d, char *list, size_t size)
{
    const char *vars = ua_model_meta(m, "vars"), *json = ua_model_meta(m, "input_names");
    char **names = calloc(d ? d : 1, sizeof *names);
    size_t got = 0;
    if (!names) return NULL;
    if (vars) {
        for (const char *p = vars; got < d; got++) {
            size_t len = strcspn(p, ",");
            if (!(names[got] = strndup(p, len))) break;
            if (!p[len]) {
                got++;
                break;
            }
            p += len + 1;
        }
    } else if (json) {
        cJSON *arr = cJSON_Parse(json);
        if (cJSON_IsArray(arr) && (size_t)cJSON_GetArraySize(arr) == d)
            for (; got < d; got++) {
                const cJSON *e = cJSON_GetArrayItem(arr, (int)got);
                if (!cJSON_IsString(e) || !(names[got] = strdup(e->valuestring))) break;
            }
        cJSON_Delete(arr);
    }
    if (got != d) {
        for (size_t j = 0; j < d; j++) free(names[j]);
        free(names);
        return NULL;
    }
    size_t len = 0;
    list[0] = 0;
    for (size_t j = 0; j < d && len < size; j++)
        len += (size_t)snprintf(list + len, size - len, "%s%s", j ? "," : "", names[j]);
    return names;
}

static void free_names(char **names, size_t d)
{
    for (size_t j = 0; names && j < d; j++) free(names[j]);
    free(names);
}

/* "a:b,c:d,..." into d intervals; 0 or a usage error. A named interval "x=a:b" must name the
 * model's input at its place (names: the model's d input names, box_names; NULL: none
 * recorded, and names are refused), so that a wrong name is never silently ignored. */
static int parse_box(const char *s, size_t d, char *const *names, const char *list, double *lo,
                     double *hi)
{
    size_t i = 0;
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char part[128];
        if (len == 0 || len >= sizeof part || i >= d)
            return ua_cli_usage("lipschitz", "--box '%s': expected %zu intervals a:b separated by "
                                "commas", s, d);
        memcpy(part, p, len);
        part[len] = 0;
        const char *v = strchr(part, '=') ? strchr(part, '=') + 1 : part; /* x=a:b */
        if (v != part) {
            size_t glen = (size_t)(v - 1 - part);
            if (!names)
                return ua_cli_usage("lipschitz", "--box '%s': the model records no input names; "
                                    "give the intervals in order, a:b,c:d,...", s);
            if (strlen(names[i]) != glen || strncmp(names[i], part, glen))
                return ua_cli_usage("lipschitz", "--box '%s': '%.*s' is not input %zu of the "
                                    "model (its inputs, in order: %s)", s, (int)glen, part,
                                    i + 1, list);
        }
        int rc = ua_cli_domain("lipschitz", v, &lo[i], &hi[i]);
        if (rc) return rc;
        i++;
        p += len + (e ? 1 : 0);
        if (e && !*p) return ua_cli_usage("lipschitz", "--box '%s': an empty interval", s);
    }
    if (i == 1 && d > 1 && !strchr(s, '=')) /* one a:b for every input, as fit --domain */
        for (i = 1; i < d; i++) {
            lo[i] = lo[0];
            hi[i] = hi[0];
        }
    if (i != d)
        return ua_cli_usage("lipschitz", "--box '%s': %zu interval%s for a model of %zu input%s",
                            s, i, i == 1 ? "" : "s", d, d == 1 ? "" : "s");
    return 0;
}

/* The families whose models carry a Lipschitz bound, from the registry: "a, b and c" in buf. */
static const char *bounded_families(char *buf, size_t len)
{
    size_t n = 0, k = 0, total = 0;
    for (size_t i = 0; i < ua_family_registry_count(); i++) {
        const ua_family *f = ua_family_registry_at(i);
        total += f && f->bounds && f->bounds->lipschitz;
    }
    buf[0] = '\0';
    for (size_t i = 0; i < ua_family_registry_count() && n < len; i++) {
        const ua_family *f = ua_family_registry_at(i);
        if (!f || !f->bounds || !f->bounds->lipschitz) continue;
        k++;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", k == 1 ? "" : k == total ? " and " : ", ",
                              f->name);
    }
    return buf;
}

int cmd_lipschitz(int argc, char **argv)
{
    int json = 0;
    const char *box = NULL, *norm = NULL, *time_s = NULL, *boxes = NULL, *starts = NULL;
    const ua_opt opts[] = {
        { "json", 0, 0, NULL, &json },      { "box", 0, 1, &box, NULL },
        { "norm", 0, 1, &norm, NULL },      { "time", 0, 1, &time_s, NULL },
        { "boxes", 0, 1, &boxes, NULL },    { "starts", 0, 1, &starts, NULL },
    };
    const char *path;
    int rc = ua_cli_parse_model("lipschitz", help, argc, argv, opts, sizeof opts / sizeof opts[0], &path);
    if (rc || !path) return rc;
    ua_lipschitz_options o = { 0 };
    if (norm && !strcmp(norm, "2")) o.norm = UA_NORM_2;
    else if (norm && strcmp(norm, "inf"))
        return ua_cli_usage("lipschitz", "--norm '%s': expected inf or 2", norm);
    if (time_s && (ua_cli_double(time_s, &o.time_limit) || !(o.time_limit > 0) ||
                   o.time_limit > 86400))
        return ua_cli_usage("lipschitz", "--time '%s': expected seconds in (0, 86400]", time_s);
    if (boxes && (ua_cli_size(boxes, &o.max_boxes) || o.max_boxes < 1 ||
                  o.max_boxes > ((size_t)1 << 24)))
        return ua_cli_usage("lipschitz", "--boxes '%s': expected an integer in [1, 16777216]", boxes);
    if (starts && (ua_cli_size(starts, &o.starts) || o.starts < 1 || o.starts > 4096))
        return ua_cli_usage("lipschitz", "--starts '%s': expected an integer in [1, 4096]", starts);

    ua_model *m;
    ua_status s = ua_model_load(path, &m);
    if (s) return ua_cli_fail("lipschitz", s);
    size_t din = 1, dout = 1, d = 0;
    ua_model_dims(m, &din, &dout);
    /* what the command can bound, before asking for a box */
    const ua_family *fam = ua_model_family_vtable(m);
    if (!fam || !fam->bounds || !fam->bounds->lipschitz) {
        char names[512];
        rc = ua_cli_error("lipschitz", ua_cli_exit_code(UA_EUNSUPPORTED), "the %s family has no "
                          "Lipschitz bound: lipschitz bounds models of the %s families",
                          ua_model_family(m), bounded_families(names, sizeof names));
        ua_model_free(m);
        return rc;
    }
    if (dout != 1) {
        rc = ua_cli_usage("lipschitz", "lipschitz bounds models of one output; this model has "
                          "%zu outputs", dout);
        ua_model_free(m);
        return rc;
    }
    const double *mlo = NULL, *mhi = NULL;
    ua_model_box(m, &d, &mlo, &mhi);
    double *lo = calloc(2 * din, sizeof *lo), *hi = lo ? lo + din : NULL;
    if (!lo) {
        ua_model_free(m);
        return ua_cli_fail("lipschitz", UA_ENOMEM);
    }
    if (box) {
        char list[512];
        char **names = box_names(m, din, list, sizeof list);
        rc = parse_box(box, din, names, list, lo, hi);
        free_names(names, din);
    } else if (d == din && mlo) {
        memcpy(lo, mlo, din * sizeof *lo);
        memcpy(hi, mhi, din * sizeof *hi);
    } else if (din == 1) {
        ua_model_domain(m, lo, hi);
        if (!isfinite(lo[0]) || !isfinite(hi[0]))
            rc = ua_cli_usage("lipschitz", "the model has no domain (fitted to samples): give "
                              "--box a:b");
    } else {
        rc = ua_cli_usage("lipschitz", "the model has no box (fitted to samples): give --box");
    }
    if (rc) {
        free(lo);
        ua_model_free(m);
        return rc;
    }
    ua_lipschitz_result r;
    double il[1], iu[1], cl[1], cu[1];
    s = ua_model_lipschitz(m, lo, hi, &o, &r);
    if (!s) s = ua_model_bound_output(m, lo, hi, UA_BOUND_IBP, il, iu);
    int crown = 0;
    if (!s) {
        s = ua_model_bound_output(m, lo, hi, UA_BOUND_CROWN, cl, cu);
        crown = !s;
        if (s == UA_EUNSUPPORTED) s = UA_OK; /* the family bounds by intervals only */
    }
    if (s) {
        free(lo);
        ua_model_free(m);
        return ua_cli_fail("lipschitz", s);
    }
    const char *nname = o.norm == UA_NORM_2 ? "2" : "inf";
    double ratio = r.lower > 0 ? r.bound / r.lower : INFINITY;
    if (json) {
        cJSON *j = cJSON_CreateObject(), *bx = cJSON_AddArrayToObject(j, "box");
        cJSON_AddStringToObject(j, "model", path);
        cJSON_AddStringToObject(j, "family", ua_model_family(m));
        for (size_t i = 0; i < din; i++) {
            cJSON *pair = cJSON_CreateArray();
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(lo[i]));
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(hi[i]));
            cJSON_AddItemToArray(bx, pair);
        }
        cJSON_AddStringToObject(j, "norm", nname);
        cJSON_AddNumberToObject(j, "bound", r.bound);
        cJSON_AddNumberToObject(j, "lower", r.lower);
        if (isfinite(ratio)) cJSON_AddNumberToObject(j, "ratio", ratio);
        else cJSON_AddNullToObject(j, "ratio");
        cJSON_AddNumberToObject(j, "first_bound", r.first_bound);
        if (isfinite(r.naive)) cJSON_AddNumberToObject(j, "naive", r.naive);
        else cJSON_AddNullToObject(j, "naive");
        cJSON_AddNumberToObject(j, "boxes", (double)r.boxes);
        cJSON *ob = cJSON_AddObjectToObject(j, "output");
        cJSON_AddNumberToObject(ob, "ibp_lo", il[0]);
        cJSON_AddNumberToObject(ob, "ibp_hi", iu[0]);
        if (crown) {
            cJSON_AddNumberToObject(ob, "crown_lo", cl[0]);
            cJSON_AddNumberToObject(ob, "crown_hi", cu[0]);
        }
        cJSON_AddNumberToObject(j, "seconds", r.seconds);
        ua_cli_print_json(j);
    } else {
        printf("%-18s %s (%s, %zu input%s)\n", "model", path, ua_model_family(m), din,
               din == 1 ? "" : "s");
        printf("%-18s ", "box");
        for (size_t i = 0; i < din; i++) printf("%s[%.17g, %.17g]", i ? " x " : "", lo[i], hi[i]);
        printf("\n%-18s %s (|m(x) - m(y)| <= L ||x - y||_%s)\n", "norm", nname, nname);
        printf("%-18s L <= %.6g (proven)\n", "bound", r.bound);
        printf("%-18s %.6g (the largest gradient %s-norm found by gradient ascent: a value at a "
               "point)\n", "best lower bound", r.lower, o.norm == UA_NORM_2 ? "2" : "1");
        printf("%-18s %.4g\n", "ratio", ratio);
        printf("%-18s %.6g (whole box; then %zu boxes of branch and bound)\n", "first bound",
               r.first_bound, r.boxes);
        if (isfinite(r.naive))
            printf("%-18s %.6g (product of the layers' operator norms)\n", "naive bound", r.naive);
        if (crown)
            printf("%-18s [%.9g, %.9g] (CROWN, proven; IBP [%.9g, %.9g])\n", "output range",
                   cl[0], cu[0], il[0], iu[0]);
        else
            printf("%-18s [%.9g, %.9g] (IBP, proven)\n", "output range", il[0], iu[0]);
        printf("%-18s %.3f s\n", "time", r.seconds);
    }
    free(lo);
    ua_model_free(m);
    return UA_EXIT_OK;
}
