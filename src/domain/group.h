/*
 * group — dispatched work groups (派驻工作组), their members and the units
 * assigned to them (DESIGN.md §2 `org`; SCENARIO.md "Organisation").
 *
 * A work group is sent by an organ (派出单位) into a region; its members
 * are a leader (组长) and members (组员); an assignment links the group to a
 * unit and records the local date it reported in (报到).  Assignments are
 * what scope is made of: a leader or member sees exactly the units of
 * their group's assignments (domain/scope.h).
 */
#ifndef SJ_GROUP_H
#define SJ_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "domain/scope.h"
#include "store/store.h"

typedef struct work_group {
	int64_t id;
	const char *name;
	const char *organ;    /* the dispatching organ; "" when not given */
	int64_t region_id;    /* where it is dispatched; 0 when not given */
	sj_date set_up_on;    /* local date; 0 = 1970-01-01 is never used, -1 = not given */
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
	sj_date reported_on;  /* local date; -1 when the group has not reported in */
	const char *unit_name;  /* filled on reads */
	const char *unit_kind;  /* filled on reads */
} assignment;

/* Add a work group.  Errors: SJ_EINVAL ("name", "organ", "region_id");
 * SJ_ECONFLICT for a name in use; SJ_EFORBIDDEN for a non-global scope. */
sj_rc group_add(store *s, const scope *sc, const work_group *in, int64_t *id, sj_err *e);

/* The work group with this id: global roles see every group, leaders and
 * members their own.  Errors: SJ_ENOTFOUND. */
sj_rc group_get(store *s, const scope *sc, arena *a, int64_t id, work_group *out, sj_err *e);

/* The groups the scope may see, by id. */
sj_rc group_list(store *s, const scope *sc, arena *a, work_group **out, size_t *n, sj_err *e);

/* Add a member to a group.  A group has at most one leader.  Errors:
 * SJ_EINVAL ("name", "role", "title"); SJ_ENOTFOUND ("group_id");
 * SJ_ECONFLICT when the group already has a leader; SJ_EFORBIDDEN. */
sj_rc group_member_add(store *s, const scope *sc, const member *in, int64_t *id, sj_err *e);

/* The members of a group in scope, leader first.  Errors: SJ_ENOTFOUND. */
sj_rc group_member_list(store *s, const scope *sc, arena *a, int64_t group_id,
    member **out, size_t *n, sj_err *e);

/* Assign a unit to a group.  Errors: SJ_ENOTFOUND ("group_id",
 * "unit_id"); SJ_ECONFLICT when already assigned; SJ_EFORBIDDEN. */
sj_rc group_assign(store *s, const scope *sc, const assignment *in, int64_t *id, sj_err *e);

/* The assignments of a group in scope, by unit name.  Errors: SJ_ENOTFOUND. */
sj_rc group_assignment_list(store *s, const scope *sc, arena *a, int64_t group_id,
    assignment **out, size_t *n, sj_err *e);

#endif
