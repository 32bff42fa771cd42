-- 0015_scan_checkpoint_fk — 2026-11-30: one composite foreign key from a
-- scan to its checkpoint *at its place* (issue 4 "Speed"; the PostgreSQL
-- form of schema/sqlite/0015_scan_checkpoint_fk.sql, whose comments apply).
--
-- scan had REFERENCES place(id) and REFERENCES checkpoint(id) apart, and
-- PostgreSQL checks every foreign key of every inserted row with a query of
-- its own (RI_FKey_check_ins).  (checkpoint_id, place_id) REFERENCES
-- checkpoint (id, place_id) is one check instead of two and is stricter:
-- the place must be the checkpoint's (the place itself exists, because
-- checkpoint.place_id REFERENCES place(id) NOT NULL).  The unique index on
-- checkpoint (id, place_id) is the parent key it needs; checkpoint is a
-- Citus reference table, where unique keys and foreign keys from the
-- distributed scan table are allowed (docs/scale-out.md "Citus layout").
-- Adding the key checks the stored scans once.
CREATE UNIQUE INDEX checkpoint_id_place ON checkpoint (id, place_id);
ALTER TABLE scan
	DROP CONSTRAINT scan_place_id_fkey,
	DROP CONSTRAINT scan_checkpoint_id_fkey,
	ADD CONSTRAINT scan_checkpoint_place_fkey FOREIGN KEY (checkpoint_id, place_id)
		REFERENCES checkpoint (id, place_id);
