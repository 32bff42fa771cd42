/* The Citus layout, shown not claimed (issue 4): the schema is applied to
 * the test database (SQLite, and PostgreSQL with SIJIN_TEST_DB=pg) and its
 * catalog is held to src/store/layout.c —
 *  - every table is declared, every declared table exists;
 *  - a distributed table's primary key and each of its unique keys contain
 *    its distribution column (Citus enforces uniqueness per shard only);
 *  - foreign keys: distributed → distributed only pairing the two
 *    distribution columns (co-location), distributed → reference; reference
 *    → reference only; local → reference or local.
 * On PostgreSQL the schema must also match SQLite's table for table and
 * column for column (names and order), so that a migration ported by hand
 * cannot drift. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/layout.h"
#include "store/migrate.h"
#include "store/store.h"
#include "unit/testdb.h"

/* Catalog queries, [0] SQLite and [1] PostgreSQL, all returning text. */
enum { C_TABLES, C_KEYS, C_FKEYS, C_COLUMNS };

static const char *const catalog_sql[][2] = {
	/* Base tables but the migration ledger. */
	[C_TABLES] = {
	"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	" AND name <> 'schema_migrations' ORDER BY name",
	"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	" AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name",
	},
	/* Table, key name, columns (comma-separated, in key order) of the
	 * primary key and every unique index or constraint. */
	[C_KEYS] = {
	"SELECT m.name, 'primary key', (SELECT group_concat(name, ',') FROM (SELECT name FROM"
	" pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk)) FROM sqlite_schema m"
	" WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0)"
	" UNION ALL"
	" SELECT m.name, il.name, (SELECT group_concat(name, ',') FROM (SELECT name FROM"
	" pragma_index_info(il.name) ORDER BY seqno)) FROM sqlite_schema m, pragma_index_list(m.name) il"
	" WHERE m.type = 'table' AND il.\"unique\" = 1 AND il.origin <> 'pk'",
	"SELECT t.relname, CASE WHEN i.indisprimary THEN 'primary key' ELSE c.relname END,"
	" (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey::int2[])"
	"  WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid"
	"  AND a.attnum = k.attnum)"
	" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
	" JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
	" WHERE n.nspname = current_schema() AND i.indisunique",
	},
	/* Referencing table, referenced table, their columns (paired, in order). */
	[C_FKEYS] = {
	"SELECT m.name, f.\"table\", group_concat(f.\"from\", ','), group_concat(coalesce(f.\"to\","
	" '?'), ',') FROM sqlite_schema m, pragma_foreign_key_list(m.name) f"
	" WHERE m.type = 'table' GROUP BY m.name, f.id",
	"SELECT s.relname, d.relname,"
	" (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.conkey)"
	"  WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid"
	"  AND a.attnum = k.attnum),"
	" (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.confkey)"
	"  WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid"
	"  AND a.attnum = k.attnum)"
	" FROM pg_constraint con JOIN pg_class s ON s.oid = con.conrelid"
	" JOIN pg_class d ON d.oid = con.confrelid JOIN pg_namespace n ON n.oid = s.relnamespace"
	" WHERE con.contype = 'f' AND n.nspname = current_schema()",
	},
	/* Table, its columns in order. */
	[C_COLUMNS] = {
	"SELECT m.name, (SELECT group_concat(name, ',') FROM (SELECT name FROM"
	" pragma_table_info(m.name) ORDER BY cid)) FROM sqlite_schema m WHERE m.type = 'table'"
	" AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name",
	"SELECT c.table_name, string_agg(c.column_name, ',' ORDER BY c.ordinal_position)"
	" FROM information_schema.columns c JOIN information_schema.tables t"
	" ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
	" WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
	" GROUP BY c.table_name ORDER BY c.table_name",
	},
};

#define MAX_ROWS 1024
#define MAX_COLS 4

/* A catalog answer: rows of up to four text columns. */
typedef struct rows {
	size_t n;
	char *v[MAX_ROWS][MAX_COLS];
} rows;

static void
rows_free(rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (int j = 0; j < MAX_COLS; j++)
			free(r->v[i][j]);
	r->n = 0;
}

