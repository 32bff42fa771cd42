-- 0016_scan_by_time — 2026-11-30: the PostgreSQL form of
-- schema/sqlite/0016_scan_by_time.sql: the person index of scans ordered by
-- (person_id, place_id, at) instead of (person_id, place_id, id), so that
-- the writer reads the scans near a new scan's time, whatever their ids.
-- An entry holds three bigints, as before.
DROP INDEX IF EXISTS scan_by_person;
CREATE INDEX scan_by_person ON scan (person_id, place_id, at);
