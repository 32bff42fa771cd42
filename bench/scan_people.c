/*
 * scan_people — set-up for bench/scan_http.sh: add PLACES places (one
 * checkpoint each) and PEOPLE residents with generated identity numbers to
 * the unit 高铁社区 of a demo database, in one transaction (the HTTP API adds
 * one person per durable commit: a few hundred a second), and write
 * "<checkpoint id> <identity number>" lines for bench/scan.lua, each person
 * at the checkpoint of place (person mod PLACES).
 *   scan_people DB KEYFILE PLACES PEOPLE OUT
 * Built by bench/scan_http.sh against build/libsijin.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypt.h"
#include "core/datetime.h"
#include "domain/org.h"
#include "domain/person.h"
#include "store/store.h"

static const char unit_sql[] = "SELECT id FROM unit WHERE name = '高铁社区'";

/* GB 11643-1999 §5.4: the check character. */
static void
id_number_of(const char *first17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	memcpy(out, first17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static int
fail(const sj_err *e)
{
	fprintf(stderr, "scan_people: %s: %s\n", e->field, e->msg);
	return 1;
}

int
main(int argc, char **argv)
{
	static const char *const tags[] = { "resident" };
	int64_t unit, *cps;
	store *s = NULL;
	crypt_keys *k = NULL;
	store_stmt *st;
	sj_err e = {0};
	FILE *out;
	long places, people;

	if (argc != 6 || (places = atol(argv[3])) < 1 || (people = atol(argv[4])) < 1) {
		fprintf(stderr, "usage: scan_people DB KEYFILE PLACES PEOPLE OUT\n");
		return 2;
	}
	if (dt_zone_set("Asia/Shanghai", &e) != SJ_OK || crypt_keys_load(argv[2], &k, &e) != SJ_OK ||
	    store_open(argv[1], 0, &s, &e) != SJ_OK || store_prepare(s, unit_sql, &st, &e) != SJ_OK ||
	    store_query_int(st, &unit, NULL, &e) != SJ_OK || store_begin(s, &e) != SJ_OK)
		return fail(&e);
	cps = calloc((size_t)places, sizeof *cps);
	for (long i = 0; i < places; i++) {
		char name[64];
		org_place p = { .unit_id = unit, .kind = "residential", .name = name, .records_exits = 1,
		    .default_stay_s = 7200 };
		org_checkpoint c = { .name = "大门", .kind = "gate" };
		snprintf(name, sizeof name, "压测小区%ld", i);
		if (org_place_add(s, &scope_system, &p, &c.place_id, &e) != SJ_OK ||
		    org_checkpoint_add(s, &scope_system, &c, &cps[i], &e) != SJ_OK)
			return fail(&e);
	}
	if ((out = fopen(argv[5], "w")) == NULL)
		return 1;
	for (long i = 0; i < people; i++) {
		char name[64], first17[32], idn[19];
		person_input in = { .name = name, .id_number = idn, .unit_id = unit, .tags = tags,
		    .n_tags = 1 };
		sj_date born = dt_date_from_ymd(1950, 1, 1) + (sj_date)(i % 18250);
		int y, m, d;
		int64_t id;
		dt_date_to_ymd(born, &y, &m, &d);
		snprintf(name, sizeof name, "压测居民%ld", i);
		/* a birth date and a sequence code: unique for i < 18,250,000 */
		snprintf(first17, sizeof first17, "370911%04d%02d%02d%03ld", y, m, d, (i / 18250) % 1000);
		id_number_of(first17, idn);
		if (person_add(s, k, &scope_system, &in, 0, &id, &e) != SJ_OK)
			return fail(&e);
		fprintf(out, "%lld %s\n", (long long)cps[i % places], idn);
	}
	if (store_commit(s, &e) != SJ_OK)
		return fail(&e);
	fclose(out);
	free(cps);
	store_close(s);
	crypt_keys_free(k);
	printf("%ld checkpoints, %ld people\n", places, people);
	return 0;
}
