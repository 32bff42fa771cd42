-- 0007_visit — 2026-11-29: visits (走访) and inspections (督导检查)
-- (DESIGN.md §2 `visit` and `inspection`; issue 8; SCENARIO.md "Visits" and
-- "What the group checks at checkpoints").
--
-- A visit goes to a unit or to one household of a unit on a local date
-- (INTEGER days since 1970-01-01), by one or more work-group members, and
-- records the needs (difficulties) found, each with a service category; a
-- need may be turned into a service request (need.request_id; the request
-- names the need as its origin).  unit_id is always the visited unit (for a
-- household, the unit of its place): it is the scope and distribution key.
--
-- Personal data: what a household visit records about the household — the
-- visit's summary and its needs' difficulty text — lives only in
-- household_note, one row per text with the household and the visit date,
-- so that the retention purge (issue 10) finds and deletes exactly those
-- rows; visit.summary and need.difficulty stay NULL for household visits.
--
-- An inspection checks a checkpoint or a place (a canteen is a place of kind
-- canteen) against a checklist; every item of the checklist gets a result
-- (pass / fail / na) with an optional note; a failed item is a finding with
-- a rectify-by date; a re-check (explicit, or made by a later inspection of
-- the same target) links back to the finding and closes it when it passes.
-- The two shipped checklists are data at the end of this file.

CREATE TABLE visit (
	id           INTEGER PRIMARY KEY,
	unit_id      INTEGER NOT NULL REFERENCES unit(id),
	household_id INTEGER REFERENCES household(id),   -- NULL: a visit to the unit
	visited_on   INTEGER NOT NULL,                   -- local date
	purpose      TEXT NOT NULL CHECK (length(purpose) BETWEEN 1 AND 200),
	summary      TEXT,                               -- unit visits only (see above)
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	CHECK (household_id IS NULL OR summary IS NULL)
) STRICT;
CREATE INDEX visit_by_unit ON visit (unit_id, visited_on, id);
CREATE INDEX visit_by_date ON visit (visited_on, id);
CREATE INDEX visit_by_household ON visit (household_id);

CREATE TABLE visit_visitor (
	visit_id  INTEGER NOT NULL REFERENCES visit(id) ON DELETE CASCADE,
	member_id INTEGER NOT NULL REFERENCES group_member(id),
	PRIMARY KEY (visit_id, member_id)
) STRICT;

