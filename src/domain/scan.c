/*
 * scan — checking, screening and writing scans (the lists and daily counts
 * are scan_list.c).
 *
 * The `kind` column packs direction (bit 0), decision (bits 1-2), stay
 * role (bits 3-4) and source (bits 5-7): schema/sqlite/0003_checkpoint.sql.
 * Invariants kept here: every stay row (stay_s not NULL) is an entry scan
 * whose role is SROLE_OPENS or SROLE_OPENS_RECORDED; a person's stays at a
 * place never overlap (stay_plan); a refused scan writes nothing.
 */
#include "domain/scan.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/cachegen.h"
#include "core/datetime.h"
#include "core/idmap.h"
#include "core/text.h"
#include "domain/alert.h"
#include "domain/outsider.h"
#include "domain/retention.h"
#include "domain/scan_int.h"

#define CLASS_ID  "person.id_number"   /* as domain/person.c hashes identity numbers */
#define CLASS_KEY "scan.key"
#define KEY_FP_MASK ((INT64_C(1) << 47) - 1)
#define CHECKPOINT_CACHE_SLOTS 512     /* per thread (scan_prepare_defer) */

enum {
	Q_CHECKPOINT, Q_PERSON_BY_HASH, Q_PERSON_BY_ID,
	Q_INSERT, Q_STAY_UPDATE, Q_COUNTER, Q_ALERT_OF, Q_MEMO_CHECKPOINTS, Q_MEMO_PEOPLE,
};

/* The person's tags as TAG_* bits, in the order of screening.h. */
#define TAG_BITS_OF_T \
	"coalesce(sum(CASE t.tag WHEN 'resident' THEN 1 WHEN 'staff' THEN 2" \
	" WHEN 'outsider' THEN 4 WHEN 'home_quarantine' THEN 8 WHEN 'living_alone' THEN 16" \
	" WHEN 'elderly' THEN 32 WHEN 'disabled' THEN 64 WHEN 'key_group' THEN 128 ELSE 0 END), 0)"
#define TAG_BITS "(SELECT " TAG_BITS_OF_T " FROM person_tag t WHERE t.person_id = p.id)"

static const char *const scan_sql[] = {
	/* ?4 checkpoint (an attendant: one they attend) */
	[Q_CHECKPOINT] =
	"SELECT c.place_id, p.unit_id, p.records_exits, p.default_stay_s"
	" FROM checkpoint c JOIN place p ON p.id = c.place_id"
	" WHERE c.id = ?4 AND " SCOPE_CHECKPOINT("p.unit_id", "c.id"),
	/* the person and the bits of their tags (TAG_* of screening.h) */
	[Q_PERSON_BY_HASH] =
	"SELECT p.id, p.name, p.unit_id, p.id_number_mask, " TAG_BITS
	" FROM person p WHERE p.id_number_hash = ?1",
	[Q_PERSON_BY_ID] =
	"SELECT p.id, p.name, p.unit_id, p.id_number_mask, " TAG_BITS " FROM person p WHERE p.id = ?1",
	[Q_INSERT] =
	"INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind, temperature, reasons,"
	" operator_id, stay_s, key_fp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	/* ?3 stay length (NULL: no longer a stay), ?4 the new role bits */
	[Q_STAY_UPDATE] =
	"UPDATE scan SET stay_s = ?3, kind = (kind & 231) | ?4 WHERE place_id = ?1 AND id = ?2",
	[Q_COUNTER] =
	"UPDATE id_counter SET last = last + ?2 WHERE name = ?1 RETURNING last",
	[Q_ALERT_OF] =
	"SELECT id FROM alert WHERE place_id = ?1 AND scan_id = ?2 ORDER BY id LIMIT 1",
	/* scan_memo_preload: Q_CHECKPOINT and Q_PERSON_BY_ID for every id of
	 * bulk_key, by kind (k1) */
	[Q_MEMO_CHECKPOINTS] =
	"SELECT c.id, c.place_id, p.unit_id, p.records_exits, p.default_stay_s"
	" FROM " STORE_KEYS_TABLE " k JOIN checkpoint c ON c.id = k.k2"
	" JOIN place p ON p.id = c.place_id"
	" WHERE k.k1 = 2 AND " SCOPE_CHECKPOINT("p.unit_id", "c.id"),
	[Q_MEMO_PEOPLE] =
	"SELECT p.id, p.name, p.unit_id, p.id_number_mask, " TAG_BITS_OF_T
	" FROM " STORE_KEYS_TABLE " k JOIN person p ON p.id = k.k2"
	" LEFT JOIN person_tag t ON t.person_id = p.id"
	" WHERE k.k1 = 1 GROUP BY p.id, p.name, p.unit_id, p.id_number_mask",
};

static const char *const source_names[SCAN_SRC__COUNT] = {
	"attendant", "self_checkin", "pass", "import",
};

