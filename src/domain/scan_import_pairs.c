/*
 * scan_import_pairs — reading the stored scans of a batch's (place, person)
 * pairs (scan_import_int.h), and the pair reader: on SQLite, with a second
 * connection (import_options.pairs_only), a thread reads them chunk after
 * chunk in a snapshot while the batch is planned and written on the
 * import's own connection.
 *
 * Why the pair reader reads what a read inside the batch's transaction
 * would: its snapshot is taken (pairs_start) while the batch's transaction
 * holds the write lock (the scan ids are reserved) and has written no
 * scan, so no other connection can have committed since the batch began,
 * and the batch's own writes are not in it.  A chunk ends at a pair's end,
 * and a pair's plan needs only that pair's stored scans (stay_plan is per
 * place and person), so the writer plans and inserts chunk k while chunk
 * k + 1 is read.
 */
#include "domain/scan_import_int.h"

#include <stdlib.h>
#include <time.h>

/* rows a chunk at least (it runs on to its last pair's end) */
#define PAIR_CHUNK_ROWS 16384

/* every scan of one person at one place (scan_by_person), by time */
static const char q_pair[] =
	"SELECT place_id, person_id, id, at, kind, stay_s, checkpoint_id FROM scan"
	" WHERE person_id = ?1 AND place_id = ?2 ORDER BY at";

sj_rc
import_read_stored(store_stmt *q, stored **arr, size_t *n, size_t *cap, sj_err *e)
{
	bool row;
	sj_rc rc;

	while ((rc = store_step(q, &row, e)) == SJ_OK && row) {
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 1024;
			*arr = sj_realloc(*arr, *cap * sizeof **arr);
		}
		(*arr)[(*n)++] = (stored){ .place_id = store_col_int(q, 0),
		    .person_id = store_col_int(q, 1), .id = store_col_int(q, 2),
		    .at = store_col_int(q, 3), .kind = (int)store_col_int(q, 4),
		    .stay_s = store_col_is_null(q, 5) ? 0 : store_col_int(q, 5),
		    .checkpoint_id = store_col_int(q, 6) };
	}
	return rc;
}

sj_rc
import_read_range(store *st, const pend *rows, size_t from, size_t to, stored **arr, size_t *n,
    size_t *cap, sj_err *e)
{
	store_stmt *q;
	sj_rc rc;

	for (size_t i = from; i < to; i++) {
		const pend *r = &rows[i];
		if (r->person_id == 0 || (i > from && r[-1].person_id == r->person_id &&
		    r[-1].place_id == r->place_id))
			continue;
		if ((rc = store_prepare(st, q_pair, &q, e)) != SJ_OK)
			return rc;
		store_bind_int(q, 1, r->person_id);
		store_bind_int(q, 2, r->place_id);
		if ((rc = import_read_stored(q, arr, n, cap, e)) != SJ_OK)
			return rc;
	}
	return SJ_OK;
}

/* The pair reader's thread: each chunk's stored scans in turn, published
 * under im->mu; then the snapshot ends. */
static void *
pairs_main(void *cls)
{
	scan_import *im = cls;
	const batch *b = im->wr;
	size_t from = 0;
	sj_err err = {0};
	sj_rc rc = SJ_OK;

	for (size_t c = 0; c < im->n_chunks; c++) {
		stored *arr = NULL;
		size_t n = 0, cap = 0;
		bool stop;
		pthread_mutex_lock(&im->mu);
		stop = im->pairs_stop;
		pthread_mutex_unlock(&im->mu);
		if (stop)
			break;
		rc = import_read_range(im->o.reader, b->rows, from, im->chunks[c].to, &arr, &n, &cap,
		    &err);
		pthread_mutex_lock(&im->mu);
		im->chunks[c].stored = arr;
		im->chunks[c].n_stored = n;
		if (rc != SJ_OK) {
			im->pairs_rc = rc;
			im->pairs_err = err;
			im->n_done = im->n_chunks;   /* nothing more comes */
		} else
			im->n_done = c + 1;
		pthread_cond_signal(&im->pairs_cv);
		pthread_mutex_unlock(&im->mu);
		if (rc != SJ_OK)
			break;
		from = im->chunks[c].to;
	}
	store_rollback(im->o.reader);
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	im->pairs_cpu = (double)t.tv_sec + (double)t.tv_nsec / 1e9;  /* read after the join */
	return NULL;
}

sj_rc
import_pairs_start(scan_import *im, sj_err *e)
{
	const batch *b = im->wr;
	size_t n = 0, to = 0;
	sj_rc rc;

	/* chunk boundaries: every PAIR_CHUNK_ROWS rows, moved on to a pair's end */
	im->chunks = sj_realloc(im->chunks, (b->n_rows / PAIR_CHUNK_ROWS + 1) * sizeof *im->chunks);
	while (to < b->n_rows) {
		to = to + PAIR_CHUNK_ROWS < b->n_rows ? to + PAIR_CHUNK_ROWS : b->n_rows;
		while (to < b->n_rows && b->rows[to].person_id == b->rows[to - 1].person_id &&
		    b->rows[to].place_id == b->rows[to - 1].place_id)
			to++;
		im->chunks[n++] = (pair_chunk){ .to = to };
	}
	im->n_chunks = n;
	im->n_done = 0;
	im->pairs_stop = false;
	im->pairs_rc = SJ_OK;
	if (store_tx_depth(im->o.reader) > 0)
		store_rollback(im->o.reader);
	if ((rc = store_begin_snapshot(im->o.reader, e)) != SJ_OK)
		return rc;
	if (pthread_create(&im->pairs_thread, NULL, pairs_main, im) != 0) {
		store_rollback(im->o.reader);
		return sj_fail(e, SJ_EDB, "import", "cannot start the pair reader's thread");
	}
	im->pairs_running = true;
	return SJ_OK;
}

sj_rc
import_pairs_take(scan_import *im, size_t c, double *waited, sj_err *e)
{
	batch *b = im->wr;
	double t0 = import_mono_s();
	sj_rc rc = SJ_OK;

	free(b->stored);
	b->stored = NULL;
	b->n_stored = b->cap_stored = 0;
	pthread_mutex_lock(&im->mu);
	while (im->n_done <= c)
		pthread_cond_wait(&im->pairs_cv, &im->mu);
	if (im->pairs_rc != SJ_OK) {
		*e = im->pairs_err;
		rc = im->pairs_rc;
	}
	b->stored = im->chunks[c].stored;
	b->n_stored = b->cap_stored = im->chunks[c].n_stored;
	im->chunks[c].stored = NULL;
	pthread_mutex_unlock(&im->mu);
	*waited += import_mono_s() - t0;
	return rc;
}

void
import_pairs_end(scan_import *im)
{
	if (!im->pairs_running)
		return;
	pthread_mutex_lock(&im->mu);
	im->pairs_stop = true;
	pthread_mutex_unlock(&im->mu);
	pthread_join(im->pairs_thread, NULL);
	im->pairs_running = false;
	im->wr->t_reader += im->pairs_cpu;
	for (size_t c = 0; c < im->n_chunks; c++) {
		free(im->chunks[c].stored);
		im->chunks[c].stored = NULL;
	}
	im->n_chunks = im->n_done = 0;
}
