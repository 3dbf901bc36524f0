/* src/libm/registry.c — the table of `uniapprox libm` generators, sorted by libm name. */
#include <string.h>
#include "uniapprox/libm.h"
#include "libm/internal.h"

static const ua_libm_func *const registry[] = {
    &ua_libm_cosf,
    &ua_libm_erff,
    &ua_libm_exp10f,
    &ua_libm_exp2f,
    &ua_libm_expf,
    &ua_libm_expm1f,
    &ua_libm_log10f,
    &ua_libm_log1pf,
    &ua_libm_log2f,
    &ua_libm_logf,
    &ua_libm_sinf,
    &ua_libm_tanhf,
    NULL /* the generators, sorted; one line each (see internal.h) */
};

static size_t registry_len(void)
{
    size_t n = 0;
    while (n < sizeof registry / sizeof registry[0] && registry[n])
        n++;
    return n;
}

size_t ua_libm_count(void)
{
    return registry_len();
}

const ua_libm_func *ua_libm_at(size_t i)
{
    return i < registry_len() ? registry[i] : NULL;
}

const ua_libm_func *ua_libm_find(const char *libm_name)
{
    if (!libm_name)
        return NULL;
    for (size_t i = 0; i < registry_len(); i++)
        if (strcmp(registry[i]->libm_name, libm_name) == 0)
            return registry[i];
    return NULL;
}
