/*
 * IG (Gauss-Legendre, 50 nodes) and exact KernelSHAP of ua_explain on a d-h-1 tanh network
 * against the PyTorch re-implementation's attributions (tests/gen/explain_ref.py --bench): time
 * over the points and the largest absolute difference of the attributions.
 * usage: explain_bench POINTS.txt TORCH.json D H   (prints one line: ig_s shap_s ig_diff shap_diff)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "uniapprox.h"
#include "uniapprox/explain.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 5) return 2;
    size_t d = (size_t)atoi(argv[3]), h = (size_t)atoi(argv[4]), P = h * d + h + h + 1, n = 0;
    FILE *f = fopen(argv[1], "r");
    if (!f) return 2;
    double *p = malloc(P * sizeof *p), *X = malloc(100000 * sizeof *X);
    for (size_t i = 0; i < P; i++)
        if (fscanf(f, "%lf", &p[i]) != 1) return 2;
    while (n * d < 100000 - d && fscanf(f, "%lf", &X[n * d]) == 1) {
        for (size_t j = 1; j < d; j++)
            if (fscanf(f, "%lf", &X[n * d + j]) != 1) return 2;
        n++;
    }
    fclose(f);
    f = fopen(argv[2], "r");
    if (!f) return 2;
    static char buf[1 << 24];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    buf[len] = 0;
    fclose(f);
    cJSON *ref = cJSON_Parse(buf);
    if (!ref) return 2;
    ua_mlp_options o;
    ua_mlp_options_default(&o);
    o.nhidden = 1;
    o.hidden[0] = h;
    o.act = UA_ACT_TANH;
    o.dtype = UA_MLP_F64;
    o.param = UA_PARAM_SP;
    ua_mlp *net;
    ua_model *m;
    if (ua_mlp_alloc(d, 1, &o, &net) || ua_mlp_set_params(net, p) ||
        ua_model_wrap("mlp", net, NULL, -INFINITY, INFINITY, &m))
        return 1;
    double *attr = malloc(d * sizeof *attr), dig = 0, dsh = 0, tig, tsh;
    const char *keys[2] = {"ig", "kernelshap"};
    for (int k = 0; k < 2; k++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++) {
            if (ua_explain(m, k ? UA_EXPLAIN_KERNELSHAP : UA_EXPLAIN_IG, X + i * d, NULL, NULL, attr, NULL))
                return 1;
            const cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(ref, keys[k]), (int)i);
            for (size_t j = 0; j < d; j++) {
                double diff = fabs(attr[j] - cJSON_GetArrayItem(row, (int)j)->valuedouble);
                if (k) dsh = fmax(dsh, diff);
                else dig = fmax(dig, diff);
            }
        }
        if (k) tsh = now() - t0;
        else tig = now() - t0;
    }
    printf("%.6g %.6g %.3g %.3g\n", tig, tsh, dig, dsh);
    cJSON_Delete(ref);
    ua_model_free(m);
    free(p);
    free(X);
    free(attr);
    return 0;
}
