/*
 * cmd_org — `sijin unit list|add|show` and `sijin person add|find`.
 *
 * Tables are printed only once every row is read, so that a command that
 * fails prints nothing on standard output; their columns are aligned by
 * display width (a CJK character takes two columns), not by bytes.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli/cli.h"
#include "domain/org.h"
#include "domain/person.h"
#include "json/jorg.h"

/* Parse a decimal option value into *v (1..max).  Returns false after
 * printing a usage error. */
static bool
opt_int(const char *cmd, const char *name, const char *s, long max, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *v < 1 || *v > max) {
		cli_usage_error(cmd, "--%s: '%s' is not a number in 1..%ld", name, s, max);
		return false;
	}
	return true;
}

/* ---- tables ----------------------------------------------------------- */

/* Rows of n_cols cells, printed aligned by table_print.  The cells are
 * not copied: they live as long as the table (the command's arena). */
typedef struct table {
	arena *a;
	size_t n_cols;
	const char **cells;   /* n_rows × n_cols */
	size_t n_rows, cap;   /* rows filled, rows allocated */
} table;

static void
table_row(table *t, const char *const *cells)
{
	if (t->n_rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		const char **grown = arena_alloc(t->a, cap * t->n_cols * sizeof *grown);
		if (t->n_rows)
			memcpy(grown, t->cells, t->n_rows * t->n_cols * sizeof *grown);
		t->cells = grown;
		t->cap = cap;
	}
	memcpy(t->cells + t->n_rows++ * t->n_cols, cells, t->n_cols * sizeof *cells);
}

/* The columns a terminal gives s (valid UTF-8): East Asian wide and
 * full-width characters take two (utf8proc_charwidth, from Unicode's
 * EastAsianWidth.txt), combining marks none. */
static size_t
display_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;
	size_t w = 0;

	for (; *p; p += n) {
		if ((n = utf8proc_iterate(p, -1, &c)) <= 0)
			return w + strlen((const char *)p);  /* not UTF-8: a column a byte */
		w += (size_t)utf8proc_charwidth(c);
	}
	return w;
}

/* Print t, each column as wide as its widest cell, one space between
 * columns; the last column is not padded. */
static void
table_print(const table *t)
{
	size_t width[8] = {0};

	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_cols && c < 8; c++) {
			size_t w = display_width(t->cells[r * t->n_cols + c]);
			width[c] = w > width[c] ? w : width[c];
		}
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *cell = t->cells[r * t->n_cols + c];
			if (c + 1 == t->n_cols) {
				printf("%s\n", cell);
				break;
			}
			printf("%s%*s ", cell, (int)(width[c] - display_width(cell)), "");
		}
	}
}

/* ---- unit list -------------------------------------------------------- */

static const char unit_usage[] =
	"usage: sijin unit list [--kind KIND] [--region REGION] [--q TEXT] [--json]\n"
	"       sijin unit add --name NAME --kind KIND --region REGION [--address A] [--contact C]\n"
	"       sijin unit show UNIT [--json]\n\n"
	"KIND is community, enterprise, project or village.  REGION and UNIT are an id\n"
	"or an exact name.  Lists are in pinyin order of the name (docs/text.md).\n";

/* Add the units of one page to the table and the JSON array. */
static void
unit_rows(table *t, json_t *all, const org_page *page)
{
	const org_unit *u = page->rows;

	for (size_t i = 0; i < page->n; i++) {
		const char *cells[] = {
			arena_printf(t->a, "%lld", (long long)u[i].id), u[i].kind, u[i].name,
			u[i].region_name,
		};
		table_row(t, cells);
		json_array_append_new(all, jorg_unit(&u[i]));
	}
}

static int
unit_list_print(cli_ctx *ctx, org_unit_filter *f, bool json)
{
	static const char *const header[] = { "id", "kind", "name", "region" };
	json_t *all = json_array();
	org_page page;
	sj_err e = {0};
	arena a;
	table t = { .a = &a, .n_cols = 4 };
	int status = 0;

	arena_init(&a);
	table_row(&t, header);
	do {
		if (org_unit_list(ctx->s, &scope_system, &a, f, &page, &e) != SJ_OK) {
			status = cli_fail(&e);
			break;
		}
		unit_rows(&t, all, &page);
		f->range = page.next;
	} while (page.has_more);
	if (status == 0 && json) {
		cli_json_print(all);
		all = NULL;
	} else if (status == 0)
		table_print(&t);
	json_decref(all);
	arena_free(&a);
	return status;
}

