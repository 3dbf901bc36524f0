/* The family registry: one line per family, sorted by name. Adding a family = one line here. */
#include <string.h>

#include "family.h"

static const ua_family *const families[] = {
    &ua_family_cheb,
    &ua_family_kernel,
    &ua_family_minimax,
    &ua_family_mlp,
    &ua_family_rf,
    &ua_family_seq,
    &ua_family_spline,
};

const ua_family *ua_family_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (strcmp(families[i]->name, name) == 0) return families[i];
    return NULL;
}
