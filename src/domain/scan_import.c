/*
 * scan_import — batches of imported scans: checked by scan_prepare, planned
 * by stay_plan per (place, person) in time order, written with store_bulk_*
 * (scan_import.h).
 *
 * Invariants: a batch is one transaction; a row is either inserted, or
 * counted as a duplicate, or rejected, never two of these; within a batch
 * ids are given, and rows inserted, in (person, place, time) order, so the
 * rows go into the person index (person_id, place_id, at) in ascending
 * order and, at each place, into the primary key (place_id, id) in
 * ascending order.
 *
 * Round trips (issue 4 "Bulk scan import into PostgreSQL"): rows given to
 * scan_import_add wait unchecked (struct raw) until a batch's worth has
 * come; then, on a database server (store_round_trips), the checkpoints
 * and people they name are read in one join (scan_memo_preload), each row
 * is checked by scan_prepare from that memo, and the stored scans of every
 * (place, person) pair of the batch are read in one more join
 * (read_pairs) — a few statements a batch, whatever its size.  SQLite,
 * in-process, reads the same rows by one index look-up each, which costs
 * it less than filling a key table.  The rules themselves (stay_plan) run
 * here in C on the same rows either way (tests/cli/import_stores.sh
 * compares the two databases row by row).
 *
 * Overlap: with import_options.reader, a batch's reads (memo, checks,
 * sort, pairs) run on the reader while the batch before is planned and
 * written on s by the writer thread (handoff, writer_main); the two
 * threads share only im->total (under im->mu).  The reading thread never
 * touches s, nor the writer thread the reader, until join_writer.
 */
#include "domain/scan_import.h"

#include <assert.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/ident.h"
#include "core/log.h"
#include "domain/alert.h"
#include "domain/person.h"
#include "domain/retention.h"
#include "domain/scan_import_int.h"
#include "domain/scan_int.h"

/* work_mem of an import's session on PostgreSQL, MiB (store_bulk_tune) */
#define IMPORT_WORK_MEM_MIB 256
/* With the overlap, MiB that scan_import_batch_rows keeps aside for what
 * is not counted a row: the memo of the batch being checked (~130 bytes a
 * distinct person: 26 MiB for 200,000) while the writer's page cache is
 * full, the second connection and its thread, and what the two threads'
 * malloc arenas keep (measured: with 26 MiB, 4 batches of 1 M rows peaked
 * at 205 MiB; with 50, 6 batches at 162 MiB: bench/RESULTS.md "SQLite
 * bulk import: one batch in the budget"). */
#define OVERLAP_RESERVE_MIB 50
/* The pair reader's page cache, MiB (import_options.pairs_only): a sixth
 * of the writer's (8 MiB at 48): it reads the person index in its own
 * order, leaf after leaf, and the primary key's leaves at random. */
static int
pair_reader_cache_mib(int memory_mib)
{
	return (scan_import_cache_mib(memory_mib) + 5) / 6;
}

/* In-process, rows are checked as they come, this many at a time, instead
 * of waiting unchecked for a batch's worth (which only saves round trips
 * to a database server): a batch of IMPORT_BATCH_SQLITE rows then holds
 * one copy of each row, not two. */
#define RAW_CHUNK 4096

enum { Q_PAIRS, Q_OPERATOR };

static const char *const import_sql[] = {
	/* every scan of each (place k1, person k2) of bulk_key (scan_by_person),
	 * by person, place, then time (the batch's order) */
	[Q_PAIRS] =
	"SELECT s.place_id, s.person_id, s.id, s.at, s.kind, s.stay_s, s.checkpoint_id"
	" FROM " STORE_KEYS_TABLE " k JOIN scan s ON s.person_id = k.k2 AND s.place_id = k.k1"
	" ORDER BY s.person_id, s.place_id, s.at",
	/* the importing user, once a batch (the batch runs without foreign-key
	 * enforcement: store_begin_checked) */
	[Q_OPERATOR] = "SELECT count(*) FROM app_user WHERE id = ?1",
};

static const char *const scan_cols[] = {
	"place_id", "id", "checkpoint_id", "person_id", "at", "kind", "temperature", "reasons",
	"operator_id", "stay_s", "key_fp",
};
#define N_SCAN_COLS 11

/* The types (pend, batch, struct scan_import, ...) are in domain/scan_import_int.h. */
_Static_assert(sizeof(pend) == 72, "scan_import_batch_rows and docs/import.md count 72 bytes a row");
_Static_assert(SCAN_R_COUNT <= 16, "pend.reasons holds 16 bits");

double
import_mono_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the report ---------------------------------------------------------------- */

static void
count_field(import_report *r, const char *field)
{
	size_t i;

	for (i = 0; i < r->n_by_field; i++)
		if (strcmp(r->by_field[i].field, field) == 0)
			break;
	if (i == r->n_by_field) {
		if (r->n_by_field == IMPORT_FIELDS_MAX)
			i = IMPORT_FIELDS_MAX - 1;   /* the last slot takes the rest */
		else
			snprintf(r->by_field[r->n_by_field++].field, sizeof r->by_field[0].field, "%s",
			    field);
	}
	r->by_field[i].n++;
}

