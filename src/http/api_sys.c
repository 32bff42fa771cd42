/*
 * api_sys — the server's own routes: /healthz (is the store reachable),
 * /metrics (Prometheus text) and the OpenAPI document.
 */
#include <malloc.h>
#include <string.h>

#include "domain/trace_index.h"
#include "domain/writer.h"
#include "http/api.h"
#include "http/assets.h"
#include "http/metrics.h"
#include "http/req.h"

static const char *const sys_sql[] = {
	"SELECT coalesce(max(version), 0) FROM schema_migrations",
};

/* 200 {"status":"ok"} when a query on this thread's store succeeds and
 * the scan writer can still make scans durable; otherwise a 503 problem
 * document saying why: the store's error (busy or unavailable), or — once
 * a sync of the writer's log has failed (SQLite; writer_stats.sync_failed,
 * domain/writer.c) — that every scan is refused until the server is
 * restarted.  That state is latched: only a restart ends it, so a load
 * balancer must take the server out and an operator restart it
 * (docs/checkpoint.md). */
static sj_rc
get_healthz(http_req *r, sj_err *e)
{
	writer_stats ws;
	store_stmt *st;
	int64_t n;
	sj_rc rc;

	scan_writer_stats(http_scan_writer(r), &ws);
	if (ws.sync_failed)
		return sj_fail(e, SJ_EUNAVAIL, NULL, "the scan writer's log could not be synced "
		    "to disk (%s): every scan is refused until the server is restarted",
		    strerror(ws.sync_failed));
	if ((rc = store_prepare(http_store(r), sys_sql[0], &st, e)) != SJ_OK ||
	    (rc = store_query_int(st, &n, NULL, e)) != SJ_OK) {
		if (rc == SJ_EDB)
			e->rc = SJ_EUNAVAIL;
		return e->rc;
	}
	return http_reply_json(r, 200, json_pack("{s:s, s:I}", "status", "ok",
	    "schema_version", (json_int_t)n));
}

/* The scan writer's figures (domain/writer.h), after the HTTP families. */
static sj_rc
writer_metrics(http_req *r, buf *out, sj_err *e)
{
	writer_stats st;

	scan_writer_stats(http_scan_writer(r), &st);
	return buf_printf(out, e,
	    "# HELP sijin_scan_writer_jobs_total Scans the writer completed.\n"
	    "# TYPE sijin_scan_writer_jobs_total counter\nsijin_scan_writer_jobs_total %llu\n"
	    "# HELP sijin_scan_writer_batches_total Transactions (group commits) of the writer.\n"
	    "# TYPE sijin_scan_writer_batches_total counter\nsijin_scan_writer_batches_total %llu\n"
	    "# HELP sijin_scan_writer_batch_max The largest batch so far.\n"
	    "# TYPE sijin_scan_writer_batch_max gauge\nsijin_scan_writer_batch_max %llu\n"
	    "# HELP sijin_scan_writer_retried_total Batches written again scan by scan.\n"
	    "# TYPE sijin_scan_writer_retried_total counter\nsijin_scan_writer_retried_total %llu\n"
	    "# HELP sijin_scan_writer_write_seconds_total Time writing batches, commits included.\n"
	    "# TYPE sijin_scan_writer_write_seconds_total counter\n"
	    "sijin_scan_writer_write_seconds_total %.6f\n"
	    "# HELP sijin_scan_writer_commit_seconds_total Time in commits (WAL write and fsync).\n"
	    "# TYPE sijin_scan_writer_commit_seconds_total counter\n"
	    "sijin_scan_writer_commit_seconds_total %.6f\n"
	    "# HELP sijin_scan_writer_write_seconds_max The longest batch, from taking it to "
	    "its commit.\n"
	    "# TYPE sijin_scan_writer_write_seconds_max gauge\n"
	    "sijin_scan_writer_write_seconds_max %.6f\n"
	    "# HELP sijin_scan_writer_periodic_seconds_max The longest periodic work between "
	    "two batches.\n"
	    "# TYPE sijin_scan_writer_periodic_seconds_max gauge\n"
	    "sijin_scan_writer_periodic_seconds_max %.6f\n"
	    "# HELP sijin_scan_writer_pair_memo_hits_total Scans planned without reading their "
	    "person's earlier scans at the place.\n"
	    "# TYPE sijin_scan_writer_pair_memo_hits_total counter\n"
	    "sijin_scan_writer_pair_memo_hits_total %llu\n"
	    "# HELP sijin_scan_writer_checkpoint_hold_seconds_total SQLite: time the "
	    "checkpointer's last passes held the writer.\n"
	    "# TYPE sijin_scan_writer_checkpoint_hold_seconds_total counter\n"
	    "sijin_scan_writer_checkpoint_hold_seconds_total %.6f\n"
	    "# HELP sijin_scan_writer_checkpoint_holds_total SQLite: the checkpointer's last "
	    "passes, each holding the writer.\n"
	    "# TYPE sijin_scan_writer_checkpoint_holds_total counter\n"
	    "sijin_scan_writer_checkpoint_holds_total %llu\n"
	    "# HELP sijin_scan_writer_checkpoint_hold_seconds_max SQLite: the longest the "
	    "checkpointer's last pass held the writer.\n"
	    "# TYPE sijin_scan_writer_checkpoint_hold_seconds_max gauge\n"
	    "sijin_scan_writer_checkpoint_hold_seconds_max %.6f\n"
	    "# HELP sijin_scan_writer_syncs_total SQLite: syncs of the log that made "
	    "committed batches durable before their answers.\n"
	    "# TYPE sijin_scan_writer_syncs_total counter\nsijin_scan_writer_syncs_total %llu\n"
	    "# HELP sijin_scan_writer_sync_seconds_total Time in those syncs.\n"
	    "# TYPE sijin_scan_writer_sync_seconds_total counter\n"
	    "sijin_scan_writer_sync_seconds_total %.6f\n"
	    "# HELP sijin_scan_writer_sync_failed SQLite: 1 once a sync of the log has failed: "
	    "every scan is refused until the server is restarted.\n"
	    "# TYPE sijin_scan_writer_sync_failed gauge\nsijin_scan_writer_sync_failed %d\n"
	    "# HELP sijin_scan_writer_log_dir_syncs_total SQLite: syncs of the log's folder, "
	    "so that the log's name is durable (at start, and when the log was replaced).\n"
	    "# TYPE sijin_scan_writer_log_dir_syncs_total counter\n"
	    "sijin_scan_writer_log_dir_syncs_total %llu\n"
	    "# HELP sijin_scan_writer_waited_total Scans completed at least le seconds after "
	    "they were queued for the writer.\n"
	    "# TYPE sijin_scan_writer_waited_total counter\n"
	    "sijin_scan_writer_waited_total{ge=\"0.01\"} %llu\n"
	    "sijin_scan_writer_waited_total{ge=\"0.02\"} %llu\n"
	    "# HELP sijin_scan_writer_waited_seconds_max The longest a scan waited from being "
	    "queued for the writer to its completion.\n"
	    "# TYPE sijin_scan_writer_waited_seconds_max gauge\n"
	    "sijin_scan_writer_waited_seconds_max %.6f\n",
	    (unsigned long long)st.jobs, (unsigned long long)st.batches,
	    (unsigned long long)st.max_batch, (unsigned long long)st.retried,
	    (double)st.write_ns / 1e9, (double)st.commit_ns / 1e9,
	    (double)st.write_max_ns / 1e9, (double)st.periodic_max_ns / 1e9,
	    (unsigned long long)st.pair_memo_hits,
	    (double)st.checkpoint_hold_ns / 1e9, (unsigned long long)st.checkpoint_holds,
	    (double)st.checkpoint_hold_max_ns / 1e9,
	    (unsigned long long)st.syncs, (double)st.sync_ns / 1e9, st.sync_failed != 0,
	    (unsigned long long)st.log_dir_syncs,
	    (unsigned long long)st.waited_10ms, (unsigned long long)st.waited_20ms,
	    (double)st.waited_max_ns / 1e9);
}

