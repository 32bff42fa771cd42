-- 0002_auth — 2026-11-29: users and roles, sessions, API tokens, sign-in
-- attempts, departments and the audit log (DESIGN.md §1; issue 3 "Users,
-- roles, scope" and "Audit"; docs/roles.md).
--
-- A user has one role; leaders and members belong to a work group, a unit
-- liaison to a unit, a department liaison to a department, and checkpoint
-- attendants to the checkpoints listed in checkpoint_attendant.  Passwords
-- are libsodium crypto_pwhash_str strings (Argon2id).  Session and API
-- tokens are stored only as their keyed hash (crypt_token_hash, subkey 4 of
-- the key file).  The audit log is append-only: triggers refuse every
-- UPDATE and DELETE.  Instants are INTEGER seconds since the epoch UTC.

CREATE TABLE department (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
	name_sort  BLOB NOT NULL,           -- ICU "zh" collation key (docs/text.md)
	kind       TEXT NOT NULL CHECK (kind IN ('government', 'town')),
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE app_user (
	id                  INTEGER PRIMARY KEY,
	username            TEXT NOT NULL CHECK (length(username) BETWEEN 3 AND 64
	                        AND username NOT GLOB '*[^A-Za-z0-9._-]*'),
	username_key        TEXT NOT NULL UNIQUE CHECK (username_key = lower(username)),
	display_name        TEXT NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
	role                TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'member', 'checkpoint',
	                                                  'unit', 'department', 'auditor')),
	group_id            INTEGER REFERENCES work_group(id),
	unit_id             INTEGER REFERENCES unit(id),
	department_id       INTEGER REFERENCES department(id),
	password_hash       TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
	disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at          INTEGER NOT NULL,
	password_changed_at INTEGER NOT NULL,
	-- Exactly the link the role needs, and no other.
	CHECK ((role IN ('leader', 'member')) = (group_id IS NOT NULL)),
	CHECK ((role = 'unit') = (unit_id IS NOT NULL)),
	CHECK ((role = 'department') = (department_id IS NOT NULL))
) STRICT;

CREATE TABLE checkpoint_attendant (
	user_id       INTEGER NOT NULL REFERENCES app_user(id),
	checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id),
	PRIMARY KEY (user_id, checkpoint_id)
) STRICT;
CREATE INDEX attendant_by_checkpoint ON checkpoint_attendant (checkpoint_id);

-- A browser session.  expires_at is the absolute end (created_at + 7 days);
-- the session also ends 12 hours after last_seen_at (idle).
CREATE TABLE session (
	id           INTEGER PRIMARY KEY,
	token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	csrf_token   TEXT NOT NULL,
	user_id      INTEGER NOT NULL REFERENCES app_user(id),
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	ip           TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX session_by_user ON session (user_id);
CREATE INDEX session_by_expiry ON session (expires_at);

CREATE TABLE api_token (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES app_user(id),
	name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	prefix       TEXT NOT NULL,         -- the token's first 8 characters, for display
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER,               -- NULL: never
	revoked_at   INTEGER,               -- NULL: not revoked
	last_used_at INTEGER                -- NULL: never used
) STRICT;
CREATE INDEX api_token_by_user ON api_token (user_id);

-- Every verified sign-in attempt, for the rate limits (kept in the database
-- so that several processes share them).  username_key is "" when the
-- name typed was not a well-formed username.
CREATE TABLE login_attempt (
	id           INTEGER PRIMARY KEY,
	username_key TEXT NOT NULL,
	ip           TEXT NOT NULL DEFAULT '',
	at           INTEGER NOT NULL,
	ok           INTEGER NOT NULL CHECK (ok IN (0, 1))
) STRICT;
CREATE INDEX login_attempt_by_user ON login_attempt (username_key, at);
CREATE INDEX login_attempt_by_ip ON login_attempt (ip, at);
CREATE INDEX login_attempt_by_at ON login_attempt (at);

-- The audit log.  user_id has no foreign key on purpose: an event must
-- outlive any change to users, and username keeps the name as it was.
CREATE TABLE audit_event (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	user_id     INTEGER,
	username    TEXT NOT NULL,          -- as it was, or "cli" for the command line
	ip          TEXT,
	action      TEXT NOT NULL,          -- e.g. "unit.create", "person.reveal"
	object_type TEXT,
	object_id   INTEGER,
	detail      TEXT CHECK (detail IS NULL OR json_valid(detail)),
	request_id  TEXT
) STRICT;
CREATE INDEX audit_by_user ON audit_event (user_id, id);
CREATE INDEX audit_by_object ON audit_event (object_type, object_id, id);
CREATE INDEX audit_by_at ON audit_event (at);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
	SELECT RAISE(ABORT, 'audit events cannot be changed or deleted');
END;

CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
	SELECT RAISE(ABORT, 'audit events cannot be changed or deleted');
END;
