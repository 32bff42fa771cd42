-- 0009_org_rules — 2026-11-29: rules of the organisation model that review
-- found missing (issue 3, src/domain/org.h and person.h).
--
-- 1. A name is one name whatever its Unicode form or case: two units of a
--    region, or two places of a unit, may not share a search key
--    (name_key: NFKC + case folding, docs/text.md).  The old UNIQUE
--    (region_id, name) and (unit_id, name), on the raw bytes, stay: the
--    new keys imply them.  A database that already holds two such names
--    makes this migration fail on the index ("UNIQUE constraint failed:
--    unit.region_id, unit.name_key"); rename one of them and migrate again.
--
-- 2. Identity numbers are unique per unit instead of across the database
--    (person.h says why): one person record per unit per number, people
--    with no unit counting as one more unit.  SQLite cannot drop the
--    column's UNIQUE, so person is rebuilt: copied aside, dropped, made
--    again without it and filled back with the same ids.  Foreign keys of
--    other modules name person(id); with them deferred to the commit, the
--    rows that pointed at the old table point at the new one again when it
--    is filled, and the commit checks that none is left dangling.  The
--    tags, which the drop deletes (ON DELETE CASCADE), are put back too.
--    All of it runs in the migration's one transaction.

CREATE UNIQUE INDEX unit_by_region_key ON unit (region_id, name_key);
CREATE UNIQUE INDEX place_by_unit_key ON place (unit_id, name_key);

PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE person_0009 AS SELECT * FROM person;
CREATE TEMP TABLE person_tag_0009 AS SELECT * FROM person_tag;
DROP TABLE person;

CREATE TABLE person (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	name_key       TEXT NOT NULL,
	name_sort      BLOB NOT NULL,
	id_number_enc  BLOB,
	id_number_hash BLOB,                         -- unique per unit: person_id_number_per_unit
	id_number_mask TEXT,
	mobile_enc     BLOB,
	mobile_hash    BLOB,
	mobile_mask    TEXT,
	household_id   INTEGER REFERENCES household(id),
	unit_id        INTEGER REFERENCES unit(id),  -- the unit the person lives or works in
	created_at     INTEGER NOT NULL
) STRICT;

INSERT INTO person (id, name, name_key, name_sort, id_number_enc, id_number_hash,
	id_number_mask, mobile_enc, mobile_hash, mobile_mask, household_id, unit_id, created_at)
SELECT id, name, name_key, name_sort, id_number_enc, id_number_hash,
	id_number_mask, mobile_enc, mobile_hash, mobile_mask, household_id, unit_id, created_at
FROM person_0009;
INSERT INTO person_tag (person_id, tag) SELECT person_id, tag FROM person_tag_0009 WHERE true
ON CONFLICT DO NOTHING;
DROP TABLE person_0009;
DROP TABLE person_tag_0009;

CREATE UNIQUE INDEX person_id_number_per_unit ON person (coalesce(unit_id, 0), id_number_hash);
CREATE INDEX person_by_id_number ON person (id_number_hash);
CREATE INDEX person_by_sort ON person (name_sort, id);
CREATE INDEX person_by_mobile ON person (mobile_hash);
CREATE INDEX person_by_key ON person (name_key);
CREATE INDEX person_by_household ON person (household_id);
