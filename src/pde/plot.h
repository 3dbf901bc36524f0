/* src/pde/plot.h — the picture of a PDE model against its solution (plot.c). */
#ifndef UA_PDE_PLOT_H
#define UA_PDE_PLOT_H

#include "internal.h"

/* Writes an SVG to path: the model's u and log10 |u_model - u| against the solution of s, as heat
 * maps over the first two inputs (d >= 2, the others at the centre) or curves (d == 1).
 * Errors: UA_EIO (naming the file), the solution's errors, UA_ENOMEM. */
ua_status ua_pde_plot(const ua_pde_spec *s, const ua_pde_net *net, const char *path);

#endif /* UA_PDE_PLOT_H */