static void
bind_opt(store_stmt *st, int i, int64_t v)
{
	if (v != 0)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

/* ---- names and settings ----------------------------------------------------- */

void
scan_settings_of(const sj_config *cfg, scan_settings *out)
{
	out->fever_threshold = cfg->fever_threshold;
	out->reentry_s = cfg->reentry_window;
}

sj_rc
scan_direction_parse(const char *s, scan_direction *out, sj_err *e)
{
	if (s && strcmp(s, "in") == 0)
		*out = SCAN_IN;
	else if (s && strcmp(s, "out") == 0)
		*out = SCAN_OUT;
	else
		return sj_fail(e, SJ_EINVAL, "direction", "must be in or out");
	return SJ_OK;
}

const char *
scan_direction_name(scan_direction d)
{
	return d == SCAN_OUT ? "out" : "in";
}

sj_rc
scan_source_parse(const char *s, scan_source *out, sj_err *e)
{
	for (int i = 0; s && i < SCAN_SRC__COUNT; i++)
		if (strcmp(source_names[i], s) == 0) {
			*out = (scan_source)i;
			return SJ_OK;
		}
	return sj_fail(e, SJ_EINVAL, "source",
	    "must be one of attendant, self_checkin, pass, import");
}

const char *
scan_source_name(scan_source s)
{
	return (int)s >= 0 && s < SCAN_SRC__COUNT ? source_names[s] : "?";
}

/* ---- the memo of bulk import -------------------------------------------------- */

typedef struct memo_cp {
	int64_t place_id, unit_id, default_stay_s;
	bool records_exits;
} memo_cp;

typedef struct memo_person {
	int64_t person_id, unit_id;
	unsigned tags;
	size_t name_at, mask_at;   /* offsets in text (NUL-terminated) */
	uint16_t name_n, mask_n;   /* their lengths, NUL included (< the scan_prepared fields) */
	bool by_hash;              /* found by hash: in hash_ix */
	unsigned char hash[CRYPT_HASH_BYTES];  /* then the identity number's keyed hash */
} memo_person;

struct scan_memo {
	idmap cp_ix, person_ix;    /* id → index + 1 */
	idmap hash_ix;             /* hash_key(identity number's hash) → index + 1 */
	memo_cp *cps;
	memo_person *people;
	size_t n_cps, cap_cps, n_people, cap_people;
	char *text;
	size_t n_text, cap_text;
	pair_memo *pairs;          /* the scan writer's (scan_pairs.c); NULL until used */
};

scan_memo *
scan_memo_new(void)
{
	return sj_calloc(1, sizeof(scan_memo));
}

void
scan_memo_clear(scan_memo *m)
{
	if (m == NULL)
		return;
	idmap_clear(&m->cp_ix);
	idmap_clear(&m->person_ix);
	idmap_clear(&m->hash_ix);
	m->n_cps = m->n_people = m->n_text = 0;
	pair_memo_clear(m->pairs);
}

void
scan_memo_forget_writes(scan_memo *m)
{
	if (m)
		pair_memo_clear(m->pairs);
}

uint64_t
scan_memo_pair_hits(const scan_memo *m)
{
	return m ? pair_memo_hits(m->pairs) : 0;
}

pair_memo *
scan_memo_pairs(scan_memo *m)
{
	if (m == NULL)
		return NULL;
	if (m->pairs == NULL)
		m->pairs = pair_memo_new();
	return m->pairs;
}

void
scan_memo_free(scan_memo *m)
{
	if (m == NULL)
		return;
	idmap_free(&m->cp_ix);
	idmap_free(&m->person_ix);
	idmap_free(&m->hash_ix);
	free(m->cps);
	free(m->people);
	free(m->text);
	pair_memo_free(m->pairs);
	free(m);
}

static size_t
memo_text(scan_memo *m, const char *s)
{
	size_t n = strlen(s) + 1, at = m->n_text;

	if (m->n_text + n > m->cap_text) {
		m->cap_text = 2 * (m->cap_text + n);
		m->text = sj_realloc(m->text, m->cap_text);
	}
	memcpy(m->text + at, s, n);
	m->n_text += n;
	return at;
}

static void
memo_put_cp(scan_memo *m, const scan_prepared *p)
{
	if (m->n_cps == m->cap_cps) {
		m->cap_cps = m->cap_cps ? 2 * m->cap_cps : 64;
		m->cps = sj_realloc(m->cps, m->cap_cps * sizeof *m->cps);
	}
	m->cps[m->n_cps++] = (memo_cp){ p->place_id, p->unit_id, p->rules.default_stay_s,
	    p->rules.records_exits };
	idmap_put(&m->cp_ix, p->checkpoint_id, (int64_t)m->n_cps);
}

static bool
memo_get_cp(const scan_memo *m, int64_t id, scan_prepared *p)
{
	int64_t ix = m ? idmap_get(&m->cp_ix, id) : 0;
	const memo_cp *c;

	if (ix == 0)
		return false;
	c = &m->cps[ix - 1];
	p->checkpoint_id = id;
	p->place_id = c->place_id;
	p->unit_id = c->unit_id;
	p->rules.default_stay_s = c->default_stay_s;
	p->rules.records_exits = c->records_exits;
	return true;
}

size_t
scan_memo_people(const scan_memo *m)
{
	return m ? m->n_people : 0;
}

/* The idmap key of an identity number's keyed hash: its first 63 bits (a
 * hit is then checked against the whole hash). */
static int64_t
hash_key(const unsigned char h[CRYPT_HASH_BYTES])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return (int64_t)(v >> 1);
}

