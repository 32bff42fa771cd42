-- 0013_retention — 2026-11-29: the PostgreSQL form of
-- schema/sqlite/0013_retention.sql (indexes for the retention purge and
-- the retention filters); the comments of the SQLite file apply.
CREATE INDEX alert_by_person ON alert (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX request_by_person ON service_request (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX outsider_by_valid_until ON outsider_registration (valid_until);
