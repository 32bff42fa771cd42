-- 0011_task_line — 2026-11-29: the task line as a shared classification,
-- the PostgreSQL form of schema/sqlite/0011_task_line.sql (same columns,
-- same order, same indexes).  The comments of the SQLite file apply.

ALTER TABLE visit ADD COLUMN task_line text COLLATE "C" REFERENCES task_line(code);
ALTER TABLE need ADD COLUMN task_line text COLLATE "C" REFERENCES task_line(code);
ALTER TABLE service_request ADD COLUMN task_line text COLLATE "C" REFERENCES task_line(code);
CREATE INDEX visit_by_task_line ON visit (task_line, visited_on);
CREATE INDEX need_by_task_line ON need (task_line, id);
CREATE INDEX request_by_task_line ON service_request (task_line, id);
