/* The families `uniapprox fit` knows, sorted by name. One line per family. */
#include <string.h>

#include "cli.h"

static const ua_cli_fitter *const fitters[] = {
    &ua_cli_fitter_cheb,
    &ua_cli_fitter_kernel,
    &ua_cli_fitter_minimax,
    &ua_cli_fitter_mlp,
    &ua_cli_fitter_rf,
    &ua_cli_fitter_seq,
    &ua_cli_fitter_spline,
};
#define NFITTERS (sizeof fitters / sizeof fitters[0])

const ua_cli_fitter *ua_cli_fitter_find(const char *family)
{
    for (size_t i = 0; i < NFITTERS; i++)
        if (!strcmp(fitters[i]->family, family)) return fitters[i];
    return NULL;
}

const char *ua_cli_fitter_names(void)
{
    static char names[256];
    if (!names[0])
        for (size_t i = 0; i < NFITTERS; i++) {
            if (i) strncat(names, ", ", sizeof names - strlen(names) - 1);
            strncat(names, fitters[i]->family, sizeof names - strlen(names) - 1);
        }
    return names;
}
