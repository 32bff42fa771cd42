-- 0019_memo_epoch — 2026-11-30: a number that changes whenever another
-- connection changes what the scan writer remembers (issue 5 "Speed";
-- src/domain/writer.c people_memo_check, docs/checkpoint.md "The writer's
-- memos").
--
-- The scan writer keeps, between its batches, the people its scans named
-- (name, unit, identity-number mask, tags), the checkpoints' places and
-- rules, and the latest stay and keys of each (person, place)
-- (src/domain/scan_pairs.c).  It used to forget all of it whenever any
-- other connection committed anything (PRAGMA data_version): an API
-- token's last-used time, a visit note, a supply move.  On a server with
-- users at work that is nearly every batch, and on the scan benchmark
-- once a minute (the token's touch), after which ~100,000 people were
-- looked up again at ~20 µs each.
--
-- Now, when data_version says another connection committed, the writer
-- keeps its memos if this number and the scan id counter (id_counter
-- 'scan', which every transaction that adds, changes or deletes scans
-- advances: the writer's own batches, `sijin scan`, imports, and the
-- retention purge, which takes one id in each place's transaction that
-- deleted scans, src/domain/purge.c) are what they were after its own
-- last batch.  The triggers advance it on every change to a column the
-- memos copy.  Inserted people, places and checkpoints need none: their
-- new ids are in no memo.  Deleted scans have no trigger: one a row more
-- than doubled the CPU of the purge's deletes, which hold the write lock
-- the scans wait for (bench/purge_trigger.sh; review, 2026-11-30).
--
-- A migration that rebuilds one of these tables (as 0009 did person and
-- 0015 scan) drops its triggers with it and must create them again
-- (tests/unit/test_writer.c test_memo_epoch_follows_domain_edits).
CREATE TABLE memo_epoch (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
) STRICT;
INSERT INTO memo_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER memo_epoch_person_update
AFTER UPDATE OF name, unit_id, id_number_hash, id_number_mask ON person
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_person_delete AFTER DELETE ON person
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_tag_insert AFTER INSERT ON person_tag
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_tag_update AFTER UPDATE ON person_tag
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_tag_delete AFTER DELETE ON person_tag
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_place_update
AFTER UPDATE OF unit_id, records_exits, default_stay_s ON place
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_place_delete AFTER DELETE ON place
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_checkpoint_update AFTER UPDATE OF place_id ON checkpoint
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER memo_epoch_checkpoint_delete AFTER DELETE ON checkpoint
BEGIN UPDATE memo_epoch SET n = n + 1 WHERE id = 1; END;
