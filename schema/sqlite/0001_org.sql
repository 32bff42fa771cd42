-- 0001_org — 2026-11-29: the organisation model (DESIGN.md §2 `org`).
--
-- Regions nest city → district → subdistrict/town; units of four kinds sit
-- under a region; places under a unit; checkpoints (gates) and households
-- at a place; people optionally in a household.  Work groups have members
-- and are assigned units.  Instants are INTEGER seconds since the epoch
-- UTC; local dates are INTEGER days since 1970-01-01.  Every table is
-- STRICT.  name_key is the search key (NFKC + case fold) and name_sort the
-- ICU "zh" collation key of the name (docs/text.md); identity numbers and
-- mobiles are stored encrypted with a keyed hash for exact look-up
-- (docs/keys.md).

CREATE TABLE region (
	id         INTEGER PRIMARY KEY,
	parent_id  INTEGER REFERENCES region(id),
	level      TEXT NOT NULL CHECK (level IN ('province', 'city', 'district', 'subdistrict', 'town')),
	name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	code       TEXT,                 -- GB/T 2260 administrative division code when known
	created_at INTEGER NOT NULL,
	UNIQUE (parent_id, name)
) STRICT;

CREATE TABLE unit (
	id         INTEGER PRIMARY KEY,
	region_id  INTEGER NOT NULL REFERENCES region(id),
	kind       TEXT NOT NULL CHECK (kind IN ('community', 'enterprise', 'project', 'village')),
	name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	name_key   TEXT NOT NULL,
	name_sort  BLOB NOT NULL,
	address    TEXT,
	contact    TEXT,                 -- liaison's name, free text
	created_at INTEGER NOT NULL,
	UNIQUE (region_id, name)
) STRICT;
CREATE INDEX unit_by_sort ON unit (name_sort, id);
CREATE INDEX unit_by_key ON unit (name_key);

CREATE TABLE place (
	id             INTEGER PRIMARY KEY,
	unit_id        INTEGER NOT NULL REFERENCES unit(id),
	kind           TEXT NOT NULL CHECK (kind IN ('residential', 'workplace', 'canteen', 'site', 'public', 'other')),
	name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	name_key       TEXT NOT NULL,
	address        TEXT,
	records_exits  INTEGER NOT NULL DEFAULT 1 CHECK (records_exits IN (0, 1)),
	default_stay_s INTEGER NOT NULL DEFAULT 7200 CHECK (default_stay_s BETWEEN 60 AND 86400),
	created_at     INTEGER NOT NULL,
	UNIQUE (unit_id, name)
) STRICT;

CREATE TABLE checkpoint (
	id         INTEGER PRIMARY KEY,
	place_id   INTEGER NOT NULL REFERENCES place(id),
	name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	kind       TEXT NOT NULL DEFAULT 'gate' CHECK (kind IN ('gate', 'monitoring_point', 'door')),
	created_at INTEGER NOT NULL,
	UNIQUE (place_id, name)
) STRICT;

CREATE TABLE household (
	id         INTEGER PRIMARY KEY,
	place_id   INTEGER NOT NULL REFERENCES place(id),
	building   TEXT NOT NULL DEFAULT '',  -- 楼/栋
	entrance   TEXT NOT NULL DEFAULT '',  -- 单元
	room       TEXT NOT NULL,             -- 室
	created_at INTEGER NOT NULL,
	UNIQUE (place_id, building, entrance, room)
) STRICT;

CREATE TABLE person (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	name_key       TEXT NOT NULL,
	name_sort      BLOB NOT NULL,
	id_number_enc  BLOB,
	id_number_hash BLOB UNIQUE,
	id_number_mask TEXT,
	mobile_enc     BLOB,
	mobile_hash    BLOB,
	mobile_mask    TEXT,
	household_id   INTEGER REFERENCES household(id),
	unit_id        INTEGER REFERENCES unit(id),  -- the unit the person lives or works in
	created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX person_by_mobile ON person (mobile_hash);
CREATE INDEX person_by_key ON person (name_key);
CREATE INDEX person_by_household ON person (household_id);

CREATE TABLE person_tag (
	person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
	tag       TEXT NOT NULL CHECK (tag IN ('resident', 'staff', 'outsider', 'home_quarantine',
	                                       'living_alone', 'elderly', 'disabled', 'key_group')),
	PRIMARY KEY (person_id, tag)
) STRICT;

CREATE TABLE work_group (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
	organ      TEXT NOT NULL DEFAULT '',  -- the dispatching organ (派出单位)
	region_id  INTEGER REFERENCES region(id),  -- where it is dispatched to
	set_up_on  INTEGER,                   -- local date
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE group_member (
	id         INTEGER PRIMARY KEY,
	group_id   INTEGER NOT NULL REFERENCES work_group(id),
	name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	role       TEXT NOT NULL CHECK (role IN ('leader', 'member')),
	title      TEXT NOT NULL DEFAULT '',  -- e.g. 主任
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX member_by_group ON group_member (group_id);

CREATE TABLE assignment (
	id          INTEGER PRIMARY KEY,
	group_id    INTEGER NOT NULL REFERENCES work_group(id),
	unit_id     INTEGER NOT NULL REFERENCES unit(id),
	reported_on INTEGER,                  -- local date the group reported in to the unit
	created_at  INTEGER NOT NULL,
	UNIQUE (group_id, unit_id)
) STRICT;
CREATE INDEX assignment_by_unit ON assignment (unit_id);
