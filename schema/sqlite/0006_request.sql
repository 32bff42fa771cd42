-- 0006_request — 2026-11-29: service requests pushed through departments
-- (DESIGN.md §2 `request`, §4 "Service requests"; issue 8; src/domain/request.h).
--
-- A service is a category of request with a stable code, a default
-- department and response / resolution times in working days; its
-- attributes are the questions of its Open311 service definition.  A
-- service request comes from a unit or person, has a status, keeps the
-- working days of its service as they were when it was made and its due
-- dates as local dates; referrals send it to departments; every change is a
-- row of request_update.  The working-day calendar keeps, per loaded year,
-- the days that differ from "Monday to Friday" (holidays off, make-up
-- working days).  Instants are INTEGER seconds since the epoch UTC, local
-- dates INTEGER days since 1970-01-01, booleans INTEGER 0/1.

CREATE TABLE service (
	id              INTEGER PRIMARY KEY,
	code            TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
	name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	name_en         TEXT NOT NULL DEFAULT '',
	description     TEXT NOT NULL DEFAULT '',
	group_name      TEXT NOT NULL DEFAULT '',
	keywords        TEXT NOT NULL DEFAULT '',
	department_id   INTEGER REFERENCES department(id),
	response_days   INTEGER NOT NULL CHECK (response_days BETWEEN 0 AND 365),
	resolution_days INTEGER NOT NULL CHECK (resolution_days BETWEEN 1 AND 365),
	active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	position        INTEGER NOT NULL
) STRICT;

CREATE TABLE service_attribute (
	id          INTEGER PRIMARY KEY,
	service_id  INTEGER NOT NULL REFERENCES service(id),
	code        TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
	datatype    TEXT NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text',
	                                              'singlevaluelist', 'multivaluelist')),
	required    INTEGER NOT NULL CHECK (required IN (0, 1)),
	description TEXT NOT NULL,
	position    INTEGER NOT NULL,
	UNIQUE (service_id, code)
) STRICT;

CREATE TABLE service_attribute_value (
	attribute_id INTEGER NOT NULL REFERENCES service_attribute(id),
	position     INTEGER NOT NULL,
	key          TEXT NOT NULL,
	name         TEXT NOT NULL,
	PRIMARY KEY (attribute_id, key)
) STRICT;

-- Years whose marked days have been loaded, and the marked days.
CREATE TABLE calendar_year (
	year      INTEGER PRIMARY KEY CHECK (year BETWEEN 1900 AND 2200),
	source    TEXT NOT NULL DEFAULT '',
	loaded_at INTEGER NOT NULL
) STRICT;

CREATE TABLE calendar_day (
	day     INTEGER PRIMARY KEY,       -- local date
	year    INTEGER NOT NULL REFERENCES calendar_year(year),
	working INTEGER NOT NULL CHECK (working IN (0, 1)),
	name    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX calendar_day_by_year ON calendar_day (year);

CREATE TABLE service_request (
	id                  INTEGER PRIMARY KEY,
	service_id          INTEGER NOT NULL REFERENCES service(id),
	unit_id             INTEGER REFERENCES unit(id),
	person_id           INTEGER REFERENCES person(id),
	reporter_name       TEXT NOT NULL DEFAULT '',
	description         TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
	address             TEXT NOT NULL DEFAULT '',
	place_id            INTEGER REFERENCES place(id),
	lat_e6              INTEGER,       -- WGS 84, millionths of a degree
	lon_e6              INTEGER,
	reported_at         INTEGER NOT NULL,
	reported_at_assumed INTEGER NOT NULL DEFAULT 0 CHECK (reported_at_assumed IN (0, 1)),
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	priority            TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	status              TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'referred',
	                        'in_progress', 'replied', 'resolved', 'rejected', 'duplicate',
	                        'closed')),
	status_at           INTEGER NOT NULL,
	source              TEXT NOT NULL CHECK (source IN ('api', 'open311', 'cli', 'visit', 'demo')),
	origin              TEXT NOT NULL DEFAULT '',
	duplicate_of        INTEGER REFERENCES service_request(id),
	response_days       INTEGER NOT NULL,
	resolution_days     INTEGER NOT NULL,
	receipt_day         INTEGER NOT NULL,  -- local date the count starts after
	response_due        INTEGER NOT NULL,  -- local date
	resolution_due      INTEGER NOT NULL,  -- local date
	CHECK ((lat_e6 IS NULL) = (lon_e6 IS NULL))
) STRICT;
CREATE INDEX request_by_unit ON service_request (unit_id, id);
CREATE INDEX request_by_service ON service_request (service_id, id);
CREATE INDEX request_by_reported ON service_request (reported_at);
CREATE INDEX request_by_status ON service_request (status, resolution_due);
CREATE INDEX request_by_origin ON service_request (origin);

