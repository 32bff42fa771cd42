/*
 * layout — where every table goes when one PostgreSQL node is not enough
 * and Citus spreads the database over several (DESIGN.md §6,
 * docs/scale-out.md).  The one declaration of that layout: the docs
 * explain it, tests/unit/test_layout.c holds the schema to it on both
 * databases, from the catalog.
 *
 * A table is one of:
 *  - distributed: sharded by hash of its distribution column (a place or a
 *    unit id).  Its primary key and every unique key contain that column;
 *    a foreign key to another distributed table pairs the two distribution
 *    columns (the tables are co-located); one to a reference table is fine;
 *  - reference: small, copied whole to every node, so that any shard can
 *    join with it; its foreign keys point only at reference tables;
 *  - local: kept on the coordinator only, written at human pace and never
 *    joined with a distributed table (the audit log, sessions, the
 *    documents of supplies, requests, visits and plans); its foreign keys
 *    point at reference or local tables.
 * A table the schema has and this list lacks fails the test: a new table
 * must be placed before it is merged.
 */
#ifndef SJ_STORE_LAYOUT_H
#define SJ_STORE_LAYOUT_H

typedef enum store_layout_kind {
	LAYOUT_LOCAL = 1,
	LAYOUT_REFERENCE,
	LAYOUT_DISTRIBUTED,
} store_layout_kind;

typedef struct store_table_layout {
	const char *table;
	store_layout_kind kind;
	const char *column;  /* the distribution column; NULL unless distributed */
} store_table_layout;

/* Every table of the schema (schema_migrations aside); ends with a row
 * whose table is NULL. */
extern const store_table_layout store_layout[];

/* The row of table, or NULL when it is not declared. */
const store_table_layout *store_layout_find(const char *table);

/* "local", "reference" or "distributed". */
const char *store_layout_kind_name(store_layout_kind kind);

#endif
