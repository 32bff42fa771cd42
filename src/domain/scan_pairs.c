/*
 * scan_pairs — the scan writer's memo of pairs (person, place): for each
 * pair whose scans it has read or written, what the rules of the pair's
 * next live scan need, so that the common scan — later than every earlier
 * scan of its pair — is planned without reading the pair's history from the
 * store (scan_history.c: one index entry and one table row a scan, the
 * writer's largest growing cost under load, bench/RESULTS.md "Eighth
 * session").
 *
 * What a scan p at t, later than or at the same instant as every scan of
 * its pair (t ≥ max_at), needs (stay.h, stay_plan; scan.h "Idempotency"):
 *   - P, the stay with the latest entry at or before t — here the pair's
 *     latest stay of all (no entry is later than t, so N and L of
 *     stay_plan are none or P);
 *   - whether a scan of the pair with p's key fingerprint lies within
 *     SCAN_KEY_WINDOW_S of t: every keyed scan of the pair later than
 *     max_at − SCAN_KEY_WINDOW_S (an older one is out of the window of any
 *     t ≥ max_at), its fingerprint's low 32 bits and its time.
 * A match of the 32 bits (a replay, or one chance in 2³² a key) sends the
 * scan to the store's read, which decides exactly; so does a scan earlier
 * than max_at, one at or before the retention cutoff (its expired rows
 * are visible to it), and one whose P has expired.
 *
 * Keeping it true (its owner, the writer, with scan_memo_forget_writes and
 * scan_memo_clear): an entry is made from a complete read of the pair's
 * scans (history.complete) and the write that followed it, and then
 * changed with each scan the writer writes for the pair; what another
 * connection commits clears the memo (PRAGMA data_version, once a batch),
 * and so does a batch rolled back.  A write the memo cannot follow — one
 * planned on an incomplete read — forgets the pair.
 *
 * Memory: an entry ~80 bytes, a key 8, in an idmap (16 bytes a slot, at
 * most half full); when a new pair would take it past PAIR_MEMO_BYTES
 * (its entries' array grown, the keys' arrays as they are) the memo is
 * emptied, its memory freed, and fills again with the pairs scanned next.
 * (One pair's keys are not bounded but by its keyed scans in a day.)
 */
#include "domain/scan_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/idmap.h"
#include "domain/retention.h"

#define PAIR_MEMO_BYTES (32u << 20)

/* A keyed scan: the fingerprint's low 32 bits, its time − base_at. */
typedef struct pair_key {
	uint32_t fp, at_off;
} pair_key;

typedef struct pair_entry {
	int64_t person_id, place_id;  /* the pair; person_id 0: forgotten */
	int64_t max_at;               /* the latest time of its scans */
	int64_t base_at;              /* keys' times are base_at + at_off */
	stay_span last;               /* its latest stay (P); last.id 0: none */
	pair_key *keys;               /* by time, oldest first */
	uint32_t n_keys, cap_keys;
} pair_entry;

struct pair_memo {
	idmap ix;                     /* pair_hash → index + 1 */
	pair_entry *entries;
	size_t n, cap;
	size_t key_bytes;             /* the keys' arrays' bytes */
	uint64_t hits;                /* scans it answered for, ever (not cleared) */
};

pair_memo *
pair_memo_new(void)
{
	return sj_calloc(1, sizeof(pair_memo));
}

void
pair_memo_clear(pair_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->entries[i].keys);
	idmap_clear(&m->ix);
	m->n = m->key_bytes = 0;
}

void
pair_memo_free(pair_memo *m)
{
	if (m == NULL)
		return;
	pair_memo_clear(m);
	idmap_free(&m->ix);
	free(m->entries);
	free(m);
}

/* A 62-bit hash of the pair (idmap keys are ≥ 0); two pairs with one
 * hash share the slot, the later one replacing the earlier. */
static int64_t
pair_hash(int64_t person_id, int64_t place_id)
{
	uint64_t h = (uint64_t)person_id * 0x9e3779b97f4a7c15u ^ (uint64_t)place_id * 0xc2b2ae3d27d4eb4fu;

	h ^= h >> 31;
	return (int64_t)(h >> 2);  /* < INT64_MAX: idmap stores key + 1 */
}

