-- 0008_workplan — 2026-11-29: the work group's own work (DESIGN.md §2
-- `workplan`; issue 11; SCENARIO.md "Organisation"): the task lines, the
-- work plan with its submitted versions and their approval, tasks (责任分工)
-- with the units they concern, progress notes and links to the records of
-- other modules, meetings with attendees and decisions, the temporary
-- party branch (临时党支部), and the unit's contact person on an assignment
-- (reporting in, 报到).
--
-- Local dates are INTEGER days since 1970-01-01, instants INTEGER seconds
-- since the epoch UTC.  Users who acted are kept as app_user ids (NULL: the
-- command line); names are read through the user, never copied.
--
-- One plan per work group: a revision is a new version of the same plan.
-- Each submission freezes the plan's text and its task list (division of
-- responsibilities) into plan_version and plan_version_task; the decision
-- (approved / returned, with a comment) is recorded on that version, so
-- every version and its fate stay readable.

-- The shared classification of the group's work (SCENARIO.md "The three
-- task lines").  Codes are stable; src/domain/task_line.c holds the same
-- rows (a unit test compares them).  Other modules' records carry the code.
CREATE TABLE task_line (
	code     TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 20),
	position INTEGER NOT NULL UNIQUE CHECK (position >= 1),
	name     TEXT NOT NULL UNIQUE,   -- 疫情防控
	name_en  TEXT NOT NULL           -- epidemic prevention and control
) STRICT;
INSERT INTO task_line (code, position, name, name_en) VALUES
	('prevention', 1, '疫情防控', 'epidemic prevention and control'),
	('economy', 2, '经济运行', 'economic operation'),
	('livelihood', 3, '保障民生', 'livelihood security');

-- Reporting in: the unit's contact person the group deals with (free text,
-- e.g. "王主任（社区书记）").  reported_on is in 0001.
ALTER TABLE assignment ADD COLUMN contact TEXT CHECK (contact IS NULL OR length(contact) BETWEEN 1 AND 100);

CREATE TABLE work_plan (
	id               INTEGER PRIMARY KEY,
	group_id         INTEGER NOT NULL UNIQUE REFERENCES work_group(id),
	title            TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	goals            TEXT NOT NULL CHECK (length(goals) BETWEEN 1 AND 4000),
	mechanism        TEXT CHECK (mechanism IS NULL OR length(mechanism) BETWEEN 1 AND 4000),
	starts_on        INTEGER NOT NULL,               -- local date
	ends_on          INTEGER CHECK (ends_on IS NULL OR ends_on >= starts_on),
	status           TEXT NOT NULL DEFAULT 'draft'
	                     CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
	version          INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),  -- last submitted
	approved_version INTEGER,                        -- the version in force; NULL: none yet
	created_at       INTEGER NOT NULL,
	created_by       INTEGER REFERENCES app_user(id),
	updated_at       INTEGER NOT NULL,
	CHECK (approved_version IS NULL OR approved_version BETWEEN 1 AND version),
	CHECK (status = 'draft' OR version >= 1)
) STRICT;

CREATE TABLE plan_version (
	plan_id          INTEGER NOT NULL REFERENCES work_plan(id),
	version          INTEGER NOT NULL CHECK (version >= 1),
	title            TEXT NOT NULL,
	goals            TEXT NOT NULL,
	mechanism        TEXT,
	starts_on        INTEGER NOT NULL,
	ends_on          INTEGER,
	submitted_at     INTEGER NOT NULL,
	submitted_by     INTEGER REFERENCES app_user(id),
	submit_note      TEXT CHECK (submit_note IS NULL OR length(submit_note) BETWEEN 1 AND 2000),
	decision         TEXT CHECK (decision IN ('approved', 'returned')),  -- NULL: awaiting
	decided_at       INTEGER,
	decided_by       INTEGER REFERENCES app_user(id),
	decision_comment TEXT CHECK (decision_comment IS NULL OR length(decision_comment) BETWEEN 1 AND 2000),
	PRIMARY KEY (plan_id, version),
	CHECK ((decision IS NULL) = (decided_at IS NULL)),
	CHECK (decision IS NULL OR decided_by IS NOT NULL),
	CHECK (decision IS NULL OR decision <> 'returned' OR decision_comment IS NOT NULL),
	CHECK (decided_at IS NULL OR decided_at >= submitted_at)
) STRICT;

-- The tasks as they stood when a version was submitted.
CREATE TABLE plan_version_task (
	plan_id   INTEGER NOT NULL,
	version   INTEGER NOT NULL,
	task_id   INTEGER NOT NULL,
	task_line TEXT NOT NULL,
	title     TEXT NOT NULL,
	owner_id  INTEGER NOT NULL,
	due_on    INTEGER,
	status    TEXT NOT NULL,
	PRIMARY KEY (plan_id, version, task_id),
	FOREIGN KEY (plan_id, version) REFERENCES plan_version (plan_id, version)
) STRICT;

