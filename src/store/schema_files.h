/*
 * schema_files — the migrations embedded in the binary at build time by
 * scripts/embed.sh from schema/<dialect>/NNNN_name.sql.
 */
#ifndef SJ_SCHEMA_FILES_H
#define SJ_SCHEMA_FILES_H

struct schema_file {
	const char *dialect;  /* "sqlite" or "postgres" */
	int version;          /* NNNN from the file name; 1, 2, ... without gaps */
	const char *name;     /* file name without ".sql", e.g. "0001_org" */
	const char *sql;      /* the whole file, NUL-terminated */
};

/* Sorted by dialect then version; ends with an all-zero row. */
extern const struct schema_file schema_files[];

#endif
