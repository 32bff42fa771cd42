/*
 * route — the flattened route table and path matching.
 *
 * A pattern is literal segments and {name} captures separated by '/'.  A
 * capture matches one non-empty segment.  Matching is exact on the decoded
 * path; there are no wildcards and no trailing-slash folding, so every
 * route has exactly one spelling (the one in the OpenAPI document).
 */
#include <stdio.h>
#include <string.h>

#include "http/api.h"
#include "http/req.h"

#define MAX_ROUTES 256


static const http_route *routes[MAX_ROUTES];
static int n_routes;

int
http_routes_init(void)
{
	const http_route *tables[] = {
		api_sys_routes, api_auth_routes, api_org_routes, api_people_routes,
		api_checkpoint_routes, api_codes_routes, api_visit_routes, api_supply_routes,
		api_request_routes, api_open311_routes, api_workplan_routes, api_trace_routes,
		api_resumption_routes, api_import_routes,
		api_report_routes, api_admin_routes, api_web_routes,
	};

	if (n_routes)
		return n_routes;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const http_route *r = tables[t]; r->method; r++)
			if (n_routes < MAX_ROUTES)
				routes[n_routes++] = r;
	return n_routes;
}

const http_route *
http_route_at(int i)
{
	return i >= 0 && i < n_routes ? routes[i] : NULL;
}

/* Match path against pattern; fill captures (arena copies) on success. */
static bool
pattern_match(const char *pattern, const char *path, http_req *r)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}'), *se = strchr(s, '/');
			size_t len = se ? (size_t)(se - s) : strlen(s);
			if (pe == NULL || len == 0 || n == HTTP_MAX_CAPTURES)
				return false;
			if (r) {
				r->captures[n].name = arena_strndup(&r->a, p + 1, (size_t)(pe - p - 1));
				r->captures[n].value = arena_strndup(&r->a, s, len);
			}
			n++;
			p = pe + 1;
			s += len;
		} else if (*p++ != *s++)
			return false;
	}
	if (*p || *s)
		return false;
	if (r)
		r->n_captures = n;
	return true;
}

/* Append method to the comma-separated list allow unless present. */
static void
allow_add(char *allow, size_t n, const char *method)
{
	size_t len = strlen(allow);

	if (strstr(allow, method))
		return;
	snprintf(allow + len, n - len, "%s%s", len ? ", " : "", method);
}

int
http_route_allow(const char *path, char *allow, size_t n)
{
	bool any = false;

	allow[0] = '\0';
	for (int i = 0; i < n_routes; i++) {
		if (!pattern_match(routes[i]->pattern, path, NULL))
			continue;
		any = true;
		allow_add(allow, n, routes[i]->method);
		if (strcmp(routes[i]->method, "GET") == 0)
			allow_add(allow, n, "HEAD");
	}
	if (any)
		allow_add(allow, n, "OPTIONS");
	return any ? 0 : 404;
}

int
http_route_find(http_req *r, const char *method, const char *path, char *allow, size_t n)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;

	for (int i = 0; i < n_routes; i++) {
		if (strcmp(routes[i]->method, m) != 0 || !pattern_match(routes[i]->pattern, path, r))
			continue;
		r->route = routes[i];
		r->route_index = i;
		return 0;
	}
	r->route = NULL;
	r->route_index = -1;
	return http_route_allow(path, allow, n) == 0 ? 405 : 404;
}
