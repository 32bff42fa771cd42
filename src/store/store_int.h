/*
 * store_int — what store.c shares with store_bulk.c (bulk inserts, the
 * bulk-import settings, key tables and id blocks): the store handle's
 * structs and the failed-transaction rule.  Private to the store layer:
 * domain modules include store.h only.
 */
#ifndef SJ_STORE_STORE_INT_H
#define SJ_STORE_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/driver.h"

struct store_stmt {
	store *owner;
	const char *sql;  /* the key; NULL marks an empty slot */
	void *impl;       /* the driver's statement */
};

struct store {
	const store_driver *drv;
	void *conn;
	char *url;        /* for messages, password masked */
	int depth;        /* open transactions; >1 means savepoints */
	sj_err failed;    /* a statement failed inside the open transaction */
	bool lost;        /* the whole transaction is gone: a store-unavailable
	                   * failure (disk full, read-only, I/O error, lost
	                   * connection), after which SQLite may already have
	                   * rolled everything back; savepoint rollbacks then keep
	                   * `failed` until the outermost rollback, so that no
	                   * statement of the caller runs outside its transaction */
	store_stmt *slots;
	size_t n_slots;   /* a power of two */
	size_t n_used;
	/* Lines published in the open transaction (store_publish), each ending
	 * in '\n'; mark[d] is the length when depth d+1 began, to drop what a
	 * rolled-back savepoint published. */
	char *pub;
	size_t n_pub, cap_pub;
	size_t *mark;
	int n_mark;
	bool pub_overflow;
	bool deferring;   /* store_defer_writes, until the outermost commit or rollback */
	bool fk_off;      /* SQLite foreign keys off until the outermost commit
	                   * or rollback (store_begin_checked) */
	bool tuned;       /* store_bulk_tune's settings are on; then, on SQLite, */
	int64_t tuned_cache, tuned_temp, tuned_mmap;  /* cache_size, temp_store and
	                   * mmap_size before */
	char channel[96];   /* STORE_CHANNEL ":" schema, once known (PostgreSQL) */
};

/* Refuse a statement in a transaction where one already failed (store.h):
 * SJ_EINTERNAL naming the first failure, else SJ_OK. */
sj_rc store_check_not_failed(store *s, sj_err *e);

/* Remember a failure (rc, e->msg; e may be NULL) inside a transaction,
 * and a store-unavailable one as the whole transaction lost; returns rc. */
sj_rc store_note_failure(store *s, sj_rc rc, const sj_err *e);

#endif
