/*
 * placecode — the per-checkpoint tokens behind printed place codes.
 *
 * Invariant: a checkpoint has at most one token (primary key), and a
 * token names at most one checkpoint (unique); a token is stored only
 * after crypt_random_token made it, never from input.
 */
#include "domain/placecode.h"

#include <stdio.h>
#include <string.h>

#include "core/qr.h"

enum { Q_GET, Q_RESOLVE, Q_PUT };

#define CODE_COLS \
	"pc.checkpoint_id, pc.token, pc.created_at, c.name, c.kind, pl.id, pl.name," \
	" pl.records_exits, u.id, u.name, c.id"
#define CODE_FROM \
	" FROM checkpoint c JOIN place pl ON pl.id = c.place_id JOIN unit u ON u.id = pl.unit_id"

static const char *const placecode_sql[] = {
	[Q_GET] =
	"SELECT " CODE_COLS CODE_FROM " LEFT JOIN place_code pc ON pc.checkpoint_id = c.id"
	" WHERE c.id = ?4 AND " SCOPE_CHECKPOINT("pl.unit_id", "c.id"),
	[Q_RESOLVE] =
	"SELECT " CODE_COLS CODE_FROM " JOIN place_code pc ON pc.checkpoint_id = c.id"
	" WHERE pc.token = ?1",
	[Q_PUT] =
	"INSERT INTO place_code (checkpoint_id, token, created_at) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (checkpoint_id) DO UPDATE SET token = excluded.token,"
	" created_at = excluded.created_at",
};

bool
placecode_token_valid(const char *s)
{
	if (s == NULL || strlen(s) != PLACECODE_TOKEN_LEN)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

bool
placecode_token_of(const char *text, char out[CRYPT_TOKEN_SIZE])
{
	const char *t = text;
	size_t n;

	out[0] = '\0';
	if (text == NULL)
		return false;
	n = strlen(text);
	/* A URL: ".../c/<token>", optionally with one trailing '/'. */
	if (strstr(text, "://") != NULL) {
		if (n > 0 && text[n - 1] == '/')
			n--;
		if (n < PLACECODE_TOKEN_LEN + 3 ||
		    memcmp(text + n - PLACECODE_TOKEN_LEN - 3, "/c/", 3) != 0)
			return false;
		t = text + n - PLACECODE_TOKEN_LEN;
	} else if (n != PLACECODE_TOKEN_LEN)
		return false;
	memcpy(out, t, PLACECODE_TOKEN_LEN);
	out[PLACECODE_TOKEN_LEN] = '\0';
	if (!placecode_token_valid(out)) {
		out[0] = '\0';
		return false;
	}
	return true;
}

const char *
placecode_url(arena *a, const char *public_url, const char *token)
{
	size_t n = strlen(public_url);

	while (n > 0 && public_url[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s/c/%s", (int)n, public_url, token);
}

static void
code_row(store_stmt *st, arena *a, placecode *out)
{
	memset(out, 0, sizeof *out);
	out->checkpoint_id = store_col_int(st, 10);
	out->token = arena_strdup(a, store_col_text(st, 1));
	out->created_at = store_col_int(st, 2);
	out->checkpoint_name = arena_strdup(a, store_col_text(st, 3));
	out->checkpoint_kind = arena_strdup(a, store_col_text(st, 4));
	out->place_id = store_col_int(st, 5);
	out->place_name = arena_strdup(a, store_col_text(st, 6));
	out->records_exits = (int)store_col_int(st, 7);
	out->unit_id = store_col_int(st, 8);
	out->unit_name = arena_strdup(a, store_col_text(st, 9));
}

/* The checkpoint's row (with or without a code) into out. */
static sj_rc
code_read(store *s, const scope *sc, arena *a, int64_t checkpoint_id, placecode *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if ((rc = store_prepare(s, placecode_sql[Q_GET], &st, e)) != SJ_OK)
		return rc;
	scope_bind(st, sc);
	store_bind_int(st, 4, checkpoint_id);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "checkpoint", "no checkpoint with id %lld",
		    (long long)checkpoint_id);
	code_row(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
placecode_get(store *s, const scope *sc, arena *a, int64_t checkpoint_id, placecode *out,
    sj_err *e)
{
	sj_rc rc = code_read(s, sc, a, checkpoint_id, out, e);

	if (rc == SJ_OK && out->token == NULL)
		return sj_fail(e, SJ_ENOTFOUND, "place_code", "checkpoint %lld has no place code yet",
		    (long long)checkpoint_id);
	return rc;
}

sj_rc
placecode_issue(store *s, const scope *sc, int64_t checkpoint_id, bool rotate, int64_t now,
    bool *created, sj_err *e)
{
	char token[CRYPT_TOKEN_SIZE];
	store_stmt *st;
	placecode pc;
	arena a;
	sj_rc rc;

	if (created)
		*created = false;
	if ((rc = store_begin(s, e)) != SJ_OK)
		return rc;
	arena_init(&a);
	rc = code_read(s, sc, &a, checkpoint_id, &pc, e);
	if (rc == SJ_OK && (pc.token == NULL || rotate)) {
		if ((rc = crypt_random_token(token, sizeof token)) != SJ_OK)
			sj_fail(e, rc, NULL, "no random token could be made");
		else if ((rc = store_prepare(s, placecode_sql[Q_PUT], &st, e)) == SJ_OK) {
			store_bind_int(st, 1, checkpoint_id);
			store_bind_text(st, 2, token);
			store_bind_int(st, 3, now);
			rc = store_run(st, e);
		}
		if (rc == SJ_OK && created)
			*created = true;
	}
	arena_free(&a);
	if (rc != SJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

sj_rc
placecode_resolve(store *s, arena *a, const char *token, placecode *out, sj_err *e)
{
	store_stmt *st;
	bool row;
	sj_rc rc;

	if (!placecode_token_valid(token))
		return sj_fail(e, SJ_ENOTFOUND, "token", "no such place code");
	if ((rc = store_prepare(s, placecode_sql[Q_RESOLVE], &st, e)) != SJ_OK)
		return rc;
	store_bind_text(st, 1, token);
	if ((rc = store_step(st, &row, e)) != SJ_OK)
		return rc;
	if (!row)
		return sj_fail(e, SJ_ENOTFOUND, "token", "no such place code");
	code_row(st, a, out);
	store_reset(st);
	return SJ_OK;
}

sj_rc
placecode_render(const placecode *pc, const char *url, const char *format, const char *font,
    buf *out, bool *lettered, sj_err *e)
{
	char title[512];
	qr_caption cap = { .font = font, .width_px = 800 };

	snprintf(title, sizeof title, "场所码 %s · %s", pc->place_name, pc->checkpoint_name);
	cap.heading = pc->place_name;
	cap.lines[cap.n_lines++] = pc->checkpoint_name;
	cap.lines[cap.n_lines++] = "扫码登记 · Scan to check in";
	cap.title = title;
	cap.description = url;
	return qr_render(url, &cap, format, out, lettered, e);
}
