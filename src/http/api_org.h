/*
 * api_org — what the handlers of the organisation module (api_org.c:
 * regions, units, places, checkpoints, households; api_people.c: people,
 * work groups, members, assignments) share beyond api.h: one kind of
 * record described for the generic GET, PATCH and DELETE of a record by
 * id, and cursor pages.
 *
 * Every PATCH refuses a body with nothing in it (422, field "body"), and a
 * PATCH that leaves the record as it was writes no audit event.  Every
 * DELETE records the record as it was (before) and nothing after.
 */
#ifndef SJ_HTTP_API_ORG_H
#define SJ_HTTP_API_ORG_H

#include <jansson.h>

#include "domain/org.h"
#include "http/api.h"

/* One kind of record as the generic handlers reach it: adapters from the
 * request to the domain module with the record as void *. */
typedef struct api_kind {
	const char *type;              /* audit object type and action prefix: "place" */
	const char *collection;        /* "/api/v1/places"; a new record's Location adds "/id" */
	size_t size;                   /* bytes of one record */
	const void *defaults;          /* the record a POST body fills in; NULL: all zero */
	const jb_field *fields;        /* the POST body */
	const jb_field *patch_fields;  /* what a PATCH may change (all made optional) */
	const char *const *nullable;   /* which of them null clears (api_patch_nulls) */
	sj_rc (*add)(http_req *r, const void *rec, int64_t *id, sj_err *e);
	sj_rc (*get)(http_req *r, int64_t id, void *rec, sj_err *e);
	sj_rc (*update)(http_req *r, int64_t id, const void *rec, sj_err *e);
	sj_rc (*del)(http_req *r, int64_t id, sj_err *e);
	json_t *(*json)(const void *rec);
} api_kind;

/* POST to the collection: in one transaction, read the body over the
 * defaults, add the record, read it back and audit "<type>.create" with
 * it as after; reply 201 with the record and its Location. */
sj_rc api_post_record(http_req *r, const api_kind *k, sj_err *e);

/* GET {id}: the record as JSON.  No query parameters. */
sj_rc api_get_record(http_req *r, const api_kind *k, sj_err *e);

/* PATCH {id}: in one transaction, read the record, merge the body into
 * it (fields absent keep their values; null clears a nullable field),
 * change it, read it back, and audit "<type>.update" with before and
 * after; reply 200 with the record. */
sj_rc api_patch_record(http_req *r, const api_kind *k, sj_err *e);

/* DELETE {id}: in one transaction, read the record, delete it and audit
 * "<type>.delete" with it as before; reply 204. */
sj_rc api_delete_record(http_req *r, const api_kind *k, sj_err *e);

/* Open a PATCH: refuse an empty body (SJ_EINVAL, field "body", "nothing
 * to change"), read the path id into *id and begin the transaction. */
sj_rc api_patch_begin(http_req *r, int64_t *id, sj_err *e);

/* Finish a PATCH as api_write_end does, except that when the record after
 * equals the record before nothing is audited or committed. */
sj_rc api_patch_end(http_req *r, sj_rc rc, api_write *w, sj_err *e);

/* Check that the query has no parameters but allowed (NULL-terminated,
 * may be NULL for none) and "limit" and "cursor", and read those two
 * into range.  Errors: SJ_EINVAL naming the parameter. */
sj_rc api_range_read(http_req *r, const char *const *allowed, org_range *range, sj_err *e);

/* The page function of a list under a parent record, as the domain
 * modules have them (org_place_page, group_member_page...). */
typedef sj_rc (*api_page_fn)(store *s, const scope *sc, arena *a, int64_t parent,
    const org_range *r, org_page *out, sj_err *e);

/* GET a page of the records of kind k under the path's {id}, read by
 * list; query parameters "limit" and "cursor" only. */
sj_rc api_get_children(http_req *r, const api_kind *k, api_page_fn list, sj_err *e);

/* The rows of page (records of kind k) as a new JSON array. */
json_t *api_page_items(const org_page *page, const api_kind *k);

/* Reply 200 with {"items": items, "next_cursor": ...} for page; steals
 * items. */
sj_rc api_page_reply(http_req *r, json_t *items, const org_page *page);

#endif
