/*
 * Large work arrays backed by transparent huge pages where the kernel offers them.
 *
 * On first touch every 4 KiB page of a fresh allocation faults and is zeroed; for an array of
 * tens of MiB written once (the float32 features of an rf fit) the faults cost as much as the
 * arithmetic. Aligning to 2 MiB and asking for huge pages (madvise MADV_HUGEPAGE, honoured when
 * /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or "always") makes it one fault per
 * 2 MiB. Elsewhere this is plain malloc.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "internal.h"

enum { HUGE_PAGE = 1 << 21 };

void *ua_alloc_large(size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= HUGE_PAGE) {
        void *p = NULL;
        size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        if (rounded < bytes || posix_memalign(&p, HUGE_PAGE, rounded)) return NULL;
        madvise(p, rounded, MADV_HUGEPAGE); /* advice only: failure leaves normal pages */
        return p;
    }
#endif
    return malloc(bytes ? bytes : 1);
}

double ua_phys_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0.0;
}
