/*
 * The kernel family's options, declared once as data (uniapprox/options.h), and its vtable fit:
 * a FORMULA or FUNCTION problem in any dimension is sampled (option "samples", quasi-random points
 * of the box), a SAMPLES problem gives its training rows; the fit records what it measured on its
 * own rows (train / test RMSE or error rate, the selection's LOO or k-fold RMSE) and the values it
 * chose (gamma, length scale, depth, lambda) on the model's metadata.
 *
 * Names and meanings follow scikit-learn's KernelRidge (kernel, gamma, degree, coef0, alpha) and
 * sklearn.gaussian_process.kernels.Matern (length_scale, nu); the NNGP and NTK kernels those of
 * Lee et al. 2018 and Jacot et al. 2018 (neural-tangents' stax.Dense W_std / b_std as sw / sb).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "train/learn.h"
#include "model/family.h"
#include "internal.h"

#define SKL "scikit-learn KernelRidge"

/* The kernel names in ua_kernel_type order (the choice index is the enum value). */
/* Training points drawn from a formula or function when "samples" is not given: enough for
 * errors near 1e-5 on smooth 2-D and 3-D targets, while the O(n^3) solve stays about a second. */
#define UA_KERNEL_DEFAULT_SAMPLES 2000

#define KERNEL_CHOICES "rbf|laplacian|matern|polynomial|arccos|nngp|ntk"

const ua_option_spec ua_kernel_option_spec[UA_KERNEL_NOPTIONS] = {
    {"kernel", UA_OPT_CHOICE, "rbf", 0, 0, 0, KERNEL_CHOICES,
     "the kernel: rbf exp(-gamma r^2), laplacian exp(-gamma |x-y|_1), matern, polynomial, arccos, "
     "nngp, ntk", SKL " kernel names; Rasmussen & Williams 2006; Cho & Saul 2009; Lee et al. "
     "2018 (NNGP); Jacot et al. 2018 (NTK)"},
    {"gamma", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL,
     "rbf / laplacian scale, polynomial (gamma x.y + coef0)^degree (default: chosen by LOO over "
     "2^e / d for rbf and laplacian; 1/d for polynomial)", SKL " gamma"},
    {"length-scale", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL,
     "matern length scale in standardised input units (default: chosen by LOO over 2^e sqrt(d))",
     "scikit-learn Matern length_scale; Rasmussen & Williams 2006, 4.2"},
    {"nu", UA_OPT_REAL, "1.5", 0.5, 2.5, 0, NULL, "matern smoothness: 0.5, 1.5 or 2.5",
     "scikit-learn Matern nu; Rasmussen & Williams 2006, 4.2"},
    {"degree", UA_OPT_INT, "3", 1, 64, 0, NULL, "polynomial degree", SKL " degree"},
    {"coef0", UA_OPT_REAL, "1", -INFINITY, INFINITY, 0, NULL, "polynomial constant term",
     SKL " coef0"},
    {"order", UA_OPT_INT, "1", 0, 2, 0, NULL, "arccos kernel order n (0, 1 or 2)",
     "Cho & Saul 2009"},
    {"depth", UA_OPT_INT, NULL, 1, 1000, 0, NULL,
     "nngp / ntk hidden layers (default: chosen by LOO over 1..5)",
     "Lee et al. 2018; Jacot et al. 2018"},
    {"act", UA_OPT_CHOICE, "relu", 0, 0, 0, "relu|erf", "nngp / ntk activation",
     "Lee et al. 2018; Jacot et al. 2018"},
    {"sw", UA_OPT_REAL, "1.5", 0, INFINITY, 1, NULL,
     "nngp / ntk weight standard deviation (NTK parametrisation)",
     "Jacot et al. 2018; neural-tangents stax.Dense W_std"},
    {"sb", UA_OPT_REAL, "0.1", 0, INFINITY, 0, NULL, "nngp / ntk bias standard deviation",
     "Jacot et al. 2018; neural-tangents stax.Dense b_std"},
    {"frozen-readout", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
     "ntk of the hidden layers only (the readout layer is not trained)", "Jacot et al. 2018"},
    {"lambda", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL,
     "ridge (default: chosen by LOO over 1e-8 .. 1e2 by decades, the grid extended by decades "
     "down to 1e-12 and up to 1e6 while the best value sits on its end; one still on an end is "
     "warned about)", SKL " alpha"},
    {"alpha", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL, "the same as --lambda (give one)",
     SKL " alpha"},
    {"select", UA_OPT_CHOICE, "loo", 0, 0, 0, "loo|kfold|none",
     "how unset values are chosen: closed-form leave-one-out, k-fold, or none (defaults: lambda "
     "1, gamma 1/d, length scale sqrt(d), depth 2)", "Rifkin & Lippert 2007"},
    {"folds", UA_OPT_INT, "5", 2, 1e9, 0, NULL, "k of k-fold selection", NULL},
    {"select-max", UA_OPT_INT, "1000", 2, 1e9, 0, NULL,
     "choose on at most this many random rows; the final fit uses all", NULL},
    {"select-lambda-max", UA_OPT_INT, NULL, 2, 1e9, 0, NULL,
     "LOO: lambda is chosen again at the chosen scale on at most this many rows (default: all "
     "rows up to 4000, as one eigendecomposition affords); the LOO error reported is on them",
     "Rifkin & Lippert 2007"},
    {"nystrom", UA_OPT_INT, NULL, 1, 1e9, 0, NULL,
     "Nystrom approximation with this many landmarks (default: exact KRR)",
     "Williams & Seeger 2001"},
    {"max-memory", UA_OPT_REAL, NULL, 0, INFINITY, 1, NULL,
     "bytes the n x n kernel matrix may take; given, a larger one is refused (default: half "
     "of the physical memory, and a larger one switches to Nystrom with a note; under mpirun "
     "with ScaLAPACK, per rank: half of a machine's memory shared by its ranks)", NULL},
    {"no-standardize", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
     "fit raw columns (then the fit is " SKL "'s, one for one)", NULL},
    {"classify", UA_OPT_FLAG, NULL, 0, 0, 0, NULL,
     "the target holds class labels: one-hot fit, predict the argmax", NULL},
    {"seed", UA_OPT_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "subsets, landmarks and the drawn training points", NULL},
    {"samples", UA_OPT_INT, NULL, 2, 1e7, 0, NULL,
     "formula / function problems: training points drawn in the box (Sobol; default 2000: exact "
     "KRR costs O(n^3) time and 8 n^2 bytes)", "Joe & Kuo 2008 (Sobol points)"},
};

