/*
 * supply — the supplies module (DESIGN.md §2 `supply`; issue 7): what a
 * work group raises, stocks, is asked for, delivers and gets confirmed.
 *
 * The module's parts, each with its own header:
 *   supply_item.h    units of measure, items, packs, quantities as text
 *   supply_site.h    sites that hold stock, minimum levels, site scope
 *   supply_ledger.h  documents, the ledger, stock on hand, confirmation
 *   supply_need.h    requests (needs), their status, open shortages
 *   supply_export.h  the ledgers as CSV and XLSX
 * docs/supply.md describes the design of the balances.
 */
#ifndef SJ_SUPPLY_H
#define SJ_SUPPLY_H

#include "domain/demo.h"
#include "domain/supply_export.h"
#include "domain/supply_item.h"
#include "domain/supply_ledger.h"
#include "domain/supply_need.h"
#include "domain/supply_site.h"

/*
 * The demo part "supplies" (domain/demo.h), run after "users":
 * SCENARIO.md "Supplies delivered".  Items 口罩 (by piece), 酒精 (bottle,
 * 箱 = 40) and 84消毒液 (bottle, 箱 = 30); the organ's store and the work
 * group's store (names assumed); one request per community per item for
 * its share (assumed: raised 2020-03-17 by the group leader after the
 * survey, needed by 2020-03-18); the organ's raising of the batch as a
 * receipt (600 个, 6箱 = 240 瓶, 6箱 = 180 瓶; dated 2020-03-17, assumed);
 * its transfer to the group's store and the three distributions of
 * 2020-03-18, split evenly (200 个, 2箱 = 80 瓶, 2箱 = 60 瓶 each), each line
 * fulfilling its request; and the three receipts confirmed that afternoon
 * (16:00, assumed) — by the account gaotie for 高铁社区, by the liaisons
 * of the other two (no accounts; names assumed).  Afterwards every
 * request is complete and the deliveries total 600 / 240 / 180.
 * Errors: those of the functions it calls; SJ_ENOTFOUND when the
 * organisation or users part's records are missing.
 */
sj_rc supply_demo_part(demo_ctx *ctx, sj_err *e);

#endif
