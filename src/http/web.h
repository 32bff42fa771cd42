/*
 * web — the web UI's static files (web/, docs/web.md) over HTTP.
 *
 * Files come from the table embedded at build time (http/assets.h), or,
 * with the setting web-root (--web-root DIR, for development), from that
 * folder on disk first, falling back to the embedded copy for a file the
 * folder lacks (e.g. vendor/echarts.min.js, which comes from npm).  Every
 * reply carries a content-hash ETag and Cache-Control: no-cache, so a
 * browser revalidates and gets 304 Not Modified while the bytes are the
 * same; HTML pages also carry the pages' Content-Security-Policy.
 */
#ifndef SJ_HTTP_WEB_H
#define SJ_HTTP_WEB_H

#include "http/http.h"

/* The pages' Content-Security-Policy: scripts, styles, images and
 * requests only from this server; no inline script, no frames, no
 * plugins.  ECharts sets element styles through the CSSOM, which
 * style-src does not govern. */
#define WEB_CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
	"connect-src 'self'; img-src 'self' data: blob:; font-src 'self'; base-uri 'none'; " \
	"form-action 'self'; frame-ancestors 'none'"

/*
 * Reply with the web file name (a path below web/, e.g. "app.js" or
 * "i18n/en.json") and status (200, or 404 for a page that says "not
 * found" itself).  A request whose If-None-Match holds the file's ETag
 * gets 304 with no body when status is 200.  name must be segments of
 * [A-Za-z0-9_.-] separated by '/', none starting with '.', so no name
 * leaves the folder; on disk, the real path must also stay below
 * web-root (no symbolic link out).  Errors: SJ_ENOTFOUND ("file") for a
 * name refused or not found; SJ_EINTERNAL for a file on disk that cannot
 * be read.
 */
sj_rc web_reply_file(http_req *r, const char *name, int status, sj_err *e);

#endif