/* The table's length is the family's constant (src/model/family.h reads it statically). */
_Static_assert(sizeof ua_kernel_option_spec / sizeof ua_kernel_option_spec[0] == UA_KERNEL_NOPTIONS,
               "UA_KERNEL_NOPTIONS");

/*
 * ua_kernel_options from the option values, with the checks between options that the table
 * cannot express (the same messages as the command line had).
 */
/* The kernel parameters and the kernels that read them (bits of 1 << ua_kernel_type): a parameter
 * given for a kernel that does not read it is refused, never ignored (a new user gave --gamma to
 * matern and saw nothing change). */
static const struct {
    const char *name;
    unsigned kernels;
} kernel_params[] = {
    {"gamma", 1u << UA_KERNEL_RBF | 1u << UA_KERNEL_LAPLACIAN | 1u << UA_KERNEL_POLYNOMIAL},
    {"length-scale", 1u << UA_KERNEL_MATERN},
    {"nu", 1u << UA_KERNEL_MATERN},
    {"degree", 1u << UA_KERNEL_POLYNOMIAL},
    {"coef0", 1u << UA_KERNEL_POLYNOMIAL},
    {"order", 1u << UA_KERNEL_ARCCOS},
    {"depth", 1u << UA_KERNEL_NNGP | 1u << UA_KERNEL_NTK},
    {"act", 1u << UA_KERNEL_NNGP | 1u << UA_KERNEL_NTK},
    {"sw", 1u << UA_KERNEL_NNGP | 1u << UA_KERNEL_NTK},
    {"sb", 1u << UA_KERNEL_NNGP | 1u << UA_KERNEL_NTK},
    {"frozen-readout", 1u << UA_KERNEL_NTK},
};

static ua_status read_options(const ua_options *o, ua_kernel_options *opt)
{
    ua_kernel_options_default(opt);
    ua_kernel_spec *s = &opt->kernel;
    int kc = ua_options_choice(o, "kernel");
    if (kc < 0) return UA_ERR(UA_EINVAL, "--kernel: no value");
    s->type = (ua_kernel_type)kc;
    for (size_t i = 0; i < sizeof kernel_params / sizeof *kernel_params; i++)
        if (ua_options_given(o, kernel_params[i].name) && !(kernel_params[i].kernels >> kc & 1u)) {
            char users[128] = "";
            for (int t = 0; t <= UA_KERNEL_NTK; t++)
                if (kernel_params[i].kernels >> t & 1u)
                    snprintf(users + strlen(users), sizeof users - strlen(users), "%s%s",
                             users[0] ? ", " : "", ua_kernel_type_name((ua_kernel_type)t));
            return UA_ERR(UA_EINVAL, "--%s is not used by --kernel %s%s (it is a parameter of %s)",
                          kernel_params[i].name, ua_kernel_type_name(s->type),
                          ua_options_given(o, "kernel") ? "" : ", the default", users);
        }
    int lam_given = ua_options_given(o, "lambda"), alpha_given = ua_options_given(o, "alpha");
    if (lam_given && alpha_given)
        return UA_ERR(UA_EINVAL, "--lambda and --alpha are the same option; give one");
    if (ua_options_given(o, "gamma")) s->gamma = ua_options_real(o, "gamma");
    if (ua_options_given(o, "length-scale")) s->length_scale = ua_options_real(o, "length-scale");
    s->nu = ua_options_real(o, "nu");
    if (s->nu != 0.5 && s->nu != 1.5 && s->nu != 2.5)
        return UA_ERR(UA_EINVAL, "--nu must be 0.5, 1.5 or 2.5");
    s->degree = (int)ua_options_int(o, "degree");
    s->coef0 = ua_options_real(o, "coef0");
    s->order = (int)ua_options_int(o, "order");
    if (ua_options_given(o, "depth")) s->depth = (int)ua_options_int(o, "depth");
    s->act = ua_options_choice(o, "act") == 1 ? UA_KACT_ERF : UA_KACT_RELU;
    s->sw = ua_options_real(o, "sw");
    s->sb = ua_options_real(o, "sb");
    s->frozen_readout = ua_options_flag(o, "frozen-readout");
    if (lam_given || alpha_given) opt->lambda = ua_options_real(o, lam_given ? "lambda" : "alpha");
    opt->select = (ua_kernel_select)ua_options_choice(o, "select");
    opt->folds = (size_t)ua_options_int(o, "folds");
    opt->select_max = (size_t)ua_options_int(o, "select-max");
    if (ua_options_given(o, "select-lambda-max"))
        opt->select_lambda_max = (size_t)ua_options_int(o, "select-lambda-max");
    if (ua_options_given(o, "nystrom")) opt->nystrom = (size_t)ua_options_int(o, "nystrom");
    if (ua_options_given(o, "max-memory")) opt->max_memory = ua_options_real(o, "max-memory");
    opt->standardize = !ua_options_flag(o, "no-standardize");
    opt->classify = ua_options_flag(o, "classify");
    opt->seed = (uint64_t)ua_options_int(o, "seed");
    return UA_OK;
}

