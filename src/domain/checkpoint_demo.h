/*
 * checkpoint_demo — the checkpoint module's part of the reference scenario
 * (domain/demo.h): a day of registrations at the epidemic monitoring point
 * of 华新新干线小区 on 2020-03-23, the day the work group inspected it
 * (SCENARIO.md "Visits").
 */
#ifndef SJ_CHECKPOINT_DEMO_H
#define SJ_CHECKPOINT_DEMO_H

#include <stdint.h>

#include "core/err.h"
#include "domain/demo.h"

/* The seed of the demo day: the same seed gives the same day, byte for
 * byte, on every machine. */
#define CHECKPOINT_DEMO_SEED UINT64_C(20200323)

/*
 * The demo part "checkpoint", run after "organisation" and "users" (it
 * needs 华新新干线小区, its 大门疫情监测点 and the attendant `gate`).
 * Assumed, made up for the demo from a fixed seed with the splitmix64
 * generator: the compound's other households and residents (names,
 * identity numbers of region 370911, mobiles), one resident under home
 * quarantine and two elderly people living alone; the day's traffic of
 * residents going out and coming back (recorded by `gate`, temperatures
 * taken on entry); three outsiders — a courier, a repair worker, a
 * relative visiting 李四 — each registered at the gate before passing; one
 * resident measured at 37.6 °C on coming home (the day's one fever alert);
 * and the gate's disinfection rounds every four hours (84 disinfectant,
 * 1:100).  Everything goes through scan_record and the other domain
 * functions, so stays and alerts are derived as in use.  Errors: those of
 * the functions it calls; SJ_ENOTFOUND when the organisation or users
 * part's records are missing.
 */
sj_rc checkpoint_demo_part(demo_ctx *ctx, sj_err *e);

/* The next number of splitmix64 (Steele, Lea, Flood: "Fast splittable
 * pseudorandom number generators", OOPSLA 2014): state += 0x9E3779B97F4A7C15,
 * then the mix of that state.  Exposed for its test. */
uint64_t checkpoint_demo_next(uint64_t *state);

#endif
