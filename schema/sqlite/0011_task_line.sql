-- 0011_task_line — 2026-11-29: the task line as a shared classification
-- (issue 11 "Task line as a shared classification: visits, needs, service
-- requests and tasks carry one, and the daily report counts by it";
-- SCENARIO.md "The three task lines"; src/domain/task_line.h).
--
-- Tasks carry theirs since 0008 (NOT NULL).  Visits, needs and service
-- requests get a nullable column holding a code of table task_line:
-- NULL is "not classified" (rows made before this version, and requests
-- that arrive through Open311, whose callers know nothing of task lines).
-- When not given, a need takes its visit's line and a request made from a
-- need takes the need's (src/domain/visit.c).

ALTER TABLE visit ADD COLUMN task_line TEXT REFERENCES task_line(code);
ALTER TABLE need ADD COLUMN task_line TEXT REFERENCES task_line(code);
ALTER TABLE service_request ADD COLUMN task_line TEXT REFERENCES task_line(code);
CREATE INDEX visit_by_task_line ON visit (task_line, visited_on);
CREATE INDEX need_by_task_line ON need (task_line, id);
CREATE INDEX request_by_task_line ON service_request (task_line, id);