CREATE TABLE request_attribute (
	request_id INTEGER NOT NULL REFERENCES service_request(id),
	code       TEXT NOT NULL,
	value      TEXT NOT NULL,
	PRIMARY KEY (request_id, code)
) STRICT;

CREATE TABLE referral (
	id            INTEGER PRIMARY KEY,
	request_id    INTEGER NOT NULL REFERENCES service_request(id),
	department_id INTEGER NOT NULL REFERENCES department(id),
	sent_at       INTEGER NOT NULL,
	due_days      INTEGER NOT NULL CHECK (due_days BETWEEN 0 AND 365),
	due_on        INTEGER NOT NULL,  -- local date
	replied_at    INTEGER,
	reply         TEXT,
	outcome       TEXT CHECK (outcome IN ('solved', 'answered', 'partly', 'declined')),
	UNIQUE (request_id, department_id),
	CHECK ((replied_at IS NULL) = (reply IS NULL))
) STRICT;
CREATE INDEX referral_by_department ON referral (department_id, due_on);

-- The history.  from_status / to_status are equal when nothing was asked
-- to change; applied is 0 for an update older than the last state change.
CREATE TABLE request_update (
	id            INTEGER PRIMARY KEY,
	request_id    INTEGER NOT NULL REFERENCES service_request(id),
	at            INTEGER NOT NULL,
	recorded_at   INTEGER NOT NULL,
	user_id       INTEGER REFERENCES app_user(id),
	author        TEXT NOT NULL,
	department_id INTEGER REFERENCES department(id),
	kind          TEXT NOT NULL CHECK (kind IN ('create', 'status', 'comment', 'refer', 'reply',
	                                           'due')),
	from_status   TEXT NOT NULL,
	to_status     TEXT NOT NULL,
	applied       INTEGER NOT NULL CHECK (applied IN (0, 1)),
	comment       TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
	referral_id   INTEGER REFERENCES referral(id)
) STRICT;
CREATE INDEX update_by_request ON request_update (request_id, at, id);

-- The services shipped (issue 8's categories).  Codes are stable; names,
-- departments and times may be edited.  Departments are set by the
-- deployment (the demo sets accommodation's).
INSERT INTO service (code, name, name_en, description, group_name, keywords, response_days,
    resolution_days, position) VALUES
('accommodation', '住宿和后勤保障', 'Accommodation and logistics',
 '住宿、餐饮、场地等后勤保障方面的困难', '企业服务', '住宿,宾馆,酒店,后勤', 1, 10, 1),
('staffing', '用工和交通运输', 'Staffing and transport',
 '员工返岗、招工、通勤和货物运输方面的困难', '企业服务', '用工,返岗,交通,运输,物流', 1, 10, 2),
('supplies', '防疫物资', 'Supplies',
 '口罩、酒精、消毒液等防疫物资短缺', '疫情防控', '口罩,酒精,消毒液,物资', 1, 5, 3),
('permits', '审批和许可', 'Permits and approvals',
 '复工审批、证照办理等行政审批事项', '企业服务', '审批,许可,复工,证照', 1, 10, 4),
('finance', '金融和资金', 'Finance',
 '贷款、资金周转、税费减免等', '企业服务', '贷款,资金,税费,补贴', 1, 10, 5),
('livelihood', '民生保障', 'Livelihood',
 '居民生活必需品、就医、就学等困难', '保障民生', '生活,就医,就学,困难', 1, 5, 6),
('other', '其他', 'Other', '其他诉求', '', '', 1, 10, 7);

-- Questions of the service definitions: how many people to house and which
-- item is short (optional), which approval (required: nothing can be done
-- without knowing it).
INSERT INTO service_attribute (service_id, code, datatype, required, description, position)
SELECT id, 'headcount', 'number', 0, '需要安排的人数', 1 FROM service WHERE code = 'accommodation';
INSERT INTO service_attribute (service_id, code, datatype, required, description, position)
SELECT id, 'item', 'string', 0, '短缺的物资名称', 1 FROM service WHERE code = 'supplies';
INSERT INTO service_attribute (service_id, code, datatype, required, description, position)
SELECT id, 'approval', 'singlevaluelist', 1, '审批事项', 1 FROM service WHERE code = 'permits';
INSERT INTO service_attribute_value (attribute_id, position, key, name)
SELECT a.id, 1, 'resumption', '复工复产备案' FROM service_attribute a JOIN service s
    ON s.id = a.service_id WHERE s.code = 'permits' AND a.code = 'approval';
INSERT INTO service_attribute_value (attribute_id, position, key, name)
SELECT a.id, 2, 'licence', '证照办理' FROM service_attribute a JOIN service s
    ON s.id = a.service_id WHERE s.code = 'permits' AND a.code = 'approval';
INSERT INTO service_attribute_value (attribute_id, position, key, name)
SELECT a.id, 3, 'other', '其他审批' FROM service_attribute a JOIN service s
    ON s.id = a.service_id WHERE s.code = 'permits' AND a.code = 'approval';
