/*
 * arena — a per-request memory pool: many small allocations, one free.
 *
 * Memory comes from chunks of at least ARENA_CHUNK bytes; larger requests
 * get a chunk of their own.  Every pointer is aligned for any type
 * (max_align_t).  Nothing is freed individually; arena_free() releases all
 * of it.  An arena is used by one thread at a time.
 */
#ifndef SJ_ARENA_H
#define SJ_ARENA_H

#include <stddef.h>

#define ARENA_CHUNK 8192

typedef struct arena_chunk arena_chunk;

typedef struct arena {
	arena_chunk *head;  /* the chunk being filled; earlier ones follow */
	size_t used;        /* total bytes handed out, for limits and metrics */
} arena;

/* Initialise a to empty; no memory is taken until the first allocation. */
void arena_init(arena *a);

/* n bytes, aligned, uninitialised, valid until arena_free(a).  Never NULL:
 * out of memory aborts (sj_oom). */
void *arena_alloc(arena *a, size_t n);

/* n zeroed bytes; as arena_alloc. */
void *arena_zalloc(arena *a, size_t n);

/* A copy of s (NULL gives NULL) / of its first n bytes plus a NUL. */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);

/* printf into the arena. */
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For arrays built one element at a time in an arena: return arr when it
 * has room for element n (n < *cap), otherwise a copy of its n elements of
 * size sz in a new arena block twice as large (16 at first), updating
 * *cap.  The old block is not reused until arena_free(). */
void *arena_grow(arena *a, void *arr, size_t *cap, size_t n, size_t sz);

/* Release every allocation and leave a empty (reusable).  Accepts NULL. */
void arena_free(arena *a);

#endif
