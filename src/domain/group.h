/*
 * group — dispatched work groups (派驻工作组), their members and the units
 * assigned to them (DESIGN.md §2 `org`; SCENARIO.md "Organisation").
 *
 * A work group is sent by an organ (派出单位) into a region; its members
 * are a leader (组长) and members (组员); an assignment links the group to a
 * unit and records the local date it reported in (报到).  Assignments are
 * what scope is made of: a leader or member sees exactly the units of
 * their group's assignments (domain/scope.h).  Global roles see every
 * group; leaders and members their own; other roles none.  Only global
 * roles add, change or delete groups, members and assignments.
 *
 * Optional dates are GROUP_DATE_NONE when not given, so that every date
 * of core/datetime.h's range, 1969-12-31 (day -1) included, round-trips.
 */
#ifndef SJ_GROUP_H
#define SJ_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/org.h"
#include "domain/scope.h"
#include "store/store.h"

#define GROUP_DATE_NONE INT32_MIN  /* an optional sj_date that was not given */

typedef struct work_group {
	int64_t id;
	const char *name;
	const char *organ;    /* the dispatching organ; "" when not given */
	int64_t region_id;    /* where it is dispatched; 0 when not given */
	sj_date set_up_on;    /* local date; GROUP_DATE_NONE when not given */
} work_group;

typedef struct member {
	int64_t id;
	int64_t group_id;
	const char *name;
	const char *role;     /* "leader" or "member" */
	const char *title;    /* e.g. "主任"; "" when not given */
} member;

typedef struct assignment {
	int64_t id;
	int64_t group_id;
	int64_t unit_id;
	sj_date reported_on;  /* local date; GROUP_DATE_NONE until the group reports in */
	const char *unit_name;  /* filled on reads */
	const char *unit_kind;  /* filled on reads */
} assignment;

/* ---- groups ------------------------------------------------------------- */

/* Add a work group; name and organ are trimmed.  Errors: SJ_EINVAL
 * ("name", "organ", "region_id", "set_up_on" outside core/datetime.h's
 * range); SJ_ECONFLICT for a name in use; SJ_EFORBIDDEN for a non-global
 * scope. */
sj_rc group_add(store *s, const scope *sc, const work_group *in, int64_t *id, sj_err *e);

/* Replace the fields of group id (name, organ, region_id, set_up_on) with
 * in, checked as group_add checks them.  Errors: as group_add;
 * SJ_ENOTFOUND (field "group").  Nothing is written on error. */
sj_rc group_update(store *s, const scope *sc, int64_t id, const work_group *in, sj_err *e);

/* Delete group id when nothing refers to it: no member or assignment
 * (counted) and no row of another module (users, work plans, supply
 * sites...).  Errors: SJ_ECONFLICT (field "group"); SJ_ENOTFOUND;
 * SJ_EFORBIDDEN for a non-global scope. */
sj_rc group_delete(store *s, const scope *sc, int64_t id, sj_err *e);

/* The work group with this id, if the scope may see it.  Errors:
 * SJ_ENOTFOUND (field "group"). */
sj_rc group_get(store *s, const scope *sc, arena *a, int64_t id, work_group *out, sj_err *e);

/* One page of the groups (work_group rows) the scope may see, by id.
 * Errors: SJ_EINVAL ("limit"). */
sj_rc group_page(store *s, const scope *sc, arena *a, const org_range *r, org_page *out,
    sj_err *e);

/* Every group the scope may see, by id, into an arena array. */
sj_rc group_list(store *s, const scope *sc, arena *a, work_group **out, size_t *n, sj_err *e);

/* ---- members ------------------------------------------------------------ */

/* Add a member to a group; name and title are trimmed.  A group has at
 * most one leader.  Errors: SJ_EINVAL ("name", "role", "title");
 * SJ_ENOTFOUND ("group_id"); SJ_ECONFLICT when the group already has a
 * leader; SJ_EFORBIDDEN. */
sj_rc group_member_add(store *s, const scope *sc, const member *in, int64_t *id, sj_err *e);

/* Member id of group group_id, if the scope may see the group.  Errors:
 * SJ_ENOTFOUND (field "member"), also for a member of another group. */
sj_rc group_member_get(store *s, const scope *sc, arena *a, int64_t group_id, int64_t id,
    member *out, sj_err *e);

/* Delete member id of group group_id when no row of another module
 * refers to them (visits, work plans, meetings).  Errors: SJ_ECONFLICT
 * (field "member"); SJ_ENOTFOUND; SJ_EFORBIDDEN for a non-global scope. */
sj_rc group_member_delete(store *s, const scope *sc, int64_t group_id, int64_t id, sj_err *e);

/* One page of the members (member rows) of a group in scope, the leader
 * first (by role, then id).  Errors: SJ_ENOTFOUND (field "group");
 * SJ_EINVAL ("limit"). */
sj_rc group_member_page(store *s, const scope *sc, arena *a, int64_t group_id,
    const org_range *r, org_page *out, sj_err *e);

/* Every member of a group in scope, leader first.  Errors: SJ_ENOTFOUND. */
sj_rc group_member_list(store *s, const scope *sc, arena *a, int64_t group_id,
    member **out, size_t *n, sj_err *e);

/* ---- assignments -------------------------------------------------------- */

/* Assign a unit to a group.  Errors: SJ_ENOTFOUND ("group_id",
 * "unit_id"); SJ_EINVAL ("reported_on" outside the range of dates);
 * SJ_ECONFLICT when already assigned; SJ_EFORBIDDEN. */
sj_rc group_assign(store *s, const scope *sc, const assignment *in, int64_t *id, sj_err *e);

/* The assignment of unit unit_id to group group_id, if the scope may see
 * the group.  Errors: SJ_ENOTFOUND (field "assignment"). */
sj_rc group_assignment_get(store *s, const scope *sc, arena *a, int64_t group_id,
    int64_t unit_id, assignment *out, sj_err *e);

/* Take unit unit_id from group group_id (delete the assignment): the unit
 * leaves the group's scope.  Errors: SJ_ENOTFOUND (field "assignment");
 * SJ_EFORBIDDEN for a non-global scope. */
sj_rc group_assignment_delete(store *s, const scope *sc, int64_t group_id, int64_t unit_id,
    sj_err *e);

/* One page of the assignments (assignment rows) of a group in scope, by
 * unit name (the "zh" collation key) then id.  Errors: SJ_ENOTFOUND
 * (field "group"); SJ_EINVAL ("limit"). */
sj_rc group_assignment_page(store *s, const scope *sc, arena *a, int64_t group_id,
    const org_range *r, org_page *out, sj_err *e);

/* Every assignment of a group in scope, by unit name.  Errors:
 * SJ_ENOTFOUND. */
sj_rc group_assignment_list(store *s, const scope *sc, arena *a, int64_t group_id,
    assignment **out, size_t *n, sj_err *e);

#endif
