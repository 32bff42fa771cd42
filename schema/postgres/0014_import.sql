-- 0014_import — 2026-11-29: bulk import; the PostgreSQL form of
-- schema/sqlite/0014_import.sql (same table, columns and key).
CREATE TABLE import_ref (
	source   text COLLATE "C" NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
	kind     integer NOT NULL CHECK (kind IN (1, 2)),
	ext_id   bigint NOT NULL,
	local_id bigint NOT NULL,
	PRIMARY KEY (source, kind, ext_id)
);
