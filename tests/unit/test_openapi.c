/* The OpenAPI document (api/openapi.json) against the route tables in
 * libsijin.a (issue 3: "a test proves every route in the table is in the
 * document and vice versa"):
 *  - every (method, pattern) the server routes is an operation of the
 *    document, with the path template spelled exactly as the pattern;
 *  - every operation of the document is a route;
 *  - every module table of http/api.h is part of what the server routes;
 *  - public routes say `security: []` and no other route does;
 *  - a route that takes a body documents a request body, and one that
 *    takes none documents none;
 *  - the copy built into the binary (served at /api/v1/openapi.json) is
 *    byte for byte the file.
 *
 * The document is found at $SIJIN_OPENAPI when set, else relative to this
 * source file's directory (__FILE__), else relative to the working
 * directory (tests/run.sh runs from the repository root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http/api.h"
#include "http/assets.h"
#include "http/req.h"

static const char *const methods[] = { "get", "post", "put", "patch", "delete", NULL };

/* The path of api/openapi.json (static buffer). */
static const char *
doc_path(void)
{
	static char path[4096];
	const char *env = getenv("SIJIN_OPENAPI");
	const char *slash = strrchr(__FILE__, '/');
	static const char *const fallbacks[] = {
		"api/openapi.json", "../api/openapi.json", "../../api/openapi.json", NULL,
	};

	if (env && *env)
		return env;
	/* __FILE__ is tests/unit/test_openapi.c, absolute or relative to the
	 * directory make ran in. */
	if (slash) {
		snprintf(path, sizeof path, "%.*s/../../api/openapi.json",
		    (int)(slash - __FILE__), __FILE__);
		if (access(path, R_OK) == 0)
			return path;
	}
	for (const char *const *f = fallbacks; *f; f++)
		if (access(*f, R_OK) == 0)
			return *f;
	return fallbacks[0];
}

static json_t *
load_doc(void)
{
	json_error_t err;
	json_t *doc = json_load_file(doc_path(), 0, &err);

	if (doc == NULL)
		fail_msg("%s:%d: %s", doc_path(), err.line, err.text);
	return doc;
}

/* The operation object for route r in doc, or NULL. */
static json_t *
doc_operation(json_t *doc, const http_route *r)
{
	char method[16];
	size_t i;

	for (i = 0; r->method[i] && i < sizeof method - 1; i++)
		method[i] = (char)tolower((unsigned char)r->method[i]);
	method[i] = '\0';
	return json_object_get(json_object_get(json_object_get(doc, "paths"), r->pattern), method);
}

static int
n_routes(void)
{
	return http_routes_init();
}

static void
test_every_route_documented(void **state)
{
	json_t *doc = load_doc();
	int missing = 0;

	(void)state;
	assert_true(n_routes() > 0);
	for (int i = 0; i < n_routes(); i++) {
		const http_route *r = http_route_at(i);
		if (doc_operation(doc, r) == NULL) {
			print_error("route %s %s is not in %s\n", r->method, r->pattern, doc_path());
			missing++;
		}
	}
	json_decref(doc);
	assert_int_equal(missing, 0);
}

/* True when the server routes method on pattern. */
static bool
routed(const char *method, const char *pattern)
{
	for (int i = 0; i < n_routes(); i++) {
		const http_route *r = http_route_at(i);
		if (strcasecmp(r->method, method) == 0 && strcmp(r->pattern, pattern) == 0)
			return true;
	}
	return false;
}

static void
test_every_operation_routed(void **state)
{
	json_t *doc = load_doc(), *item;
	const char *path, *key;
	int extra = 0, ops = 0;
	json_t *v;

	(void)state;
	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		json_object_foreach(item, key, v) {
			bool is_method = false;
			for (const char *const *m = methods; *m; m++)
				is_method |= strcmp(*m, key) == 0;
			if (!is_method)
				continue;
			ops++;
			if (!routed(key, path)) {
				print_error("operation %s %s has no route\n", key, path);
				extra++;
			}
		}
	}
	json_decref(doc);
	assert_int_equal(extra, 0);
	assert_int_equal(ops, n_routes());
}

/* Every row of every table of http/api.h is among the routes served. */
static void
test_every_table_served(void **state)
{
	const http_route *const tables[] = {
		api_sys_routes, api_auth_routes, api_org_routes, api_people_routes,
		api_codes_routes, api_supply_routes,
	};

	(void)state;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const http_route *r = tables[t]; r->method; r++) {
			if (!routed(r->method, r->pattern))
				print_error("%s %s is in a table the server does not serve\n", r->method,
				    r->pattern);
			assert_true(routed(r->method, r->pattern));
		}
}

static void
test_security_and_bodies_match(void **state)
{
	json_t *doc = load_doc();
	int bad = 0;

	(void)state;
	for (int i = 0; i < n_routes(); i++) {
		const http_route *r = http_route_at(i);
		json_t *op = doc_operation(doc, r), *sec;
		bool public_doc, has_body;
		if (op == NULL)
			continue;  /* reported by test_every_route_documented */
		sec = json_object_get(op, "security");
		public_doc = json_is_array(sec) && json_array_size(sec) == 0;
		has_body = json_object_get(op, "requestBody") != NULL;
		if (public_doc != (r->perm == HTTP_PUBLIC)) {
			print_error("%s %s: perm %d but security %s\n", r->method, r->pattern, r->perm,
			    public_doc ? "[]" : "required");
			bad++;
		}
		if (has_body != (r->body_max > 0)) {
			print_error("%s %s: body limit %zu but requestBody %s\n", r->method, r->pattern,
			    r->body_max, has_body ? "documented" : "absent");
			bad++;
		}
	}
	json_decref(doc);
	assert_int_equal(bad, 0);
}

static void
test_embedded_copy_is_the_file(void **state)
{
	const struct asset *a = asset_find("api/openapi.json");
	FILE *f = fopen(doc_path(), "rb");
	char *bytes;
	long n;

	(void)state;
	assert_non_null(a);
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	bytes = malloc((size_t)n + 1);
	assert_non_null(bytes);
	assert_int_equal(fread(bytes, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(a->size, (size_t)n);
	assert_memory_equal(a->bytes, bytes, (size_t)n);
	free(bytes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_documented),
		cmocka_unit_test(test_every_operation_routed),
		cmocka_unit_test(test_every_table_served),
		cmocka_unit_test(test_security_and_bodies_match),
		cmocka_unit_test(test_embedded_copy_is_the_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
