/*
 * scope — who is asking, and therefore which records they may see
 * (DESIGN.md §1).  Every list, get, report and export of a domain module
 * takes a scope and applies it inside its SQL, never after the fact.
 *
 * The rule per role:
 *   admin, auditor, system  every record;
 *   leader, member          the units assigned to their work group;
 *   checkpoint              the checkpoints they attend, and the places
 *                           of those for a place's records (for reading
 *                           the organisation's units: the units those
 *                           belong to);
 *   unit                    their own unit;
 *   department              the service requests referred to their
 *                           department (no organisation records).
 * The command line runs as `system`: whoever can read the database file
 * and its key already holds everything.
 */
#ifndef SJ_SCOPE_H
#define SJ_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef enum sj_role {
	ROLE_NONE = 0,
	ROLE_ADMIN,
	ROLE_LEADER,
	ROLE_MEMBER,
	ROLE_CHECKPOINT,
	ROLE_UNIT,
	ROLE_DEPARTMENT,
	ROLE_AUDITOR,
	ROLE_SYSTEM,    /* the local command line */
	ROLE__COUNT
} sj_role;

typedef struct scope {
	sj_role role;
	int64_t user_id;        /* 0 for the command line */
	int64_t group_id;       /* leader, member: their work group */
	int64_t unit_id;        /* unit: their unit */
	int64_t department_id;  /* department: their department */
} scope;

/* The scope of the local command line: everything. */
extern const scope scope_system;

/* True when the role sees every record of every unit. */
bool scope_is_global(const scope *sc);

/* The role's name as stored and shown ("admin", "leader", ...), or NULL
 * for an unknown role. */
const char *scope_role_name(sj_role role);

/* The role named s, or ROLE_NONE when s names none. */
sj_role scope_role_parse(const char *s);


/*
 * Scoped SQL.  Every statement that reads scoped records reserves the
 * parameters ?1, ?2 and ?3 for the scope and tests a unit id column with
 * SCOPE_UNIT(col) (or a narrower test below); scope_bind() binds them.
 * ?1 is 1 for a global role, ?2 the caller's work group (its assigned
 * units), ?3 the caller's own unit.  For a checkpoint attendant ?2 is minus
 * their user id, which names no work group, and -?2 their user id in
 * checkpoint_attendant (ids are positive, so for every other role -?2
 * names no user).  Other roles (department) match nothing unless a module
 * adds its own rule.
 *
 * The tests differ only in what an attendant sees (issue 3: "a checkpoint
 * attendant only their checkpoints"):
 *   SCOPE_UNIT(u)            the organisation: the units of the checkpoints
 *                            they attend (a unit's record, its name);
 *   SCOPE_PLACE(u, p)        records of a place (the place itself, its
 *                            households, its disinfection log): the places
 *                            of the checkpoints they attend;
 *   SCOPE_CHECKPOINT(u, c)   records made at a checkpoint (the checkpoint,
 *                            scans, stays, alerts of scans, outsider
 *                            registrations): the checkpoints they attend;
 *                            a NULL c matches no attendant.
 * Every other role gets the same answer from all three: u in their scope.
 */
#define SCOPE_BASE_(u) \
	"?1 = 1 OR " u " IN (SELECT a.unit_id FROM assignment a WHERE a.group_id = ?2)" \
	" OR " u " = ?3"

/* The checkpoints the caller attends (none unless ?2 < 0). */
#define SCOPE_ATTENDED_CHECKPOINTS \
	"(SELECT sa.checkpoint_id FROM checkpoint_attendant sa WHERE sa.user_id = -?2)"

/* The places of the checkpoints the caller attends. */
#define SCOPE_ATTENDED_PLACES \
	"(SELECT sk.place_id FROM checkpoint_attendant sa JOIN checkpoint sk" \
	" ON sk.id = sa.checkpoint_id WHERE sa.user_id = -?2)"

#define SCOPE_UNIT(col) \
	"(" SCOPE_BASE_(col) \
	" OR " col " IN (SELECT sp.unit_id FROM checkpoint_attendant sa" \
	" JOIN checkpoint sk ON sk.id = sa.checkpoint_id JOIN place sp ON sp.id = sk.place_id" \
	" WHERE sa.user_id = -?2))"

#define SCOPE_PLACE(unit_col, place_col) \
	"(" SCOPE_BASE_(unit_col) " OR " place_col " IN " SCOPE_ATTENDED_PLACES ")"

#define SCOPE_CHECKPOINT(unit_col, checkpoint_col) \
	"(" SCOPE_BASE_(unit_col) " OR " checkpoint_col " IN " SCOPE_ATTENDED_CHECKPOINTS ")"

/*
 * For statements that read one place's rows without the scope parameters
 * (a list already narrowed to places in scope): the test that a
 * checkpoint column names a checkpoint the attendant bound at param
 * (scope_attendant(), 0 for every other role) attends.
 */
#define SCOPE_ATTENDS(param, checkpoint_col) \
	"(" param " = 0 OR " checkpoint_col " IN (SELECT sa.checkpoint_id" \
	" FROM checkpoint_attendant sa WHERE sa.user_id = " param "))"

/* The user id of a checkpoint attendant, for SCOPE_ATTENDS; 0 for every
 * other role. */
int64_t scope_attendant(const scope *sc);

/* Bind ?1..?3 of st for sc as SCOPE_UNIT expects. */
void scope_bind(store_stmt *st, const scope *sc);

#endif
