/*
 * jorg — the JSON form of organisation records, shared by the HTTP API and
 * the command line's --json output so that both show the same shape.
 *
 * Every function returns a new jansson reference the caller owns
 * (json_decref).  Instants are RFC 3339 strings with the deployment's
 * offset; local dates are "YYYY-MM-DD"; absent optional values are JSON
 * null.  Personal data appears only masked.
 */
#ifndef SJ_JORG_H
#define SJ_JORG_H

#include <jansson.h>

#include "domain/group.h"
#include "domain/org.h"
#include "domain/person.h"

json_t *jorg_region(const org_region *r);
json_t *jorg_unit(const org_unit *u);
json_t *jorg_place(const org_place *p);
json_t *jorg_checkpoint(const org_checkpoint *c);
json_t *jorg_household(const org_household *h);
json_t *jorg_person(const person *p);
json_t *jorg_group(const work_group *g);
json_t *jorg_member(const member *m);
json_t *jorg_assignment(const assignment *a);

/* Helpers for other JSON modules: a string or null; an id or null when
 * id <= 0; an instant as RFC 3339; a local date or null when d < 0. */
json_t *jorg_str(const char *s);
json_t *jorg_id(int64_t id);
json_t *jorg_instant(int64_t t);
json_t *jorg_date(sj_date d);

#endif
