/*
 * assets — static files embedded at build time (scripts/embed_assets.sh):
 * the OpenAPI document under "api/", the web UI under "web/" (with the
 * ECharts bundle from npm as "web/vendor/echarts.min.js").
 */
#ifndef SJ_HTTP_ASSETS_H
#define SJ_HTTP_ASSETS_H

#include <stddef.h>

struct asset {
	const char *name;          /* path below the repository root, e.g. "api/openapi.json" */
	const char *content_type;  /* e.g. "text/css; charset=utf-8" */
	const char *etag;          /* quoted: "\"" + 32 hex digits of SHA-256 + "\"" */
	size_t size;
	const char *bytes;         /* size bytes (plus a NUL) */
};

/* Ends with an all-zero row. */
extern const struct asset assets[];

/* The asset called name, or NULL. */
const struct asset *asset_find(const char *name);

#endif