/* Note a rejected row of batch b (the totals are shared by the reading
 * and the writing thread). */
void
import_note_reject(scan_import *im, batch *b, int64_t line, const sj_err *why)
{
	const char *field = why->field[0] ? why->field : "row";
	import_reject *rj;

	b->rep.rejected++;
	pthread_mutex_lock(&im->mu);
	im->total.rejected++;
	count_field(&im->total, field);
	if (im->total.n_rejects < IMPORT_REJECTS_MAX) {
		if (im->total.rejects == NULL)
			im->total.rejects = sj_calloc(IMPORT_REJECTS_MAX, sizeof *im->total.rejects);
		rj = &im->total.rejects[im->total.n_rejects++];
		rj->line = line;
		snprintf(rj->field, sizeof rj->field, "%s", why->field);
		snprintf(rj->msg, sizeof rj->msg, "%s", why->msg);
	}
	pthread_mutex_unlock(&im->mu);
}

static void
count_row(scan_import *im)
{
	pthread_mutex_lock(&im->mu);
	im->total.rows++;
	pthread_mutex_unlock(&im->mu);
}

void
scan_import_reject(scan_import *im, int64_t line, const sj_err *why)
{
	count_row(im);
	im->rd->rep.rows++;
	import_note_reject(im, im->rd, line, why);
}

/* ---- checking rows ----------------------------------------------------------------- */

sj_rc
scan_import_open(store *s, const crypt_keys *k, const scan_settings *cfg, const scope *sc,
    int64_t now, const import_options *o, scan_import **out, sj_err *e)
{
	scan_import *im;
	int y, m, d, memory;
	bool overlap;
	sj_rc rc;

	*out = NULL;
	memory = o->memory_mib > 0 ? o->memory_mib : IMPORT_MEMORY_MIB;
	overlap = o->reader != NULL && !o->dry_run && !o->pairs_only;
	if ((rc = store_bulk_tune(s, store_round_trips(s) ? IMPORT_WORK_MEM_MIB
	    : scan_import_cache_mib(memory), e)) != SJ_OK)
		return rc;
	/* the reader only reads: a third of the writer's cache; reading only
	 * pairs, in the person index's order, a sixth */
	if (o->reader && (rc = store_bulk_tune(o->reader, store_round_trips(s) ? IMPORT_WORK_MEM_MIB
	    : o->pairs_only ? pair_reader_cache_mib(memory)
	    : (scan_import_cache_mib(memory) + 2) / 3, e)) != SJ_OK) {
		store_bulk_untune(s, NULL);
		return rc;
	}
	im = sj_calloc(1, sizeof *im);
	im->s = s;
	im->k = k;
	im->cfg = cfg;
	im->sc = sc;
	im->now = now;
	im->o = *o;
	im->first_rows = overlap && store_round_trips(s) && im->o.batch_rows <= 0
	    ? IMPORT_BATCH_FIRST : 0;
	if (im->o.batch_rows <= 0)
		im->o.batch_rows = store_round_trips(s) ? IMPORT_BATCH_DEFAULT
		    : scan_import_batch_rows(memory, overlap);
	if (im->first_rows == 0)
		im->first_rows = im->o.batch_rows;
	dt_date_to_ymd(dt_date_of(now), &y, &m, &d);
	im->today = y * 10000 + m * 100 + d;
	im->rd = &im->bt[0];
	im->wr = &im->bt[1];
	im->rs = s;
	im->overlap = overlap;
	im->pairs_ahead = o->reader != NULL && !o->dry_run && o->pairs_only && !store_round_trips(s);
	pthread_mutex_init(&im->mu, NULL);
	pthread_cond_init(&im->pairs_cv, NULL);
	arena_init(&im->a);
	arena_init(&im->raw_a);
	im->memo = scan_memo_new();
	*out = im;
	return SJ_OK;
}

/* Who the row names: a person matched by name and mobile when it gives no
 * id. *ok false when the row is rejected (noted). */
static sj_rc
resolve_person(scan_import *im, int64_t line, scan_input *in, const char *name,
    const char *mobile, bool *ok, sj_err *e)
{
	char canon[IDENT_PHONE_SIZE];
	sj_err why = {0};
	sj_rc rc;

	*ok = true;
	if (in->person_id > 0 || in->id_number != NULL || mobile == NULL)
		return SJ_OK;
	if (name == NULL || *name == '\0')
		sj_fail(&why, SJ_EINVAL, "name", "is required with a mobile (or give the "
		    "identity number)");
	else if (ident_phone_normalise(mobile, "mobile", canon, &why) == SJ_OK) {
		if ((rc = person_match(im->rs, im->k, &im->a, name, canon, &in->person_id, e)) != SJ_OK)
			return rc;
		if (in->person_id == 0)
			sj_fail(&why, SJ_EINVAL, "name", "no person on record has this name and "
			    "mobile: give the identity number, or register the person first");
	}
	if (why.rc != SJ_OK) {
		import_note_reject(im, im->rd, line, &why);
		*ok = false;
	}
	return SJ_OK;
}

