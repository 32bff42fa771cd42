-- 0010_resumption — 2026-11-29: work resumption (复工复产) of enterprises and
-- projects (issue 9 "Work resumption"; SCENARIO.md "The enterprise problem";
-- src/domain/resumption.h).
--
-- A resumption report says, for one unit of kind enterprise or project on
-- a local date (INTEGER days since 1970-01-01), whether its work has
-- resumed (not_resumed / partial / resumed), how many of its staff are on
-- site out of how many (both given or both NULL), its capacity in percent
-- (NULL: not stated), a note, and whether the report is assumed (demo data
-- the source does not give).  Reports are never changed or deleted: the
-- history is the rows, and a unit's status on a date D is its report with
-- the greatest (report_date, id) among those dated on or before D.
--
-- A report may name blockers: service requests (0006) of the same unit that
-- were open on the report's date.  unit_id is copied into the blocker row
-- so that the scope test is one column.

CREATE TABLE resumption_report (
	id            INTEGER PRIMARY KEY,
	unit_id       INTEGER NOT NULL REFERENCES unit(id),
	report_date   INTEGER NOT NULL,                -- local date
	status        TEXT NOT NULL CHECK (status IN ('not_resumed', 'partial', 'resumed')),
	staff_on_site INTEGER CHECK (staff_on_site >= 0),
	staff_total   INTEGER CHECK (staff_total >= 0),
	capacity_pct  INTEGER CHECK (capacity_pct BETWEEN 0 AND 100),
	note          TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
	assumed       INTEGER NOT NULL DEFAULT 0 CHECK (assumed IN (0, 1)),
	user_id       INTEGER REFERENCES app_user(id),  -- NULL: the command line or the demo
	created_at    INTEGER NOT NULL,
	CHECK ((staff_on_site IS NULL) = (staff_total IS NULL)),
	CHECK (staff_on_site IS NULL OR staff_on_site <= staff_total)
) STRICT;
CREATE INDEX resumption_by_unit ON resumption_report (unit_id, report_date, id);
CREATE INDEX resumption_by_date ON resumption_report (report_date, id);

CREATE TABLE resumption_blocker (
	report_id  INTEGER NOT NULL REFERENCES resumption_report(id),
	request_id INTEGER NOT NULL REFERENCES service_request(id),
	unit_id    INTEGER NOT NULL REFERENCES unit(id),   -- the report's unit
	PRIMARY KEY (report_id, request_id)
) STRICT;
CREATE INDEX resumption_blocker_by_request ON resumption_blocker (request_id);
