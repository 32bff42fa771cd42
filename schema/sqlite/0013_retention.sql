-- 0013_retention — 2026-11-29: indexes for the retention purge and the
-- retention filters of the read paths (issue 10; DESIGN.md §4
-- "Retention"; docs/retention.md).  No new table.
--
-- The purge removes a person record with no basis left (src/domain/
-- purge.c): it asks, per person, whether any row of the tables that name
-- a person still does.  scan (scan_by_person), outsider_registration
-- (outsider_by_person) and pass (pass_by_person) have an index led by
-- person_id; alert and service_request get one here.  Outsider
-- registrations expire by valid_until, so that column gets an index of
-- its own.
CREATE INDEX alert_by_person ON alert (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX request_by_person ON service_request (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX outsider_by_valid_until ON outsider_registration (valid_until);