static sj_rc handoff(scan_import *im, sj_err *e);

/* Open a batch's transaction on s.  With checked, it runs without SQLite's
 * per-row foreign-key look-ups (store_begin_checked) because every
 * reference a row carries has been read in a state no other connection has
 * changed since (the write lock): inside this same transaction, or in a
 * snapshot of the state the previous batch's transaction started from,
 * with no other commit since (handoff) — the checkpoint and its place by
 * scan_prepare (the memo is cleared with each batch), the person by
 * scan_prepare (person_id) or person_match, and the operator here.
 * Errors: store errors; SJ_ENOTFOUND ("operator") for an operator who is
 * no user. */
static sj_rc
begin_batch(scan_import *im, bool checked, sj_err *e)
{
	store_stmt *q;
	int64_t n = 1;
	sj_rc rc;

	if ((rc = (checked ? store_begin_checked : store_begin)(im->s, e)) != SJ_OK)
		return rc;
	if (im->o.operator_id > 0) {
		if ((rc = store_prepare(im->s, import_sql[Q_OPERATOR], &q, e)) == SJ_OK) {
			store_bind_int(q, 1, im->o.operator_id);
			rc = store_query_int(q, &n, NULL, e);
		}
		if (rc == SJ_OK && n == 0)
			rc = sj_fail(e, SJ_ENOTFOUND, "operator", "no user with id %lld",
			    (long long)im->o.operator_id);
		if (rc != SJ_OK) {
			store_rollback(im->s);
			return rc;
		}
	}
	im->in_tx = true;
	if (store_tx_depth(im->s) > 1) {   /* inside the caller's transaction: its reads */
		im->overlap = false;         /* are not the reader's, nor its ids' state */
		im->pairs_ahead = false;
	}
	return SJ_OK;
}

static void
keep_row(scan_import *im, int64_t line, const scan_prepared *p)
{
	batch *b = im->rd;
	pend *r;

	if (b->n_rows == b->cap_rows) {
		b->cap_rows = b->cap_rows ? 2 * b->cap_rows : 1024;
		b->rows = sj_realloc(b->rows, b->cap_rows * sizeof *b->rows);
	}
	r = &b->rows[b->n_rows++];
	*r = (pend){ .place_id = p->place_id, .checkpoint_id = p->checkpoint_id,
	    .person_id = p->person_id, .at = p->at, .key_fp = p->key_fp, .line = line,
	    .default_stay_s = (int32_t)p->rules.default_stay_s,
	    .records_exits = p->rules.records_exits, .temperature = (int16_t)p->temperature,
	    .reasons = (uint16_t)p->reasons, .alert_ix = -1, .direction = (uint8_t)p->direction,
	    .decision = (uint8_t)p->decision, .source = (uint8_t)p->source };
	if (p->reasons && p->person_id == 0 && p->id_number_mask[0]) {
		if (b->n_masks == b->cap_masks) {
			b->cap_masks = b->cap_masks ? 2 * b->cap_masks : 16;
			b->masks = sj_realloc(b->masks, b->cap_masks * sizeof *b->masks);
		}
		snprintf(b->masks[b->n_masks].s, sizeof b->masks[b->n_masks].s, "%s",
		    p->id_number_mask);
		r->alert_ix = (int32_t)b->n_masks++;
	}
}

int64_t
scan_import_dup_probes(const scan_import *im)
{
	return im->dup_probes;
}

int64_t
scan_import_plan_spans(const scan_import *im)
{
	return im->plan_spans;
}

/* Check one waiting row and keep it for the batch, or note its rejection. */
static sj_rc
prepare_raw(scan_import *im, const raw *w, sj_err *e)
{
	scan_input in = w->in;
	char key[IDENT_ID_SIZE + 96];
	scan_prepared p;
	sj_err why = {0};
	bool ok;
	sj_rc rc;

	im->rd->rep.rows++;
	im->rd->open = true;
	in.memo = im->memo;
	if ((rc = resolve_person(im, w->line, &in, w->name, w->mobile, &ok, e)) != SJ_OK || !ok)
		return rc;
	/* scan_prepare takes instant 0 for "now": an imported row always has
	 * its own time, and a check-in at epoch 0 or a ledger's 1970-01-01
	 * 08:00 (Asia/Shanghai) was stored at the import's clock (as the
	 * HTTP bodies and `sijin scan --time` refuse it: jbody.c, cmd_scan.c) */
	if (in.at <= 0) {
		sj_fail(&why, SJ_EINVAL, "time", "must be after 1970-01-01T00:00:00Z (a clock "
		    "never set?)");
		import_note_reject(im, im->rd, w->line, &why);
		return SJ_OK;
	}
	if (in.person_id == 0 && in.id_number != NULL) {
		import_unknown_key(im, &in, key, sizeof key);
		in.key = key;
	}
	rc = scan_prepare(im->rs, im->k, im->cfg, im->sc, &in, im->now, &p, &why);
	if (rc != SJ_OK) {
		if (store_tx_failed(im->rs)) {
			*e = why;
			return rc;
		}
		import_note_reject(im, im->rd, w->line, &why);
		return SJ_OK;
	}
	keep_row(im, w->line, &p);
	return SJ_OK;
}

