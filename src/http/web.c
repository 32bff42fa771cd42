/*
 * web — the web UI's routes: GET / (the single-page application,
 * web/index.html) and GET /web/{file}, /web/{dir}/{file} (its scripts,
 * styles, message catalogues and the ECharts bundle).  See web.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/api.h"
#include "http/assets.h"
#include "http/web.h"

#define WEB_FILE_MAX ((size_t)8 << 20)  /* bytes: the largest file served from web-root */

/* The content type of a name, by its extension: the same mapping as
 * scripts/embed_assets.sh uses for the embedded table. */
static const char *
content_type_of(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".json", "application/json" },
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* True when name is segments of [A-Za-z0-9_.-], none empty or starting
 * with '.', separated by single '/'. */
static bool
name_ok(const char *name)
{
	bool seg_start = true;

	if (*name == '\0' || strlen(name) > 200)
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (c == '/') {
			if (seg_start)
				return false;
			seg_start = true;
			continue;
		}
		if (seg_start && c == '.')
			return false;
		seg_start = false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-'))
			return false;
	}
	return !seg_start;
}

/* The quoted ETag of n bytes: 32 hex digits of their SHA-256, as
 * scripts/embed_assets.sh writes them (arena string). */
static const char *
etag_of(http_req *r, const void *p, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	hex[32] = '\0';
	return arena_printf(http_arena(r), "\"%s\"", hex);
}

/* True when the If-None-Match header lists etag (or is "*"). */
static bool
etag_matches(const http_req *r, const char *etag)
{
	const char *inm = http_header(r, "If-None-Match");
	size_t n = strlen(etag);

	if (inm == NULL)
		return false;
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*' || (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' ')))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

/* Read web-root/name into the arena when it is a regular file whose real
 * path lies below the real web-root.  *found = false (SJ_OK) when there
 * is no such file.  Errors: SJ_EINTERNAL when it cannot be read. */
static sj_rc
disk_read(http_req *r, const char *root, const char *name, char **bytes, size_t *n,
    bool *found, sj_err *e)
{
	char real_root[PATH_MAX], real[PATH_MAX];
	const char *path = arena_printf(http_arena(r), "%s/%s", root, name);
	size_t rl;
	struct stat sb;
	ssize_t got;
	int fd;

	*found = false;
	if (realpath(root, real_root) == NULL || realpath(path, real) == NULL)
		return SJ_OK;
	rl = strlen(real_root);
	if (strncmp(real, real_root, rl) != 0 || real[rl] != '/')
		return SJ_OK;
	if ((fd = open(real, O_RDONLY | O_CLOEXEC)) < 0)
		return SJ_OK;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > WEB_FILE_MAX) {
		close(fd);
		return SJ_OK;
	}
	*bytes = arena_alloc(http_arena(r), (size_t)sb.st_size + 1);
	for (*n = 0; *n < (size_t)sb.st_size; *n += (size_t)got)
		if ((got = read(fd, *bytes + *n, (size_t)sb.st_size - *n)) <= 0) {
			if (got < 0 && errno == EINTR) {
				got = 0;
				continue;
			}
			close(fd);
			return sj_fail(e, SJ_EINTERNAL, "file", "cannot read a file of web-root");
		}
	close(fd);
	*found = true;
	return SJ_OK;
}

sj_rc
web_reply_file(http_req *r, const char *name, int status, sj_err *e)
{
	const char *root = http_config(r)->web_root;
	const char *type = NULL, *etag = NULL;  /* set on both paths; -O1 cannot tell */
	const char *bytes = NULL;
	size_t n = 0;
	bool found = false;
	sj_rc rc;

	if (name == NULL || !name_ok(name))
		return sj_fail(e, SJ_ENOTFOUND, "file", "no such file");
	if (root && *root) {
		char *b;
		if ((rc = disk_read(r, root, name, &b, &n, &found, e)) != SJ_OK)
			return rc;
		if (found) {
			bytes = b;
			type = content_type_of(name);
			etag = etag_of(r, b, n);
		}
	}
	if (!found) {
		const struct asset *a = asset_find(arena_printf(http_arena(r), "web/%s", name));
		if (a == NULL)
			return sj_fail(e, SJ_ENOTFOUND, "file", "no such file");
		bytes = a->bytes;
		n = a->size;
		type = a->content_type;
		etag = a->etag;
	}
	http_reply_header(r, "ETag", etag);
	http_reply_header(r, "Cache-Control", "no-cache");
	http_reply_header(r, "Content-Security-Policy", WEB_CSP);
	if (status == 200 && etag_matches(r, etag))
		return http_reply_bytes(r, 304, NULL, "", 0);
	return http_reply_bytes(r, status, type, bytes, n);
}

static sj_rc
no_query(http_req *r, sj_err *e)
{
	static const char *const none[] = { NULL };

	return http_query_check(r, none, e);
}

/* GET /: the application (web/index.html), whose hash routes (#/station,
 * ...) pick the page. */
static sj_rc
get_index(http_req *r, sj_err *e)
{
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK)
		return rc;
	return web_reply_file(r, "index.html", 200, e);
}

/* GET /web/{file} */
static sj_rc
get_file(http_req *r, sj_err *e)
{
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK)
		return rc;
	return web_reply_file(r, http_param(r, "file"), 200, e);
}

/* GET /web/{dir}/{file} */
static sj_rc
get_dir_file(http_req *r, sj_err *e)
{
	sj_rc rc;

	if ((rc = no_query(r, e)) != SJ_OK)
		return rc;
	return web_reply_file(r, arena_printf(http_arena(r), "%s/%s", http_param(r, "dir"),
	    http_param(r, "file")), 200, e);
}

const http_route api_web_routes[] = {
	{ "GET", "/", get_index, HTTP_PUBLIC, 0 },
	{ "GET", "/web/{file}", get_file, HTTP_PUBLIC, 0 },
	{ "GET", "/web/{dir}/{file}", get_dir_file, HTTP_PUBLIC, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
