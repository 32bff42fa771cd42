/*
 * fuzz — shared pieces of the libFuzzer drivers in this folder (`make fuzz`).
 *
 * Each driver feeds one parser of outside input with arbitrary bytes and
 * checks, besides the sanitizers' memory and undefined-behaviour checks,
 * the parser's own contract: a success leaves a value in range, a failure
 * a message and a code from the header.  A broken contract aborts (a
 * crash libFuzzer records).
 */
#ifndef SJ_FUZZ_H
#define SJ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of the input (parsers of C strings stop at the
 * first NUL, as they would on a string from the HTTP layer); free(). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Abort with a message when cond is false: the contract is broken. */
#define FUZZ_REQUIRE(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz: %s:%d: contract broken: %s\n", __FILE__, __LINE__, #cond); \
	abort(); } } while (0)

#endif
