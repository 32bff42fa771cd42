/*
 * prefault — see prefault.h.
 */
#include "core/prefault.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

void
mem_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t z = ((uintptr_t)p + n) & ~(page - 1);

	if (n >= PREFAULT_MIN_BYTES && z > a)
		(void)madvise((void *)a, z - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}