static int
key_cmp(const void *x, const void *y)
{
	const store_key *a = x, *b = y;

	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	return a->k2 < b->k2 ? -1 : a->k2 > b->k2;
}

/* Sort keys[0..n) and drop repeats; the count left. */
static size_t
keys_unique(store_key *keys, size_t n)
{
	size_t m = 0;

	if (n > 1)   /* qsort's array may not be NULL, even empty */
		qsort(keys, n, sizeof *keys, key_cmp);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || key_cmp(&keys[m - 1], &keys[i]) != 0)
			keys[m++] = keys[i];
	return m;
}

static void
keys_reserve(scan_import *im, size_t n)
{
	if (n > im->cap_keys) {
		im->cap_keys = n + 1024;
		im->keys = sj_realloc(im->keys, im->cap_keys * sizeof *im->keys);
	}
}

/* Rows of the batch being read: the first one's may be fewer (first_rows). */
static size_t
batch_limit(const scan_import *im)
{
	return (size_t)(im->n_handed == 0 ? im->first_rows : im->o.batch_rows);
}

/* Fill the memo of the batch being checked with the hinted people, once a
 * batch, when they are no more than its rows (scan_import_people_hint). */
static sj_rc
load_hint(scan_import *im, sj_err *e)
{
	if (im->n_hint == 0 || im->hint_loaded || im->n_hint > batch_limit(im))
		return SJ_OK;
	im->hint_loaded = true;
	im->hint_loads++;
	return scan_memo_load_people(im->rs, im->hint, im->n_hint, im->memo, e);
}

void
scan_import_people_hint(scan_import *im, int64_t *ids, size_t n)
{
	free(im->hint);
	im->hint = ids;
	im->n_hint = n;
	im->hint_loaded = false;
}

int64_t
scan_import_hint_loads(const scan_import *im)
{
	return im->hint_loads;
}

/* Read the checkpoints and people the waiting rows name into the memo in
 * one go (scan_memo_preload) on a database server; in-process scan_prepare
 * looks each up once a batch itself. */
static sj_rc
preload(scan_import *im, sj_err *e)
{
	size_t n = 0;

	if (!store_round_trips(im->s))
		return load_hint(im, e);
	keys_reserve(im, 2 * im->n_raws);
	for (size_t i = 0; i < im->n_raws; i++) {
		const scan_input *in = &im->raws[i].in;
		im->keys[n++] = (store_key){ SCAN_MEMO_CHECKPOINT, in->checkpoint_id };
		if (in->person_id > 0)
			im->keys[n++] = (store_key){ SCAN_MEMO_PERSON, in->person_id };
	}
	n = keys_unique(im->keys, n);
	return scan_memo_preload(im->rs, im->sc, im->memo, im->keys, n, e);
}

/* Check the waiting rows in input order, writing a batch each time
 * batch_rows rows are kept (force: also write what is kept at the end).
 * The rows after a batch's last wait for the next batch, whose memo is
 * read afresh in its own transaction. */
static sj_rc
drain(scan_import *im, bool force, sj_err *e)
{
	size_t i = 0;
	sj_rc rc = SJ_OK;

	while (rc == SJ_OK && i < im->n_raws) {
		/* read on s: inside the batch's own transaction */
		if (im->rs == im->s && !im->in_tx && (rc = begin_batch(im, true, e)) != SJ_OK)
			break;
		if (i > 0) {   /* a batch was written: move the rest to the front */
			memmove(im->raws, im->raws + i, (im->n_raws - i) * sizeof *im->raws);
			im->n_raws -= i;
			i = 0;
		}
		double t0 = import_mono_s();
		if ((rc = preload(im, e)) != SJ_OK)
			break;
		double t1 = import_mono_s();
		size_t limit = batch_limit(im);
		while (rc == SJ_OK && i < im->n_raws && im->rd->n_rows < limit)
			rc = prepare_raw(im, &im->raws[i++], e);
		im->rd->t_memo += t1 - t0;
		im->rd->t_check += import_mono_s() - t1;
		if (rc == SJ_OK && im->rd->n_rows >= limit)
			rc = handoff(im, e);
	}
	if (rc == SJ_OK && force && im->rd->open)
		rc = handoff(im, e);
	im->n_raws = 0;
	arena_free(&im->raw_a);
	return rc;
}

