-- 0016_scan_by_time — 2026-11-30: the person index of scans ordered by time
-- (issue 5; docs/checkpoint.md "Stays", docs/import.md).
--
-- scan_by_person was (person_id, place_id, id), and the writer read a
-- person's newest 256 scans at a place by id.  Ids follow the order of
-- writing, not of time: an import of older rows (or backdated scans) gets
-- newer ids than the live scans before it, and 256 of them hid the open
-- stay and the recent idempotency keys from the next live scan.  The rules
-- need the scans near the new scan's time (the stay before it and after
-- it, the keys within SCAN_KEY_WINDOW_S), so the index now orders a
-- person's scans at a place by time; being a WITHOUT ROWID table, SQLite
-- appends the key's id to each entry, which keeps it unique.  It replaces
-- the old one (same name, same leading columns): one person index, about
-- 5 bytes a scan more (the time) instead of a second index.
DROP INDEX IF EXISTS scan_by_person;
CREATE INDEX scan_by_person ON scan (person_id, place_id, at);
-- The planner statistics of 0003 for it (dropped with the old index).
DELETE FROM sqlite_stat1 WHERE tbl = 'scan' AND idx = 'scan_by_person';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('scan', 'scan_by_person', '100000000 100 5 1');
