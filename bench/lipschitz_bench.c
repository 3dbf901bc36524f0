/* Lipschitz bounds of mlp networks (uniapprox/lipschitz.h): ReLU and tanh networks of 4 inputs,
 * width 16 to 256, depth (hidden layers) 2 to 4, criticality-initialised weights with biases
 * N(0, 0.1^2), on the box [-1, 1]^4 and on a local box [0.2 +- 0.05]^4. For each: the 2-norm
 * Lipschitz bound before and after branch and bound (UA_BENCH_LIP_TIME seconds, default 2), the
 * best lower bound by gradient ascent, the naive product of spectral norms, and the times; then
 * the IBP and CROWN output ranges and their times. Each network's parameters and box are written
 * to DIR/net_I.bin (doubles: d, L, widths..., lo, hi, params) for bench/lipschitz_torch.py.
 * usage: lipschitz_bench DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "uniapprox.h"
#include "uniapprox/lipschitz.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A standard normal from a small LCG-free generator (Box-Muller on rand_r streams). */
static double normal(unsigned *s)
{
    double u = (rand_r(s) + 1.0) / ((double)RAND_MAX + 2.0), v = rand_r(s) / ((double)RAND_MAX + 1.0);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    double tl = getenv("UA_BENCH_LIP_TIME") ? atof(getenv("UA_BENCH_LIP_TIME")) : 2.0;
    const size_t widths[] = { 16, 64, 256 }, depths[] = { 2, 3, 4 };
    const ua_mlp_act acts[] = { UA_ACT_RELU, UA_ACT_TANH };
    const size_t d = 4;
    int id = 0;
    printf("%-5s %5s %5s %-6s %10s %10s %10s %8s %11s %8s %8s | %-25s %7s | %-25s %7s\n", "act",
           "width", "depth", "box", "first", "bound", "lower", "ratio", "naive(spec)", "naive/lo",
           "t_bb(s)", "IBP output", "t(ms)", "CROWN output", "t(ms)");
    for (size_t a = 0; a < 2; a++)
        for (size_t wi = 0; wi < 3; wi++)
            for (size_t di = 0; di < 3; di++)
                for (int local = 0; local < 2; local++, id++) {
                    ua_mlp_options o;
                    ua_mlp_options_default(&o);
                    o.nhidden = depths[di];
                    for (size_t l = 0; l < o.nhidden; l++) o.hidden[l] = widths[wi];
                    o.act = acts[a];
                    o.dtype = UA_MLP_F64;
                    o.seed = (uint64_t)(10 * wi + di + 1);
                    ua_mlp *net;
                    if (ua_mlp_alloc(d, 1, &o, &net)) return 1;
                    size_t P = ua_mlp_nparams(net);
                    double *p = malloc(P * sizeof *p);
                    ua_mlp_get_params(net, p);
                    unsigned seed = (unsigned)(id / 2 + 7);
                    for (size_t t = 0; t < ua_mlp_ntensors(net); t++) {
                        const char *name;
                        size_t off, nd, shape[2];
                        ua_mlp_tensor(net, t, &name, &off, &nd, shape);
                        if (nd == 1)
                            for (size_t i = 0; i < shape[0]; i++) p[off + i] = 0.1 * normal(&seed);
                    }
                    ua_mlp_set_params(net, p);
                    double lo[4], hi[4];
                    for (size_t i = 0; i < d; i++) {
                        lo[i] = local ? 0.15 : -1;
                        hi[i] = local ? 0.25 : 1;
                    }
                    ua_model *m;
                    if (ua_model_wrap_box("mlp", net, "bench", d, lo, hi, &m)) return 1;
                    ua_lipschitz_options lo2 = { .norm = UA_NORM_2, .time_limit = tl,
                                                 .max_boxes = 1u << 20 };
                    ua_lipschitz_result r;
                    if (ua_model_lipschitz(m, NULL, NULL, &lo2, &r)) {
                        fprintf(stderr, "%s\n", ua_last_error());
                        return 1;
                    }
                    double il, iu, cl, cu, t0 = now();
                    ua_model_bound_output(m, NULL, NULL, UA_BOUND_IBP, &il, &iu);
                    double t1 = now();
                    ua_model_bound_output(m, NULL, NULL, UA_BOUND_CROWN, &cl, &cu);
                    double t2 = now();
                    char ib[64], cb[64];
                    snprintf(ib, sizeof ib, "[%.4g, %.4g]", il, iu);
                    snprintf(cb, sizeof cb, "[%.4g, %.4g]", cl, cu);
                    printf("%-5s %5zu %5zu %-6s %10.4g %10.4g %10.4g %8.3f %11.4g %8.1f %8.2f | %-25s "
                           "%7.3f | %-25s %7.3f\n",
                           a ? "tanh" : "relu", widths[wi], depths[di], local ? "local" : "[-1,1]",
                           r.first_bound, r.bound, r.lower, r.bound / r.lower, r.naive,
                           r.naive / r.lower, r.seconds, ib, 1e3 * (t1 - t0), cb, 1e3 * (t2 - t1));
                    fflush(stdout);
                    char path[4096];
                    snprintf(path, sizeof path, "%s/net_%d.bin", dir, id);
                    FILE *f = fopen(path, "wb");
                    if (f) {
                        double hdr[32];
                        size_t nh = 0;
                        hdr[nh++] = (double)d;
                        hdr[nh++] = (double)(o.nhidden + 1);
                        hdr[nh++] = (double)a;
                        hdr[nh++] = (double)d;
                        for (size_t l = 0; l < o.nhidden; l++) hdr[nh++] = (double)widths[wi];
                        hdr[nh++] = 1;
                        for (size_t i = 0; i < d; i++) hdr[nh++] = lo[i];
                        for (size_t i = 0; i < d; i++) hdr[nh++] = hi[i];
                        hdr[nh++] = il;
                        hdr[nh++] = iu;
                        hdr[nh++] = cl;
                        hdr[nh++] = cu;
                        fwrite(hdr, sizeof(double), nh, f);
                        fwrite(p, sizeof(double), P, f);
                        fclose(f);
                    }
                    free(p);
                    ua_model_free(m);
                }
    return 0;
}
