/*
 * scan_import_merge — a batch's order, and the merge that lets a batch be
 * read while the one before it is written (scan_import_int.h;
 * scan_import.c, handoff, says why the merge gives what a read after the
 * commit would).
 */
#include "domain/scan_import_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int
pend_cmp(const void *x, const void *y)
{
	const pend *a = x, *b = y;

#define CMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
	CMP(person_id);
	CMP(place_id);
	CMP(at);
	CMP(direction);
	CMP(checkpoint_id);
	CMP(line);
#undef CMP
	return 0;
}


static int
sort_key_cmp(const void *x, const void *y, void *cls)
{
	const sort_key *a = x, *b = y;
	const pend *rows = cls;

	if (a->person_id != b->person_id)
		return a->person_id < b->person_id ? -1 : 1;
	if (a->place_id != b->place_id)
		return a->place_id < b->place_id ? -1 : 1;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return pend_cmp(&rows[a->ix], &rows[b->ix]);
}

/* Sort k[0..n) by sort_key_cmp in place: glibc's qsort_r is a merge sort
 * with a temporary copy of the array (another 32 bytes a row, 31 MiB for
 * a 1,000,000-row batch, at the batch's peak of memory).  Quicksort on
 * the median of three, insertion sort below 16 keys, the smaller part
 * first by recursion and the larger by the loop (depth ≤ log2 n); no
 * stability is needed, pend_cmp orders every two rows (line). */
