/*
 * cmd_serve — `sijin serve`: the HTTP server until SIGTERM or SIGINT.
 *
 * The signals are blocked in every thread (the server's workers inherit
 * the mask) and taken by sigwait() in the main thread, so shutdown runs in
 * ordinary code: stop accepting, finish requests in flight, close the
 * store connections, exit 0.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"

int
cmd_serve(cli_ctx *ctx, int argc, char **argv)
{
	http_server *srv = NULL;
	sigset_t set;
	sj_err e = {0};
	int sig = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: sijin [settings] serve\n\n"
		    "Serve the JSON API on --listen (default 127.0.0.1) and --port (default 8080)\n"
		    "until SIGTERM or SIGINT, then finish requests in flight and exit 0.\n"
		    "The database must exist (sijin init or sijin demo) and be migrated.\n");
		return 0;
	}
	if (argc > 1)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[1]);
	if (cli_open(ctx, true, &e) != SJ_OK)
		return cli_fail(&e);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (http_server_start(ctx->cfg, ctx->keys, &srv, &e) != SJ_OK)
		return cli_fail(&e);
	log_info("sijin serving %s on http://%s:%d/ with %d threads", store_url(ctx->s),
	    ctx->cfg->listen, http_server_port(srv), ctx->cfg->threads);
	sigwait(&set, &sig);
	log_info("signal %s: finishing requests in flight", sig == SIGINT ? "INT" : "TERM");
	http_server_stop(srv);
	log_info("stopped");
	return 0;
}
