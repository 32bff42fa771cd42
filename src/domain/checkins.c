/*
 * checkins — public check-in data sets as scans (checkins.h).
 *
 * Two passes over the gzip file, each reading its CSV records with
 * core/csvrec.h (RFC 4180: quoted fields, line numbers of the line where
 * a record starts): the first makes the missing people and venues
 * (import_ref maps outside ids to them), the second feeds scan rows to
 * scan_import.  The people are made PEOPLE_CHUNK at a time
 * (person_add_many, their import_ref rows by store_bulk_put), so a file
 * of 200,000 new users costs a few dozen statements, not ~5 a person.
 * The maps of outside id → local id are idmaps (core/idmap.h).
 */
#include "domain/checkins.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/csvrec.h"
#include "core/datetime.h"
#include "core/idmap.h"
#include "core/log.h"
#include "domain/org.h"
#include "domain/person.h"

#define LINE_MAX_BYTES 1024
#define N_FIELDS 7

enum { REF_PERSON = 1, REF_VENUE = 2 };

enum { Q_REFS, Q_REF_ADD };

static const char *const checkins_sql[] = {
	[Q_REFS] = "SELECT kind, ext_id, local_id FROM import_ref WHERE source = ?1",
	[Q_REF_ADD] =
	"INSERT INTO import_ref (source, kind, ext_id, local_id) VALUES (?1, ?2, ?3, ?4)",
};

/* ---- rows ------------------------------------------------------------------------ */

typedef struct checkin {
	int64_t user_id, venue_id, at;
} checkin;

/* A non-negative decimal integer of at most 18 digits (Gowalla has a
 * user 0). */
static bool
parse_id(const char *s, int64_t *out)
{
	int64_t v = 0;
	int n = 0;

	for (; *s >= '0' && *s <= '9' && n < 18; s++, n++)
		v = v * 10 + (*s - '0');
	*out = v;
	return n > 0 && *s == '\0';
}

/* The fields of the record being read, copied out of csvrec's callbacks
 * (core/csvrec.h: RFC 4180, so a quoted field may hold commas, doubled
 * quotes and line breaks). */
typedef struct record {
	char text[LINE_MAX_BYTES];   /* the fields, each NUL-terminated */
	size_t used;
	char *f[N_FIELDS];
	int n;                       /* fields seen (may pass N_FIELDS) */
	bool too_long;               /* the fields passed text's bytes */
	bool nul;                    /* a field holds a NUL byte */
} record;

static void
record_cell(record *rec, const char *p, size_t n)
{
	if (n > 0 && memchr(p, '\0', n) != NULL)
		rec->nul = true;
	if (rec->n < N_FIELDS && !rec->too_long) {
		if (rec->used + n + 1 > sizeof rec->text)
			rec->too_long = true;
		else {
			rec->f[rec->n] = rec->text + rec->used;
			if (n > 0)
				memcpy(rec->f[rec->n], p, n);
			rec->f[rec->n][n] = '\0';
			rec->used += n + 1;
		}
	}
	rec->n++;
}

/* The person of a record that has the fields of a row and names a user
 * and a venue both in the maps, else 0: the first pass's quick look (such
 * a row needs no more of it there, valid or not). */
static int64_t
record_known(const record *rec, const idmap *people, const idmap *venues)
{
	int64_t user_id, venue_id, person_id;

	if (rec->n == N_FIELDS && !rec->too_long && !rec->nul && parse_id(rec->f[0], &user_id) &&
	    parse_id(rec->f[1], &venue_id) && (person_id = idmap_get(people, user_id)) != 0 &&
	    idmap_get(venues, venue_id) != 0)
		return person_id;
	return 0;
}

/* Check the record's fields into *c.  Errors: SJ_EINVAL naming the field
 * at fault ("row" for the count of fields or their length). */
