/*
 * prefault_bench — how fast a process gets fresh memory from the kernel
 * (docs/trace.md "Cold traces"; bench/RESULTS.md "Cold depth-2 traces").
 *
 *   cc -O2 -o /tmp/prefault_bench bench/prefault_bench.c
 *   /tmp/prefault_bench MIB MODE [ROUNDS]
 *
 * Maps MIB MiB (2 MiB-aligned), makes them present by MODE — touch: one
 * write a 4 KiB page (a page fault each); huge: madvise(MADV_HUGEPAGE),
 * then the same writes; populate: one madvise(MADV_POPULATE_WRITE) —
 * and prints the seconds and GB/s of that, then unmaps; ROUNDS times
 * (default 3).  The first round of a fresh process, run a few seconds
 * after the last, gets memory the guest left free ("cold"); the later
 * rounds get the memory the round before just gave back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	size_t huge = (size_t)2 << 20, n;
	int rounds = argc > 3 ? atoi(argv[3]) : 3;

	if (argc < 3 || (n = (size_t)strtoull(argv[1], NULL, 10) << 20) == 0 ||
	    (strcmp(argv[2], "touch") && strcmp(argv[2], "huge") && strcmp(argv[2], "populate"))) {
		fprintf(stderr, "usage: prefault_bench MIB touch|huge|populate [ROUNDS]\n");
		return 2;
	}
	for (int r = 0; r < rounds; r++) {
		double t = now_s();
		char *m = mmap(NULL, n + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		char *a = (char *)(((unsigned long)m + huge - 1) & ~(huge - 1));

		if (strcmp(argv[2], "populate") == 0) {
#ifdef MADV_POPULATE_WRITE
			if (madvise(a, n, MADV_POPULATE_WRITE) != 0)
				perror("MADV_POPULATE_WRITE");
#else
			fprintf(stderr, "no MADV_POPULATE_WRITE here\n");
#endif
		} else {
			if (strcmp(argv[2], "huge") == 0 && madvise(a, n, MADV_HUGEPAGE) != 0)
				perror("MADV_HUGEPAGE");
			for (size_t i = 0; i < n; i += 4096)
				a[i] = 1;
		}
		t = now_s() - t;
		printf("%zu MiB %s, round %d: %.3f s, %.2f GB/s\n", n >> 20, argv[2], r + 1, t,
		    n / t / 1e9);
		munmap(m, n + huge);
	}
	return 0;
}
