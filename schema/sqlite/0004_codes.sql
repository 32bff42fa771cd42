-- 0004_codes — 2026-11-29: codes that can be scanned (issue 5; docs/codes.md):
-- personal passes (出入证) and place codes (场所码).
--
-- A pass is issued to a person for a place, valid on the local dates
-- valid_from..valid_to inclusive (INTEGER days since 1970-01-01 in the
-- deployment's zone).  Its id is the serial signed into its QR payload, so
-- a pass is verified without the database; revocation is the one fact that
-- needs it, and the server keeps the revoked ids in memory.  A place code
-- is one unguessable token per checkpoint (43 characters of base64url, 256
-- random bits); rotating it replaces the token, so posters printed before
-- stop working.  Instants are INTEGER seconds since the epoch UTC.

CREATE TABLE pass (
	id            INTEGER PRIMARY KEY,   -- also the serial in the signed payload
	person_id     INTEGER NOT NULL REFERENCES person(id),
	place_id      INTEGER NOT NULL REFERENCES place(id),
	valid_from    INTEGER NOT NULL,      -- local date, first day valid
	valid_to      INTEGER NOT NULL,      -- local date, last day valid
	issued_at     INTEGER NOT NULL,
	issued_by     TEXT NOT NULL,         -- username, or "cli"
	revoked_at    INTEGER,               -- NULL: not revoked
	revoked_by    TEXT,
	revoke_reason TEXT CHECK (revoke_reason IS NULL OR length(revoke_reason) <= 200),
	CHECK (valid_from >= 0 AND valid_to >= valid_from AND valid_to - valid_from < 366),
	CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
) STRICT;
CREATE INDEX pass_by_person ON pass (person_id, id);
CREATE INDEX pass_by_revoked ON pass (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE place_code (
	checkpoint_id INTEGER PRIMARY KEY REFERENCES checkpoint(id),
	token         TEXT NOT NULL UNIQUE CHECK (length(token) = 43),
	created_at    INTEGER NOT NULL       -- when this token was made (first issue or rotation)
) STRICT;
