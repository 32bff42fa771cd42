-- 0019_memo_epoch — 2026-11-30: the PostgreSQL form of
-- schema/sqlite/0019_memo_epoch.sql: the same table, and no triggers.
-- The scan writer keeps memos between its batches only on SQLite; on
-- PostgreSQL its look-ups run on the request threads and read the
-- database every time (src/domain/scan.c scan_prepare_defer), so nothing
-- reads this number here.  The table keeps both schemas' tables the same.
CREATE TABLE memo_epoch (
	id integer PRIMARY KEY CHECK (id = 1),
	n  bigint NOT NULL
);
INSERT INTO memo_epoch (id, n) VALUES (1, 0);