static void
catalog(store *s, int q, rows *out)
{
	const char *sql = catalog_sql[q][store_get_dialect(s) == STORE_POSTGRES];
	store_stmt *st;
	sj_err e = {0};
	bool row;

	out->n = 0;
	if (store_prepare(s, sql, &st, &e) != SJ_OK)
		fail_msg("catalog query %d: %s", q, e.msg);
	while (store_step(st, &row, &e) == SJ_OK && row) {
		assert_true(out->n < MAX_ROWS);
		for (int j = 0; j < MAX_COLS; j++) {
			const char *t = store_col_text(st, j);
			out->v[out->n][j] = t ? strdup(t) : NULL;
		}
		out->n++;
	}
	assert_int_equal(e.rc, SJ_OK);
}

/* The 0-based position of name in the comma-separated list, or -1. */
static int
list_pos(const char *list, const char *name)
{
	size_t n = strlen(name);
	int pos = 0;

	for (const char *p = list ? list : ""; *p; pos++) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, name, n) == 0)
			return pos;
		p += len;
		if (*p == ',')
			p++;
	}
	return -1;
}

static store *
schema_store(void)
{
	store *s = testdb_open();
	sj_err e = {0};

	if (migrate_apply(s, NULL, &e) != SJ_OK)
		fail_msg("the migrations do not apply on %s: %s", testdb_name(), e.msg);
	return s;
}

/* Every table is placed, every placed table exists. */
static void
test_every_table_placed(void **state)
{
	store *s = schema_store();
	rows *r = calloc(1, sizeof *r);
	int bad = 0;

	(void)state;
	catalog(s, C_TABLES, r);
	assert_true(r->n > 10);
	for (size_t i = 0; i < r->n; i++)
		if (store_layout_find(r->v[i][0]) == NULL) {
			print_error("table %s is not placed in src/store/layout.c: declare it reference, "
			    "local, or distributed by its place or unit column (docs/scale-out.md)\n",
			    r->v[i][0]);
			bad++;
		}
	for (const store_table_layout *t = store_layout; t->table; t++) {
		bool found = false;
		for (size_t i = 0; i < r->n && !found; i++)
			found = strcmp(r->v[i][0], t->table) == 0;
		if (!found) {
			print_error("src/store/layout.c places %s, which the %s schema lacks\n",
			    t->table, testdb_name());
			bad++;
		}
		if ((t->kind == LAYOUT_DISTRIBUTED) != (t->column != NULL)) {
			print_error("%s: a distribution column goes with distributed tables only\n", t->table);
			bad++;
		}
	}
	rows_free(r);
	free(r);
	store_close(s);
	assert_int_equal(bad, 0);
}

/* A distributed table's primary key and unique keys hold its column. */
static void
test_distributed_keys(void **state)
{
	store *s = schema_store();
	rows *r = calloc(1, sizeof *r);
	int bad = 0;

	(void)state;
	catalog(s, C_KEYS, r);
	for (const store_table_layout *t = store_layout; t->table; t++) {
		bool has_pk = false;
		if (t->kind != LAYOUT_DISTRIBUTED)
			continue;
		for (size_t i = 0; i < r->n; i++) {
			if (strcmp(r->v[i][0], t->table) != 0)
				continue;
			has_pk |= strcmp(r->v[i][1], "primary key") == 0;
			if (list_pos(r->v[i][2], t->column) < 0) {
				print_error("%s: %s (%s) lacks the distribution column %s\n", t->table,
				    r->v[i][1], r->v[i][2] ? r->v[i][2] : "", t->column);
				bad++;
			}
		}
		if (!has_pk) {
			print_error("%s: a distributed table needs a primary key holding %s\n", t->table,
			    t->column);
			bad++;
		}
	}
	rows_free(r);
	free(r);
	store_close(s);
	assert_int_equal(bad, 0);
}

/* Why a foreign key from table a to table b cannot be, or NULL. */
static const char *
fkey_problem(const store_table_layout *a, const store_table_layout *b, const char *a_cols,
    const char *b_cols)
{
	if (a == NULL || b == NULL)
		return "a table is not placed";
	switch (a->kind) {
	case LAYOUT_DISTRIBUTED:
		if (b->kind == LAYOUT_REFERENCE)
			return NULL;
		if (b->kind == LAYOUT_LOCAL)
			return "a distributed table cannot refer to a local one";
		if (list_pos(a_cols, a->column) < 0 ||
		    list_pos(a_cols, a->column) != list_pos(b_cols, b->column))
			return "between distributed tables the key must pair their distribution columns";
		return NULL;
	case LAYOUT_REFERENCE:
		return b->kind == LAYOUT_REFERENCE ? NULL
		    : "a reference table may refer to reference tables only";
	case LAYOUT_LOCAL:
		return b->kind == LAYOUT_DISTRIBUTED ? "a local table cannot refer to a distributed one"
		    : NULL;
	}
	return "unknown kind";
}

