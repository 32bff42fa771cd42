/*
 * jsupply — the JSON forms of supply records (items, sites, documents,
 * stock, ledger movements, requests, shortages, document problems),
 * shared by the HTTP API and the command line's --json output so that
 * both show one shape.
 *
 * Every function returns a new jansson reference the caller owns
 * (json_decref).  Quantities are integers in base units, always beside
 * their display forms ("display": "6箱(240瓶)", "display_en": "6 boxes
 * (240 bottles)"); instants are RFC 3339 with the deployment's offset;
 * local dates "YYYY-MM-DD"; absent values are JSON null.
 */
#ifndef SJ_JSUPPLY_H
#define SJ_JSUPPLY_H

#include <jansson.h>

#include "domain/supply.h"

json_t *jsupply_item(const supply_item *it);
json_t *jsupply_site(const supply_site *t);
/* A document; its lines when d->lines is filled (supply_doc_get). */
json_t *jsupply_doc(const supply_doc *d);
json_t *jsupply_line(const supply_line *l);
json_t *jsupply_stock(const supply_stock_row *r);
json_t *jsupply_move(const supply_move *m);
json_t *jsupply_request(const supply_request *r);
json_t *jsupply_shortage(const supply_shortage *s);

/* [{"line": 2, "field": "quantity", "detail": "..."}, ...]; "line" is
 * null for a problem of the document itself. */
json_t *jsupply_problems(const supply_problems *pr);

#endif
