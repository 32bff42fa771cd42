/* Unit tests for core/prefault: contents kept, whole pages inside faulted
 * in (as mincore, the kernel's own account, reports), small blocks and the
 * partial pages at the edges left alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/prefault.h"

/* Pages of the n bytes at the page-aligned p that are resident. */
static size_t
resident(void *p, size_t n, size_t page)
{
	size_t np = n / page, r = 0;
	unsigned char *v = calloc(np, 1);

	assert_int_equal(mincore(p, n, v), 0);
	for (size_t i = 0; i < np; i++)
		r += v[i] & 1;
	free(v);
	return r;
}

static void
test_prefault_contents_kept(void **state)
{
	size_t n = PREFAULT_MIN_BYTES + 12345;
	unsigned char *p = malloc(n);

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < n; i += 4093)
		p[i] = (unsigned char)(i * 7);
	mem_prefault(p + 3, n - 3);
	for (size_t i = 0; i < n; i += 4093)
		assert_int_equal(p[i], (unsigned char)(i * 7));
	mem_prefault(NULL, 0);  /* below the minimum: nothing */
	free(p);
}

static void
test_prefault_pages(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = PREFAULT_MIN_BYTES + 4 * page;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)state;
	assert_true(p != MAP_FAILED);
	/* Where huge pages are always on, a fault would bring in 2 MiB. */
	(void)madvise(p, n, MADV_NOHUGEPAGE);
	assert_int_equal(resident(p, n, page), 0);
	/* Too small: left to fault on first touch. */
	mem_prefault(p, PREFAULT_MIN_BYTES - 1);
	assert_int_equal(resident(p, n, page), 0);
	/* From the middle of the first page to the middle of the last: the
	 * n / page − 2 whole pages between, not the two partial ones.  A
	 * kernel without MADV_POPULATE_WRITE (before 5.14) faults in none. */
	mem_prefault(p + page / 2, n - page);
	size_t r = resident(p, n, page);

	if (r == 0)
		skip();
	assert_int_equal(r, n / page - 2);
	assert_int_equal(resident(p, page, page), 0);
	assert_int_equal(resident(p + n - page, page, page), 0);
	munmap(p, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefault_contents_kept),
		cmocka_unit_test(test_prefault_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