static sj_rc
record_checkin(const record *rec, checkin *c, sj_err *e)
{
	static const char *const names[3] = { "user_id", "venue_id", "checkin_utc_epoch" };
	int64_t v[3], iso;

	/* (a field would end at it: "5\0junk" would read as user 5) */
	if (rec->nul)
		return sj_fail(e, SJ_EINVAL, "row", "a NUL byte in a field");
	if (rec->too_long)
		return sj_fail(e, SJ_EINVAL, "row", "fields of more than %d bytes in all",
		    LINE_MAX_BYTES - N_FIELDS);
	if (rec->n > N_FIELDS)
		return sj_fail(e, SJ_EINVAL, "row", "more than %d fields", N_FIELDS);
	if (rec->n != N_FIELDS)
		return sj_fail(e, SJ_EINVAL, "row", "%d fields, expected %d", rec->n, N_FIELDS);
	for (int i = 0; i < 3; i++)
		if (!parse_id(rec->f[i], &v[i]))
			return sj_fail(e, SJ_EINVAL, names[i], "'%.40s' is not a non-negative integer",
			    rec->f[i]);
	if (dt_parse_rfc3339(rec->f[3], "checkin_utc_iso", &iso, e) != SJ_OK)
		return SJ_EINVAL;
	if (iso != v[2])
		return sj_fail(e, SJ_EINVAL, "checkin_utc_iso", "%.40s is not the instant of "
		    "checkin_utc_epoch %lld", rec->f[3], (long long)v[2]);
	*c = (checkin){ .user_id = v[0], .venue_id = v[1], .at = v[2] };
	return SJ_OK;
}

/* Open path and check its header. */
static sj_rc
open_file(const char *path, gzFile *out, sj_err *e)
{
	char line[LINE_MAX_BYTES];
	gzFile gz = gzopen(path, "rb");

	*out = NULL;
	if (gz == NULL)
		return sj_fail(e, SJ_EIO, "file", "cannot open %s: %s", path, strerror(errno));
	gzbuffer(gz, 256 * 1024);
	if (gzgets(gz, line, sizeof line) == NULL) {
		gzclose(gz);
		return sj_fail(e, SJ_EIO, "file", "%s is empty or not gzip", path);
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, CHECKINS_HEADER) != 0) {
		gzclose(gz);
		return sj_fail(e, SJ_EINVAL, "file", "the first line of %s is not the header %s",
		    path, CHECKINS_HEADER);
	}
	*out = gz;
	return SJ_OK;
}

/* Whether the whole file was read (else a read error or a truncated gzip). */
static sj_rc
close_file(gzFile gz, sj_err *e)
{
	int err;
	const char *msg = gzerror(gz, &err);
	sj_rc rc = SJ_OK;

	/* zlib's message names the file ("PATH: unexpected end of file") */
	if (err != Z_OK && err != Z_STREAM_END)
		rc = sj_fail(e, SJ_EIO, "file", "cannot read %s", msg);
	gzclose(gz);
	return rc;
}

/* The records after the header, read a piece at a time (gzgets: at most
 * one line) through csvrec; at each record's end, row_fn gets the
 * record and the line where it starts (the header is line 1). */
typedef struct reader {
	gzFile gz;
	csvrec csv;
	record rec;
	void (*row_fn)(void *cls, int64_t line, const record *rec);
	void *cls;
} reader;

/* A record bound: no row of a check-in file comes near it; a quote left
 * open would otherwise buffer the rest of the file. */
#define RECORD_MAX (64 * 1024)

static void
reader_cell(void *cls, const char *p, size_t n)
{
	record_cell(&((reader *)cls)->rec, p, n);
}

static void
reader_row(void *cls, int64_t line)
{
	reader *rd = cls;

	rd->row_fn(rd->cls, line, &rd->rec);
	rd->rec.n = 0;
	rd->rec.used = 0;
	rd->rec.too_long = false;
	rd->rec.nul = false;
}

/* Open path (open_file) and start reading it. */
static sj_rc
reader_open(reader *rd, const char *path, void (*row_fn)(void *, int64_t, const record *),
    void *cls, sj_err *e)
{
	sj_rc rc;

	memset(rd, 0, sizeof *rd);
	rd->row_fn = row_fn;
	rd->cls = cls;
	if ((rc = open_file(path, &rd->gz, e)) != SJ_OK)
		return rc;
	csvrec_init(&rd->csv, reader_cell, reader_row, rd, RECORD_MAX);
	rd->csv.line = 1;   /* the header, read by open_file */
	return SJ_OK;
}

