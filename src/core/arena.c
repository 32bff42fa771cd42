/*
 * arena — bump allocation over a list of chunks.
 */
#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

struct arena_chunk {
	arena_chunk *next;
	size_t size;  /* bytes in mem[] */
	size_t off;   /* bytes of mem[] handed out */
	_Alignas(max_align_t) unsigned char mem[];
};

#define ALIGN (_Alignof(max_align_t))

void
arena_init(arena *a)
{
	a->head = NULL;
	a->used = 0;
}

static arena_chunk *
chunk_new(size_t size)
{
	arena_chunk *c = sj_malloc(sizeof *c + size);

	c->next = NULL;
	c->size = size;
	c->off = 0;
	return c;
}

void *
arena_alloc(arena *a, size_t n)
{
	arena_chunk *c = a->head;
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
	void *p;

	if (n > SIZE_MAX / 2)
		sj_oom(n);
	if (c == NULL || c->size - c->off < need) {
		/* Big requests get their own chunk behind the current one so
		 * the current chunk's free space is not wasted. */
		arena_chunk *nc = chunk_new(need > ARENA_CHUNK ? need : ARENA_CHUNK);
		if (c != NULL && need > ARENA_CHUNK) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->head = nc;
		}
		c = nc;
	}
	p = c->mem + c->off;
	c->off += need;
	a->used += need;
	return p;
}

void *
arena_zalloc(arena *a, size_t n)
{
	return memset(arena_alloc(a, n), 0, n);
}

char *
arena_strndup(arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *
arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	s = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void *
arena_grow(arena *a, void *arr, size_t *cap, size_t n, size_t sz)
{
	void *bigger;

	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 16;
	bigger = arena_alloc(a, *cap * sz);
	if (n)
		memcpy(bigger, arr, n * sz);
	return bigger;
}

void
arena_free(arena *a)
{
	arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}
