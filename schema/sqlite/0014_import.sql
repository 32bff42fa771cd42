-- 0014_import — 2026-11-29: bulk import (issue 5 "Bulk import", "Real
-- input"; docs/import.md, src/domain/checkins.h).
--
-- Check-in data sets name people and venues by their own integer ids.  An
-- import makes a person for each user and a place with one checkpoint for
-- each venue, and remembers here which record stands for which outside id,
-- so that importing the same file again (or another file of the same
-- source) reuses them, and so that a comparison with the source (the trace
-- oracle) can map sijin's ids back: kind 1 = person (local_id a person
-- id), kind 2 = venue (local_id the venue's checkpoint id).
CREATE TABLE import_ref (
	source   TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
	kind     INTEGER NOT NULL CHECK (kind IN (1, 2)),
	ext_id   INTEGER NOT NULL,
	local_id INTEGER NOT NULL,
	PRIMARY KEY (source, kind, ext_id)
) STRICT, WITHOUT ROWID;