/* Read the next piece; false at the end of the file (*rc: csvrec_finish's
 * outcome, then close_file's) or at an error (*rc, e: an unterminated
 * quote, a record over RECORD_MAX).  The piece's length is what gzgets
 * read (gztell), not strlen: a NUL byte in a line would otherwise cut off
 * the rest of it, its line break too, and join the next line to its
 * record (a row lost without a word); the record is rejected instead
 * (record_checkin). */
static bool
reader_step(reader *rd, sj_rc *rc, sj_err *e)
{
	char piece[LINE_MAX_BYTES];
	z_off_t at = gztell(rd->gz);

	if (gzgets(rd->gz, piece, sizeof piece) == NULL) {
		if ((*rc = csvrec_finish(&rd->csv, e)) == SJ_OK)
			*rc = close_file(rd->gz, e);
		else
			gzclose(rd->gz);
		rd->gz = NULL;
		return false;
	}
	z_off_t n = gztell(rd->gz) - at;
	return (*rc = csvrec_feed(&rd->csv, piece, n > 0 && n < (z_off_t)sizeof piece ? (size_t)n
	    : strlen(piece), e)) == SJ_OK;
}

/* Release rd (its file too, when still open). */
static void
reader_close(reader *rd)
{
	if (rd->gz != NULL)
		gzclose(rd->gz);
	rd->gz = NULL;
	csvrec_free(&rd->csv);
}

/* ---- people and venues ------------------------------------------------------------ */

/* A set of person ids as a bit each, below IDBITS_MAX (8 MiB of bits
 * at most; 25 KB for 200,000 people, where an idmap takes 8 MiB). */
#define IDBITS_MAX ((int64_t)1 << 26)

typedef struct idbits {
	uint64_t *w;
	size_t n;                  /* words */
} idbits;

/* Add id to b; ids outside 1..IDBITS_MAX - 1 are left out. */
static void
idbits_add(idbits *b, int64_t id)
{
	size_t w;

	if (id <= 0 || id >= IDBITS_MAX)
		return;
	w = (size_t)id / 64;
	if (w >= b->n) {
		size_t n = b->n ? b->n : 1024;
		while (n <= w)
			n *= 2;
		b->w = sj_realloc(b->w, n * sizeof *b->w);
		memset(b->w + b->n, 0, (n - b->n) * sizeof *b->w);
		b->n = n;
	}
	b->w[w] |= (uint64_t)1 << (id % 64);
}

/* The ids of b in ascending order (malloc'd; *n of them; NULL when none). */
static int64_t *
idbits_list(const idbits *b, size_t *n)
{
	int64_t *ids = NULL;
	size_t k = 0, cap = 0;

	for (size_t w = 0; w < b->n; w++)
		for (uint64_t v = b->w[w]; v != 0; v &= v - 1) {
			if (k == cap) {
				cap = cap ? 2 * cap : 1024;
				ids = sj_realloc(ids, cap * sizeof *ids);
			}
			ids[k++] = (int64_t)(w * 64) + __builtin_ctzll(v);
		}
	*n = k;
	return ids;
}

typedef struct maps {
	idmap person, venue;
	idbits named;              /* the people the file's rows name (first pass) */
} maps;

static sj_rc
load_refs(store *s, const char *source, maps *m, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, checkins_sql[Q_REFS], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, source);
	while ((rc = store_step(st, &row, e)) == SJ_OK && row)
		idmap_put(store_col_int(st, 0) == REF_PERSON ? &m->person : &m->venue,
		    store_col_int(st, 1), store_col_int(st, 2));
	return rc;
}