/* Where the server's memory is (issue 10 "Load": the soak tells data that
 * grows with what was written from memory that should not grow): the live
 * trace index's stays and heap bytes (domain/trace_index.h), the C heap's
 * totals from glibc's mallinfo2 — bytes in use (allocated chunks, mmapped
 * ones included) and bytes free but kept by malloc (in its arenas: the
 * difference between the process's heap and what it uses) — and of the
 * bytes in use, SQLite's (store_sqlite_heap_bytes: its page caches, which
 * fill up to cache_size a connection). */
static sj_rc
memory_metrics(http_req *r, buf *out, sj_err *e)
{
	trace_index_figures tf;
	struct mallinfo2 mi = mallinfo2();

	trace_index_stats(http_trace_index(r), &tf);
	return buf_printf(out, e,
	    "# HELP sijin_trace_index_stays Stays held by the live trace index.\n"
	    "# TYPE sijin_trace_index_stays gauge\nsijin_trace_index_stays %zu\n"
	    "# HELP sijin_trace_index_bytes Heap bytes the live trace index holds.\n"
	    "# TYPE sijin_trace_index_bytes gauge\nsijin_trace_index_bytes %zu\n"
	    "# HELP sijin_heap_in_use_bytes C heap bytes allocated (malloc, mallinfo2).\n"
	    "# TYPE sijin_heap_in_use_bytes gauge\nsijin_heap_in_use_bytes %zu\n"
	    "# HELP sijin_heap_free_bytes C heap bytes free but kept by malloc (mallinfo2).\n"
	    "# TYPE sijin_heap_free_bytes gauge\nsijin_heap_free_bytes %zu\n"
	    "# HELP sijin_sqlite_heap_bytes C heap bytes SQLite holds (page caches included).\n"
	    "# TYPE sijin_sqlite_heap_bytes gauge\nsijin_sqlite_heap_bytes %lld\n",
	    tf.n_stays, tf.bytes, mi.uordblks + mi.hblkhd, mi.fordblks,
	    (long long)store_sqlite_heap_bytes());
}

static sj_rc
get_metrics(http_req *r, sj_err *e)
{
	buf out;
	sj_rc rc;

	buf_init(&out, 4 << 20);
	if ((rc = metrics_render(&out, e)) == SJ_OK)
		rc = writer_metrics(r, &out, e);
	if (rc == SJ_OK)
		rc = memory_metrics(r, &out, e);
	if (rc == SJ_OK)
		rc = http_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8",
		    buf_str(&out), out.len);
	buf_free(&out);
	return rc;
}

static sj_rc
get_openapi(http_req *r, sj_err *e)
{
	const struct asset *a = asset_find("api/openapi.json");

	if (a == NULL)
		return sj_fail(e, SJ_EINTERNAL, NULL, "the OpenAPI document is not built in");
	return http_reply_bytes(r, 200, a->content_type, a->bytes, a->size);
}

const http_route api_sys_routes[] = {
	{ "GET", "/healthz", get_healthz, HTTP_PUBLIC, 0 },
	{ "GET", "/metrics", get_metrics, HTTP_PUBLIC, 0 },
	{ "GET", "/api/v1/openapi.json", get_openapi, HTTP_PUBLIC, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