sj_rc
scan_import_add(scan_import *im, int64_t line, const scan_input *given, const char *name,
    const char *mobile, sj_err *e)
{
	raw *w;
	sj_rc rc;

	count_row(im);
	if (im->rs == im->s && !im->in_tx && (rc = begin_batch(im, true, e)) != SJ_OK)
		return rc;
	im->rd->open = true;
	if (im->n_raws == im->cap_raws) {
		im->cap_raws = im->cap_raws ? 2 * im->cap_raws : 1024;
		im->raws = sj_realloc(im->raws, im->cap_raws * sizeof *im->raws);
	}
	w = &im->raws[im->n_raws++];
	*w = (raw){ .line = line, .in = *given, .name = arena_strdup(&im->raw_a, name),
	    .mobile = arena_strdup(&im->raw_a, mobile) };
	w->in.id_number = arena_strdup(&im->raw_a, given->id_number);
	w->in.source = SCAN_SRC_IMPORT;
	w->in.operator_id = im->o.operator_id;
	w->in.key = NULL;
	w->in.memo = NULL;
	if (im->rd->n_rows + im->n_raws >= batch_limit(im) ||
	    (im->n_raws >= RAW_CHUNK && !store_round_trips(im->s)))
		return drain(im, false, e);
	return SJ_OK;
}

/* ---- writing a batch ----------------------------------------------------------------- */

/* Free a scratch array of a batch once it has served (*p and *cap
 * zeroed): allocated again by the next batch, it does not sit beside the
 * page cache while this batch's rows are written (scan_import_batch_rows
 * counts a row's bytes with its sort key only). */
#define release(p, cap) (free(*(p)), *(p) = NULL, *(cap) = 0)

/* Read the stored scans of every (place, person) pair of the sorted batch
 * b into b->stored, by pair then time, on the connection st: on a database
 * server one load of the keys and one join; in-process one index range a
 * pair, taken straight from the sorted rows (no key array beside the
 * batch: 16 bytes a row at the batch's peak of memory), in the index's
 * own order, so consecutive look-ups fall on the same or the next leaf. */
static sj_rc
read_pairs(scan_import *im, store *st, batch *b, sj_err *e)
{
	store_stmt *q;
	size_t n = 0;
	sj_rc rc;

	b->n_stored = 0;
	if (!store_round_trips(st))   /* one index range a pair, in-process */
		return import_read_range(st, b->rows, 0, b->n_rows, &b->stored, &b->n_stored,
		    &b->cap_stored, e);
	keys_reserve(im, b->n_rows);
	for (size_t i = 0; i < b->n_rows; i++) {
		const pend *r = &b->rows[i];
		if (r->person_id && (n == 0 || im->keys[n - 1].k1 != r->place_id ||
		    im->keys[n - 1].k2 != r->person_id))
			im->keys[n++] = (store_key){ r->place_id, r->person_id };
	}
	if (n == 0)
		return SJ_OK;
	if ((rc = store_keys_load(st, im->keys, n, e)) != SJ_OK ||
	    (rc = store_prepare(st, import_sql[Q_PAIRS], &q, e)) != SJ_OK)
		return rc;
	return import_read_stored(q, &b->stored, &b->n_stored, &b->cap_stored, e);
}

static int64_t
opt_val(int64_t v)
{
	return v ? v : STORE_BULK_NULL;
}

/* Add the kept rows [from, to) of wr to the bulk insert bk. */
static sj_rc
insert_range(scan_import *im, store_bulk *bk, size_t from, size_t to, sj_err *e)
{
	sj_rc rc;

	for (size_t i = from; i < to; i++) {
		const pend *r = &im->wr->rows[i];
		int64_t v[N_SCAN_COLS] = { r->place_id, row_id(im->wr, r), r->checkpoint_id, opt_val(r->person_id),
		    r->at, scan_kind_of((scan_direction)r->direction, (scan_decision)r->decision,
		    r->role, (scan_source)r->source), opt_val(r->temperature), r->reasons,
		    opt_val(im->o.operator_id), opt_val(r->stay_s), opt_val(r->key_fp) };
		if (r->drop)
			continue;
		if ((rc = store_bulk_row(bk, v, e)) != SJ_OK)
			return rc;
		im->wr->rep.accepted++;
	}
	return SJ_OK;
}

/* The alert of row r of b, as scan_alert_of makes it of the row's
 * scan_prepared, but for the place's unit and the person's name, which
 * alert_raise does not write. */
static void
alert_of_row(const batch *b, const pend *r, alert *a)
{
	memset(a, 0, sizeof *a);
	a->place_id = r->place_id;
	a->checkpoint_id = r->checkpoint_id;
	a->scan_id = row_id(b, r);
	a->person_id = r->person_id;
	a->at = r->at;
	a->reasons = r->reasons;
	a->decision = r->decision;
	a->temperature = r->temperature;
	if (r->alert_ix >= 0)
		snprintf(a->detail, sizeof a->detail, "%s", b->masks[r->alert_ix].s);
}

static sj_rc
raise_alerts(scan_import *im, sj_err *e)
{
	alert a;
	sj_rc rc;

	const batch *b = im->wr;

	for (size_t i = 0; i < b->n_rows; i++) {
		const pend *r = &b->rows[i];
		if (r->drop || r->reasons == 0)
			continue;
		alert_of_row(b, r, &a);
		if ((rc = alert_raise(im->s, &a, e)) != SJ_OK)
			return rc;
		im->wr->rep.alerts++;
	}
	return SJ_OK;
}