/* The entry of the pair of p, or NULL. */
static pair_entry *
find(pair_memo *m, const scan_prepared *p)
{
	int64_t i = idmap_get(&m->ix, pair_hash(p->person_id, p->place_id));
	pair_entry *en;

	if (i == 0)
		return NULL;
	en = &m->entries[i - 1];
	return en->person_id == p->person_id && en->place_id == p->place_id ? en : NULL;
}

/* Forget the entry of p's pair (its slot stays, reused by the next fill). */
static void
forget(pair_memo *m, const scan_prepared *p)
{
	pair_entry *en = find(m, p);

	if (en)
		en->person_id = 0;
}

bool
pair_memo_history(pair_memo *m, const scan_prepared *p, int64_t now, history *h)
{
	const pair_entry *en;
	int64_t cut;

	if (m == NULL || p->person_id == 0 || (en = find(m, p)) == NULL || p->at < en->max_at)
		return false;
	/* At or before the cutoff, a scan sees the pair's expired scans. */
	cut = retention_cutoff(RETENTION_SCAN, now);
	if (p->at < cut || (en->last.id && en->last.entry_at < cut))
		return false;
	if (p->key_fp)
		for (uint32_t i = 0; i < en->n_keys; i++) {
			int64_t at = en->base_at + en->keys[i].at_off;
			if (at >= cut && p->at - at <= SCAN_KEY_WINDOW_S &&
			    en->keys[i].fp == (uint32_t)p->key_fp)
				return false;  /* perhaps a replay: the store decides */
		}
	h->n = 0;
	h->n_spans = 0;
	if (en->last.id)
		h->spans[h->n_spans++] = en->last;
	h->complete = false;
	h->from_memo = true;
	m->hits++;
	return true;
}

/* The stays of h after plan (p's, written as id): changed, demoted, opened.
 * Returns their number (≤ HISTORY_ROWS + 1). */
static size_t
stays_after(const history *h, const scan_prepared *p, const stay_plan_out *plan, int64_t id,
    stay_span *out)
{
	size_t n = 0;

	for (size_t i = 0; i < h->n_spans; i++) {
		stay_span sp = h->spans[i];
		bool gone = false;

		for (int c = 0; c < plan->n_changes; c++) {
			const stay_change *ch = &plan->changes[c];
			if (ch->id != sp.id)
				continue;
			gone = ch->demote;
			sp.exit_at = ch->exit_at;
			sp.exit_recorded = ch->exit_recorded;
		}
		if (!gone)
			out[n++] = sp;
	}
	if (plan->opens)
		out[n++] = (stay_span){ .id = id, .entry_at = p->at, .exit_at = plan->exit_at,
		    .exit_recorded = plan->exit_recorded };
	return n;
}

/* Append key (fp, at) to en, at ≥ en->base_at; false when at is too far
 * from base_at for at_off. */
static bool
add_key(pair_memo *m, pair_entry *en, int64_t fp, int64_t at)
{
	if (at < en->base_at || at - en->base_at > (int64_t)UINT32_MAX)
		return false;
	if (en->n_keys == en->cap_keys) {
		uint32_t cap = en->cap_keys ? 2 * en->cap_keys : 4;
		en->keys = sj_realloc(en->keys, cap * sizeof *en->keys);
		m->key_bytes += (cap - en->cap_keys) * sizeof *en->keys;
		en->cap_keys = cap;
	}
	en->keys[en->n_keys++] = (pair_key){ (uint32_t)fp, (uint32_t)(at - en->base_at) };
	return true;
}

/* Drop en's keys older than max_at − SCAN_KEY_WINDOW_S (out of the window
 * of every scan the memo serves). */
static void
prune_keys(pair_entry *en)
{
	uint32_t k = 0;

	while (k < en->n_keys && en->base_at + en->keys[k].at_off < en->max_at - SCAN_KEY_WINDOW_S)
		k++;
	if (k == 0)
		return;
	memmove(en->keys, en->keys + k, (en->n_keys - k) * sizeof *en->keys);
	en->n_keys -= k;
}

static int
cmp_row_at(const void *a, const void *b)
{
	const history_row *x = *(const history_row *const *)a, *y = *(const history_row *const *)b;

	return (x->at > y->at) - (x->at < y->at);
}

/* The entry for p's pair, emptied (its keys' memory kept): the existing one
 * or a new slot.  NULL when the memo had to be emptied for room (the caller
 * then remembers nothing this time). */
