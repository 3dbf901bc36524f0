/*
 * src/pde/options.c — the pde family's options, declared once as data (uniapprox/options.h),
 * named after DeepXDE's and PyTorch's terms (num_domain, num_boundary, num_initial, iterations,
 * lr, loss_weights, L-BFGS maxiter; the resampling's k and c after Wu et al. 2023).
 */
#include <math.h>

#include "internal.h"

const ua_option_spec ua_pde_option_spec[UA_PDE_NOPTIONS] = {
    {"hidden", UA_OPT_STRING, "32x32x32", 0, 0, 0, NULL,
     "hidden layer widths joined by x (DeepXDE layer_size without the ends)", "DeepXDE"},
    {"activation", UA_OPT_CHOICE, "tanh", 0, 0, 0, "tanh|sin", "activation of the hidden layers",
     "DeepXDE"},
    {"net", UA_OPT_CHOICE, "mlp", 0, 0, 0, "mlp|fourier|gaussian",
     "mlp; fourier: random Fourier features [sin, cos](2 pi B z) first; gaussian: PIG's "
     "trainable Gaussian features (centres and widths) first",
     "Tancik et al. 2020 (fourier); Kang et al. 2024, PIG (gaussian)"},
    {"features", UA_OPT_INT, "64", 1, 4096, 0, NULL,
     "fourier: frequencies m (2m features); gaussian: Gaussians", NULL},
    {"sigma", UA_OPT_REAL, NULL, 0, 1e6, 1, NULL,
     "fourier: standard deviation of B (default 1); gaussian: initial width in the [-1, 1] "
     "scaled box (default 0.1)", "Tancik et al. 2020; Kang et al. 2024"},
    {"iterations", UA_OPT_INT, "2000", 0, 10000000, 0, NULL, "Adam steps (full batch)",
     "DeepXDE model.train(iterations)"},
    {"lr", UA_OPT_REAL, "0.001", 0, 10, 1, NULL, "Adam's learning rate", "Kingma & Ba 2015"},
    {"decay", UA_OPT_CHOICE, "none", 0, 0, 0, "none|inverse-time|exponential|step|cosine",
     "learning-rate decay over the Adam steps t: inverse-time lr / (1 + rate t / steps); "
     "exponential lr rate^(t / steps); step lr rate^floor(t / steps); cosine lr (rate + (1 - "
     "rate) (1 + cos(pi min(t, steps) / steps)) / 2) (docs/pde.md)",
     "DeepXDE compile(decay=...); PyTorch ExponentialLR, StepLR, CosineAnnealingLR"},
    {"decay-steps", UA_OPT_INT, NULL, 1, 10000000, 0, NULL,
     "the decay's steps, with --decay (default --iterations - 1, the last Adam step's t; step: "
     "half of --iterations rounded up)",
     "DeepXDE decay_steps; PyTorch StepLR step_size, CosineAnnealingLR T_max"},
    {"decay-rate", UA_OPT_REAL, NULL, 0, 1e6, 0, NULL,
     "the decay's rate, with --decay (default: inverse-time 9, exponential, step and cosine "
     "0.1; so the last Adam step runs at lr / 10 when --iterations >= 2); exponential and step: "
     "the factor per decay-steps (gamma), in (0, 1]; cosine: the final fraction of lr, in [0, 1]",
     "DeepXDE decay_rate; PyTorch gamma; TensorFlow CosineDecay alpha"},
    {"lbfgs-maxiter", UA_OPT_INT, "1000", 0, 10000000, 0, NULL,
     "L-BFGS iterations after Adam (0: none)", "DeepXDE L-BFGS maxiter; Nocedal & Wright"},
    {"num-domain", UA_OPT_INT, "2000", 1, 1000000, 0, NULL, "collocation points inside the box",
     "DeepXDE num_domain"},
    {"num-boundary", UA_OPT_INT, "400", 2, 1000000, 0, NULL,
     "points of each boundary condition", "DeepXDE num_boundary"},
    {"num-initial", UA_OPT_INT, "200", 2, 1000000, 0, NULL, "points of each initial condition",
     "DeepXDE num_initial"},
    {"loss-weights", UA_OPT_STRING, "1,100", 0, 0, 0, NULL,
     "W_PDE,W_BC: weights of the residual's and the conditions' mean squares (a heavy W_BC "
     "enforces the conditions: docs/pde.md)",
     "DeepXDE loss_weights"},
    {"resample-period", UA_OPT_INT, "500", 0, 10000000, 0, NULL,
     "Adam steps between resamplings of the collocation points where the residual is large "
     "(0: fixed points)", "DeepXDE PDEPointResampler period; Wu et al. 2023 (RAD)"},
    {"resample-k", UA_OPT_REAL, "1", 0, 10, 0, NULL,
     "density of the resampled points proportional to |R|^k / mean |R|^k + c",
     "Wu et al. 2023 (RAD)"},
    {"resample-c", UA_OPT_REAL, "1", 0, 1e6, 0, NULL,
     "the uniform part c of the resampling density (large: nearly uniform)",
     "Wu et al. 2023 (RAD)"},
    {"resample-candidates", UA_OPT_INT, NULL, 1, 1e8, 0, NULL,
     "uniform candidates the resampled points are drawn from (default 10 num-domain)", NULL},
    {"causal-epsilon", UA_OPT_STRING, "10", 0, 0, 0, NULL,
     "causal training for problems with time (ignored without): eps (or a list e1,e2,... moved "
     "along when every weight exceeds causal-delta) of the weights w_i = exp(-eps sum_{k<i} L_k) "
     "of the time slices' mean square residuals L_k, in the Adam phase; 0: off (docs/pde.md)",
     "Wang, Sankaran & Perdikaris 2022 (causal training)"},
    {"causal-slices", UA_OPT_INT, "32", 1, 100000, 0, NULL,
     "causal training: equal time slices M the interior points are binned into",
     "Wang, Sankaran & Perdikaris 2022 (N_t)"},
    {"causal-delta", UA_OPT_REAL, "0.99", 0, 1, 1, NULL,
     "causal training: the next eps of the list once min_i w_i exceeds delta",
     "Wang, Sankaran & Perdikaris 2022 (delta)"},
    {"output-transform", UA_OPT_CHOICE, "auto", 0, 0, 0, "auto|none",
     "auto: the problem's hard constraints u = g + D N (its \"output_transform\", or derived "
     "from the box for Dirichlet and initial conditions: docs/pde.md); none: every condition a "
     "penalty of the loss", "DeepXDE apply_output_transform; Lagaris et al. 1998"},
    {"seed", UA_OPT_INT, "1", 0, 9007199254740991.0, 0, NULL,
     "initial weights and training points", NULL},
    {"plot", UA_OPT_STRING, NULL, 0, 0, 0, NULL,
     "write FILE.svg: the model's u and its error against the solution (heat maps over the "
     "first two inputs, or curves in 1-D)", NULL},
    {"tol", UA_OPT_REAL, NULL, 0, 1, 1, NULL,
     "the verdict's tolerance: max |u_model - u| <= tol max |u| over the measured points "
     "(default: none asked, the errors are reported)", NULL},
};

_Static_assert(sizeof ua_pde_option_spec / sizeof ua_pde_option_spec[0] == UA_PDE_NOPTIONS,
               "UA_PDE_NOPTIONS");