/* Derive and write the rows of wr, whose ids are given (handoff): its
 * pairs planned in order and its rows inserted, a chunk at a time while
 * the pair reader runs (each chunk once its stored scans are read), else
 * in one go; then the changes to stored stays and the alerts. */
static sj_rc
write_batch(scan_import *im, sj_err *e)
{
	batch *b = im->wr;
	pair_state st = { .first_id = b->first_id };
	size_t n_chunks = im->pairs_running ? im->n_chunks : 1, from = 0;
	double t_plan = 0, t_copy = 0;
	store_bulk *bk;
	sj_rc rc;

	im->n_changes = 0;
	if ((rc = import_drop_stored_unknown(im, e)) != SJ_OK ||
	    (rc = store_bulk_begin(im->s, "scan", scan_cols, N_SCAN_COLS, &bk, e)) != SJ_OK) {
		import_pairs_end(im);
		return rc;
	}
	for (size_t c = 0; rc == SJ_OK && c < n_chunks; c++) {
		size_t to = im->pairs_running ? im->chunks[c].to : b->n_rows, at = 0, i, j;
		if (im->pairs_running && (rc = import_pairs_take(im, c, &b->t_wait, e)) != SJ_OK)
			break;
		double t1 = import_mono_s();
		for (i = from; rc == SJ_OK && i < to; i = j) {
			for (j = i + 1; j < to && b->rows[j].place_id == b->rows[i].place_id &&
			    b->rows[j].person_id == b->rows[i].person_id; j++)
				;
			if (b->rows[i].person_id)
				import_plan_pair(im, i, j, &at, &st);
			else
				import_plan_unknown(im, i, j);
		}
		double t2 = import_mono_s();
		if (rc == SJ_OK)
			rc = insert_range(im, bk, from, to, e);
		t_plan += t2 - t1;
		t_copy += import_mono_s() - t2;
		from = to;
	}
	import_pairs_end(im);
	free(st.seen);
	/* planned: the stored scans have served (merge_written reads the next
	 * batch's, and this one's rows) */
	release(&b->stored, &b->cap_stored);
	b->n_stored = 0;
	double t3 = import_mono_s();
	if (rc == SJ_OK)
		rc = store_bulk_end(bk, NULL, e);
	else
		store_bulk_abort(bk);
	for (size_t i = 0; rc == SJ_OK && i < im->n_changes; i++) {
		const stored_change *c = &im->changes[i];
		rc = scan_stay_set(im->s, c->place_id, c->id, c->stay_s, c->recorded, c->demote, e);
	}
	if (rc == SJ_OK)
		rc = raise_alerts(im, e);
	b->t_plan += t_plan;
	b->t_copy += t_copy;
	b->t_rest += import_mono_s() - t3;
	return rc;
}

static void
add_batch(import_report *t, const import_report *b)
{
	t->accepted += b->accepted;
	t->duplicates += b->duplicates;
	t->stays += b->stays;
	t->alerts += b->alerts;
	t->batches++;
}

/* Write wr in the open transaction of s and end it (commit, or roll back
 * a dry run or on error), then count it in the totals. */
static sj_rc
write_rest(scan_import *im, sj_err *e)
{
	batch *b = im->wr;
	sj_rc rc = SJ_OK;

	im->n_changes = 0;   /* this batch's (import_merge_written reads them next) */
	if (b->n_rows)
		rc = write_batch(im, e);
	import_pairs_end(im);   /* (an empty batch's reader has nothing to read) */
	if (rc == SJ_OK && im->o.audit) {
		import_report total;
		pthread_mutex_lock(&im->mu);
		total = im->total;
		pthread_mutex_unlock(&im->mu);
		add_batch(&total, &b->rep);
		rc = im->o.audit(im->o.audit_cls, im->s, &total, &b->rep, e);
	}
	/* Stays were written without their announcements (stay_announce):
	 * whoever keeps a copy of them (the trace index of every server
	 * process) must read them again. */
	if (rc == SJ_OK && !im->o.dry_run && b->rep.accepted > 0)
		rc = store_publish(im->s, STORE_LINE_OVERFLOW, e);
	double t0 = import_mono_s();
	/* A dry run inside the caller's transaction keeps the batch until the
	 * caller's rollback, so the next batch is checked beside it
	 * (import_options.dry_run). */
	if (rc != SJ_OK || (im->o.dry_run && store_tx_depth(im->s) == 1))
		store_rollback(im->s);
	else
		rc = store_commit(im->s, e);
	im->in_tx = false;
	/* The next batch is checked with its people's look-ups (the memo)
	 * beside its rows: not beside a full page cache as well, or a second
	 * batch peaks ~25 MiB above the first (bench/RESULTS.md "SQLite bulk
	 * import: one batch in the budget").  What the next batch needs is
	 * read again from the OS's cache. */
	if (rc == SJ_OK)
		rc = store_cache_release(im->s, e);
	if (log_enabled(SJ_LOG_DEBUG))
		log_debug("import batch %lld: %zu rows; seconds: memo %.2f, check %.2f, pairs %.2f, "
		    "wait %.2f, plan %.2f, copy %.2f, stays and alerts %.2f, commit %.2f; "
		    "the pair reader's CPU %.2f; batches given the hinted people so far %lld",
		    (long long)im->total.batches + 1, b->n_rows, b->t_memo, b->t_check, b->t_pairs,
		    b->t_wait, b->t_plan, b->t_copy, b->t_rest, import_mono_s() - t0, b->t_reader,
		    (long long)im->hint_loads);
	if (rc == SJ_OK) {
		pthread_mutex_lock(&im->mu);
		add_batch(&im->total, &b->rep);
		pthread_mutex_unlock(&im->mu);
	}
	return rc;
}