static void
test_foreign_keys_fit(void **state)
{
	store *s = schema_store();
	rows *r = calloc(1, sizeof *r);
	int bad = 0;

	(void)state;
	catalog(s, C_FKEYS, r);
	assert_true(r->n > 10);
	for (size_t i = 0; i < r->n; i++) {
		const store_table_layout *a = store_layout_find(r->v[i][0]);
		const store_table_layout *b = store_layout_find(r->v[i][1]);
		const char *why = fkey_problem(a, b, r->v[i][2], r->v[i][3]);
		if (why) {
			print_error("foreign key %s(%s) -> %s(%s), %s -> %s: %s\n", r->v[i][0], r->v[i][2],
			    r->v[i][1], r->v[i][3], a ? store_layout_kind_name(a->kind) : "?",
			    b ? store_layout_kind_name(b->kind) : "?", why);
			bad++;
		}
	}
	rows_free(r);
	free(r);
	store_close(s);
	assert_int_equal(bad, 0);
}

/* The checker itself, on made-up layouts: it must refuse what Citus would. */
static void
test_checker_refuses(void **state)
{
	static const store_table_layout scan = { "scan", LAYOUT_DISTRIBUTED, "place_id" };
	static const store_table_layout stay = { "stay", LAYOUT_DISTRIBUTED, "place_id" };
	static const store_table_layout ref = { "place", LAYOUT_REFERENCE, NULL };
	static const store_table_layout loc = { "audit_event", LAYOUT_LOCAL, NULL };

	(void)state;
	assert_null(fkey_problem(&stay, &scan, "place_id,entry_scan_id", "place_id,id"));
	assert_non_null(fkey_problem(&stay, &scan, "entry_scan_id", "id"));
	assert_non_null(fkey_problem(&stay, &scan, "entry_scan_id,place_id", "place_id,id"));
	assert_null(fkey_problem(&scan, &ref, "place_id", "id"));
	assert_non_null(fkey_problem(&scan, &loc, "x", "id"));
	assert_non_null(fkey_problem(&ref, &scan, "x", "id"));
	assert_non_null(fkey_problem(&ref, &loc, "x", "id"));
	assert_null(fkey_problem(&loc, &ref, "x", "id"));
	assert_non_null(fkey_problem(&loc, &scan, "x", "id"));
	assert_int_equal(list_pos("a,place_id,b", "place_id"), 1);
	assert_int_equal(list_pos("a,place_idx", "place_id"), -1);
	assert_int_equal(list_pos(NULL, "x"), -1);
}

/* PostgreSQL: the same tables and columns, in the same order, as the
 * SQLite schema of the same binary. */
static void
test_schema_matches_sqlite(void **state)
{
	char dir[] = "/tmp/sj-layout-XXXXXX", path[64], cmd[96];
	store *pg, *lite = NULL;
	rows *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	sj_err e = {0};
	int bad = 0;

	(void)state;
	if (!testdb_is_pg()) {
		free(a);
		free(b);
		skip();
	}
	pg = schema_store();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	assert_int_equal(store_open(path, STORE_CREATE, &lite, &e), SJ_OK);
	assert_int_equal(migrate_apply(lite, NULL, &e), SJ_OK);
	catalog(lite, C_COLUMNS, a);
	catalog(pg, C_COLUMNS, b);
	for (size_t i = 0, j = 0; i < a->n || j < b->n;) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i][0], b->v[j][0]);
		if (c < 0)
			print_error("table %s: SQLite has it, PostgreSQL does not\n", a->v[i++][0]), bad++;
		else if (c > 0)
			print_error("table %s: PostgreSQL has it, SQLite does not\n", b->v[j++][0]), bad++;
		else {
			if (strcmp(a->v[i][1], b->v[j][1]) != 0) {
				print_error("table %s: columns differ:\n  sqlite   %s\n  postgres %s\n",
				    a->v[i][0], a->v[i][1], b->v[j][1]);
				bad++;
			}
			i++, j++;
		}
	}
	rows_free(a);
	rows_free(b);
	free(a);
	free(b);
	store_close(lite);
	store_close(pg);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_placed),
		cmocka_unit_test(test_distributed_keys),
		cmocka_unit_test(test_foreign_keys_fit),
		cmocka_unit_test(test_checker_refuses),
		cmocka_unit_test(test_schema_matches_sqlite),
	};
	fprintf(stderr, "test_layout on %s\n", testdb_name());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
