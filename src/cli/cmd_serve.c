/*
 * cmd_serve — `sijin serve`: the HTTP server until SIGTERM or SIGINT.
 *
 * The signals are blocked in every thread (the server's workers inherit
 * the mask) and taken by sigwait() in the main thread, so shutdown runs in
 * ordinary code: stop accepting, finish requests in flight, close the
 * store connections, exit 0.
 *
 * The retention purge job (DESIGN.md §4 "purged by a job"; setting
 * purge-interval): one thread with a store connection of its own runs the
 * audited purge (json/jpurge.h, as user "system") one interval after the
 * start and then every interval, until shutdown wakes it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/datetime.h"
#include "core/log.h"
#include "http/server.h"
#include "json/jpurge.h"

struct purge_job {
	const sj_config *cfg;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	pthread_t thread;
	bool started;
};

/* One purge on a connection of its own; the outcome goes to the log (the
 * audit log has it too). */
static void
purge_once(const sj_config *cfg)
{
	purge_report r;
	sj_err e = {0};
	store *s = NULL;
	int64_t total = 0;

	if (store_open(cfg->db, 0, &s, &e) != SJ_OK ||
	    jpurge_run_audited(s, dt_now(), false, "system", &r, &e) != SJ_OK) {
		log_error("retention purge: %s", e.msg);
		store_close(s);
		return;
	}
	store_close(s);
	for (int t = 0; t < PURGE__N; t++)
		total += r.rows[t];
	log_info("retention purge: %lld rows deleted (scan %lld, alert %lld, outsider %lld, "
	    "household_note %lld, person %lld)", (long long)total,
	    (long long)r.rows[PURGE_SCAN], (long long)r.rows[PURGE_ALERT],
	    (long long)r.rows[PURGE_OUTSIDER], (long long)r.rows[PURGE_HOUSEHOLD_NOTE],
	    (long long)r.rows[PURGE_PERSON]);
}

static void *
purge_loop(void *arg)
{
	struct purge_job *j = arg;
	struct timespec until;

	pthread_mutex_lock(&j->lock);
	while (!j->stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += j->cfg->purge_interval;
		while (!j->stopping && pthread_cond_timedwait(&j->wake, &j->lock, &until) == 0)
			;
		if (j->stopping)
			break;
		pthread_mutex_unlock(&j->lock);
		purge_once(j->cfg);
		pthread_mutex_lock(&j->lock);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

static void
purge_job_start(struct purge_job *j, const sj_config *cfg)
{
	j->cfg = cfg;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	if (cfg->purge_interval > 0)
		j->started = pthread_create(&j->thread, NULL, purge_loop, j) == 0;
	if (cfg->purge_interval > 0 && !j->started)
		log_error("retention purge: cannot start its thread; run sijin purge from cron");
}

/* Wake the job, wait for a purge in progress to end, free it. */
static void
purge_job_stop(struct purge_job *j)
{
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	if (j->started)
		pthread_join(j->thread, NULL);
	pthread_cond_destroy(&j->wake);
	pthread_mutex_destroy(&j->lock);
}

int
cmd_serve(cli_ctx *ctx, int argc, char **argv)
{
	http_server *srv = NULL;
	struct purge_job job = {0};
	sigset_t set;
	sj_err e = {0};
	int sig = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: sijin [settings] serve\n\n"
		    "Serve the JSON API on --listen (default 127.0.0.1) and --port (default 8080)\n"
		    "until SIGTERM or SIGINT, then finish requests in flight and exit 0.\n"
		    "Every purge-interval (default 24h) it deletes the rows past their retention\n"
		    "period, as sijin purge does (docs/retention.md).\n"
		    "The database must exist (sijin init or sijin demo) and be migrated.\n");
		return 0;
	}
	if (argc > 1)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[1]);
	if (cli_open(ctx, true, &e) != SJ_OK)
		return cli_fail(&e);
	signal(SIGPIPE, SIG_IGN);
	/* A file-size limit reached (RLIMIT_FSIZE) must fail the write (EFBIG,
	 * a store-unavailable 503), not kill the server (docs/reliability.md). */
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (http_server_start(ctx->cfg, ctx->keys, &srv, &e) != SJ_OK)
		return cli_fail(&e);
	log_info("sijin serving %s on http://%s:%d/ with %d threads", store_url(ctx->s),
	    ctx->cfg->listen, http_server_port(srv), ctx->cfg->threads);
	purge_job_start(&job, ctx->cfg);
	sigwait(&set, &sig);
	log_info("signal %s: finishing requests in flight", sig == SIGINT ? "INT" : "TERM");
	purge_job_stop(&job);
	http_server_stop(srv);
	log_info("stopped");
	return 0;
}