static void *
writer_main(void *cls)
{
	scan_import *im = cls;

	sj_err_clear(&im->wr_err);
	im->wr_rc = write_rest(im, &im->wr_err);
	return NULL;
}

/* Wait for the writer thread, if it runs: its outcome. */
static sj_rc
join_writer(scan_import *im, sj_err *e)
{
	if (!im->writing)
		return SJ_OK;
	pthread_join(im->writer, NULL);
	im->writing = false;
	if (im->wr_rc != SJ_OK)
		*e = im->wr_err;
	return im->wr_rc;
}

/* Empty b for the next batch's rows (its arrays are kept). */
static void
reset_batch(batch *b)
{
	b->n_rows = b->n_masks = b->n_stored = 0;
	memset(&b->rep, 0, sizeof b->rep);
	b->open = false;
	b->t_memo = b->t_check = b->t_pairs = b->t_plan = b->t_copy = b->t_rest = b->t_wait = 0;
	b->t_reader = 0;
}

/* rd is complete: sort it, read its pairs, reserve its ids and hand it to
 * the writer — at once (no reader), or, with the overlap, to the writer
 * thread on s while the next batch is read on the reader, in a snapshot
 * taken now, under this batch's write lock.
 *
 * Why the overlap derives what the sequential import derives: a batch read
 * on the reader saw the state the previous batch's transaction started
 * from (the snapshot was taken under its write lock, before it wrote
 * anything).  When this batch's transaction begins, nothing but that
 * previous batch has committed since — checked, not assumed: the scan id
 * counter (which every writer of scans moves inside its transaction,
 * under the lock, before it reads: writer.c, scan_write) must continue
 * right after that batch's ids, and on SQLite no other connection may
 * have committed anything (store_data_version).  Then what the previous
 * batch wrote is merged in from memory (merge_written) and the stored
 * scans are exactly those a read here would give.  Otherwise (another
 * writer came in between) the pairs are read again here, and the batch is
 * written with SQLite's foreign keys enforced, as its rows were checked
 * against an older state. */
static sj_rc
handoff(scan_import *im, sj_err *e)
{
	batch *b = im->rd;
	bool ahead = im->rs != im->s;
	int64_t dv;
	sj_rc rc;

	double t0 = import_mono_s();
	/* Every row of b is checked: the memo has served (the next batch
	 * reads its own).  Freed, not cleared, so that it is not held beside
	 * the sort, the batches and the page cache (~130 bytes a person;
	 * scan_import_batch_rows). */
	scan_memo_free(im->memo);
	im->memo = scan_memo_new();
	im->hint_loaded = false;
	/* and the pages the check read (people, checkpoints) would sit beside
	 * the sort: the pair reads and the inserts read what they need again
	 * (on the reader, or on s with no writer running) */
	if ((rc = store_cache_release(im->rs, e)) != SJ_OK)
		return rc;
	import_sort_rows(im, b);
	/* with the pair reader, they are read while b is written (below) */
	if (!(im->pairs_ahead && !im->overlap) && (rc = read_pairs(im, im->rs, b, e)) != SJ_OK)
		return rc;
	release(&im->keys, &im->cap_keys);
	double t1 = import_mono_s();
	if ((rc = join_writer(im, e)) != SJ_OK)
		return rc;
	b->t_wait += import_mono_s() - t1;
	if (!im->in_tx && (rc = begin_batch(im, true, e)) != SJ_OK)
		return rc;
	if ((rc = scan_ids_reserve(im->s, "scan", (int64_t)b->n_rows, &b->first_id, e)) != SJ_OK)
		return rc;
	if (ahead) {
		if ((rc = store_data_version(im->s, &dv, e)) != SJ_OK)
			return rc;
		if (b->first_id == im->next_id && dv == im->data_version)
			import_merge_written(im, b);
		else {
			log_info("import: another writer committed during batch %lld's read: its "
			    "pairs are read again", (long long)im->total.batches + 1);
			store_rollback(im->s);
			im->in_tx = false;
			if ((rc = begin_batch(im, false, e)) != SJ_OK ||
			    (rc = scan_ids_reserve(im->s, "scan", (int64_t)b->n_rows, &b->first_id, e))
			    != SJ_OK || (rc = read_pairs(im, im->s, b, e)) != SJ_OK)
				return rc;
		}
	}
	b->t_pairs += import_mono_s() - t0 - b->t_wait;
	im->next_id = b->first_id + (int64_t)b->n_rows;
	im->n_handed++;
	/* b is written next; the batch written before it is read next */
	im->rd = im->wr;
	im->wr = b;
	reset_batch(im->rd);
	arena_free(&im->a);
	/* The batches' scratch (release) went back to the heap, where glibc
	 * keeps it after its first large free (the dynamic mmap threshold):
	 * hand it to the system, or the next batch's peak is that much higher
	 * (bench/RESULTS.md "SQLite bulk import: page cache and memory").  The
	 * writer is idle here (join_writer above). */
	malloc_trim(0);
	scan_memo_clear(im->memo);
	if (!im->overlap) {
		/* The pair reader's snapshot: b's transaction holds the write
		 * lock (its ids are reserved) and has written no scan. */
		if (im->pairs_ahead && (rc = import_pairs_start(im, e)) != SJ_OK)
			return rc;
		/* one batch at a time: the written one's rows are not kept for
		 * merge_written, so they need not stay beside the next */
		rc = write_rest(im, e);
		release(&im->wr->rows, &im->wr->cap_rows);
		im->wr->n_rows = 0;
		return rc;
	}
	if (store_tx_depth(im->o.reader) > 0)
		store_rollback(im->o.reader);
	if ((rc = store_data_version(im->s, &im->data_version, e)) != SJ_OK ||
	    (rc = store_begin_snapshot(im->o.reader, e)) != SJ_OK)
		return rc;
	im->rs = im->o.reader;
	if (pthread_create(&im->writer, NULL, writer_main, im) != 0)
		return write_rest(im, e);
	im->writing = true;
	return SJ_OK;
}

