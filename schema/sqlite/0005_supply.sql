-- 0005_supply — 2026-11-29: supplies: items and packs, sites, documents and
-- their lines, the ledger with per-day balances, and requests (needs)
-- (DESIGN.md §2 `supply`, §4 "Supplies"; issue 7; docs/supply.md).
--
-- Quantities are INTEGER base units of the item (piece, bottle, pair...);
-- a pack (箱 = 40 瓶) is a conversion and never a stored quantity.  Local
-- dates are INTEGER days since 1970-01-01, instants INTEGER seconds UTC.
--
-- The ledger: every document line moves stock at one site (two for a
-- distribution or transfer line: out of one, into the other); each
-- movement is a row of supply_move keyed (site, item, day, doc, line), so
-- the ledger of one site and item is one range of the primary key, in
-- date order, entries of the same day in the order they were made.
-- supply_balance holds one row per (site, item, day with movements): the
-- balance at the end of that day and the lowest balance reached during it.
-- Stock on hand at a date is the last such row on or before it (one index
-- seek); a back-dated movement of q checks that every later row's low + q
-- stays >= 0 and then shifts those rows by q.  The CHECKs make a negative
-- balance impossible to store whatever the code does.  supply_stock is the
-- one row per (site, item) that every write to that pair updates first: on
-- PostgreSQL that takes the row lock that serialises concurrent writers of
-- the same pair; on SQLite the write transaction (BEGIN IMMEDIATE) already
-- does.

CREATE TABLE supply_item (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),  -- 口罩
	name_key    TEXT NOT NULL UNIQUE,             -- search key (docs/text.md)
	name_en     TEXT CHECK (name_en IS NULL OR length(name_en) BETWEEN 1 AND 100),  -- mask
	name_en_key TEXT UNIQUE,
	name_sort   BLOB NOT NULL,                    -- ICU "zh" collation key
	category    TEXT NOT NULL DEFAULT '' CHECK (length(category) <= 50),
	base_unit   TEXT NOT NULL CHECK (base_unit IN ('piece', 'bottle', 'pair', 'box', 'set',
	                                               'bag', 'barrel', 'roll', 'sheet')),
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX supply_item_by_sort ON supply_item (name_sort, id);

-- A pack of an item: size base units (箱 = 40 瓶).  Packs never change once
-- made: lines keep the quantity in base units and the text as entered.
CREATE TABLE supply_pack (
	id          INTEGER PRIMARY KEY,
	item_id     INTEGER NOT NULL REFERENCES supply_item(id),
	name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 10),   -- 箱
	name_key    TEXT NOT NULL,
	name_en     TEXT CHECK (name_en IS NULL OR length(name_en) BETWEEN 1 AND 20),  -- box
	name_en_key TEXT,
	size        INTEGER NOT NULL CHECK (size BETWEEN 1 AND 1000000),
	created_at  INTEGER NOT NULL,
	UNIQUE (item_id, name_key),
	UNIQUE (item_id, name_en_key)
) STRICT;

-- Where stock is held: the organ's store, a work group's store, a unit.
CREATE TABLE supply_site (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('organ', 'group', 'unit')),
	name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	name_key   TEXT NOT NULL UNIQUE,
	name_sort  BLOB NOT NULL,
	group_id   INTEGER REFERENCES work_group(id),
	unit_id    INTEGER UNIQUE REFERENCES unit(id),
	created_at INTEGER NOT NULL,
	CHECK ((kind = 'group') = (group_id IS NOT NULL)),
	CHECK ((kind = 'unit') = (unit_id IS NOT NULL))
) STRICT;
CREATE INDEX supply_site_by_group ON supply_site (group_id);

-- One row per (site, item) ever stocked or given a minimum: the stock on
-- hand after every movement, the optional minimum stock level, and a
-- counter every write bumps (the row lock of the writer on PostgreSQL).
CREATE TABLE supply_stock (
	site_id INTEGER NOT NULL REFERENCES supply_site(id),
	item_id INTEGER NOT NULL REFERENCES supply_item(id),
	on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
	min_qty INTEGER CHECK (min_qty IS NULL OR min_qty >= 0),
	writes  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (site_id, item_id)
) STRICT, WITHOUT ROWID;

-- A need raised by (or for) a unit; its status comes from the distribution
-- lines that name it (supply_line.request_id).
CREATE TABLE supply_request (
	id                INTEGER PRIMARY KEY,
	unit_id           INTEGER NOT NULL REFERENCES unit(id),
	site_id           INTEGER NOT NULL REFERENCES supply_site(id),  -- the unit's site
	item_id           INTEGER NOT NULL REFERENCES supply_item(id),
	qty               INTEGER NOT NULL CHECK (qty > 0),
	entered           TEXT NOT NULL,                -- the quantity as given ("2箱")
	needed_by         INTEGER,                      -- local date
	raised_on         INTEGER NOT NULL,             -- local date
	reason            TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
	created_at        INTEGER NOT NULL,
	created_by        INTEGER REFERENCES app_user(id),
	created_by_name   TEXT NOT NULL,
	cancelled_at      INTEGER,
	cancelled_by_name TEXT,
	cancel_reason     TEXT,
	CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL))
) STRICT;
CREATE INDEX supply_request_by_unit ON supply_request (unit_id, id);
CREATE INDEX supply_request_by_site ON supply_request (site_id, item_id);

