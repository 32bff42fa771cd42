/* Unit tests for the server's /healthz (http/api_sys.c) with a server run
 * in this process on the world of tests/unit/cpfix.h (SQLite, or
 * PostgreSQL with SIJIN_TEST_DB=pg):
 *  - a server whose store answers and whose scan writer works answers
 *    200 {"status":"ok"} (both stores);
 *  - (SQLite) once a sync of the scan writer's log has failed (the
 *    syncer's descriptor made a pipe: tests/unit/syncfault.h), the writer
 *    refuses every scan until the server is restarted (domain/writer.c,
 *    sijin_scan_writer_sync_failed); /healthz must then say so — a 503
 *    problem document (RFC 9457: application/problem+json, "status" 503)
 *    whose detail says the log could not be synced and that the server
 *    must be restarted — so that a load balancer takes the server out and
 *    an operator sees why.  Before, it answered 200 ok meanwhile.  It stays
 *    503 (the state is latched: a later request finds it again). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit/testdb.h"  /* first: tests/run.sh runs a test that names it on both databases */
#include "unit/cpfix.h"
#include "unit/syncfault.h"

#include "core/config.h"
#include "domain/writer.h"
#include "http/server.h"

#define T0 INT64_C(1584892800)  /* 2020-03-23T00:00:00+08:00 */

/* A GET of path from the server on 127.0.0.1:port, read to its end
 * (Connection: close); *status the answer's status code (0: none), the
 * whole answer (head and body) in out. */
static void
http_get(int port, const char *path, int *status, char *out, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char req[256];
	size_t got = 0;
	ssize_t k;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	*status = 0;
	out[0] = '\0';
	assert_true(fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while (got + 1 < n && (k = read(fd, out + got, n - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = '\0';
	close(fd);
	sscanf(out, "HTTP/1.1 %d", status);
}

typedef struct world {
	cpfix f;
	sj_config cfg;
	http_server *srv;
} world;

static int
setup(void **state)
{
	world *w = calloc(1, sizeof *w);
	sj_err e = {0};

	if (w == NULL || cpfix_setup(&w->f) != 0)
		return -1;
	config_defaults(&w->cfg);
	w->cfg.port = 0;  /* any free port (http_server_port) */
	w->cfg.threads = 2;
	if (config_set(&w->cfg, "db", testdb_url(), "test", &e) != SJ_OK ||
	    http_server_start(&w->cfg, w->f.keys, &w->srv, &e) != SJ_OK) {
		fprintf(stderr, "setup: %s: %s\n", e.field, e.msg);
		return -1;
	}
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	world *w = *state;

	http_server_stop(w->srv);
	config_free(&w->cfg);
	cpfix_teardown(&w->f);
	free(w);
	return 0;
}

static void
test_healthy(void **state)
{
	world *w = *state;
	char answer[4096];
	int status;

	http_get(http_server_port(w->srv), "/healthz", &status, answer, sizeof answer);
	assert_int_equal(status, 200);
	assert_non_null(strstr(answer, "\"status\":\"ok\""));
}

static void
test_failed_sync_is_unhealthy(void **state)
{
	world *w = *state;
	scan_writer *sw = http_server_scan_writer(w->srv);
	scan_input in = { .checkpoint_id = w->f.cp_p, .id_number = w->f.id_resident,
	    .direction = SCAN_IN, .at = T0 + 9 * 3600, .source = SCAN_SRC_ATTENDANT };
	scan_prepared p;
	scan_result r;
	char answer[4096], *wal = NULL, real[4096];
	int status;
	sj_err e = {0};

	if (testdb_is_pg())
		skip();  /* no syncer */
	assert_int_equal(scan_prepare(w->f.s, w->f.keys, &w->f.settings, &scope_system, &in,
	    T0 + 23 * 3600, &p, &e), SJ_OK);
	/* One scan made durable first: the syncer has its descriptor open. */
	assert_int_equal(scan_writer_run(sw, &p, &r, &e), SJ_OK);
	assert_int_equal(store_wal_path(w->f.s, &wal, &e), SJ_OK);
	assert_non_null(realpath(wal, real));
	assert_true(break_syncer_fd(real));
	in.direction = SCAN_OUT;
	in.at += 1800;
	assert_int_equal(scan_prepare(w->f.s, w->f.keys, &w->f.settings, &scope_system, &in,
	    T0 + 23 * 3600, &p, &e), SJ_OK);
	assert_int_equal(scan_writer_run(sw, &p, &r, &e), SJ_EUNAVAIL);
	for (int i = 0; i < 2; i++) {
		http_get(http_server_port(w->srv), "/healthz", &status, answer, sizeof answer);
		assert_int_equal(status, 503);
		assert_non_null(strstr(answer, "Content-Type: application/problem+json"));
		assert_non_null(strstr(answer, "\"status\":503"));
		assert_non_null(strstr(answer, "could not be synced"));
		assert_non_null(strstr(answer, "until the server is restarted"));
	}
	free(wal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_healthy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_sync_is_unhealthy, setup, teardown),
	};

	if (dt_zone_set("Asia/Shanghai", NULL) != SJ_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