CREATE TABLE need (
	id         INTEGER PRIMARY KEY,
	visit_id   INTEGER NOT NULL REFERENCES visit(id),
	unit_id    INTEGER NOT NULL REFERENCES unit(id),  -- the visit's unit
	category   TEXT NOT NULL REFERENCES service(code),  -- accommodation, staffing, ...
	difficulty TEXT,            -- in the resident's or unit's words; NULL for a household
	request_id INTEGER REFERENCES service_request(id),  -- the request it became
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX need_by_visit ON need (visit_id);
CREATE INDEX need_by_unit ON need (unit_id, id);
CREATE UNIQUE INDEX need_by_request ON need (request_id) WHERE request_id IS NOT NULL;

-- Notes about a household (personal data, retention class "visit notes").
-- need_id NULL: the visit's summary; else that need's difficulty.
CREATE TABLE household_note (
	id           INTEGER PRIMARY KEY,
	visit_id     INTEGER NOT NULL REFERENCES visit(id) ON DELETE CASCADE,
	need_id      INTEGER REFERENCES need(id) ON DELETE CASCADE,
	household_id INTEGER NOT NULL REFERENCES household(id),
	visited_on   INTEGER NOT NULL,                   -- local date, for the purge
	body         TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
	created_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX household_note_summary ON household_note (visit_id) WHERE need_id IS NULL;
CREATE UNIQUE INDEX household_note_need ON household_note (need_id) WHERE need_id IS NOT NULL;
CREATE INDEX household_note_by_date ON household_note (visited_on);

CREATE TABLE checklist (
	id     INTEGER PRIMARY KEY,
	code   TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
	name   TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	target TEXT NOT NULL CHECK (target IN ('checkpoint', 'place', 'canteen'))
) STRICT;

CREATE TABLE checklist_item (
	id           INTEGER PRIMARY KEY,
	checklist_id INTEGER NOT NULL REFERENCES checklist(id),
	position     INTEGER NOT NULL CHECK (position >= 1),
	code         TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
	label        TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
	UNIQUE (checklist_id, code),
	UNIQUE (checklist_id, label),
	UNIQUE (checklist_id, position)
) STRICT;

CREATE TABLE inspection (
	id            INTEGER PRIMARY KEY,
	unit_id       INTEGER NOT NULL REFERENCES unit(id),        -- the place's unit
	place_id      INTEGER NOT NULL REFERENCES place(id),       -- the place, or the checkpoint's
	checkpoint_id INTEGER REFERENCES checkpoint(id),           -- NULL: the place itself
	checklist_id  INTEGER NOT NULL REFERENCES checklist(id),
	inspected_on  INTEGER NOT NULL,                            -- local date
	summary       TEXT,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX inspection_by_unit ON inspection (unit_id, inspected_on, id);
CREATE INDEX inspection_by_date ON inspection (inspected_on, id);
CREATE INDEX inspection_by_place ON inspection (place_id, checkpoint_id);

CREATE TABLE inspection_inspector (
	inspection_id INTEGER NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
	member_id     INTEGER NOT NULL REFERENCES group_member(id),
	PRIMARY KEY (inspection_id, member_id)
) STRICT;

CREATE TABLE inspection_result (
	inspection_id INTEGER NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
	item_id       INTEGER NOT NULL REFERENCES checklist_item(id),
	result        TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
	note          TEXT,
	PRIMARY KEY (inspection_id, item_id)
) STRICT;

CREATE TABLE finding (
	id            INTEGER PRIMARY KEY,
	inspection_id INTEGER NOT NULL REFERENCES inspection(id),  -- where it was found
	item_id       INTEGER NOT NULL REFERENCES checklist_item(id),
	unit_id       INTEGER NOT NULL REFERENCES unit(id),
	place_id      INTEGER NOT NULL REFERENCES place(id),
	checkpoint_id INTEGER REFERENCES checkpoint(id),
	description   TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
	found_on      INTEGER NOT NULL,                            -- local date
	rectify_by    INTEGER NOT NULL CHECK (rectify_by >= found_on),
	status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
	closed_on     INTEGER,                                     -- local date
	closed_by     INTEGER,                                     -- the passing recheck
	created_at    INTEGER NOT NULL,
	UNIQUE (inspection_id, item_id),
	CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
	CHECK ((status = 'closed') = (closed_by IS NOT NULL))
) STRICT;
CREATE INDEX finding_by_status ON finding (status, rectify_by, id);
CREATE INDEX finding_by_target ON finding (place_id, item_id, status);
CREATE INDEX finding_by_unit ON finding (unit_id, id);

-- A re-check of a finding: explicit, or made by a later inspection of the
-- same target (inspection_id).  A failed re-check sets a new rectify-by.
CREATE TABLE recheck (
	id            INTEGER PRIMARY KEY,
	finding_id    INTEGER NOT NULL REFERENCES finding(id),
	inspection_id INTEGER REFERENCES inspection(id),
	checked_on    INTEGER NOT NULL,                            -- local date
	result        TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
	note          TEXT,
	rectify_by    INTEGER,                                     -- fail only
	created_at    INTEGER NOT NULL,
	CHECK ((result = 'fail') = (rectify_by IS NOT NULL))
) STRICT;
CREATE INDEX recheck_by_finding ON recheck (finding_id, id);

-- The shipped checklists (issue 8; SCENARIO.md "What the group checks").
INSERT INTO checklist (code, name, target) VALUES
	('checkpoint', '防控点督导检查', 'checkpoint'),
	('canteen', '职工食堂督导检查', 'canteen');
INSERT INTO checklist_item (checklist_id, position, code, label)
	SELECT c.id, i.position, i.code, i.label FROM checklist c JOIN (
		SELECT 1 AS position, 'registration' AS code, '登记' AS label
		UNION ALL SELECT 2, 'code_scan', '扫码'
		UNION ALL SELECT 3, 'temperature', '测温'
		UNION ALL SELECT 4, 'disinfection', '消毒'
		UNION ALL SELECT 5, 'outsider_register', '外来人员登记'
		UNION ALL SELECT 6, 'special_groups', '特殊人群名单') i ON 1 = 1
	WHERE c.code = 'checkpoint';
INSERT INTO checklist_item (checklist_id, position, code, label)
	SELECT c.id, i.position, i.code, i.label FROM checklist c JOIN (
		SELECT 1 AS position, 'boxed_meals' AS code, '单独领取盒饭' AS label
		UNION ALL SELECT 2, 'separate_dining', '分开就餐'
		UNION ALL SELECT 3, 'disinfection', '消毒') i ON 1 = 1
	WHERE c.code = 'canteen';
