/*
 * The evolve family's final check in float32: the program is written as C (the export's code,
 * src/evolve/export.c), compiled and loaded (uniapprox/exhaustive.h, ua_compile_c), and run by
 * the exhaustive checker at every float of the interval against the correctly rounded reference.
 * What is checked is therefore the exported code itself, not the search's interpreter.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "uniapprox/exhaustive.h"
#include "internal.h"

ua_status ev_verify_exhaustive(const ev_prog *g, const ua_target *t, float a, float b,
                               double *max_ulp)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/ua_evolve_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) return UA_ERR(UA_EIO, "evolve: cannot create a temporary directory");
    char path[4200];
    snprintf(path, sizeof path, "%s/kernel.c", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        rmdir(dir);
        return UA_ERR(UA_EIO, "evolve: cannot write %s", path);
    }
    fputs("#include <math.h>\n\n", f);
    ev_write_c(g, EV_FLOAT32, "ev_kernel", "float", f, (double)a, (double)b);
    int bad = ferror(f);
    fclose(f);
    ua_compiled *c = NULL;
    ua_status s = bad ? UA_ERR(UA_EIO, "evolve: write failed") : UA_OK;
#if defined(__x86_64__) && defined(__GNUC__)
    /* the hardware fma where the CPU has one (fmaf is exact either way; this is speed) */
    const char *fma_args[] = {"-mfma", NULL};
    const char *const *args = __builtin_cpu_supports("fma") ? fma_args : NULL;
#else
    const char *const *args = NULL;
#endif
    if (!s) s = ua_compile_c(path, args, &c);
    unlink(path);
    rmdir(dir);
    if (s) return s;
    void *sym = NULL;
    if ((s = ua_compiled_symbol(c, "ev_kernel", &sym))) {
        ua_compiled_free(c);
        return s;
    }
    ua_f32_fn fn;
    memcpy(&fn, &sym, sizeof fn);
    ua_exhaustive_options opt;
    ua_exhaustive_options_default(&opt);
    opt.top = 1;
    ua_exhaustive_result r;
    s = ua_exhaustive_f32(fn, t, a, b, &opt, &r);
    ua_compiled_free(c);
    if (s) return s;
    *max_ulp = r.max_ulp;
    return UA_OK;
}
