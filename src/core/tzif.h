/*
 * tzif — what a time zone file (TZif, RFC 8536) says about the zone's
 * offset after its last transition, so that datetime can answer the
 * offset of a recent instant without asking the C library each time.
 *
 * Why: glibc's localtime_r, for an instant after a zone's last listed
 * transition (Asia/Shanghai: 1991), parses the file's footer rule
 * ("CST-8") with sscanf on every call: ~4 % of the HTTP request threads'
 * CPU on the scan benchmark (docs/performance.md), for an answer that
 * cannot change when the rule has no daylight-saving part.
 */
#ifndef SJ_TZIF_H
#define SJ_TZIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Read the TZif bytes p[0..n) and tell whether the zone keeps one UTC
 * offset for every instant after its last transition: the file is version
 * 2 or later (64-bit data and a footer, RFC 8536 §3.2–3.3), lists no leap
 * seconds, and its footer is a POSIX TZ rule with a standard time only —
 * a name (3+ letters, or <...> of letters, digits, '+' and '-') and an
 * offset [+-]hh[:mm[:ss]] (hours 0–24), nothing after it (no daylight-saving
 * part).  On true stores in *after the last transition's time (seconds since
 * the epoch; INT64_MIN when the file lists none) and in *offset the
 * footer's offset east of UTC in seconds (POSIX writes it west: "CST-8" is
 * +28800).  On false (any other file, a truncated or malformed one) stores
 * nothing.  Never reads outside p[0..n).
 */
bool tzif_fixed_tail(const unsigned char *p, size_t n, int64_t *after, int32_t *offset);

#endif
