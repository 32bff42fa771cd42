-- 0015_scan_checkpoint_fk — 2026-11-30: one composite foreign key from a
-- scan to its checkpoint *at its place* (issue 4 "Speed"; docs/scale-out.md
-- "Citus layout", bench/RESULTS.md "PostgreSQL: CPU a scan (helper pgcpu)").
--
-- scan referred to place(id) and to checkpoint(id) apart: two look-ups for
-- every inserted row (on PostgreSQL two queries of the RI triggers, the
-- larger cost of a bulk COPY).  (checkpoint_id, place_id) REFERENCES
-- checkpoint (id, place_id) is one look-up and is stricter: a scan's place
-- must be its checkpoint's place, which the code always wrote and nothing
-- checked.  The place itself still exists: checkpoint.place_id REFERENCES
-- place(id) and is NOT NULL, and a checkpoint's place never changes (no
-- statement updates it; the key now refuses it while scans name the pair).
-- The unique index on checkpoint (id, place_id) is the parent key.
--
-- SQLite cannot change a table's foreign keys: the table is made again
-- (https://sqlite.org/lang_altertable.html "Making Other Kinds Of Table
-- Schema Changes") with the same columns, checks, key and index, its rows
-- copied, and the view on it and the planner statistics of 0003 put back.
-- Its rows are read and written once: on a large store this takes a while
-- (it is one transaction, like every migration).
-- No table refers to scan, so foreign keys may stay on meanwhile.
CREATE UNIQUE INDEX checkpoint_id_place ON checkpoint (id, place_id);

CREATE TABLE scan_0015 (
	place_id      INTEGER NOT NULL,
	id            INTEGER NOT NULL,
	checkpoint_id INTEGER NOT NULL,
	person_id     INTEGER REFERENCES person(id),   -- NULL: an identity number of no registered person
	at            INTEGER NOT NULL,                 -- seconds since the epoch, UTC
	kind          INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 255),
	temperature   INTEGER CHECK (temperature BETWEEN 340 AND 430),  -- °C × 10
	reasons       INTEGER NOT NULL CHECK (reasons >= 0),
	operator_id   INTEGER REFERENCES app_user(id),  -- NULL: no user (self check-in, command line)
	stay_s        INTEGER CHECK (stay_s > 0),       -- on a stay's opening entry: its length
	key_fp        INTEGER,                          -- idempotency key fingerprint
	PRIMARY KEY (place_id, id),
	FOREIGN KEY (checkpoint_id, place_id) REFERENCES checkpoint (id, place_id)
) STRICT, WITHOUT ROWID;
INSERT INTO scan_0015 SELECT place_id, id, checkpoint_id, person_id, at, kind, temperature,
	reasons, operator_id, stay_s, key_fp FROM scan ORDER BY place_id, id;
DROP VIEW stay;
DROP TABLE scan;
ALTER TABLE scan_0015 RENAME TO scan;
-- The person index as 0016_scan_by_time makes it, by time: 0016 may have
-- run before this one (the two were merged out of number order), and when
-- it runs after, it makes the same index again.
CREATE INDEX scan_by_person ON scan (person_id, place_id, at);

CREATE VIEW stay AS
SELECT place_id, id, checkpoint_id, person_id, at AS entry_at, at + stay_s AS exit_at,
       CASE WHEN (kind & 24) = 24 THEN 1 ELSE 0 END AS exit_recorded
FROM scan WHERE stay_s IS NOT NULL;

-- DROP TABLE took scan's planner statistics with it: those of 0003 again
-- (or, on a store that was analysed, their shape until the next ANALYZE).
DELETE FROM sqlite_stat1 WHERE tbl = 'scan';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
	('scan', 'scan', '100000000 5000 1'),
	('scan', 'scan_by_person', '100000000 100 5 1');