static int
unit_list(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "region", required_argument, NULL, 'r' },
		{ "q", required_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	org_unit_filter f = { .range.limit = ORG_LIST_MAX };
	const char *region = NULL;
	sj_err e = {0};
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k': f.kind = optarg; break;
		case 'r': region = optarg; break;
		case 'q': f.q = optarg; break;
		case 'j': json = true; break;
		default: return cli_usage_error("unit list", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("unit list", "unexpected argument '%s'", argv[optind]);
	if (cli_open(ctx, false, &e) != SJ_OK)
		return cli_fail(&e);
	if (region && org_region_lookup(ctx->s, region, &f.region_id, &e) != SJ_OK)
		return cli_fail(&e);
	return unit_list_print(ctx, &f, json);
}

/* ---- unit add --------------------------------------------------------- */

static int
unit_add(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "region", required_argument, NULL, 'r' },
		{ "address", required_argument, NULL, 'a' },
		{ "contact", required_argument, NULL, 'c' },
		{ 0, 0, 0, 0 },
	};
	org_unit u = {0};
	const char *region = NULL;
	sj_err e = {0};
	int64_t id;
	int c, status;
	sj_rc rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': u.name = optarg; break;
		case 'k': u.kind = optarg; break;
		case 'r': region = optarg; break;
		case 'a': u.address = optarg; break;
		case 'c': u.contact = optarg; break;
		default: return cli_usage_error("unit add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("unit add", "unexpected argument '%s'", argv[optind]);
	if (region == NULL)
		return cli_usage_error("unit add", "--region is required");
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    org_region_lookup(ctx->s, region, &u.region_id, &e) != SJ_OK ||
	    org_unit_check_region(ctx->s, u.region_id, &e) != SJ_OK ||
	    store_begin(ctx->s, &e) != SJ_OK)
		return cli_fail(&e);
	rc = org_unit_add(ctx->s, &scope_system, &u, &id, &e);
	if (rc == SJ_OK)
		rc = cli_audit(ctx, "unit.create", "unit", id, json_pack("{s:{s:s, s:s, s:I}}",
		    "after", "name", u.name, "kind", u.kind, "region_id", (json_int_t)u.region_id), &e);
	if ((status = cli_finish(ctx, rc, &e)) != 0)
		return status;
	printf("%lld\n", (long long)id);
	return 0;
}

/* ---- unit show -------------------------------------------------------- */

static json_t *
unit_places_json(cli_ctx *ctx, arena *a, const org_unit *u, sj_err *e)
{
	json_t *places = json_array(), *jp, *cps;
	org_place *p;
	org_checkpoint *cp;
	size_t n, n_cp;

	if (org_place_list(ctx->s, &scope_system, a, u->id, &p, &n, e) != SJ_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (org_checkpoint_list(ctx->s, &scope_system, a, p[i].id, &cp, &n_cp, e) != SJ_OK)
			goto fail;
		jp = jorg_place(&p[i]);
		cps = json_array();
		for (size_t j = 0; j < n_cp; j++)
			json_array_append_new(cps, jorg_checkpoint(&cp[j]));
		json_object_set_new(jp, "checkpoints", cps);
		json_array_append_new(places, jp);
	}
	return places;
fail:
	json_decref(places);
	return NULL;
}

static void
unit_show_text(const json_t *j)
{
	const json_t *places = json_object_get(j, "places"), *p, *cp;
	size_t i, k;

	printf("id       %lld\nname     %s\nkind     %s\nregion   %s\n",
	    (long long)json_integer_value(json_object_get(j, "id")),
	    json_string_value(json_object_get(j, "name")),
	    json_string_value(json_object_get(j, "kind")),
	    json_string_value(json_object_get(j, "region_name")));
	json_array_foreach(places, i, p) {
		printf("place    %s (%s)\n", json_string_value(json_object_get(p, "name")),
		    json_string_value(json_object_get(p, "kind")));
		json_array_foreach(json_object_get(p, "checkpoints"), k, cp)
			printf("  checkpoint %s (%s)\n", json_string_value(json_object_get(cp, "name")),
			    json_string_value(json_object_get(cp, "kind")));
	}
}

static int
unit_show(cli_ctx *ctx, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	json_t *j = NULL, *places;
	org_unit u;
	sj_err e = {0};
	arena a;
	int status = 0;

	if (argc != 2 && !json)
		return cli_usage_error("unit show", "give one unit id or name");
	arena_init(&a);
	if (cli_open(ctx, false, &e) != SJ_OK ||
	    org_unit_lookup(ctx->s, &scope_system, &a, argv[1], &u, &e) != SJ_OK ||
	    (places = unit_places_json(ctx, &a, &u, &e)) == NULL) {
		status = cli_fail(&e);
		goto out;
	}
	j = jorg_unit(&u);
	json_object_set_new(j, "places", places);
	if (json) {
		cli_json_print(j);
		j = NULL;
	} else
		unit_show_text(j);
out:
	json_decref(j);
	arena_free(&a);
	return status;
}

int
cmd_unit(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    cli_wants_help(argc, argv)) {
		fputs(unit_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "list") == 0)
		return unit_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "add") == 0)
		return unit_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return unit_show(ctx, argc - 1, argv + 1);
	return cli_usage_error("unit", "unknown sub-command '%s'", argv[1]);
}

