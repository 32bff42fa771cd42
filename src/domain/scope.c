/*
 * scope — role names and the global-visibility rule.
 */
#include "domain/scope.h"

#include <string.h>

const scope scope_system = { .role = ROLE_SYSTEM };

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_ADMIN] = "admin",
	[ROLE_LEADER] = "leader",
	[ROLE_MEMBER] = "member",
	[ROLE_CHECKPOINT] = "checkpoint",
	[ROLE_UNIT] = "unit",
	[ROLE_DEPARTMENT] = "department",
	[ROLE_AUDITOR] = "auditor",
	[ROLE_SYSTEM] = "system",
};

bool
scope_is_global(const scope *sc)
{
	return sc->role == ROLE_ADMIN || sc->role == ROLE_AUDITOR || sc->role == ROLE_SYSTEM;
}

const char *
scope_role_name(sj_role role)
{
	return (int)role > 0 && role < ROLE__COUNT ? role_names[role] : NULL;
}

sj_role
scope_role_parse(const char *s)
{
	for (int r = 1; r < ROLE__COUNT; r++)
		if (role_names[r] && strcmp(role_names[r], s) == 0)
			return (sj_role)r;
	return ROLE_NONE;
}

int64_t
scope_attendant(const scope *sc)
{
	return sc->role == ROLE_CHECKPOINT ? sc->user_id : 0;
}

void
scope_bind(store_stmt *st, const scope *sc)
{
	int64_t group = 0;

	if (sc->role == ROLE_LEADER || sc->role == ROLE_MEMBER)
		group = sc->group_id;
	else if (sc->role == ROLE_CHECKPOINT)
		group = -sc->user_id;
	store_bind_int(st, 1, scope_is_global(sc));
	store_bind_int(st, 2, group);
	store_bind_int(st, 3, sc->role == ROLE_UNIT ? sc->unit_id : -1);
}
