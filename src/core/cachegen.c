/*
 * cachegen — one atomic counter (see cachegen.h).
 */
#include "core/cachegen.h"

#include <stdatomic.h>

static _Atomic uint64_t generation = 1;

uint64_t
cachegen_now(void)
{
	return atomic_load(&generation);
}

void
cachegen_bump(void)
{
	atomic_fetch_add(&generation, 1);
}