static void
sort_keys(sort_key *k, size_t n, const pend *rows)
{
	while (n > 16) {
		size_t m = n / 2, i = 0, j = n - 1;
		sort_key t, pivot;
#define KSWAP(x, y) (t = k[x], k[x] = k[y], k[y] = t)
		if (sort_key_cmp(&k[m], &k[0], (void *)rows) < 0) KSWAP(m, 0);
		if (sort_key_cmp(&k[n - 1], &k[0], (void *)rows) < 0) KSWAP(n - 1, 0);
		if (sort_key_cmp(&k[n - 1], &k[m], (void *)rows) < 0) KSWAP(n - 1, m);
		pivot = k[m];
		for (;;) {   /* Hoare: k[0..j] ≤ pivot ≤ k[j+1..n) */
			while (sort_key_cmp(&k[i], &pivot, (void *)rows) < 0)
				i++;
			while (sort_key_cmp(&pivot, &k[j], (void *)rows) < 0)
				j--;
			if (i >= j)
				break;
			KSWAP(i, j);
			i++;
			j--;
		}
#undef KSWAP
		if (j + 1 < n - j - 1) {
			sort_keys(k, j + 1, rows);
			k += j + 1;
			n -= j + 1;
		} else {
			sort_keys(k + j + 1, n - j - 1, rows);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		sort_key x = k[i];
		size_t j = i;
		for (; j > 0 && sort_key_cmp(&x, &k[j - 1], (void *)rows) < 0; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* Sort the batch's rows by pend_cmp: sort their keys, then move each row
 * to its place, one cycle of the permutation at a time (no second copy of
 * the rows). */
void
import_sort_rows(scan_import *im, batch *b)
{
	sort_key *k;
	size_t n = b->n_rows;

	if (n > im->cap_order) {
		im->cap_order = n;
		im->order = sj_realloc(im->order, n * sizeof *im->order);
	}
	k = im->order;
	for (size_t i = 0; i < n; i++)
		k[i] = (sort_key){ b->rows[i].person_id, b->rows[i].place_id, b->rows[i].at, i };
	sort_keys(k, n, b->rows);
	for (size_t i = 1; i < n; i++)   /* every row ordered (one pass; cheap beside the sort) */
		assert(sort_key_cmp(&k[i - 1], &k[i], b->rows) < 0);
	/* row k[i].ix goes to i; a done slot's ix becomes SIZE_MAX */
	for (size_t i = 0; i < n; i++) {
		pend first;
		size_t j = i;
		if (k[i].ix == SIZE_MAX || k[i].ix == i) {
			k[i].ix = SIZE_MAX;
			continue;
		}
		first = b->rows[i];
		while (k[j].ix != i) {
			size_t from = k[j].ix;
			b->rows[j] = b->rows[from];
			k[j].ix = SIZE_MAX;
			j = from;
		}
		b->rows[j] = first;
		k[j].ix = SIZE_MAX;
	}
	/* served: not held beside the batches and the page cache
	 * (scan_import_batch_rows counts a row's bytes with its sort key only) */
	free(im->order);
	im->order = NULL;
	im->cap_order = 0;
}
static int
change_cmp(const void *x, const void *y)
{
	const stored_change *a = x, *b = y;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->place_id != b->place_id)
		return a->place_id < b->place_id ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* x's (person, place, time) before y's: read_pairs' order, kept by the
 * merge, so a pair's scans come to read_pair by time, the order its
 * duplicate check's binary search needs (read_pair sorts them if not). */
static bool
stored_before(const stored *x, const stored *y)
{
	if (x->person_id != y->person_id)
		return x->person_id < y->person_id;
	if (x->place_id != y->place_id)
		return x->place_id < y->place_id;
	return x->at < y->at;
}

/* Bring b's stored scans, read in a snapshot of the state the batch written
 * last (wr) started from, to the state wr committed, as if read after it:
 * wr's changes to stored scans (scan_stay_set's, the last of each scan
 * winning), then wr's own new rows of b's pairs, in read_pairs' order. */
void
import_merge_written(scan_import *im, batch *b)
{
	const batch *w = im->wr;
	size_t i = 0, k = 0, n = 0;
	stored *out;

	if (im->n_changes > 1)   /* qsort's array may not be NULL, even empty */
		qsort(im->changes, im->n_changes, sizeof *im->changes, change_cmp);
	for (size_t s = 0; s < b->n_stored && im->n_changes; s++) {
		stored *x = &b->stored[s];
		size_t lo = 0, hi = im->n_changes;
		while (lo < hi) {   /* the first change of x->id */
			size_t mid = (lo + hi) / 2;
			if (im->changes[mid].id < x->id)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < im->n_changes && im->changes[lo].id == x->id; lo++) {
			const stored_change *c = &im->changes[lo];
			if (c->place_id != x->place_id)
				continue;
			x->stay_s = c->stay_s;
			x->kind = (x->kind & ~KIND_ROLE_MASK) | ((c->demote ? SROLE_JOINS
			    : c->recorded ? SROLE_OPENS_RECORDED : SROLE_OPENS) << 3);
		}
	}
	out = sj_malloc((b->n_stored + w->n_rows + 1) * sizeof *out);
	for (size_t j = 0; j < w->n_rows; j++) {
		const pend *r = &w->rows[j];
		if (r->drop || r->person_id == 0)
			continue;
		while (i < b->n_rows && (b->rows[i].person_id < r->person_id ||
		    (b->rows[i].person_id == r->person_id && b->rows[i].place_id < r->place_id)))
			i++;
		if (i == b->n_rows)
			break;
		if (b->rows[i].person_id != r->person_id || b->rows[i].place_id != r->place_id)
			continue;   /* not a pair of b */
		stored x = { .place_id = r->place_id, .person_id = r->person_id, .id = row_id(w, r),
		    .at = r->at, .stay_s = r->stay_s, .checkpoint_id = r->checkpoint_id,
		    .kind = scan_kind_of((scan_direction)r->direction, (scan_decision)r->decision,
		    r->role, (scan_source)r->source) };
		while (k < b->n_stored && stored_before(&b->stored[k], &x))
			out[n++] = b->stored[k++];
		out[n++] = x;
	}
	while (k < b->n_stored)
		out[n++] = b->stored[k++];
	free(b->stored);
	b->stored = out;
	b->n_stored = n;
	b->cap_stored = n + 1;
}