/* ---- person ----------------------------------------------------------- */

static const char person_usage[] =
	"usage: sijin person add --name NAME [--id-number N] [--mobile M]\n"
	"                        [--unit UNIT | --household ID] [--tag TAG]...\n"
	"       sijin person find QUERY [--limit N] [--json]\n\n"
	"The identity number (GB 11643, 18 characters) and mobile are validated, stored\n"
	"encrypted and shown masked.  TAG is resident, staff, outsider, home_quarantine,\n"
	"living_alone, elderly, disabled or key_group.  QUERY is an identity number, a\n"
	"mobile (exact match) or part of a name.\n";

static int
person_add_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "id-number", required_argument, NULL, 'i' },
		{ "mobile", required_argument, NULL, 'm' },
		{ "unit", required_argument, NULL, 'u' },
		{ "household", required_argument, NULL, 'H' },
		{ "tag", required_argument, NULL, 't' },
		{ 0, 0, 0, 0 },
	};
	const char *tags[PERSON_TAGS_MAX + 1], *unit = NULL;
	person_input in = { .tags = tags };
	org_unit u;
	sj_err e = {0};
	arena a;
	long v;
	int64_t id;
	int c, status = 0;
	sj_rc rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': in.name = optarg; break;
		case 'i': in.id_number = optarg; break;
		case 'm': in.mobile = optarg; break;
		case 'u': unit = optarg; break;
		case 'H':
			if (!opt_int("person add", "household", optarg, 1L << 62, &v))
				return 2;
			in.household_id = v;
			break;
		case 't':
			if (in.n_tags == PERSON_TAGS_MAX)
				return cli_usage_error("person add", "at most %d tags", PERSON_TAGS_MAX);
			tags[in.n_tags++] = optarg;
			break;
		default: return cli_usage_error("person add", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("person add", "unexpected argument '%s'", argv[optind]);
	arena_init(&a);
	if (cli_open(ctx, true, &e) != SJ_OK ||
	    (unit && org_unit_lookup(ctx->s, &scope_system, &a, unit, &u, &e) != SJ_OK)) {
		status = cli_fail(&e);
		goto out;
	}
	in.unit_id = unit ? u.id : 0;
	if (store_begin(ctx->s, &e) != SJ_OK) {
		status = cli_fail(&e);
		goto out;
	}
	rc = person_add(ctx->s, ctx->keys, &scope_system, &in, cli_today_ymd(), &id, &e);
	if (rc == SJ_OK)  /* the audit detail names the person, never identity data */
		rc = cli_audit(ctx, "person.create", "person", id, json_pack("{s:{s:s}}",
		    "after", "name", in.name), &e);
	if ((status = cli_finish(ctx, rc, &e)) == 0)
		printf("%lld\n", (long long)id);
out:
	arena_free(&a);
	return status;
}

/* The tags of p joined by commas, "-" for none, in a. */
static const char *
tags_text(arena *a, const person *p)
{
	const char *s = p->n_tags ? p->tags[0] : "-";

	for (size_t i = 1; i < p->n_tags; i++)
		s = arena_printf(a, "%s,%s", s, p->tags[i]);
	return s;
}

static void
person_print_text(arena *a, const person *p, size_t n)
{
	static const char *const header[] = { "id", "name", "id number", "mobile", "tags" };
	table t = { .a = a, .n_cols = 5 };

	table_row(&t, header);
	for (size_t i = 0; i < n; i++) {
		const char *cells[] = {
			arena_printf(a, "%lld", (long long)p[i].id), p[i].name,
			p[i].id_number_mask ? p[i].id_number_mask : "-",
			p[i].mobile_mask ? p[i].mobile_mask : "-", tags_text(a, &p[i]),
		};
		table_row(&t, cells);
	}
	table_print(&t);
}

static int
person_find_cmd(cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	bool json = false;
	long limit = 50;
	person *found;
	size_t n;
	sj_err e = {0};
	arena a;
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!opt_int("person find", "limit", optarg, ORG_LIST_MAX, &limit))
				return 2;
			break;
		case 'j': json = true; break;
		default: return cli_usage_error("person find", "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("person find", "give one query");
	arena_init(&a);
	if (cli_open(ctx, true, &e) != SJ_OK ||
	    person_find(ctx->s, ctx->keys, &scope_system, &a, argv[optind], (int)limit,
		&found, &n, &e) != SJ_OK) {
		status = cli_fail(&e);
	} else if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, jorg_person(&found[i]));
		cli_json_print(arr);
	} else
		person_print_text(&a, found, n);
	arena_free(&a);
	return status;
}

int
cmd_person(cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(person_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "add") == 0)
		return person_add_cmd(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "find") == 0)
		return person_find_cmd(ctx, argc - 1, argv + 1);
	return cli_usage_error("person", "unknown sub-command '%s'", argv[1]);
}
