/*
 * arena — bump allocation over a list of chunks.
 *
 * Each thread keeps one spare chunk of ARENA_CHUNK bytes: arena_free puts
 * a chunk of that size there when the place is empty, and the next arena
 * of the thread starts with it.  A request of the HTTP server takes one
 * chunk and gives it back, so it no longer costs a malloc and a free of
 * 8 KiB — which made glibc consolidate its small free chunks every time
 * (~2.5 % of the request threads' CPU on the scan benchmark,
 * docs/performance.md).  The spare is freed when its thread ends (a
 * thread-specific key's destructor).  Under AddressSanitizer there is no
 * spare, so that a use of a freed arena's memory is still caught.
 */
#include "core/arena.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
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

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_SPARE 0
#else
#define ARENA_SPARE 1
#endif

static _Thread_local arena_chunk *tl_spare;  /* an ARENA_CHUNK chunk, or NULL */
static pthread_key_t spare_key;              /* frees tl_spare at thread exit */
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static int spare_key_ok;

static void
spare_free(void *c)
{
	if (c == tl_spare)
		tl_spare = NULL;
	free(c);
}

static void
spare_key_make(void)
{
	spare_key_ok = pthread_key_create(&spare_key, spare_free) == 0;
}

/* Keep c as this thread's spare; false when it cannot be kept. */
static bool
spare_put(arena_chunk *c)
{
	if (!ARENA_SPARE || tl_spare != NULL || c->size != ARENA_CHUNK)
		return false;
	pthread_once(&spare_once, spare_key_make);
	if (!spare_key_ok || pthread_setspecific(spare_key, c) != 0)
		return false;
	tl_spare = c;
	return true;
}

static arena_chunk *
chunk_new(size_t size)
{
	arena_chunk *c;

	if (size == ARENA_CHUNK && tl_spare != NULL) {
		c = tl_spare;
		tl_spare = NULL;
		pthread_setspecific(spare_key, NULL);
		c->next = NULL;
		c->off = 0;
		return c;
	}
	c = sj_malloc(sizeof *c + size);

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
		if (!spare_put(c))
			free(c);
	}
	a->head = NULL;
	a->used = 0;
}