static ua_status k_predict_fn(const void *state, const double *x, size_t n, double *y)
{
    return ua_kernel_predict(state, x, n, y);
}

static void work(const ua_fit_hooks *h, double done, const char *what)
{
    if (h && h->work) h->work(h->ctx, done, 1.0, what);
}

/* The values the fit chose (or took), so that the model's metadata holds the resolved ones. */
static ua_status record_choices(ua_model *meta, const ua_kernel *m)
{
    ua_kernel_info in;
    ua_kernel_get_info(m, &in);
    const ua_kernel_spec *s = &in.spec;
    ua_status r = ua_learn_set_number(meta, "lambda", in.lambda);
    switch (s->type) {
    case UA_KERNEL_RBF:
    case UA_KERNEL_LAPLACIAN:
    case UA_KERNEL_POLYNOMIAL: if (!r) r = ua_learn_set_number(meta, "gamma", s->gamma); break;
    case UA_KERNEL_MATERN:
        if (!r) r = ua_learn_set_number(meta, "length_scale", s->length_scale);
        break;
    case UA_KERNEL_NNGP:
    case UA_KERNEL_NTK: if (!r) r = ua_learn_set_number(meta, "depth", s->depth); break;
    default: break;
    }
    if (!r && isfinite(in.loo_rmse))
        r = ua_learn_set_number(meta, in.select == UA_SELECT_KFOLD ? "kfold_rmse" : "loo_rmse",
                                in.loo_rmse);
    if (!r) r = ua_learn_set_number(meta, "n_train", (double)in.n_train);
    /* what the selection used, so that its error is not read as the full data's */
    if (!r && in.select_rows_lambda)
        r = ua_learn_set_number(meta, "select_rows", (double)in.select_rows_lambda);
    if (!r && in.select_rows_scale)
        r = ua_learn_set_number(meta, "select_rows_scale", (double)in.select_rows_scale);
    if (!r && in.select_warning && in.select_warning[0])
        r = ua_model_set_meta(meta, "select_warning", in.select_warning);
    if (!r && in.note && in.note[0]) r = ua_model_set_meta(meta, "note", in.note);
    return r;
}

ua_status ua_kernel_family_fit(const ua_problem *p, const ua_options *o, const ua_fit_hooks *hooks,
                               ua_model *meta, void **state)
{
    *state = NULL;
    ua_kernel_options opt;
    ua_status s = read_options(o, &opt);
    if (s) return s;
    ua_learn_data t;
    int given = ua_options_given(o, "samples");
    size_t samples = given ? (size_t)ua_options_int(o, "samples") : UA_KERNEL_DEFAULT_SAMPLES;
    s = ua_learn_data_get(p, "kernel fit", samples, given, opt.seed, &t);
    if (s) return s;
    if (opt.classify && t.k != 1) {
        size_t k = t.k;
        ua_learn_data_free(&t);
        return UA_ERR(UA_EINVAL, "--classify takes one label column (--y-col), got %zu", k);
    }
    work(hooks, 0.0, "kernel ridge fit");
    ua_kernel *m = NULL;
    s = ua_kernel_fit(t.x, t.y, t.n, t.d, t.k, &opt, &m);
    work(hooks, 0.9, "kernel ridge: errors on the training rows");
    if (!s) s = ua_learn_record_errors(meta, p, &t, m, k_predict_fn, opt.classify, NULL, NULL);
    if (!s) s = record_choices(meta, m);
    if (!s && t.drawn) s = ua_learn_set_number(meta, "samples", (double)t.n);
    ua_learn_data_free(&t);
    if (s) {
        ua_kernel_free(m);
        return s;
    }
    work(hooks, 1.0, "kernel ridge fit");
    *state = m;
    return UA_OK;
}