/* Memoise the person of p; by_hash: found by p->id_hash, which is kept. */
static void
memo_put_person(scan_memo *m, const scan_prepared *p, int64_t unit_id, unsigned tags,
    bool by_hash)
{
	memo_person *r;

	if (m->n_people == m->cap_people) {
		m->cap_people = m->cap_people ? 2 * m->cap_people : 256;
		m->people = sj_realloc(m->people, m->cap_people * sizeof *m->people);
	}
	r = &m->people[m->n_people++];
	*r = (memo_person){ .person_id = p->person_id, .unit_id = unit_id, .tags = tags,
	    .name_at = memo_text(m, p->person_name), .mask_at = memo_text(m, p->id_number_mask),
	    .name_n = (uint16_t)strnlen(p->person_name, sizeof p->person_name - 1) + 1,
	    .mask_n = (uint16_t)strnlen(p->id_number_mask, sizeof p->id_number_mask - 1) + 1,
	    .by_hash = by_hash };
	idmap_put(&m->person_ix, p->person_id, (int64_t)m->n_people);
	if (by_hash) {
		memcpy(r->hash, p->id_hash, sizeof r->hash);
		idmap_put(&m->hash_ix, hash_key(p->id_hash), (int64_t)m->n_people);
	}
}

/* The memoised person with id (id > 0), or with p->id_hash (id 0), into
 * p, *unit_id and *tags; false when not memoised. */
static bool
memo_get_person(const scan_memo *m, int64_t id, scan_prepared *p, int64_t *unit_id,
    unsigned *tags)
{
	int64_t ix = m == NULL ? 0 : id > 0 ? idmap_get(&m->person_ix, id) :
	    idmap_get(&m->hash_ix, hash_key(p->id_hash));
	const memo_person *r;

	if (ix == 0)
		return false;
	r = &m->people[ix - 1];
	if (id == 0 && (!r->by_hash || memcmp(r->hash, p->id_hash, sizeof r->hash) != 0))
		return false;  /* another number with the same first 63 bits */
	p->person_id = r->person_id;
	*unit_id = r->unit_id;
	*tags = r->tags;
	/* copied with their known lengths: once a row of a bulk import */
	memcpy(p->person_name, m->text + r->name_at, r->name_n);
	p->person_name[r->name_n - 1] = '\0';
	memcpy(p->id_number_mask, m->text + r->mask_at, r->mask_n);
	p->id_number_mask[r->mask_n - 1] = '\0';
	return true;
}

static void person_columns(store_stmt *st, scan_prepared *p, int64_t *unit_id, unsigned *tags);

/* Memoise the person of st's current row (Q_PERSON_BY_ID's columns). */
static void
memo_put_row(scan_memo *m, store_stmt *st)
{
	scan_prepared p;
	int64_t unit_id;
	unsigned tags;

	memset(&p, 0, sizeof p);
	person_columns(st, &p, &unit_id, &tags);
	if (idmap_get(&m->person_ix, p.person_id) == 0)
		memo_put_person(m, &p, unit_id, tags, false);
}

_Static_assert(SCAN_MEMO_PERSON == 1 && SCAN_MEMO_CHECKPOINT == 2,
    "Q_MEMO_PEOPLE and Q_MEMO_CHECKPOINTS name the kinds by number");