sj_rc
scan_import_finish(scan_import *im, sj_err *e)
{
	sj_rc rc = drain(im, true, e);
	import_report *t = &im->total;
	sj_err we = {0};

	/* the last batch's write, and the reader's snapshot */
	if (join_writer(im, &we) != SJ_OK && rc == SJ_OK) {
		*e = we;
		rc = we.rc;
	}
	if (im->o.reader && store_tx_depth(im->o.reader) > 0)
		store_rollback(im->o.reader);

	/* rejects were noted as found: parse errors in line order, stay errors at flush */
	for (size_t i = 1; i < t->n_rejects; i++)
		for (size_t j = i; j > 0 && t->rejects[j - 1].line > t->rejects[j].line; j--) {
			import_reject x = t->rejects[j];
			t->rejects[j] = t->rejects[j - 1];
			t->rejects[j - 1] = x;
		}
	return rc;
}

const import_report *
scan_import_report(const scan_import *im)
{
	return &im->total;
}

int
scan_import_cache_mib(int memory_mib)
{
	return memory_mib / 2 < IMPORT_CACHE_MIB ? (memory_mib + 1) / 2 : IMPORT_CACHE_MIB;
}

int
scan_import_batch_rows(int memory_mib, bool overlap)
{
	int cache = scan_import_cache_mib(memory_mib);
	/* A multiplication, not a shift: too little memory leaves a negative
	 * number, and shifting one is undefined; it clamps to the minimum. */
	int64_t left = (int64_t)(memory_mib - cache - (overlap ? (cache + 2) / 3 + OVERLAP_RESERVE_MIB
	    : pair_reader_cache_mib(memory_mib))) * (1 << 20);
	/* with the overlap a row is also in the merge of the batch written
	 * last into the one read (import_merge_written: a stored scan a row) */
	int64_t rows = left / (int64_t)((overlap ? 2 * sizeof(pend) + sizeof(stored) : sizeof(pend))
	    + sizeof(struct sort_key));

	return rows < IMPORT_BATCH_MIN ? IMPORT_BATCH_MIN
	    : rows > IMPORT_BATCH_SQLITE ? IMPORT_BATCH_SQLITE : (int)rows;
}

void
scan_import_free(scan_import *im)
{
	sj_err e = {0};

	if (im == NULL)
		return;
	join_writer(im, &e);
	import_pairs_end(im);
	if (im->in_tx)
		store_rollback(im->s);
	if (im->o.reader && store_tx_depth(im->o.reader) > 0)
		store_rollback(im->o.reader);
	for (int i = 0; i < 2; i++) {
		free(im->bt[i].rows);
		free(im->bt[i].masks);
		free(im->bt[i].stored);
	}
	/* the connections' own settings again */
	store_bulk_untune(im->s, NULL);
	if (im->o.reader)
		store_bulk_untune(im->o.reader, NULL);
	free(im->raws);
	free(im->keys);
	free(im->hint);
	arena_free(&im->raw_a);
	free(im->spans);
	free(im->changes);
	free(im->order);
	free(im->chunks);
	free(im->total.rejects);
	arena_free(&im->a);
	scan_memo_free(im->memo);
	pthread_mutex_destroy(&im->mu);
	pthread_cond_destroy(&im->pairs_cv);
	free(im);
}