static sj_rc
ref_add(store *s, const char *source, int kind, int64_t ext_id, int64_t local_id, sj_err *e)
{
	store_stmt *st;
	sj_rc rc;

	if ((rc = store_prepare(s, checkins_sql[Q_REF_ADD], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, source);
	store_bind_int(st, 2, kind);
	store_bind_int(st, 3, ext_id);
	store_bind_int(st, 4, local_id);
	return store_run(st, e);
}

/* Users of the file not yet made, in first-seen order, made together
 * (make_people) every PEOPLE_CHUNK and at the end of the first pass. */
#define PEOPLE_CHUNK 10000

typedef struct new_people {
	int64_t user_ids[PEOPLE_CHUNK];
	int64_t ids[PEOPLE_CHUNK];
	size_t n;
} new_people;

static const char *const ref_cols[] = { "source", "kind", "ext_id", "local_id" };

/* The import_ref rows of kind for ext_ids[i] → local_ids[i], i < n. */
static sj_rc
refs_add(store *s, const char *source, int kind, const int64_t *ext_ids,
    const int64_t *local_ids, size_t n, sj_err *e)
{
	store_bulk *b;
	sj_rc rc;

	if ((rc = store_bulk_begin(s, "import_ref", ref_cols, 4, &b, e)) != SJ_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		store_cell c[4] = { { .type = STORE_CELL_TEXT, .p = source },
		    { .type = STORE_CELL_INT, .i = kind }, { .type = STORE_CELL_INT, .i = ext_ids[i] },
		    { .type = STORE_CELL_INT, .i = local_ids[i] } };
		if ((rc = store_bulk_put(b, c, e)) != SJ_OK) {
			store_bulk_abort(b);
			return rc;
		}
	}
	return store_bulk_end(b, NULL, e);
}

/* Make the people of np (person_add_many: a few statements for all of
 * them) with their import_ref rows, and map their user ids. */
static sj_rc
make_people(store *s, const crypt_keys *k, const scope *sc, const checkins_options *o,
    new_people *np, maps *m, sj_err *e)
{
	person_input *in = sj_calloc(np->n ? np->n : 1, sizeof *in);
	arena a;
	sj_rc rc;

	arena_init(&a);
	for (size_t i = 0; i < np->n; i++)
		in[i] = (person_input){ .unit_id = o->unit_id, .name = arena_printf(&a, "%s user %lld",
		    o->source, (long long)np->user_ids[i]) };
	if ((rc = person_add_many(s, k, sc, in, np->n, 0, np->ids, e)) == SJ_OK)
		rc = refs_add(s, o->source, REF_PERSON, np->user_ids, np->ids, np->n, e);
	for (size_t i = 0; rc == SJ_OK && i < np->n; i++) {
		idmap_put(&m->person, np->user_ids[i], np->ids[i]);
		idbits_add(&m->named, np->ids[i]);
	}
	np->n = 0;
	arena_free(&a);
	free(in);
	return rc;
}

/* Note a user the store lacks (once: marked -1 in the map until made). */
static sj_rc
want_person(store *s, const crypt_keys *k, const scope *sc, const checkins_options *o,
    int64_t user_id, new_people *np, maps *m, sj_err *e)
{
	idmap_put(&m->person, user_id, -1);
	np->user_ids[np->n++] = user_id;
	return np->n == PEOPLE_CHUNK ? make_people(s, k, sc, o, np, m, e) : SJ_OK;
}

static sj_rc
make_venue(store *s, const scope *sc, const checkins_options *o, int64_t venue_id, maps *m,
    sj_err *e)
{
	char name[CHECKINS_SOURCE_MAX + 40];
	org_place place = { .unit_id = o->unit_id, .kind = "public", .name = name,
	    .records_exits = 0, .default_stay_s = o->default_stay_s };
	org_checkpoint cp = { .name = "entrance", .kind = "gate" };
	sj_rc rc;

	snprintf(name, sizeof name, "%s venue %lld", o->source, (long long)venue_id);
	if ((rc = org_place_add(s, sc, &place, &cp.place_id, e)) != SJ_OK ||
	    (rc = org_checkpoint_add(s, sc, &cp, &cp.id, e)) != SJ_OK ||
	    (rc = ref_add(s, o->source, REF_VENUE, venue_id, cp.id, e)) != SJ_OK)
		return rc;
	idmap_put(&m->venue, venue_id, cp.id);
	return SJ_OK;
}

/* First pass: make whoever and whatever the file names and the store
 * lacks (rows that do not check are left to the second pass).  The whole
 * file is read here, before any scan is written, so a quote never closed
 * refuses the file with nothing imported. */
typedef struct first_pass {
	store *s;
	const crypt_keys *k;
	const scope *sc;
	const checkins_options *o;
	new_people *np;
	maps *m;
	sj_rc rc;
	sj_err *e;
} first_pass;

static void
first_row(void *cls, int64_t line, const record *rec)
{
	first_pass *fp = cls;
	int64_t person_id;
	checkin c;

	(void)line;
	if (fp->rc != SJ_OK)
		return;
	if ((person_id = record_known(rec, &fp->m->person, &fp->m->venue)) != 0) {
		idbits_add(&fp->m->named, person_id);
		return;
	}
	if (record_checkin(rec, &c, NULL) != SJ_OK)
		return;
	if ((person_id = idmap_get(&fp->m->person, c.user_id)) == 0)
		fp->rc = want_person(fp->s, fp->k, fp->sc, fp->o, c.user_id, fp->np, fp->m, fp->e);
	else
		idbits_add(&fp->m->named, person_id);   /* (-1: marked when made) */
	if (fp->rc == SJ_OK && idmap_get(&fp->m->venue, c.venue_id) == 0)
		fp->rc = make_venue(fp->s, fp->sc, fp->o, c.venue_id, fp->m, fp->e);
}

static sj_rc
make_missing(store *s, const crypt_keys *k, const scope *sc, const char *path,
    const checkins_options *o, maps *m, sj_err *e)
{
	first_pass fp = { .s = s, .k = k, .sc = sc, .o = o, .m = m, .e = e,
	    .np = sj_calloc(1, sizeof *fp.np) };
	reader *rd = sj_malloc(sizeof *rd);
	sj_rc rc;

	if ((rc = reader_open(rd, path, first_row, &fp, e)) == SJ_OK) {
		while (reader_step(rd, &rc, e) && fp.rc == SJ_OK)
			;
		if (rc == SJ_OK)
			rc = fp.rc;
		if (rc == SJ_OK && fp.np->n > 0)
			rc = make_people(s, k, sc, o, fp.np, m, e);
		reader_close(rd);
	}
	free(fp.np);
	free(rd);
	return rc;
}

/* Second pass: the scans.  The file is read and its lines parsed by a
 * thread of their own (line_reader), FEED_CHUNK lines at a time, while
 * this thread checks and writes the scans (scan_import_add): the reading,
 * unzipping, parsing and id look-ups of 1 M check-ins (~0.5 s of CPU)
 * then run beside the import on a second core instead of before each of
 * its rows (bench/RESULTS.md "SQLite bulk import: the floor and
 * write-behind").  The rows, rejects and errors come out in file order,
 * so the report is the same as read in line. */

/* One row of the file, read and checked. */
typedef struct fed {
	int64_t lineno;
	int64_t checkpoint_id, person_id, at;   /* a row: the ids mapped */
	int32_t why;                            /* a reject: its index in chunk.why, else -1 */
} fed;

/* A chunk is full at FEED_CHUNK rows; one piece read (at most
 * LINE_MAX_BYTES - 1 bytes, each record of at least 2) and the file's
 * end may end more records than that, hence the room. */
#define FEED_CHUNK 4096
#define FEED_ROOM (FEED_CHUNK + LINE_MAX_BYTES / 2 + 1)

typedef struct feed_chunk {
	fed rows[FEED_ROOM];
	size_t n;
	sj_err *why;               /* the rejects' errors, owned */
	size_t n_why, cap_why;
	bool full;                 /* filled by the reader, not yet taken (feed.mu) */
} feed_chunk;

/* The reader and its two chunks: the reader fills one while the import
 * takes the other.  mu guards the chunks' full flags, done, stop and
 * the reader's outcome. */
typedef struct feed {
	reader rd;
	const maps *m;
	feed_chunk chunk[2];
	feed_chunk *filling;       /* the chunk the reader's rows go to */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done, stop;           /* the reader has ended / is to end */
	sj_rc rc;                  /* the reader's end: the file's outcome */
	sj_err err;
} feed;

static void
note_why(feed_chunk *c, fed *f, const sj_err *why)
{
	if (c->n_why == c->cap_why) {
		c->cap_why = c->cap_why ? 2 * c->cap_why : 16;
		c->why = sj_realloc(c->why, c->cap_why * sizeof *c->why);
	}
	c->why[c->n_why] = *why;
	f->why = (int32_t)c->n_why++;
}

/* A record read: a row or a reject of the chunk being filled. */
static void
feed_row(void *cls, int64_t line, const record *rec)
{
	feed *fd = cls;
	feed_chunk *c = fd->filling;
	fed *f = &c->rows[c->n++];
	sj_err why = {0};
	checkin k;

	assert(c->n <= FEED_ROOM);
	*f = (fed){ .lineno = line, .why = -1 };
	if (record_checkin(rec, &k, &why) != SJ_OK)
		note_why(c, f, &why);
	else {
		f->checkpoint_id = idmap_get(&fd->m->venue, k.venue_id);
		f->person_id = idmap_get(&fd->m->person, k.user_id);
		f->at = k.at;
	}
}

/* Fill c with FEED_CHUNK rows or more; false when the file has ended
 * (fd->rc, fd->err: how). */
static bool
fill_chunk(feed *fd, feed_chunk *c)
{
	c->n = c->n_why = 0;
	fd->filling = c;
	while (c->n < FEED_CHUNK)
		if (!reader_step(&fd->rd, &fd->rc, &fd->err))
			return false;
	return true;
}

/* The reader thread: chunk after chunk, each once the import has taken
 * it, until the file's end. */
static void *
line_reader(void *cls)
{
	feed *fd = cls;
	bool more = true;

	for (int k = 0; more; k ^= 1) {
		feed_chunk *c = &fd->chunk[k];
		pthread_mutex_lock(&fd->mu);
		while (c->full && !fd->stop)
			pthread_cond_wait(&fd->cv, &fd->mu);
		bool stop = fd->stop;
		pthread_mutex_unlock(&fd->mu);
		if (stop)
			break;
		more = fill_chunk(fd, c);
		pthread_mutex_lock(&fd->mu);
		c->full = true;
		pthread_cond_broadcast(&fd->cv);
		pthread_mutex_unlock(&fd->mu);
	}
	pthread_mutex_lock(&fd->mu);
	fd->done = true;
	pthread_cond_broadcast(&fd->cv);
	pthread_mutex_unlock(&fd->mu);
	return NULL;
}

/* Give c's rows to the import in order. */
static sj_rc
take_chunk(scan_import *im, const feed_chunk *c, sj_err *e)
{
	sj_rc rc = SJ_OK;

	for (size_t i = 0; rc == SJ_OK && i < c->n; i++) {
		const fed *f = &c->rows[i];
		if (f->why >= 0)
			scan_import_reject(im, f->lineno, &c->why[f->why]);
		else
			rc = scan_import_add(im, f->lineno, &(scan_input){
			    .checkpoint_id = f->checkpoint_id, .person_id = f->person_id,
			    .direction = SCAN_IN, .at = f->at }, NULL, NULL, e);
	}
	return rc;
}

/* Take the chunks the reader thread fills, in turn, until it has ended
 * or the import fails; then stop and join it. */
static sj_rc
take_chunks(feed *fd, pthread_t reader_thread, scan_import *im, sj_err *e)
{
	sj_rc rc = SJ_OK;

	for (int k = 0; rc == SJ_OK; k ^= 1) {
		feed_chunk *c = &fd->chunk[k];
		pthread_mutex_lock(&fd->mu);
		while (!c->full && !fd->done)
			pthread_cond_wait(&fd->cv, &fd->mu);
		bool ready = c->full;
		pthread_mutex_unlock(&fd->mu);
		if (!ready)   /* the reader has ended and every chunk is taken */
			break;
		rc = take_chunk(im, c, e);
		pthread_mutex_lock(&fd->mu);
		c->full = false;
		pthread_cond_broadcast(&fd->cv);
		pthread_mutex_unlock(&fd->mu);
	}
	pthread_mutex_lock(&fd->mu);
	fd->stop = true;   /* (when the import failed: no more rows) */
	pthread_cond_broadcast(&fd->cv);
	pthread_mutex_unlock(&fd->mu);
	pthread_join(reader_thread, NULL);
	return rc;
}

static sj_rc
feed_rows(const char *path, const maps *m, scan_import *im, sj_err *e)
{
	feed *fd = sj_calloc(1, sizeof *fd);
	pthread_t reader_thread;
	sj_rc rc;

	fd->m = m;
	if ((rc = reader_open(&fd->rd, path, feed_row, fd, e)) != SJ_OK) {
		free(fd);
		return rc;
	}
	pthread_mutex_init(&fd->mu, NULL);
	pthread_cond_init(&fd->cv, NULL);
	if (pthread_create(&reader_thread, NULL, line_reader, fd) != 0) {
		/* no thread: read in line */
		bool more = true;
		while (rc == SJ_OK && more) {
			more = fill_chunk(fd, &fd->chunk[0]);
			rc = take_chunk(im, &fd->chunk[0], e);
		}
	} else
		rc = take_chunks(fd, reader_thread, im, e);
	if (rc == SJ_OK && fd->rc != SJ_OK) {
		*e = fd->err;
		rc = fd->rc;
	}
	reader_close(&fd->rd);
	pthread_cond_destroy(&fd->cv);
	pthread_mutex_destroy(&fd->mu);
	free(fd->chunk[0].why);
	free(fd->chunk[1].why);
	free(fd);
	return rc;
}

static sj_rc
check_options(store *s, const scope *sc, checkins_options *o, sj_err *e)
{
	size_t n = o->source ? strlen(o->source) : 0;

	if (n == 0 || n > CHECKINS_SOURCE_MAX || strspn(o->source, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
		return sj_fail(e, SJ_EINVAL, "source", "must be 1 to %d of A-Z a-z 0-9 _ . -",
		    CHECKINS_SOURCE_MAX);
	if (o->default_stay_s == 0)
		o->default_stay_s = CHECKINS_STAY_DEFAULT;
	if (o->default_stay_s < 60 || o->default_stay_s > 86400)
		return sj_fail(e, SJ_EINVAL, "default_stay_s", "must be 60 to 86400 seconds");
	if (!org_unit_visible(s, sc, o->unit_id))
		return sj_fail(e, SJ_ENOTFOUND, "unit_id", "no unit with id %lld",
		    (long long)o->unit_id);
	return SJ_OK;
}

sj_rc
checkins_import(store *s, const crypt_keys *k, const scope *sc, const char *path,
    const checkins_options *given, scan_import *im, sj_err *e)
{
	checkins_options o = *given;
	maps m = {0};
	sj_rc rc;

	if ((rc = check_options(s, sc, &o, e)) != SJ_OK)
		return rc;
	if (o.dry_run && (rc = store_begin(s, e)) != SJ_OK)
		return rc;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = store_begin(s, e)) == SJ_OK) {
		if ((rc = load_refs(s, o.source, &m, e)) == SJ_OK)
			rc = make_missing(s, k, sc, path, &o, &m, e);
		if (rc == SJ_OK)
			rc = store_commit(s, e);
		else
			store_rollback(s);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_debug("checkins: the first pass (people and venues to make) took %.2f s",
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (rc == SJ_OK) {
		size_t n;
		int64_t *ids = idbits_list(&m.named, &n);
		scan_import_people_hint(im, ids, n);
		rc = feed_rows(path, &m, im, e);
	}
	if (rc == SJ_OK)
		rc = scan_import_finish(im, e);
	if (o.dry_run)
		store_rollback(s);
	idmap_free(&m.person);
	idmap_free(&m.venue);
	free(m.named.w);
	return rc;
}
