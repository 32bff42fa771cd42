/*
 * prefault — fault in a large, freshly allocated block before it is used.
 *
 * Memory that malloc takes from the kernel (glibc maps blocks of ≥ 128 KiB
 * to 32 MiB on their own and unmaps them on free) is faulted in one 4 KiB
 * page at a time on first touch.  On a VM whose balloon reports free pages
 * to the host (virtio_balloon free page reporting, this machine's case) each
 * first touch of such a page also costs the host a fault: measured
 * 2026-11-29 on 768 MiB of memory the guest had left free for seconds
 * (bench/prefault_bench.c), touching it page by page ran at 0.8–2.4 GB/s,
 * with transparent huge pages (MADV_HUGEPAGE) at 0.45–0.6 GB/s, and
 * faulted in by one MADV_POPULATE_WRITE at 1.9–3.1 GB/s (bench/RESULTS.md,
 * "Cold depth-2 traces").  Huge pages pay only on memory given back a
 * moment before (8–11 GB/s), which a server between traces does not have.
 */
#ifndef SJ_PREFAULT_H
#define SJ_PREFAULT_H

#include <stddef.h>

/* Blocks smaller than this are left to fault on first touch. */
#define PREFAULT_MIN_BYTES ((size_t)4 << 20)

/* Fault in, for writing, the whole pages inside the n bytes at p (p need
 * not be aligned; the contents are kept), when n ≥ PREFAULT_MIN_BYTES.
 * Advice only, never an error: where the system cannot (Linux < 5.14, not
 * Linux, no memory to spare now), nothing happens and the pages fault on
 * first touch as before.  The memory stays the caller's; free it as it
 * was allocated.  Thread-safe. */
void mem_prefault(void *p, size_t n);

#endif
