/*
 * The memory plan of an exact kernel fit: an n x n matrix that would take most of the machine is
 * not allocated silently. By default (no --max-memory) a matrix above half of the physical memory
 * switches the fit to the Nyström approximation with a note saying so; an explicit --max-memory
 * is a limit the user set, so exceeding it refuses (solve_exact's message names --nystrom). When
 * even Nyström with MIN_AUTO_LANDMARKS landmarks would not fit, the plan refuses with a note
 * naming the need and --samples.
 */
#include <math.h>
#include <stdio.h>

#include "internal.h"

/* Landmarks of the automatic switch: Nyström's error falls with M; 2000 keeps the O(n M^2) fit
 * at seconds for n in the tens of thousands. Fewer than MIN_AUTO_LANDMARKS is not a fit worth
 * the time: the plan refuses instead (and names --samples). */
#define AUTO_LANDMARKS 2000
#define MIN_AUTO_LANDMARKS 250

size_t ua_kernel_memory_plan(size_t n, double max_mem, double phys, char *note, size_t len)
{
    double need = 8.0 * (double)n * (double)n;
    double limit = max_mem > 0 ? max_mem : 0.5 * phys;
    if (note && len) note[0] = '\0';
    if (!(limit > 0) || need <= limit) return 0;
    if (max_mem > 0) return (size_t)-1;
    /* Nyström keeps the n x M kernel block and the features (16 n M bytes) */
    size_t M = n < AUTO_LANDMARKS ? n : AUTO_LANDMARKS;
    while (M / 2 >= MIN_AUTO_LANDMARKS && 16.0 * (double)n * (double)M > limit) M /= 2;
    if (16.0 * (double)n * (double)M > limit) {
        if (note)
            snprintf(note, len, "kernel fit: %zu rows: exact KRR's kernel matrix would need %.3g GiB "
                     "and Nystrom with M = %zu landmarks about %.3g GiB, more than half of this "
                     "machine's %.3g GiB; reduce --samples (the training rows: about %.0f fit) or "
                     "choose --nystrom M", n, need / 1073741824.0, M,
                     16.0 * (double)n * (double)M / 1073741824.0, phys / 1073741824.0,
                     floor(limit / (16.0 * (double)M)));
        return (size_t)-1;
    }
    if (note)
        snprintf(note, len, "exact KRR's %zu x %zu kernel matrix would need %.3g GiB, more than "
                 "half of this machine's %.3g GiB: fitted by Nystrom with M = %zu landmarks "
                 "instead (--nystrom M to choose M; --max-memory BYTES to allow the exact fit)",
                 n, n, need / 1073741824.0, phys / 1073741824.0, M);
    return M;
}
