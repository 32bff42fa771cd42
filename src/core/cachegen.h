/*
 * cachegen — the generation of the server's short-lived read caches.
 *
 * The server keeps a few things it reads on every scan in per-thread
 * caches for a second or two: the principal of a Bearer token
 * (http/authn.c) and a checkpoint's place as the caller's scope sees it
 * (domain/scan.c, scan_prepare_defer).  Each entry remembers the
 * generation it was read in and is used only while the generation is
 * unchanged, so one call to cachegen_bump() empties every cache of the
 * process at once.  The server bumps it after every state-changing request
 * it answers (except scans, which change nothing cached): a token revoked,
 * a user disabled, a role, scope, checkpoint or attendant changed through
 * this process applies to the very next request.  Changes made by another
 * process reach the caches when their entries expire (CACHEGEN_TTL_S).
 */
#ifndef SJ_CACHEGEN_H
#define SJ_CACHEGEN_H

#include <stdint.h>

#define CACHEGEN_TTL_S 2   /* seconds a cached entry is used at most */

/* The current generation (never 0, so 0 can mark an empty slot). */
uint64_t cachegen_now(void);

/* Start a new generation: every entry cached so far is stale. */
void cachegen_bump(void);

#endif
