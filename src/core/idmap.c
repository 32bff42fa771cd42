/*
 * idmap — int64 → int64 hash map (idmap.h).
 */
#include "core/idmap.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

/* The slot of stored key k (key + 1): Fibonacci hashing, linear probing. */
static size_t
slot(const idmap *m, int64_t k)
{
	uint64_t h = (uint64_t)k * UINT64_C(0x9E3779B97F4A7C15);
	size_t i = (size_t)(h >> 32) & (m->cap - 1);

	while (m->slots[i].key != 0 && m->slots[i].key != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
grow(idmap *m)
{
	idmap old = *m;

	m->cap = old.cap ? 2 * old.cap : 1024;
	m->n = 0;
	m->slots = sj_calloc(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			idmap_put(m, old.slots[i].key - 1, old.slots[i].val);
	free(old.slots);
}

void
idmap_put(idmap *m, int64_t key, int64_t val)
{
	size_t i;

	assert(key >= 0 && key < INT64_MAX);
	if (2 * (m->n + 1) > m->cap)
		grow(m);
	i = slot(m, key + 1);
	if (m->slots[i].key == 0)
		m->n++;
	m->slots[i] = (idmap_slot){ key + 1, val };
}

int64_t
idmap_get(const idmap *m, int64_t key)
{
	return m->cap && key >= 0 && key < INT64_MAX ? m->slots[slot(m, key + 1)].val : 0;
}

void
idmap_clear(idmap *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->n = 0;
}

void
idmap_free(idmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}