sj_rc
scan_memo_preload(store *s, const scope *sc, scan_memo *m, const store_key *keys, size_t n,
    sj_err *e)
{
	scan_prepared p;
	store_stmt *st;
	bool row;
	sj_rc rc;

	if (n == 0)
		return SJ_OK;
	if ((rc = store_keys_load(s, keys, n, e)) != SJ_OK ||
	    (rc = store_prepare(s, scan_sql[Q_MEMO_CHECKPOINTS], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		memset(&p, 0, sizeof p);
		p.checkpoint_id = store_col_int(st, 0);
		p.place_id = store_col_int(st, 1);
		p.unit_id = store_col_int(st, 2);
		p.rules.records_exits = store_col_int(st, 3) != 0;
		p.rules.default_stay_s = store_col_int(st, 4);
		if (idmap_get(&m->cp_ix, p.checkpoint_id) == 0)
			memo_put_cp(m, &p);
	}
	if (rc != SJ_OK || (rc = store_prepare(s, scan_sql[Q_MEMO_PEOPLE], &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		memo_put_row(m, st);
	return rc;
}

sj_rc
scan_memo_load_people(store *s, const int64_t *ids, size_t n, scan_memo *m, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, scan_sql[Q_PERSON_BY_ID], &st, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n && rc == SJ_OK; i++) {
		if (ids[i] <= 0 || idmap_get(&m->person_ix, ids[i]) != 0)
			continue;
		store_bind_int(st, 1, ids[i]);
		if ((rc = store_step(st, &row, e)) == SJ_OK && row)
			memo_put_row(m, st);
		store_reset(st);
	}
	return rc;
}

/* ---- preparing ---------------------------------------------------------------- */

static int
ymd_of(int64_t t)
{
	int y, m, d;

	dt_date_to_ymd(dt_date_of(t), &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

static sj_rc
prepare_checkpoint(store *s, const scope *sc, int64_t id, scan_prepared *p, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, scan_sql[Q_CHECKPOINT], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "checkpoint", "no checkpoint with id %lld",
		    (long long)id);
	p->checkpoint_id = id;
	p->place_id = store_col_int(st, 0);
	p->unit_id = store_col_int(st, 1);
	p->rules.records_exits = store_col_int(st, 2) != 0;
	p->rules.default_stay_s = store_col_int(st, 3);
	store_reset(st);
	return SJ_OK;
}

/* A checkpoint as one scope saw it (scan_prepare_defer). */
typedef struct checkpoint_cached_entry {
	uint64_t generation;       /* cachegen_now() when read; 0 = empty */
	int64_t until;             /* seconds since the epoch */
	scope sc;
	int64_t checkpoint_id, place_id, unit_id;
	stay_rules rules;
} checkpoint_cached_entry;

static _Thread_local checkpoint_cached_entry tl_checkpoints[CHECKPOINT_CACHE_SLOTS];

static bool
scope_same(const scope *a, const scope *b)
{
	return a->role == b->role && a->user_id == b->user_id && a->group_id == b->group_id &&
	    a->unit_id == b->unit_id && a->department_id == b->department_id;
}

/* prepare_checkpoint through this thread's cache.  Only found checkpoints
 * are kept: an unknown or out-of-scope id is asked of the store each time. */
static sj_rc
checkpoint_cached(store *s, const scope *sc, int64_t id, scan_prepared *p, sj_err *e)
{
	checkpoint_cached_entry *c =
	    &tl_checkpoints[(uint64_t)(id * 31 + sc->user_id) % CHECKPOINT_CACHE_SLOTS];
	uint64_t gen = cachegen_now();
	int64_t now = dt_now();
	sj_rc rc;

	if (c->generation == gen && now < c->until && c->checkpoint_id == id &&
	    scope_same(&c->sc, sc)) {
		p->checkpoint_id = id;
		p->place_id = c->place_id;
		p->unit_id = c->unit_id;
		p->rules.records_exits = c->rules.records_exits;
		p->rules.default_stay_s = c->rules.default_stay_s;
		return SJ_OK;
	}
	if ((rc = prepare_checkpoint(s, sc, id, p, e)) != SJ_OK)
		return rc;
	memset(c, 0, sizeof *c);
	c->sc = *sc;
	c->checkpoint_id = id;
	c->place_id = p->place_id;
	c->unit_id = p->unit_id;
	c->rules = p->rules;
	c->until = now + CACHEGEN_TTL_S;
	c->generation = gen;
	return SJ_OK;
}

static sj_rc
check_time(const scan_input *in, int64_t now, int64_t *at, sj_err *e)
{
	char t[DT_RFC3339_LEN];

	*at = in->at ? in->at : now;
	if (*at > now + SCAN_FUTURE_S) {
		dt_format_rfc3339(*at, t);
		return sj_fail(e, SJ_EINVAL, "time", "%s is in the future", t);
	}
	if (in->source != SCAN_SRC_IMPORT && *at < now - SCAN_PAST_S) {
		dt_format_rfc3339(*at, t);
		return sj_fail(e, SJ_EINVAL, "time", "%s is more than a year ago; import old "
		    "registrations instead", t);
	}
	return SJ_OK;
}

/* The idempotency key's fingerprint: 47 bits of its keyed hash, never 0. */
static sj_rc
key_fingerprint(const crypt_keys *k, const char *key, int64_t *fp, sj_err *e)
{
	unsigned char h[CRYPT_HASH_BYTES];
	uint64_t v = 0;
	sj_rc rc;

	*fp = 0;
	if (key == NULL)
		return SJ_OK;
	if (*key == '\0' || strlen(key) > SCAN_KEY_MAX)
		return sj_fail(e, SJ_EINVAL, "idempotency_key", "must be 1 to %d bytes", SCAN_KEY_MAX);
	if ((rc = text_check_utf8(key, strlen(key), "idempotency_key", TEXT_SINGLE_LINE, e)) != SJ_OK)
		return rc;
	crypt_lookup_hash(k, CLASS_KEY, key, h);
	for (int i = 0; i < 6; i++)
		v = v << 8 | h[i];
	*fp = (int64_t)(v & (uint64_t)KEY_FP_MASK);
	if (*fp == 0)
		*fp = 1;
	return SJ_OK;
}

/* The person row at the statement's current row into p, their unit and
 * their tags. */
static void
person_columns(store_stmt *st, scan_prepared *p, int64_t *unit_id, unsigned *tags)
{
	const char *name = store_col_text(st, 1), *mask = store_col_text(st, 3);

	p->person_id = store_col_int(st, 0);
	*unit_id = store_col_int(st, 2);
	*tags = (unsigned)store_col_int(st, 4);
	if (name == NULL || ident_name_mask(name, p->person_name, sizeof p->person_name, NULL) != SJ_OK)
		p->person_name[0] = '\0';
	snprintf(p->id_number_mask, sizeof p->id_number_mask, "%s", mask ? mask : "");
}

/* Check the who of in: a person id, or an identity number in a form
 * ident_id_normalise accepts, whose mask goes to p->id_number_mask and
 * keyed hash to p->id_hash. */
static sj_rc
person_key(const crypt_keys *k, const scan_input *in, int64_t now, scan_prepared *p, sj_err *e)
{
	char canon[IDENT_ID_SIZE];
	sj_rc rc;

	if (in->person_id > 0) {
		p->person_id = in->person_id;
		return SJ_OK;
	}
	if (in->id_number == NULL)
		return sj_fail(e, SJ_EINVAL, "id_number", "is required: type the identity "
		    "number or scan a code");
	if ((rc = ident_id_normalise(in->id_number, ymd_of(now), canon, e)) != SJ_OK)
		return rc;
	ident_id_mask(canon, p->id_number_mask, sizeof p->id_number_mask, NULL);
	crypt_lookup_hash(k, CLASS_ID, canon, p->id_hash);
	return SJ_OK;
}

/* Find the person of person_key: by p->person_id when set, else by
 * p->id_hash.  *found false (not an error) for a valid number of no
 * registered person; an unknown id is SJ_ENOTFOUND ("person_id"). */
static sj_rc
find_person(store *s, scan_memo *memo, scan_prepared *p, bool *found, int64_t *unit_id,
    unsigned *tags, sj_err *e)
{
	int64_t want = p->person_id;
	store_stmt *st;
	bool row;
	sj_rc rc;

	*found = false;
	if (memo_get_person(memo, want, p, unit_id, tags)) {
		*found = true;
		return SJ_OK;
	}
	if (want > 0) {
		if ((rc = store_prepare(s, scan_sql[Q_PERSON_BY_ID], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, want);
	} else {
		if ((rc = store_prepare(s, scan_sql[Q_PERSON_BY_HASH], &st, e)) != SJ_OK)
			return rc;
		store_bind_blob(st, 1, p->id_hash, sizeof p->id_hash);
	}
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row) {
		if (want > 0)
			return sj_fail(e, SJ_ENOTFOUND, "person_id", "no person with id %lld",
			    (long long)want);
		return SJ_OK;
	}
	person_columns(st, p, unit_id, tags);
	store_reset(st);
	*found = true;
	if (memo)
		memo_put_person(memo, p, *unit_id, *tags, want == 0);
	return SJ_OK;
}

/* Gather the facts and decide (domain/screening.h). */
static sj_rc
screen(store *s, int fever_threshold, scan_prepared *p, bool found, int64_t unit_id,
    unsigned tags, sj_err *e)
{
	screening_facts f = { .exit = p->direction == SCAN_OUT, .temperature = p->temperature,
	    .person_known = found, .tags = tags };
	sj_rc rc;

	if (found) {
		f.outsider = (f.tags & TAG_OUTSIDER) || unit_id != p->unit_id;
		if (f.outsider && !f.exit &&
		    (rc = outsider_is_registered(s, p->person_id, p->unit_id, p->at, &f.registered,
		    e)) != SJ_OK)
			return rc;
	}
	screening_decide(&f, fever_threshold, &p->decision, &p->reasons);
	return SJ_OK;
}

/* Everything of scan_prepare but finding the person and screening;
 * checkpoint is prepare_checkpoint or its cached form. */
static sj_rc
prepare_common(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    const scan_input *in, int64_t now, scan_prepared *out, bool cached, sj_err *e)
{
	sj_rc rc;

	memset(out, 0, sizeof *out);
	out->direction = in->direction;
	out->temperature = in->temperature;
	out->operator_id = in->operator_id;
	out->source = in->source;
	out->rules.reentry_s = cfg->reentry_s;
	out->fever_threshold = cfg->fever_threshold;
	if ((int)in->source < 0 || in->source >= SCAN_SRC__COUNT)
		return sj_fail(e, SJ_EINVAL, "source", "unknown source");
	if (memo_get_cp(in->memo, in->checkpoint_id, out))
		rc = SJ_OK;
	else if ((rc = (cached ? checkpoint_cached : prepare_checkpoint)(s, sc, in->checkpoint_id,
	    out, e)) == SJ_OK && in->memo)
		memo_put_cp(in->memo, out);
	if (rc != SJ_OK || (rc = check_time(in, now, &out->at, e)) != SJ_OK)
		return rc;
	if (in->temperature != 0 &&
	    (in->temperature < SCREEN_TEMP_MIN || in->temperature > SCREEN_TEMP_MAX))
		return sj_fail(e, SJ_EINVAL, "temperature", "%d.%d °C is outside the plausible range "
		    "34.0-43.0 °C", in->temperature / 10, abs(in->temperature % 10));
	if ((rc = key_fingerprint(k, in->key, &out->key_fp, e)) != SJ_OK ||
	    (rc = person_key(k, in, now, out, e)) != SJ_OK)
		return rc;
	if (in->direction == SCAN_OUT && !out->rules.records_exits)
		return sj_fail(e, SJ_EINVAL, "direction",
		    "this place records entries only; scan entries (in)");
	return SJ_OK;
}

/* The person_pending part: find the person and screen. */
static sj_rc
resolve_person(store *s, scan_memo *memo, scan_prepared *p, sj_err *e)
{
	int64_t unit_id = 0;
	unsigned tags = 0;
	bool found;
	sj_rc rc;

	p->person_pending = false;
	if ((rc = find_person(s, memo, p, &found, &unit_id, &tags, e)) != SJ_OK)
		return rc;
	return screen(s, p->fever_threshold, p, found, unit_id, tags, e);
}

sj_rc
scan_prepare(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    const scan_input *in, int64_t now, scan_prepared *out, sj_err *e)
{
	sj_rc rc;

	if ((rc = prepare_common(s, k, cfg, sc, in, now, out, false, e)) != SJ_OK)
		return rc;
	return resolve_person(s, in->memo, out, e);
}

sj_rc
scan_prepare_defer(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    const scan_input *in, int64_t now, scan_prepared *out, sj_err *e)
{
	sj_rc rc;

	if ((rc = prepare_common(s, k, cfg, sc, in, now, out, true, e)) != SJ_OK)
		return rc;
	/* On PostgreSQL every look-up is a round trip wherever it runs and
	 * the buffers are warm for all: keep it off the one writer. */
	if (!store_reads_cold(s))
		return resolve_person(s, NULL, out, e);
	out->person_pending = true;
	return SJ_OK;
}

/* ---- writing ------------------------------------------------------------------ */

int
scan_kind_of(scan_direction d, scan_decision dec, int role, scan_source src)
{
	return (int)d | (int)dec << 1 | role << 3 | (int)src << 5;
}

static void
result_stay(scan_result *out, stay_action action, const stay_span *sp)
{
	out->stay_action = action;
	if (sp == NULL)
		return;
	out->stay_id = sp->id;
	out->stay_entry_at = sp->entry_at;
	out->stay_exit_at = sp->exit_at;
	out->stay_exit_recorded = sp->exit_recorded;
}

static sj_rc
answer_replay(store *s, const scan_prepared *p, history *h, const history_row *r,
    scan_result *out, sj_err *e)
{
	int role = kind_role(r->kind);
	const stay_span *sp;
	store_stmt *st;
	sj_rc rc;

	if ((r->kind & 1) != (int)p->direction || r->checkpoint_id != p->checkpoint_id)
		return sj_fail(e, SJ_ECONFLICT, "idempotency_key",
		    "was used for a different scan (another direction or checkpoint)");
	out->id = r->id;
	out->at = r->at;
	out->temperature = r->temperature;
	out->decision = (scan_decision)((r->kind >> 1) & 3);
	out->reasons = r->reasons;
	out->source = (scan_source)((r->kind >> 5) & 7);
	out->operator_id = r->operator_id;
	out->replayed = true;
	out->alert_id = 0;
	if (r->reasons) {
		if ((rc = store_prepare(s, scan_sql[Q_ALERT_OF], &st, e)) != SJ_OK)
			return rc;
		store_bind_int(st, 1, p->place_id);
		store_bind_int(st, 2, r->id);
		if ((rc = store_query_int(st, &out->alert_id, NULL, e)) != SJ_OK)
			return rc;
	}
	if (role == SROLE_NONE) {
		result_stay(out, STAY_NONE, NULL);
		return SJ_OK;
	}
	if ((rc = scan_history_stay_of(s, p, h, r, &sp, e)) != SJ_OK)
		return rc;
	if ((r->kind & 1) == SCAN_OUT)
		result_stay(out, role == SROLE_OPENS ? STAY_CLOSED : STAY_SAME, sp);
	else
		result_stay(out, role == SROLE_JOINS ? STAY_SAME : STAY_OPENED, sp);
	return SJ_OK;
}

sj_rc
scan_ids_reserve(store *s, const char *name, int64_t n, int64_t *first, sj_err *e)
{
	store_stmt *st;
	int64_t last;
	bool found;
	sj_rc rc;

	if ((rc = store_prepare(s, scan_sql[Q_COUNTER], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, name);
	store_bind_int(st, 2, n);
	if ((rc = store_query_int(st, &last, &found, e)) != SJ_OK)
		return rc;
	if (!found)
		return sj_fail(e, SJ_EINTERNAL, NULL, "no id counter named %s", name);
	*first = last - n + 1;
	return SJ_OK;
}

/* The role bits (kind bits 3-4) a stay row gets: a joining entry when
 * demoted (its stay_s then NULL), else an opening one. */
static int
stay_role_bits(bool recorded, bool demote)
{
	if (demote)
		return SROLE_JOINS << 3;
	return (recorded ? SROLE_OPENS_RECORDED : SROLE_OPENS) << 3;
}

sj_rc
scan_stay_set(store *s, int64_t place_id, int64_t id, int64_t stay_s, bool recorded, bool demote,
    sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	assert(demote || stay_s > 0);
	if ((rc = store_prepare(s, scan_sql[Q_STAY_UPDATE], &st, e)) != SJ_OK)
		return rc;
	store_bind_int(st, 1, place_id);
	store_bind_int(st, 2, id);
	if (demote)
		store_bind_null(st, 3);
	else
		store_bind_int(st, 3, stay_s);
	store_bind_int(st, 4, stay_role_bits(recorded, demote));
	return store_run(st, e);
}

/* A stay change of the plan of p: made now, or held in rows. */
static sj_rc
stay_update(store *s, scan_rows *rows, const scan_prepared *p, const history *h,
    const stay_change *c, sj_err *e)
{
	int64_t entry_at = 0, stay_s;

	for (size_t i = 0; i < h->n_spans; i++)
		if (h->spans[i].id == c->id)
			entry_at = h->spans[i].entry_at;
	stay_s = c->demote ? 0 : c->exit_at - entry_at;
	if (rows) {
		assert(c->demote || stay_s > 0);
		return scan_rows_stay_set(s, rows, p->person_id, p->place_id, c->id, stay_s,
		    stay_role_bits(c->exit_recorded, c->demote), e);
	}
	return scan_stay_set(s, p->place_id, c->id, stay_s, c->exit_recorded, c->demote, e);
}

int
scan_role_of_plan(const stay_plan_out *plan)
{
	if (plan->opens)
		return plan->exit_recorded ? SROLE_OPENS_RECORDED : SROLE_OPENS;
	switch (plan->action) {
	case STAY_CLOSED: return SROLE_OPENS;   /* on an exit: closes */
	case STAY_SAME: return SROLE_JOINS;
	default: return SROLE_NONE;
	}
}

/* The scan row: inserted now, or held in rows (scan_rows_add). */
static sj_rc
insert_row(store *s, scan_rows *rows, const scan_prepared *p, int64_t id,
    const stay_plan_out *plan, sj_err *e)
{
	const int64_t v[11] = {
		p->place_id, id, p->checkpoint_id, p->person_id, p->at,
		scan_kind_of(p->direction, p->decision, scan_role_of_plan(plan), p->source),
		p->temperature, p->reasons, p->operator_id,
		plan->opens ? plan->exit_at - p->at : 0, p->key_fp,
	};
	store_stmt *st;
	sj_rc rc;

	if (rows)
		return scan_rows_add(s, rows, v, e);
	if ((rc = store_prepare(s, scan_sql[Q_INSERT], &st, e)) != SJ_OK)
		return rc;
	for (int i = 0; i < 11; i++)
		if (i == 3 || i == 6 || i >= 8)   /* person, temperature, operator, stay, key */
			bind_opt(st, i + 1, v[i]);
		else
			store_bind_int(st, i + 1, v[i]);
	return store_run(st, e);
}

void
scan_alert_of(const scan_prepared *p, int64_t scan_id, alert *a)
{
	memset(a, 0, sizeof *a);
	a->place_id = p->place_id;
	a->unit_id = p->unit_id;
	a->checkpoint_id = p->checkpoint_id;
	a->scan_id = scan_id;
	a->person_id = p->person_id;
	a->at = p->at;
	a->reasons = p->reasons;
	a->decision = (int)p->decision;
	a->temperature = p->temperature;
	snprintf(a->person_name, sizeof a->person_name, "%s", p->person_name);
	if (p->person_id == 0 && p->id_number_mask[0])
		snprintf(a->detail, sizeof a->detail, "%s", p->id_number_mask);
}

/* Announce what the plan changed (stay_announce), for the trace index. */
static sj_rc
announce_plan(store *s, const scan_prepared *p, const history *h, const stay_plan_out *plan,
    sj_err *e)
{
	stay_news n = { .person_id = p->person_id, .place_id = p->place_id };
	sj_rc rc = SJ_OK;

	for (int c = 0; c < plan->n_changes && rc == SJ_OK; c++) {
		const stay_change *ch = &plan->changes[c];

		for (size_t i = 0; i < h->n_spans; i++)
			if (h->spans[i].id == ch->id)
				n.entry_at = h->spans[i].entry_at;
		n.gone = ch->demote;
		n.exit_at = ch->exit_at;
		rc = stay_announce(s, &n, e);
	}
	if (rc == SJ_OK && plan->opens) {
		n = (stay_news){ .person_id = p->person_id, .place_id = p->place_id,
			.entry_at = p->at, .exit_at = plan->exit_at };
		rc = stay_announce(s, &n, e);
	}
	return rc;
}

/* The stay of the answer after the plan was applied. */
static void
result_of_plan(const history *h, const stay_plan_out *plan, int64_t id, int64_t at,
    scan_result *out)
{
	stay_span sp;

	if (plan->opens) {
		sp = (stay_span){ .id = id, .entry_at = at, .exit_at = plan->exit_at,
		    .exit_recorded = plan->exit_recorded };
		result_stay(out, plan->action, &sp);
		return;
	}
	for (size_t i = 0; i < h->n_spans; i++) {
		if (h->spans[i].id != plan->stay_id)
			continue;
		sp = h->spans[i];
		for (int c = 0; c < plan->n_changes; c++)
			if (plan->changes[c].id == sp.id) {
				sp.exit_at = plan->changes[c].exit_at;
				sp.exit_recorded = plan->changes[c].exit_recorded;
			}
		result_stay(out, plan->action, &sp);
		return;
	}
	result_stay(out, plan->action, NULL);
}

void
scan_result_of(const scan_prepared *p, scan_result *out)
{
	memset(out, 0, sizeof *out);
	out->checkpoint_id = p->checkpoint_id;
	out->place_id = p->place_id;
	out->unit_id = p->unit_id;
	out->person_id = p->person_id;
	out->direction = p->direction;
	out->at = p->at;
	out->temperature = p->temperature;
	out->decision = p->decision;
	out->reasons = p->reasons;
	out->source = p->source;
	out->operator_id = p->operator_id;
	memcpy(out->person_name, p->person_name, sizeof out->person_name);
	memcpy(out->id_number_mask, p->id_number_mask, sizeof out->id_number_mask);
}

/* The history buffer of this thread (24 KiB: too large for the stack of
 * every thread, needed on every write). */
static _Thread_local history tl_history;

sj_rc
scan_write(store *s, const scan_prepared *in, scan_result *out, alert *al, sj_err *e)
{
	return scan_write_memo(s, NULL, NULL, in, out, al, e);
}

sj_rc
scan_write_memo(store *s, scan_memo *memo, scan_rows *rows, const scan_prepared *in,
    scan_result *out, alert *al, sj_err *e)
{
	history *h = &tl_history;
	pair_memo *pairs = scan_memo_pairs(memo);
	stay_plan_out plan = { .action = STAY_NONE };
	const history_row *replay;
	scan_prepared resolved;
	const scan_prepared *p = in;
	alert a;
	int64_t id;
	sj_rc rc;

	assert(store_tx_depth(s) > 0);
	if (al)
		al->id = 0;
	if (in->person_pending) {
		resolved = *in;
		if ((rc = resolve_person(s, memo, &resolved, e)) != SJ_OK)
			return rc;
		p = &resolved;
	}
	scan_result_of(p, out);
	/* The pair's earlier scans: from the writer's memo, or read (which
	 * must see this batch's rows still held for the pair). */
	if (!pair_memo_history(pairs, p, dt_now(), h)) {
		if (scan_rows_holds(rows, p->place_id, p->person_id) &&
		    (rc = scan_rows_flush(s, rows, e)) != SJ_OK)
			goto out;
		if ((rc = scan_history_read(s, p, h, e)) != SJ_OK)
			goto out;
		if ((replay = scan_history_replay(h, p)) != NULL) {
			rc = answer_replay(s, p, h, replay, out, e);
			goto out;
		}
	}
	/* A denied scan lets no one in or out: it touches no stay. */
	if (p->person_id && p->decision != SCAN_DENY &&
	    (rc = stay_plan(h->spans, h->n_spans, p->direction == SCAN_OUT, p->at, &p->rules,
	    &plan, e)) != SJ_OK)
		goto out;
	if ((id = p->id) == 0 && (rc = scan_ids_reserve(s, "scan", 1, &id, e)) != SJ_OK)
		goto out;
	if ((rc = insert_row(s, rows, p, id, &plan, e)) != SJ_OK)
		goto out;
	for (int i = 0; i < plan.n_changes; i++)
		if ((rc = stay_update(s, rows, p, h, &plan.changes[i], e)) != SJ_OK)
			goto out;
	if ((rc = announce_plan(s, p, h, &plan, e)) != SJ_OK)
		goto out;
	out->id = id;
	result_of_plan(h, &plan, id, p->at, out);
	if (p->reasons) {
		scan_alert_of(p, id, &a);
		if ((rc = alert_raise(s, &a, e)) != SJ_OK)
			goto out;
		out->alert_id = a.id;
		if (al)
			*al = a;
	}
	pair_memo_note(pairs, p, h, &plan, id);
out:
	if (rc != SJ_OK)
		pair_memo_forget(pairs, p);
	return rc;
}

sj_rc
scan_record(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    const scan_input *in, int64_t now, scan_result *out, sj_err *e)
{
	scan_prepared p;
	alert a = {0};
	sj_rc rc;

	if ((rc = scan_prepare(s, k, cfg, sc, in, now, &p, e)) != SJ_OK ||
	    (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	if ((rc = scan_write(s, &p, out, &a, e)) != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, e)) != SJ_OK)
		return rc;
	if (a.id && store_tx_depth(s) == 0)
		alert_feed_publish(&a);
	return SJ_OK;
}
