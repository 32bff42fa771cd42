-- 0003_checkpoint — 2026-11-29: checkpoint registration (DESIGN.md §2
-- `checkpoint`, §4 "Scans and stays", §6; issue 5): scans, the stays derived
-- from them, alerts, outsider registrations and the disinfection log.
--
-- The scan table is the large one (a district: ~5 M scans a day, 28 days
-- kept), so its rows are compact (bench/RESULTS.md "Scan storage"): integer
-- ids, instants in seconds, the temperature in tenths of a °C, no text, and
-- one small integer `kind` packing
--     bit 0     direction       0 in, 1 out
--     bits 1-2  decision        0 pass, 1 alert, 2 deny
--     bits 3-4  stay role       entry: 0 none, 1 opens a stay (exit not
--                               recorded), 2 joins a stay, 3 opens a stay
--                               (exit recorded); exit: 0 none, 1 closes a
--                               stay, 2 joins a stay
--     bits 5-7  source          0 attendant, 1 self check-in, 2 pass, 3 import
-- so that values below 128 take one byte.  `reasons` is the bit mask of
-- screening reasons (src/domain/screening.h), 0 for most scans (stored in
-- no bytes).  A stay is not a row of its own: the entry scan that opens it
-- carries its length `stay_s`, materialised when written (the place's
-- default stay, then the recorded exit or the person's next entry), so the
-- half-open interval [at, at + stay_s) is read without the clock; the view
-- `stay` shows them.  `key_fp` is a 47-bit keyed hash of the idempotency
-- key, looked up through the person's scans at the place.
--
-- Layout, chosen by measurement (bench/RESULTS.md): WITHOUT ROWID with the
-- primary key (place_id, id) — the distribution key first (DESIGN.md §6),
-- each place's scans together in id order, which is the order they were
-- written — and one secondary index by person, which holds (person_id,
-- place_id, id).  Ids come from the id_counter table (a block per
-- transaction), not from the table, so that they can be given with the
-- place in the key on both databases.

CREATE TABLE id_counter (
	name TEXT PRIMARY KEY,
	last INTEGER NOT NULL CHECK (last >= 0)
) STRICT;
INSERT INTO id_counter (name, last) VALUES ('scan', 0), ('alert', 0);

CREATE TABLE scan (
	place_id      INTEGER NOT NULL REFERENCES place(id),
	id            INTEGER NOT NULL,
	checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id),
	person_id     INTEGER REFERENCES person(id),   -- NULL: an identity number of no registered person
	at            INTEGER NOT NULL,                 -- seconds since the epoch, UTC
	kind          INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 255),
	temperature   INTEGER CHECK (temperature BETWEEN 340 AND 430),  -- °C × 10
	reasons       INTEGER NOT NULL CHECK (reasons >= 0),
	operator_id   INTEGER REFERENCES app_user(id),  -- NULL: no user (self check-in, command line)
	stay_s        INTEGER CHECK (stay_s > 0),       -- on a stay's opening entry: its length
	key_fp        INTEGER,                          -- idempotency key fingerprint
	PRIMARY KEY (place_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX scan_by_person ON scan (person_id, place_id, id);

-- Planner statistics (sqlite_stat1) for a district's scan table: ~100 M
-- rows, ~5,000 a place, ~100 a person and ~5 a person at one place.
-- Without them SQLite reads a person's scans at a place along the primary
-- key, i.e. all of the place's scans, instead of through scan_by_person;
-- an ANALYZE later replaces them with measured figures of the same shape.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ('scan', 'alert');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
	('scan', 'scan', '100000000 5000 1'),
	('scan', 'scan_by_person', '100000000 100 5 1');

CREATE VIEW stay AS
SELECT place_id, id, checkpoint_id, person_id, at AS entry_at, at + stay_s AS exit_at,
       CASE WHEN (kind & 24) = 24 THEN 1 ELSE 0 END AS exit_recorded
FROM scan WHERE stay_s IS NOT NULL;

-- Alerts: from scans (the scan's reasons) and from overdue disinfection.
CREATE TABLE alert (
	place_id      INTEGER NOT NULL REFERENCES place(id),
	id            INTEGER NOT NULL,
	at            INTEGER NOT NULL,                 -- when it happened
	reasons       INTEGER NOT NULL CHECK (reasons > 0),
	decision      INTEGER NOT NULL CHECK (decision BETWEEN 0 AND 2),
	checkpoint_id INTEGER REFERENCES checkpoint(id),
	scan_id       INTEGER,                          -- scan (place_id, scan_id), NULL for other alerts
	person_id     INTEGER REFERENCES person(id),
	temperature   INTEGER CHECK (temperature BETWEEN 340 AND 430),
	detail        TEXT NOT NULL CHECK (length(detail) <= 160),
	created_at    INTEGER NOT NULL,
	acked_at      INTEGER,
	acked_by      INTEGER REFERENCES app_user(id),
	ack_note      TEXT CHECK (ack_note IS NULL OR length(ack_note) BETWEEN 1 AND 500),
	PRIMARY KEY (place_id, id),
	CHECK ((acked_at IS NULL) = (ack_note IS NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX alert_by_id ON alert (id);

-- Outsider registrations (外来人员登记): a person may enter the places of a
-- unit during [valid_from, valid_until).
CREATE TABLE outsider_registration (
	id                INTEGER PRIMARY KEY,
	unit_id           INTEGER NOT NULL REFERENCES unit(id),
	person_id         INTEGER NOT NULL REFERENCES person(id),
	checkpoint_id     INTEGER REFERENCES checkpoint(id),
	came_from         TEXT NOT NULL CHECK (length(came_from) BETWEEN 1 AND 200),
	reason            TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
	host_household_id INTEGER REFERENCES household(id),
	host              TEXT CHECK (host IS NULL OR length(host) BETWEEN 1 AND 200),
	valid_from        INTEGER NOT NULL,
	valid_until       INTEGER NOT NULL,
	registered_at     INTEGER NOT NULL,
	registered_by     INTEGER REFERENCES app_user(id),
	CHECK (valid_until > valid_from),
	CHECK (host IS NOT NULL OR host_household_id IS NOT NULL)
) STRICT;
CREATE INDEX outsider_by_person ON outsider_registration (person_id, unit_id, valid_until);
CREATE INDEX outsider_by_unit ON outsider_registration (unit_id, id);

-- The disinfection log (消毒记录) of each place.
CREATE TABLE disinfection (
	id            INTEGER PRIMARY KEY,
	place_id      INTEGER NOT NULL REFERENCES place(id),
	area          TEXT NOT NULL CHECK (length(area) BETWEEN 1 AND 100),
	agent         TEXT NOT NULL CHECK (length(agent) BETWEEN 1 AND 100),
	concentration TEXT CHECK (concentration IS NULL OR length(concentration) BETWEEN 1 AND 100),
	at            INTEGER NOT NULL,
	next_due_at   INTEGER NOT NULL,
	operator_id   INTEGER REFERENCES app_user(id),
	note          TEXT CHECK (note IS NULL OR length(note) <= 500),
	created_at    INTEGER NOT NULL,
	CHECK (next_due_at > at)
) STRICT;
CREATE INDEX disinfection_by_place ON disinfection (place_id, at, id);
