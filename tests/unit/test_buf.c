/* Unit tests for core/buf and core/arena. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

static void
test_buf_append_and_limit(void **state)
{
	buf b;
	sj_err e = {0};

	(void)state;
	buf_init(&b, 10);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_puts(&b, "hello", &e), SJ_OK);
	assert_int_equal(buf_printf(&b, &e, "%d", 1234), SJ_OK);
	assert_string_equal(buf_str(&b), "hello1234");
	/* 9 + 2 > 10: refused, content unchanged. */
	assert_int_equal(buf_puts(&b, "ab", &e), SJ_ETOOBIG);
	assert_string_equal(buf_str(&b), "hello1234");
	assert_int_equal(b.len, 9);
	assert_int_equal(buf_printf(&b, &e, "%s", "xy"), SJ_ETOOBIG);
	assert_int_equal(buf_puts(&b, "!", &e), SJ_OK);
	assert_int_equal(b.len, 10);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
	buf_free(NULL);
}

static void
test_buf_grows_and_steals(void **state)
{
	buf b;
	sj_err e = {0};
	char *s;

	(void)state;
	buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_append(&b, "0123456789", 10, &e), SJ_OK);
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[9999], '9');
	assert_int_equal(b.data[10000], '\0');
	s = buf_steal(&b);
	assert_int_equal(strlen(s), 10000);
	assert_null(b.data);
	free(s);
	s = buf_steal(&b);
	assert_string_equal(s, "");
	free(s);
}

static void
test_arena(void **state)
{
	arena a;
	char *p[100];

	(void)state;
	arena_init(&a);
	for (int i = 0; i < 100; i++) {
		p[i] = arena_printf(&a, "item-%d", i);
		assert_int_equal((uintptr_t)p[i] % _Alignof(max_align_t), 0);
	}
	for (int i = 0; i < 100; i++) {
		char want[32];
		snprintf(want, sizeof want, "item-%d", i);
		assert_string_equal(p[i], want);
	}
	/* A block bigger than a chunk, then small ones still fit. */
	char *big = arena_zalloc(&a, 3 * ARENA_CHUNK);
	assert_int_equal(big[3 * ARENA_CHUNK - 1], 0);
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	assert_null(arena_strdup(&a, NULL));
	assert_true(a.used >= 3 * ARENA_CHUNK);
	arena_free(&a);
	assert_int_equal(a.used, 0);
	arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_append_and_limit),
		cmocka_unit_test(test_buf_grows_and_steals),
		cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