CREATE TABLE meeting (
	id            INTEGER PRIMARY KEY,
	group_id      INTEGER NOT NULL REFERENCES work_group(id),
	kind          TEXT NOT NULL CHECK (kind IN ('all_hands', 'branch', 'coordination')),
	held_on       INTEGER NOT NULL,                  -- local date
	title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	place         TEXT CHECK (place IS NULL OR length(place) BETWEEN 1 AND 200),
	agenda        TEXT CHECK (agenda IS NULL OR length(agenda) BETWEEN 1 AND 4000),
	summary       TEXT CHECK (summary IS NULL OR length(summary) BETWEEN 1 AND 4000),
	unit_id       INTEGER REFERENCES unit(id),       -- coordination with a unit
	department_id INTEGER REFERENCES department(id), -- or with a department
	created_at    INTEGER NOT NULL,
	created_by    INTEGER REFERENCES app_user(id),
	CHECK (kind = 'coordination' OR (unit_id IS NULL AND department_id IS NULL)),
	CHECK (kind <> 'coordination' OR unit_id IS NOT NULL OR department_id IS NOT NULL)
) STRICT;
CREATE INDEX meeting_by_group ON meeting (group_id, held_on, id);

-- An attendee is a member of the group or a guest (name and affiliation).
CREATE TABLE meeting_attendee (
	id          INTEGER PRIMARY KEY,
	meeting_id  INTEGER NOT NULL REFERENCES meeting(id),
	member_id   INTEGER REFERENCES group_member(id),
	guest_name  TEXT CHECK (guest_name IS NULL OR length(guest_name) BETWEEN 1 AND 100),
	affiliation TEXT CHECK (affiliation IS NULL OR length(affiliation) BETWEEN 1 AND 100),
	CHECK ((member_id IS NULL) <> (guest_name IS NULL)),
	CHECK (member_id IS NULL OR affiliation IS NULL)
) STRICT;
CREATE INDEX meeting_attendee_by_meeting ON meeting_attendee (meeting_id, id);
CREATE UNIQUE INDEX meeting_attendee_member ON meeting_attendee (meeting_id, member_id)
	WHERE member_id IS NOT NULL;

CREATE TABLE meeting_decision (
	id         INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meeting(id),
	position   INTEGER NOT NULL CHECK (position >= 1),
	kind       TEXT NOT NULL CHECK (kind IN ('goal', 'task', 'mechanism', 'division', 'plan', 'other')),
	body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
	created_at INTEGER NOT NULL,
	UNIQUE (meeting_id, position)
) STRICT;

CREATE TABLE task (
	id          INTEGER PRIMARY KEY,
	group_id    INTEGER NOT NULL REFERENCES work_group(id),
	task_line   TEXT NOT NULL REFERENCES task_line(code),
	title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	description TEXT CHECK (description IS NULL OR length(description) BETWEEN 1 AND 4000),
	owner_id    INTEGER NOT NULL REFERENCES group_member(id),
	due_on      INTEGER,                             -- local date; NULL: none
	status      TEXT NOT NULL DEFAULT 'open'
	                CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
	drop_reason TEXT,
	done_on     INTEGER,                             -- local date
	decision_id INTEGER REFERENCES meeting_decision(id),  -- the decision it came from
	created_at  INTEGER NOT NULL,
	created_by  INTEGER REFERENCES app_user(id),
	updated_at  INTEGER NOT NULL,
	CHECK ((status = 'dropped') = (drop_reason IS NOT NULL)),
	CHECK ((status = 'done') = (done_on IS NOT NULL))
) STRICT;
CREATE INDEX task_by_group ON task (group_id, id);
CREATE INDEX task_by_due ON task (status, due_on);
CREATE INDEX task_by_decision ON task (decision_id) WHERE decision_id IS NOT NULL;

CREATE TABLE task_unit (
	task_id INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
	unit_id INTEGER NOT NULL REFERENCES unit(id),
	PRIMARY KEY (task_id, unit_id)
) STRICT;
CREATE INDEX task_unit_by_unit ON task_unit (unit_id);

-- A progress note; status_from/status_to when it changed the task's status.
CREATE TABLE task_note (
	id          INTEGER PRIMARY KEY,
	task_id     INTEGER NOT NULL REFERENCES task(id),
	noted_on    INTEGER NOT NULL,                    -- local date of the progress
	body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
	status_from TEXT,
	status_to   TEXT CHECK (status_to IS NULL OR status_to IN ('open', 'in_progress', 'done', 'dropped')),
	created_at  INTEGER NOT NULL,
	created_by  INTEGER REFERENCES app_user(id),
	CHECK ((status_from IS NULL) = (status_to IS NULL))
) STRICT;
CREATE INDEX task_note_by_task ON task_note (task_id, id);

-- A record of another module that a task serves.  record_id names a row of
-- the record type's table (visit, inspection, supply_doc of kind
-- distribution, service_request, need); the link is checked when made.
CREATE TABLE task_link (
	task_id     INTEGER NOT NULL REFERENCES task(id),
	record_type TEXT NOT NULL CHECK (record_type IN ('visit', 'inspection', 'distribution',
	                                                  'service_request', 'need')),
	record_id   INTEGER NOT NULL CHECK (record_id >= 1),
	created_at  INTEGER NOT NULL,
	created_by  INTEGER REFERENCES app_user(id),
	PRIMARY KEY (task_id, record_type, record_id)
) STRICT;
CREATE INDEX task_link_by_record ON task_link (record_type, record_id);

-- The group's temporary party branch; the secretary is one of its members.
CREATE TABLE party_branch (
	id           INTEGER PRIMARY KEY,
	group_id     INTEGER NOT NULL UNIQUE REFERENCES work_group(id),
	name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	founded_on   INTEGER NOT NULL,                   -- local date
	secretary_id INTEGER NOT NULL REFERENCES group_member(id),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE branch_member (
	branch_id INTEGER NOT NULL REFERENCES party_branch(id),
	member_id INTEGER NOT NULL REFERENCES group_member(id),
	PRIMARY KEY (branch_id, member_id)
) STRICT;