-- A document, saved whole with its lines and movements or not at all.
-- site_id is the receiving site of a receipt and the sending site of a
-- distribution or transfer (to_site_id receives), and the one site of an
-- adjustment or consumption.
CREATE TABLE supply_doc (
	id                INTEGER PRIMARY KEY,
	kind              TEXT NOT NULL CHECK (kind IN ('receipt', 'distribution', 'transfer',
	                                                'adjustment', 'consumption')),
	doc_date          INTEGER NOT NULL,             -- local date
	site_id           INTEGER NOT NULL REFERENCES supply_site(id),
	to_site_id        INTEGER REFERENCES supply_site(id),
	source            TEXT CHECK (source IN ('donation', 'purchase', 'allocation', 'raised')),
	counterparty      TEXT CHECK (length(counterparty) <= 100),  -- receipt: donor, supplier
	reason            TEXT CHECK (length(reason) BETWEEN 1 AND 200),  -- adjustment
	note              TEXT CHECK (length(note) <= 500),
	created_at        INTEGER NOT NULL,
	created_by        INTEGER REFERENCES app_user(id),
	created_by_name   TEXT NOT NULL,
	confirmed_at      INTEGER,                      -- receipt confirmed by the unit
	confirmed_by      INTEGER REFERENCES app_user(id),
	confirmed_by_name TEXT,
	discrepancy       TEXT CHECK (length(discrepancy) <= 500),
	CHECK ((kind IN ('distribution', 'transfer')) = (to_site_id IS NOT NULL)),
	CHECK (to_site_id IS NULL OR to_site_id <> site_id),
	CHECK ((kind = 'receipt') = (source IS NOT NULL)),
	CHECK ((kind = 'adjustment') = (reason IS NOT NULL)),
	CHECK (confirmed_at IS NULL OR kind = 'distribution'),
	CHECK ((confirmed_at IS NULL) = (confirmed_by_name IS NULL))
) STRICT;
CREATE INDEX supply_doc_by_site ON supply_doc (site_id, id);
CREATE INDEX supply_doc_by_to_site ON supply_doc (to_site_id, id);

CREATE TABLE supply_line (
	doc_id     INTEGER NOT NULL REFERENCES supply_doc(id),
	line_no    INTEGER NOT NULL CHECK (line_no BETWEEN 1 AND 1000),
	item_id    INTEGER NOT NULL REFERENCES supply_item(id),
	qty        INTEGER NOT NULL,     -- base units; negative only in an adjustment
	entered    TEXT NOT NULL,        -- the quantity as given ("6 箱", "1箱5瓶")
	counted    INTEGER,              -- stocktake: the count the line recorded
	request_id INTEGER REFERENCES supply_request(id),
	PRIMARY KEY (doc_id, line_no),
	CHECK (qty <> 0 OR counted IS NOT NULL),
	CHECK (counted IS NULL OR counted >= 0)
) STRICT;
CREATE INDEX supply_line_by_request ON supply_line (request_id) WHERE request_id IS NOT NULL;

-- The ledger: one row per movement of stock at a site.
CREATE TABLE supply_move (
	site_id INTEGER NOT NULL,
	item_id INTEGER NOT NULL,
	day     INTEGER NOT NULL,        -- the document's local date
	doc_id  INTEGER NOT NULL,
	line_no INTEGER NOT NULL,
	qty     INTEGER NOT NULL,        -- signed change of the site's stock
	PRIMARY KEY (site_id, item_id, day, doc_id, line_no),
	FOREIGN KEY (site_id, item_id) REFERENCES supply_stock (site_id, item_id),
	FOREIGN KEY (doc_id, line_no) REFERENCES supply_line (doc_id, line_no)
) STRICT, WITHOUT ROWID;

-- Balance of (site, item) at the end of each day with movements, and the
-- lowest balance after any movement of that day.
CREATE TABLE supply_balance (
	site_id INTEGER NOT NULL,
	item_id INTEGER NOT NULL,
	day     INTEGER NOT NULL,
	qty_end INTEGER NOT NULL CHECK (qty_end >= 0),
	low     INTEGER NOT NULL CHECK (low >= 0 AND low <= qty_end),
	PRIMARY KEY (site_id, item_id, day),
	FOREIGN KEY (site_id, item_id) REFERENCES supply_stock (site_id, item_id)
) STRICT, WITHOUT ROWID;
