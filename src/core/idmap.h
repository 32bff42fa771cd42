/*
 * idmap — a map from non-negative 64-bit ids to 64-bit values: an
 * open-addressing hash table (linear probing, at most half full), for
 * look-up caches of bulk paths (an outside id → a sijin id; a person id →
 * the index of a cached record).
 */
#ifndef SJ_IDMAP_H
#define SJ_IDMAP_H

#include <stddef.h>
#include <stdint.h>

/* One slot: key + 1 (0 marks an empty slot) and its value side by side,
 * so that a look-up touches one cache line. */
typedef struct idmap_slot {
	int64_t key, val;
} idmap_slot;

typedef struct idmap {
	idmap_slot *slots;
	size_t cap, n;           /* cap a power of two (0 before the first put) */
} idmap;

/* Map key (≥ 0) to val, replacing an earlier value.  Grows as needed (out
 * of memory aborts). */
void idmap_put(idmap *m, int64_t key, int64_t val);

/* The value of key, or 0 when absent (store values ≠ 0 to tell them apart). */
int64_t idmap_get(const idmap *m, int64_t key);

/* Forget every entry, keeping the memory. */
void idmap_clear(idmap *m);

/* Release the memory; m is then empty and reusable.  Accepts an empty map. */
void idmap_free(idmap *m);

#endif
