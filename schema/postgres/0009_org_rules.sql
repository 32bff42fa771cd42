-- 0009_org_rules — 2026-11-29: the PostgreSQL form of
-- schema/sqlite/0009_org_rules.sql, which says why: unit and place names
-- unique by search key; identity numbers unique per unit instead of across
-- the database.  PostgreSQL drops the column's UNIQUE in place (its default
-- name, person_id_number_hash_key, from 0001), so person is not rebuilt.

CREATE UNIQUE INDEX unit_by_region_key ON unit (region_id, name_key);
CREATE UNIQUE INDEX place_by_unit_key ON place (unit_id, name_key);

ALTER TABLE person DROP CONSTRAINT person_id_number_hash_key;
CREATE UNIQUE INDEX person_id_number_per_unit ON person ((coalesce(unit_id, 0)), id_number_hash);
CREATE INDEX person_by_id_number ON person (id_number_hash);
CREATE INDEX person_by_sort ON person (name_sort, id);
