/*
 * jrequest — the JSON form of services, service requests, referrals,
 * updates and calendar years, shared by the HTTP API and the command
 * line's --json output.
 *
 * Every function returns a new jansson reference the caller owns
 * (json_decref).  Instants are RFC 3339 with the deployment's offset,
 * local dates "YYYY-MM-DD", absent values null (jorg.h helpers).
 */
#ifndef SJ_JREQUEST_H
#define SJ_JREQUEST_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/calendar.h"
#include "domain/request.h"

/* A service; with_attrs adds "attributes" (the Open311 definition's
 * questions, with their values). */
json_t *jrequest_service(const service *sv, bool with_attrs);

/* A request.  full adds "attributes", "referrals" and "updates" (which
 * request_get fills; a list row has none). */
json_t *jrequest_request(const service_request *r, bool full);

/* For audit events: a new object with the identifying and state members
 * of a request's JSON form j (id, service_code, unit_id, status,
 * status_at, priority, response_due, resolution_due), or NULL for NULL. */
json_t *jrequest_request_summary(const json_t *j);

json_t *jrequest_referral(const referral *f);
json_t *jrequest_update(const request_update *u);

/* A referral with a summary of its request (the department view). */
json_t *jrequest_referral_row(const referral *f, const service_request *r);

/* A calendar year; with_days adds "days". */
json_t *jrequest_calendar_year(const calendar_year *y, bool with_days);

/* "2024-10-12" for d into a jansson string. */
json_t *jrequest_date(sj_date d);

#endif
