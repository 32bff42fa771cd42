/*
 * scan_batch — the histories of a batch's scans read ahead in one
 * statement (domain/scan.h).
 *
 * Invariants: pairs[0..n_pairs) is sorted by (person, place) and unique
 * after scan_batch_read; each pair's rows are rows[from, from + n), newest
 * first, as Q_HISTORY returns them; `used` marks a pair whose history a
 * scan of the batch has taken (its later scans read the store).
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "domain/scan.h"
#include "domain/scan_int.h"

typedef struct pair {
	int64_t person_id, place_id;
	size_t from, n;
	bool used;
} pair;

struct scan_batch {
	pair *pairs;
	size_t n_pairs, cap_pairs;
	history_row *rows;
	size_t n_rows, cap_rows;
	store_key *keys;
	size_t cap_keys;
};

/* The newest HISTORY_MAX scans of each (place k1, person k2) of bulk_key,
 * by person, place, then newest first: Q_HISTORY's rows for every pair at
 * once (the person index, scan_by_person, one range a pair). */
static const char sql_pairs[] =
	"SELECT person_id, place_id, id, at, kind, stay_s, key_fp, checkpoint_id, temperature,"
	" reasons, operator_id FROM (SELECT s.person_id, s.place_id, s.id, s.at, s.kind, s.stay_s,"
	" s.key_fp, s.checkpoint_id, s.temperature, s.reasons, s.operator_id, row_number() OVER"
	" (PARTITION BY s.person_id, s.place_id ORDER BY s.id DESC) AS rn"
	" FROM " STORE_KEYS_TABLE " k JOIN scan s ON s.person_id = k.k2 AND s.place_id = k.k1) x"
	" WHERE rn <= 256 ORDER BY person_id, place_id, id DESC";
_Static_assert(HISTORY_MAX == 256, "sql_pairs reads HISTORY_MAX rows a pair");

scan_batch *
scan_batch_new(void)
{
	return sj_calloc(1, sizeof(scan_batch));
}

void
scan_batch_free(scan_batch *b)
{
	if (b == NULL)
		return;
	free(b->pairs);
	free(b->rows);
	free(b->keys);
	free(b);
}

void
scan_batch_clear(scan_batch *b)
{
	b->n_pairs = b->n_rows = 0;
}

void
scan_batch_want(scan_batch *b, const scan_prepared *p)
{
	if (p->person_id == 0 || p->person_pending)
		return;
	if (b->n_pairs == b->cap_pairs) {
		b->cap_pairs = b->cap_pairs ? 2 * b->cap_pairs : 256;
		b->pairs = sj_realloc(b->pairs, b->cap_pairs * sizeof *b->pairs);
	}
	b->pairs[b->n_pairs++] = (pair){ .person_id = p->person_id, .place_id = p->place_id };
}

static int
pair_cmp(const void *x, const void *y)
{
	const pair *a = x, *c = y;

	if (a->person_id != c->person_id)
		return a->person_id < c->person_id ? -1 : 1;
	if (a->place_id != c->place_id)
		return a->place_id < c->place_id ? -1 : 1;
	return 0;
}

static pair *
find_pair(scan_batch *b, int64_t person_id, int64_t place_id)
{
	pair key = { .person_id = person_id, .place_id = place_id };

	return b->n_pairs ? bsearch(&key, b->pairs, b->n_pairs, sizeof *b->pairs, pair_cmp) : NULL;
}

sj_rc
scan_batch_read(store *s, scan_batch *b, sj_err *e)
{
	store_stmt *st;
	size_t n = 0;
	pair *pr = NULL;
	bool row;
	sj_rc rc;

	b->n_rows = 0;
	if (b->n_pairs == 0)
		return SJ_OK;
	qsort(b->pairs, b->n_pairs, sizeof *b->pairs, pair_cmp);
	for (size_t i = 0; i < b->n_pairs; i++)
		if (n == 0 || pair_cmp(&b->pairs[n - 1], &b->pairs[i]) != 0)
			b->pairs[n++] = b->pairs[i];
	b->n_pairs = n;
	if (b->cap_keys < n) {
		b->cap_keys = n;
		b->keys = sj_realloc(b->keys, n * sizeof *b->keys);
	}
	for (size_t i = 0; i < n; i++)
		b->keys[i] = (store_key){ b->pairs[i].place_id, b->pairs[i].person_id };
	if ((rc = store_keys_load(s, b->keys, n, e)) != SJ_OK ||
	    (rc = store_prepare(s, sql_pairs, &st, e)) != SJ_OK)
		return rc;
	while ((rc = store_step(st, &row, e)) == SJ_OK && row) {
		int64_t person_id = store_col_int(st, 0), place_id = store_col_int(st, 1);
		if (pr == NULL || pr->person_id != person_id || pr->place_id != place_id) {
			if ((pr = find_pair(b, person_id, place_id)) == NULL)
				continue;  /* cannot happen: the join is on the keys */
			pr->from = b->n_rows;
		}
		if (b->n_rows == b->cap_rows) {
			b->cap_rows = b->cap_rows ? 2 * b->cap_rows : 1024;
			b->rows = sj_realloc(b->rows, b->cap_rows * sizeof *b->rows);
		}
		scan_history_col(st, 2, &b->rows[b->n_rows++]);
		pr->n++;
	}
	return rc;
}

bool
scan_batch_take(scan_batch *b, const scan_prepared *p, int64_t now, history *h)
{
	pair *pr;

	if (p->person_id == 0 || (pr = find_pair(b, p->person_id, p->place_id)) == NULL ||
	    pr->used)
		return false;
	pr->used = true;
	h->n = h->n_spans = 0;
	for (size_t i = 0; i < pr->n; i++)
		scan_history_row(p, now, &b->rows[pr->from + i], h);
	return true;
}