static pair_entry *
entry_for(pair_memo *m, const scan_prepared *p)
{
	int64_t hash = pair_hash(p->person_id, p->place_id), i = idmap_get(&m->ix, hash);
	pair_entry *en;

	if (i == 0) {
		/* The bytes with this entry's room (the entries' array grown
		 * when full); over the bound, the memo lets go of its memory
		 * too — emptied only, its arrays would still be as large, and
		 * every new pair would empty it again. */
		size_t cap = m->n < m->cap ? m->cap : m->cap ? 2 * m->cap : 1024;
		if (m->ix.cap * sizeof(idmap_slot) + cap * sizeof *m->entries + m->key_bytes >
		    PAIR_MEMO_BYTES) {
			pair_memo_clear(m);
			idmap_free(&m->ix);
			free(m->entries);
			m->entries = NULL;
			m->cap = 0;
			return NULL;
		}
		if (m->n == m->cap) {
			m->cap = cap;
			m->entries = sj_realloc(m->entries, m->cap * sizeof *m->entries);
		}
		en = &m->entries[m->n++];
		memset(en, 0, sizeof *en);
		idmap_put(&m->ix, hash, (int64_t)m->n);
	} else {
		en = &m->entries[i - 1];
	}
	en->person_id = p->person_id;
	en->place_id = p->place_id;
	en->n_keys = 0;
	en->last = (stay_span){0};
	return en;
}

void
pair_memo_note(pair_memo *m, const scan_prepared *p, const history *h, const stay_plan_out *plan,
    int64_t id)
{
	stay_span spans[HISTORY_ROWS + 1];
	size_t n_spans;
	pair_entry *en;
	int64_t max_at = p->at;
	bool tie = false;

	if (m == NULL || p->person_id == 0)
		return;
	if (!h->from_memo && h->covers_from == INT64_MAX) {
		forget(m, p);  /* planned on the few scans the rules needed */
		return;
	}
	n_spans = stays_after(h, p, plan, id, spans);
	if (h->from_memo) {
		if ((en = find(m, p)) == NULL)
			return;
		en->max_at = p->at > en->max_at ? p->at : en->max_at;
	} else {
		const history_row *by_at[HISTORY_ROWS];

		if ((en = entry_for(m, p)) == NULL)
			return;
		for (size_t i = 0; i < h->n; i++) {
			by_at[i] = &h->rows[i];
			if (h->rows[i].at > max_at)
				max_at = h->rows[i].at;
		}
		/* h must hold every keyed scan in the window of max_at. */
		if (max_at - SCAN_KEY_WINDOW_S <= h->covers_from)
			goto drop;
		en->max_at = max_at;
		en->base_at = max_at - SCAN_KEY_WINDOW_S;
		qsort(by_at, h->n, sizeof *by_at, cmp_row_at);
		for (size_t i = 0; i < h->n; i++)
			if (by_at[i]->key_fp && by_at[i]->at >= en->base_at &&
			    !add_key(m, en, by_at[i]->key_fp, by_at[i]->at))
				goto drop;
	}
	/* P: the latest stay; two with one entry time leave P ambiguous. */
	en->last = (stay_span){0};
	for (size_t i = 0; i < n_spans; i++) {
		if (en->last.id == 0 || spans[i].entry_at > en->last.entry_at) {
			en->last = spans[i];
			tie = false;
		} else if (spans[i].entry_at == en->last.entry_at) {
			tie = true;
		}
	}
	/* ... and h must hold the pair's latest stay: one later than
	 * covers_from (a stay opened now is). */
	if (tie || (!h->from_memo && en->last.id && en->last.id != id &&
	    en->last.entry_at <= h->covers_from) ||
	    (!h->from_memo && en->last.id == 0 && h->covers_from != INT64_MIN))
		goto drop;
	if (p->key_fp && !add_key(m, en, p->key_fp, p->at))
		goto drop;
	prune_keys(en);
	return;
drop:
	en->person_id = 0;
}

uint64_t
pair_memo_hits(const pair_memo *m)
{
	return m ? m->hits : 0;
}

void
pair_memo_forget(pair_memo *m, const scan_prepared *p)
{
	if (m && p->person_id)
		forget(m, p);
}
