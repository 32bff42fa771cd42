/*
 * config — the settings table and the four sources that fill sj_config.
 *
 * The table `rows` is the single description of every setting.  All
 * sources end in config_set, which parses the text by the row's type,
 * checks it, stores it through the row's offsetof and records the source,
 * so a value is valid whichever way it came in.  Invariants:
 *   - after config_defaults every string field is non-NULL and every row
 *     has a source string; config_free releases exactly these;
 *   - a failed config_set leaves the field and its source unchanged;
 *   - error messages never quote the value of a secret row.
 *
 * The config file is INI read by libinih:
 *   - "key = value" (or "key: value") per line; whitespace around key and
 *     value is stripped; there is no quoting, quotes are part of the value;
 *   - "[section]" followed by "key" means the setting "section.key";
 *   - lines starting with ';' or '#' are comments, and so is the rest of a
 *     line from a ';' that follows whitespace;
 *   - a line may hold at most 198 bytes before its line break (libinih's
 *     200-byte buffer); a longer line is an error, not silently split;
 *   - libinih joins an indented line to the value of the key before it
 *     (even across blank lines, until the next section); sijin values are
 *     one line, so that is reported as an error;
 *   - a setting may appear once per file.
 */
#include "core/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/text.h"

enum config_type {
	T_STRING,
	T_INT,
	T_DURATION, /* an int of seconds; the text may carry s, m or h */
	T_SIZE,     /* an int of bytes; the text may carry K, M or G */
	T_BOOL,
	T_ENUM      /* one of `choices`; stored as its index in an int */
};

enum {
	ROW_SECRET = 1 << 0,      /* config_print shows (set)/(unset) */
	ROW_URL = 1 << 3,         /* config_print hides the URL's passwords */
	ROW_NOT_IN_FILE = 1 << 1, /* only from the environment or a flag */
	ROW_SHOWN = 1 << 2        /* the work's rules, shown to the administrator by
	                           * config_shown_at (GET /api/v1/settings); never a
	                           * secret, path, address or database URL */
};

/* A string check: NULL when value is acceptable, else what is wrong, as
 * words that follow the source ("must not be empty"). */
typedef const char *(*string_check)(const char *value);

struct config_row {
	const char *name;        /* [a-z0-9.-], the file key */
	enum config_type type;
	size_t offset;           /* of the field in sj_config */
	const char *default_text;/* parsed like any other source */
	long long min, max;      /* numeric kinds, in the stored unit */
	const char *const *choices; /* T_ENUM: NULL-terminated */
	string_check check;      /* T_STRING: extra rule, may be NULL */
	unsigned flags;          /* ROW_* */
	const char *unit;        /* numeric kinds: shown after numbers */
	const char *help;        /* one line, for config_usage and the docs */
};

static const char *check_nonempty(const char *value);
static const char *check_tz(const char *value);
static const char *check_public_url(const char *value);
static const char *check_proxies(const char *value);
static const char *check_dir(const char *value);

/* In sj_log_level order: the index is the level. */
static const char *const log_level_choices[] = {
	"error", "warn", "info", "debug", NULL
};
_Static_assert(SJ_LOG_ERROR == 0 && SJ_LOG_WARN == 1 && SJ_LOG_INFO == 2 &&
    SJ_LOG_DEBUG == 3, "log_level_choices must follow sj_log_level");

#define FIELD(f) offsetof(sj_config, f)

static const struct config_row rows[] = {
	{ .name = "config", .type = T_STRING, .offset = FIELD(config_file),
	  .default_text = "", .flags = ROW_NOT_IN_FILE,
	  .help = "INI file to read settings from; empty = none" },
	{ .name = "db", .type = T_STRING, .offset = FIELD(db),
	  .default_text = "sijin.db", .check = check_nonempty, .flags = ROW_URL,
	  .help = "SQLite database file, or a postgresql:// URL" },
	{ .name = "db-password", .type = T_STRING, .offset = FIELD(db_password),
	  .default_text = "", .flags = ROW_SECRET,
	  .help = "password for a postgresql:// db, kept out of the URL; "
	          "never printed" },
	{ .name = "key-file", .type = T_STRING, .offset = FIELD(key_file),
	  .default_text = "",
	  .help = "file holding the data-encryption keys; empty = <db>.key" },
	{ .name = "tz", .type = T_STRING, .offset = FIELD(tz),
	  .default_text = "Asia/Shanghai", .check = check_tz,
	  .flags = ROW_SHOWN,
	  .help = "deployment time zone (IANA name) for local dates and "
	          "report days" },
	{ .name = "log-level", .type = T_ENUM, .offset = FIELD(log_level),
	  .default_text = "info", .choices = log_level_choices,
	  .help = "most verbose log level written" },
	{ .name = "listen", .type = T_STRING, .offset = FIELD(listen),
	  .default_text = "127.0.0.1", .check = check_nonempty,
	  .help = "address the HTTP server binds" },
	{ .name = "port", .type = T_INT, .offset = FIELD(port),
	  .default_text = "8080", .min = 1, .max = 65535,
	  .help = "TCP port the HTTP server listens on" },
	{ .name = "threads", .type = T_INT, .offset = FIELD(threads),
	  .default_text = "4", .min = 1, .max = 256,
	  .help = "HTTP worker threads" },
	{ .name = "max-connections", .type = T_INT,
	  .offset = FIELD(max_connections),
	  .default_text = "1024", .min = 1, .max = 100000,
	  .help = "most HTTP connections open at once" },
	{ .name = "max-connections-per-address", .type = T_INT,
	  .offset = FIELD(max_connections_per_address),
	  .default_text = "256", .min = 1, .max = 100000,
	  .help = "most HTTP connections one client address may hold open at once" },
	{ .name = "max-streams-per-address", .type = T_INT,
	  .offset = FIELD(max_streams_per_address),
	  .default_text = "16", .min = 1, .max = 100000,
	  .help = "most alert streams one client address may hold open at once" },
	{ .name = "request-timeout", .type = T_DURATION,
	  .offset = FIELD(request_timeout),
	  .default_text = "30", .min = 1, .max = 3600, .unit = "seconds",
	  .flags = ROW_SHOWN,
	  .help = "idle time allowed on an HTTP connection, and the longest a request's headers, "
	          "and then its body, may take to arrive" },
	{ .name = "max-body", .type = T_SIZE, .offset = FIELD(max_body),
	  .default_text = "1048576", .min = 1024, .max = 67108864,
	  .unit = "bytes",
	  .flags = ROW_SHOWN,
	  .help = "largest HTTP request body accepted" },
	{ .name = "trusted-proxies", .type = T_STRING,
	  .offset = FIELD(trusted_proxies), .default_text = "", .check = check_proxies,
	  .help = "comma-separated addresses of reverse proxies whose "
	          "X-Forwarded-For is believed; empty = none" },
	{ .name = "fever-threshold", .type = T_INT,
	  .offset = FIELD(fever_threshold),
	  .default_text = "373", .min = 350, .max = 420,
	  .unit = "tenths of a °C",
	  .flags = ROW_SHOWN,
	  .help = "a temperature at or above this raises a fever alert "
	          "(373 = 37.3 °C)" },
	{ .name = "reentry-window", .type = T_DURATION,
	  .offset = FIELD(reentry_window),
	  .default_text = "600", .min = 0, .max = 3600, .unit = "seconds",
	  .flags = ROW_SHOWN,
	  .help = "a repeated entry scan of the same person at the same place "
	          "this soon after the stay's entry is the same stay" },
	{ .name = "retention-days", .type = T_INT,
	  .offset = FIELD(retention_days),
	  .default_text = "28", .min = 1, .max = 3650, .unit = "days",
	  .flags = ROW_SHOWN,
	  .help = "days scans, stays and scan alerts are kept, and the other personal "
	          "data classes whose own setting is 0 (DESIGN.md §4 Retention)" },
	{ .name = "retention-outsider-days", .type = T_INT,
	  .offset = FIELD(retention_outsider_days),
	  .default_text = "0", .min = 0, .max = 3650, .unit = "days",
	  .flags = ROW_SHOWN,
	  .help = "days an outsider registration is kept after it stops being valid; "
	          "0 = as retention-days" },
	{ .name = "retention-trace-days", .type = T_INT,
	  .offset = FIELD(retention_trace_days),
	  .default_text = "0", .min = 0, .max = 3650, .unit = "days",
	  .flags = ROW_SHOWN,
	  .help = "days a stored trace result is kept (the audit entry of the run "
	          "stays); 0 = as retention-days" },
	{ .name = "retention-visit-note-days", .type = T_INT,
	  .offset = FIELD(retention_visit_note_days),
	  .default_text = "0", .min = 0, .max = 3650, .unit = "days",
	  .flags = ROW_SHOWN,
	  .help = "days a note about a household is kept after the visit date; "
	          "0 = as retention-days" },
	{ .name = "retention-requests-days", .type = T_INT,
	  .offset = FIELD(retention_requests_days),
	  .default_text = "0", .min = 0, .max = 3650, .unit = "days",
	  .flags = ROW_SHOWN,
	  .help = "days a finished service request (resolved, rejected, duplicate, "
	          "closed) is kept after it was finished; 0 = as retention-days" },
	{ .name = "purge-interval", .type = T_DURATION,
	  .offset = FIELD(purge_interval),
	  .default_text = "24h", .min = 0, .max = 604800, .unit = "seconds",
	  .flags = ROW_SHOWN,
	  .help = "the server deletes expired rows (as sijin purge) this long after it "
	          "starts and then at this interval; 0 = never (run sijin purge from cron)" },
	{ .name = "visit-gap-days", .type = T_INT,
	  .offset = FIELD(visit_gap_days),
	  .default_text = "14", .min = 1, .max = 365, .unit = "days",
	  .flags = ROW_SHOWN,
	  .help = "a unit not visited for this many days is listed for the "
	          "group's leader" },
	{ .name = "cookie-secure", .type = T_BOOL,
	  .offset = FIELD(cookie_secure), .default_text = "false",
	  .flags = ROW_SHOWN,
	  .help = "give session cookies the Secure attribute (for HTTPS)" },
	{ .name = "tls-cert", .type = T_STRING, .offset = FIELD(tls_cert), .default_text = "",
	  .help = "PEM certificate (chain) file: serve HTTPS itself (libmicrohttpd with "
	          "GnuTLS); needs tls-key; empty = plain HTTP (put a proxy in front)" },
	{ .name = "tls-key", .type = T_STRING, .offset = FIELD(tls_key), .default_text = "",
	  .help = "PEM private key file of tls-cert" },
	{ .name = "public-url", .type = T_STRING, .offset = FIELD(public_url),
	  .default_text = "http://127.0.0.1:8080", .check = check_public_url,
	  .flags = ROW_SHOWN,
	  .help = "base URL phones reach the server at; printed in place codes "
	          "as <public-url>/c/<token>; not set: this server's own address "
	          "(http or https, listen, port)" },
	{ .name = "poster-font", .type = T_STRING, .offset = FIELD(poster_font),
	  .default_text = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:"
	                  "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	  .help = "font files, separated by ':', that PNG posters and passes are "
	          "lettered with (each character from the first that has it); "
	          "empty = no lettering, names in PNG metadata only" },
	{ .name = "request-cutoff", .type = T_DURATION, .offset = FIELD(request_cutoff),
	  .default_text = "17h", .min = 0, .max = 86400, .unit = "seconds",
	  .flags = ROW_SHOWN,
	  .help = "time of day (after local midnight) from which a service request "
	          "counts as received on the next working day: 17h = 17:00" },
	{ .name = "open311-jurisdiction", .type = T_STRING,
	  .offset = FIELD(open311_jurisdiction), .default_text = "sijin",
	  .check = check_nonempty,
	  .flags = ROW_SHOWN,
	  .help = "the jurisdiction_id this server answers to in Open311 GeoReport v2" },
	{ .name = "web-root", .type = T_STRING, .offset = FIELD(web_root),
	  .default_text = "", .check = check_dir,
	  .help = "folder to serve the web UI's files from instead of the copy built "
	          "into the binary (for development: edit web/ and reload); empty = "
	          "the built-in copy" },
};

#define N_ROWS (sizeof rows / sizeof rows[0])

/* Longest row name; environment and flag spellings add at most 6 bytes. */
#define ROW_NAME_MAX 48
#define SPELLING_MAX (ROW_NAME_MAX + 8)

struct suffix {
	const char *text;
	long long factor;
};

static const struct suffix duration_suffixes[] = {
	{ "s", 1 }, { "m", 60 }, { "h", 3600 }, { NULL, 0 }
};

static const struct suffix size_suffixes[] = {
	{ "K", 1024 }, { "M", 1024 * 1024 }, { "G", 1024 * 1024 * 1024 },
	{ NULL, 0 }
};

static const char *const true_words[] = { "true", "yes", "on", "1", NULL };
static const char *const false_words[] = { "false", "no", "off", "0", NULL };

static const char *
check_nonempty(const char *value)
{
	return value[0] == '\0' ? "must not be empty" : NULL;
}

/* Empty, or a folder that exists now (the web UI's files are read from
 * it at each request). */
static const char *
check_dir(const char *value)
{
	struct stat sb;

	if (value[0] == '\0')
		return NULL;
	return stat(value, &sb) == 0 && S_ISDIR(sb.st_mode) ? NULL : "must be an existing folder";
}

/* The time zone names a file under the zoneinfo directory, so it must not
 * climb out of it; whether the zone exists is checked where it is loaded. */
static const char *
check_tz(const char *value)
{
	if (value[0] == '\0')
		return "must not be empty; give an IANA name such as "
		    "Asia/Shanghai";
	if (strstr(value, "..") != NULL)
		return "must not contain \"..\"";
	return NULL;
}

/* A comma-separated list of IPv4 or IPv6 address literals (exact
 * addresses: the server compares them with the peer's text form), or
 * empty.  Ranges such as 10.0.0.0/8 are refused rather than silently never
 * matching. */
static const char *
check_proxies(const char *value)
{
	char item[INET6_ADDRSTRLEN + 1];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *p = value;

	while (*p) {
		size_t n = strcspn(p, ", ");
		if (n > 0) {
			if (n >= sizeof item)
				return "has an entry that is not an IP address";
			memcpy(item, p, n);
			item[n] = '\0';
			if (inet_pton(AF_INET, item, bin) != 1 && inet_pton(AF_INET6, item, bin) != 1)
				return "must list exact IPv4 or IPv6 addresses, comma-separated "
				    "(no ranges, no names)";
		}
		p += n;
		p += strspn(p, ", ");
	}
	return NULL;
}

/* An absolute http or https URL without query, fragment, spaces or
 * characters that would need escaping in HTML or a QR code's URL. */
static const char *
check_public_url(const char *value)
{
	const char *host;

	if (strncmp(value, "http://", 7) == 0)
		host = value + 7;
	else if (strncmp(value, "https://", 8) == 0)
		host = value + 8;
	else
		return "must start with http:// or https://";
	if (*host == '\0' || *host == '/')
		return "must name a host after the scheme";
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("\"'<>\\^`{|}?#", *p))
			return "must be a plain URL without spaces, quotes, '?' or '#'";
	return NULL;
}

/* ---- Rows and their spellings ---- */

static size_t
row_index(const struct config_row *r)
{
	return (size_t)(r - rows);
}

static const struct config_row *
row_find(const char *name)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return NULL;
}

/* "SIJIN_" + the name upper-cased with '.' and '-' as '_'. */
static void
env_spelling(const struct config_row *r, char out[SPELLING_MAX])
{
	size_t n = (size_t)snprintf(out, SPELLING_MAX, "SIJIN_%s", r->name);

	for (size_t i = 6; i < n; i++)
		out[i] = (out[i] == '.' || out[i] == '-') ? '_' :
		    (char)toupper((unsigned char)out[i]);
}

/* "--" + the name with '.' as '-'. */
static void
flag_spelling(const struct config_row *r, char out[SPELLING_MAX])
{
	size_t n = (size_t)snprintf(out, SPELLING_MAX, "--%s", r->name);

	for (size_t i = 2; i < n; i++)
		if (out[i] == '.')
			out[i] = '-';
}

/* Broken table rows are bugs, caught on the first config_defaults. */
static void
table_check(void)
{
	char a[SPELLING_MAX], b[SPELLING_MAX];

	for (size_t i = 0; i < N_ROWS; i++) {
		const struct config_row *r = &rows[i];

		assert(r->name[0] != '\0' && strlen(r->name) <= ROW_NAME_MAX);
		assert(strspn(r->name, "abcdefghijklmnopqrstuvwxyz0123456789.-") ==
		    strlen(r->name));
		assert(r->default_text != NULL && r->help != NULL);
		assert((r->type == T_ENUM) == (r->choices != NULL));
		assert(r->min <= r->max && r->min >= INT_MIN && r->max <= INT_MAX);
		assert(r->type == T_STRING || r->check == NULL);
		/* Env spellings collide whenever names or flags do. */
		env_spelling(r, a);
		for (size_t j = 0; j < i; j++) {
			env_spelling(&rows[j], b);
			assert(strcmp(a, b) != 0);
		}
	}
	(void)a;
	(void)b;
}

static void *
field(sj_config *c, const struct config_row *r)
{
	return (char *)c + r->offset;
}

static const void *
field_const(const sj_config *c, const struct config_row *r)
{
	return (const char *)c + r->offset;
}

/* ---- Parsing one value ---- */

static const struct suffix *
type_suffixes(enum config_type type)
{
	if (type == T_DURATION)
		return duration_suffixes;
	if (type == T_SIZE)
		return size_suffixes;
	return NULL;
}

/* v × factor, clamped to the range of long long (a clamped value is far
 * outside every row's range, so it is reported as above or below it). */
static long long
scale(long long v, long long factor)
{
	if (v > LLONG_MAX / factor)
		return LLONG_MAX;
	if (v < LLONG_MIN / factor)
		return LLONG_MIN;
	return v * factor;
}

static sj_rc
fail_not_number(const struct config_row *r, const char *text,
    const char *source, sj_err *e)
{
	if (r->type == T_DURATION)
		return sj_fail(e, SJ_ECONFIG, r->name, "%s: \"%s\" is not a "
		    "duration (seconds, or a number with s, m or h)", source, text);
	if (r->type == T_SIZE)
		return sj_fail(e, SJ_ECONFIG, r->name, "%s: \"%s\" is not a "
		    "size (bytes, or a number with K, M or G)", source, text);
	return sj_fail(e, SJ_ECONFIG, r->name, "%s: \"%s\" is not a whole "
	    "number%s%s", source, text, r->unit ? " of " : "",
	    r->unit ? r->unit : "");
}

static sj_rc
check_range(const struct config_row *r, long long v, const char *text,
    const char *source, sj_err *e)
{
	const char *sp = r->unit ? " " : "", *unit = r->unit ? r->unit : "";

	if (v < r->min)
		return sj_fail(e, SJ_ECONFIG, r->name, "%s: %s is below the "
		    "minimum %lld%s%s", source, text, r->min, sp, unit);
	if (v > r->max)
		return sj_fail(e, SJ_ECONFIG, r->name, "%s: %s is above the "
		    "maximum %lld%s%s", source, text, r->max, sp, unit);
	return SJ_OK;
}

/* Decimal digits with an optional '-' and, for durations and sizes, one
 * unit suffix; then the row's range. */
static sj_rc
parse_number(const struct config_row *r, const char *text,
    const char *source, long long *out, sj_err *e)
{
	const struct suffix *s = type_suffixes(r->type);
	const char *digits = text[0] == '-' ? text + 1 : text;
	char *end;
	long long v;

	if (!isdigit((unsigned char)digits[0]))
		return fail_not_number(r, text, source, e);
	errno = 0;
	v = strtoll(text, &end, 10);
	if (*end != '\0') {
		while (s != NULL && s->text != NULL && strcmp(s->text, end) != 0)
			s++;
		if (s == NULL || s->text == NULL)
			return fail_not_number(r, text, source, e);
		v = scale(v, s->factor);
	}
	*out = v;
	return check_range(r, v, text, source, e);
}

static int
word_index(const char *const *words, const char *text)
{
	for (int i = 0; words[i] != NULL; i++)
		if (strcasecmp(words[i], text) == 0)
			return i;
	return -1;
}

static sj_rc
parse_bool(const struct config_row *r, const char *text, const char *source,
    long long *out, sj_err *e)
{
	if (word_index(true_words, text) >= 0)
		*out = 1;
	else if (word_index(false_words, text) >= 0)
		*out = 0;
	else
		return sj_fail(e, SJ_ECONFIG, r->name, "%s: \"%s\" is not a "
		    "boolean (use true/false, yes/no, on/off or 1/0)", source, text);
	return SJ_OK;
}

static sj_rc
parse_enum(const struct config_row *r, const char *text, const char *source,
    long long *out, sj_err *e)
{
	char list[256] = "";
	int i = word_index(r->choices, text);

	if (i >= 0) {
		*out = i;
		return SJ_OK;
	}
	for (int j = 0; r->choices[j] != NULL; j++) {
		if (j > 0)
			strncat(list, ", ", sizeof list - strlen(list) - 1);
		strncat(list, r->choices[j], sizeof list - strlen(list) - 1);
	}
	return sj_fail(e, SJ_ECONFIG, r->name, "%s: \"%s\" is not one of %s",
	    source, text, list);
}

/* The value is not quoted in these messages: it may be a secret, and its
 * control characters would be the ones we refuse. */
static sj_rc
check_string(const struct config_row *r, const char *text,
    const char *source, sj_err *e)
{
	const char *problem;

	for (const char *p = text; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return sj_fail(e, SJ_ECONFIG, r->name, "%s: the value "
			    "contains a control character (byte 0x%02x)", source,
			    (unsigned)(unsigned char)*p);
	problem = r->check ? r->check(text) : NULL;
	if (problem != NULL)
		return sj_fail(e, SJ_ECONFIG, r->name, "%s: %s", source, problem);
	return SJ_OK;
}

static sj_rc
parse_value(const struct config_row *r, const char *text, const char *source,
    long long *out, sj_err *e)
{
	switch (r->type) {
	case T_STRING:
		return check_string(r, text, source, e);
	case T_INT:
	case T_DURATION:
	case T_SIZE:
		return parse_number(r, text, source, out, e);
	case T_BOOL:
		return parse_bool(r, text, source, out, e);
	case T_ENUM:
		return parse_enum(r, text, source, out, e);
	}
	assert(!"unknown config type");
	return SJ_EINTERNAL;
}

static void
store_value(sj_config *c, const struct config_row *r, const char *text,
    long long v)
{
	char **s;

	switch (r->type) {
	case T_STRING:
		s = field(c, r);
		free(*s);
		*s = sj_strdup(text);
		break;
	case T_BOOL:
		*(bool *)field(c, r) = v != 0;
		break;
	default:
		/* The row's range lies within int (table_check). */
		*(int *)field(c, r) = (int)v;
		break;
	}
}

sj_rc
config_set(sj_config *c, const char *name, const char *value,
    const char *source, sj_err *e)
{
	const struct config_row *r = row_find(name);
	long long v = 0;
	sj_rc rc;

	assert(c->source != NULL && value != NULL && source != NULL);
	if (r == NULL)
		return sj_fail(e, SJ_ECONFIG, name, "%s: unknown setting \"%s\"",
		    source, name);
	rc = parse_value(r, value, source, &v, e);
	if (rc != SJ_OK)
		return rc;
	store_value(c, r, value, v);
	free(c->source[row_index(r)]);
	c->source[row_index(r)] = sj_strdup(source);
	return SJ_OK;
}

const char *
config_source(const sj_config *c, const char *name)
{
	const struct config_row *r = row_find(name);

	return r ? c->source[row_index(r)] : NULL;
}

void
config_defaults(sj_config *c)
{
	sj_err e = {0};

	table_check();
	memset(c, 0, sizeof *c);
	c->source = sj_calloc(N_ROWS, sizeof *c->source);
	for (size_t i = 0; i < N_ROWS; i++) {
		sj_rc rc = config_set(c, rows[i].name, rows[i].default_text,
		    "default", &e);

		assert(rc == SJ_OK);
		(void)rc;
	}
}

void
config_free(sj_config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < N_ROWS; i++) {
		if (rows[i].type == T_STRING)
			free(*(char **)field(c, &rows[i]));
		if (c->source != NULL)
			free(c->source[i]);
	}
	free(c->source);
	memset(c, 0, sizeof *c);
}

/* ---- The config file ---- */

struct ini_state {
	sj_config *c;
	FILE *f;
	const char *path;
	char *source;         /* "<path>:<line>", rebuilt per pair */
	size_t source_size;
	int line;             /* of the text the reader returned last */
	bool line_indented;
	int set_on[N_ROWS];   /* line where each row was set, 0 = not yet */
	sj_rc rc;
	sj_err *e;
};

/* Whether f has nothing more to read (peeks one byte). */
static bool
at_end(FILE *f)
{
	int ch = getc(f);

	if (ch == EOF)
		return true;
	ungetc(ch, f);
	return false;
}

/* libinih's reader: one line per call, so that st->line is the line the
 * handler is looking at.  A line that does not fit libinih's buffer (no
 * newline and not at the end of the file) stops the parse with an error,
 * rather than letting libinih read its tail as another line. */
static char *
ini_read_line(char *buf, int size, void *stream)
{
	struct ini_state *st = stream;
	size_t n;

	if (st->rc != SJ_OK || fgets(buf, size, st->f) == NULL)
		return NULL;
	st->line++;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] != '\n' && !at_end(st->f)) {
		st->rc = sj_fail(st->e, SJ_ECONFIG, "config", "%s:%d: line is "
		    "longer than %d bytes", st->path, st->line, size - 2);
		return NULL;
	}
	st->line_indented = buf[0] == ' ' || buf[0] == '\t';
	return buf;
}

static sj_rc
file_pair(struct ini_state *st, const char *section, const char *key,
    const char *value)
{
	char name[ROW_NAME_MAX + 2];
	const struct config_row *r;
	size_t i;

	snprintf(st->source, st->source_size, "%s:%d", st->path, st->line);
	if (section[0] != '\0')
		snprintf(name, sizeof name, "%s.%s", section, key);
	else
		snprintf(name, sizeof name, "%s", key);
	r = row_find(name);
	if (r == NULL)
		return sj_fail(st->e, SJ_ECONFIG, name, "%s: unknown setting "
		    "\"%s%s%s\"", st->source, section, section[0] ? "." : "", key);
	i = row_index(r);
	if (r->flags & ROW_NOT_IN_FILE)
		return sj_fail(st->e, SJ_ECONFIG, r->name, "%s: %s cannot be set "
		    "in a config file", st->source, r->name);
	if (st->set_on[i] != 0 && st->line_indented)
		return sj_fail(st->e, SJ_ECONFIG, r->name, "%s: an indented line "
		    "continues the value of %s; write each value on one line",
		    st->source, r->name);
	if (st->set_on[i] != 0)
		return sj_fail(st->e, SJ_ECONFIG, r->name, "%s: %s is already set "
		    "on line %d", st->source, r->name, st->set_on[i]);
	st->set_on[i] = st->line;
	return config_set(st->c, r->name, value, st->source, st->e);
}

static int
ini_on_pair(void *user, const char *section, const char *key,
    const char *value)
{
	struct ini_state *st = user;

	if (st->rc == SJ_OK)
		st->rc = file_pair(st, section, key, value);
	return st->rc == SJ_OK;
}

static sj_rc
read_file(sj_config *c, const char *path, sj_err *e)
{
	struct ini_state st = { .c = c, .path = path, .rc = SJ_OK, .e = e };
	const char *origin = config_source(c, "config");
	int bad_line;

	st.f = fopen(path, "r");
	if (st.f == NULL)
		return sj_fail(e, SJ_ECONFIG, "config", "%s: cannot open %s: %s",
		    origin, path, strerror(errno));
	st.source_size = strlen(path) + 16;
	st.source = sj_malloc(st.source_size);
	bad_line = ini_parse_stream(ini_read_line, &st, ini_on_pair, &st);
	if (st.rc != SJ_OK)
		goto out;
	if (ferror(st.f)) {
		st.rc = sj_fail(e, SJ_ECONFIG, "config", "%s: cannot read %s",
		    origin, path);
	} else if (bad_line == -2) {
		sj_oom(0);
	} else if (bad_line != 0) {
		st.rc = sj_fail(e, SJ_ECONFIG, "config", "%s:%d: expected "
		    "\"key = value\" or \"[section]\"", path, bad_line);
	}
out:
	free(st.source);
	fclose(st.f);
	return st.rc;
}

/* ---- Environment and flags ---- */

/* The value of variable `name` in envp, first occurrence; NULL if absent. */
static const char *
env_lookup(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (char **p = envp; *p != NULL; p++)
		if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

static sj_rc
apply_env_row(sj_config *c, char **envp, const struct config_row *r,
    sj_err *e)
{
	char var[SPELLING_MAX];
	const char *value;

	env_spelling(r, var);
	value = env_lookup(envp, var);
	return value ? config_set(c, r->name, value, var, e) : SJ_OK;
}

static sj_rc
apply_env(sj_config *c, char **envp, sj_err *e)
{
	sj_rc rc = SJ_OK;

	for (size_t i = 0; i < N_ROWS && rc == SJ_OK; i++)
		rc = apply_env_row(c, envp, &rows[i], e);
	return rc;
}

/* The row whose flag arg is ("--name" or "--name=value"), or NULL.  Sets
 * *value to the text after '=', or NULL when there is none. */
static const struct config_row *
flag_row(const char *arg, const char **value)
{
	char flag[SPELLING_MAX];
	size_t n = strcspn(arg, "=");

	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	for (size_t i = 0; i < N_ROWS; i++) {
		flag_spelling(&rows[i], flag);
		if (strlen(flag) == n && strncmp(arg, flag, n) == 0) {
			*value = arg[n] == '=' ? arg + n + 1 : NULL;
			return &rows[i];
		}
	}
	return NULL;
}

/* Walk argv[0..argc) once; argv[0], the program, is never a flag.  Each
 * setting flag is applied when its row is `only` or `only` is NULL; the
 * values of the others are skipped just the same, so that pass one reads
 * --config exactly as pass two will.  When kept is non-NULL, every
 * argument that is not a setting flag or its value is appended to it
 * (argv[0] first) and *n_kept is their number. */
static sj_rc
walk_flags(sj_config *c, int argc, char **argv, const struct config_row *only,
    char **kept, int *n_kept, sj_err *e)
{
	char flag[SPELLING_MAX];
	int k = 0;

	for (int i = 0; i < argc; i++) {
		const struct config_row *r = NULL;
		const char *value = NULL;
		sj_rc rc;

		if (i > 0 && strcmp(argv[i], "--") == 0) {
			while (i < argc && kept)
				kept[k++] = argv[i++];
			break;
		}
		if (i > 0)
			r = flag_row(argv[i], &value);
		if (r == NULL) {
			if (kept)
				kept[k++] = argv[i];
			continue;
		}
		flag_spelling(r, flag);
		if (value == NULL && r->type == T_BOOL)
			value = "true";
		else if (value == NULL && i + 1 < argc)
			value = argv[++i];
		else if (value == NULL)
			return sj_fail(e, SJ_ECONFIG, r->name, "%s needs a value",
			    flag);
		rc = (only == NULL || only == r) ?
		    config_set(c, r->name, value, flag, e) : SJ_OK;
		if (rc != SJ_OK)
			return rc;
	}
	if (n_kept)
		*n_kept = k;
	return SJ_OK;
}

/* A URL has no directory beside it where "<db>.key" could live. */
static sj_rc
check_key_file(const sj_config *c, sj_err *e)
{
	if (c->key_file[0] == '\0' && strstr(c->db, "://") != NULL)
		return sj_fail(e, SJ_ECONFIG, "key-file", "%s: db is a URL, so "
		    "key-file must name the key file", config_source(c, "db"));
	return SJ_OK;
}

/* Built-in TLS needs the certificate and its key, or neither. */
static sj_rc
check_tls(const sj_config *c, sj_err *e)
{
	if ((c->tls_cert[0] == '\0') != (c->tls_key[0] == '\0'))
		return sj_fail(e, SJ_ECONFIG, c->tls_cert[0] ? "tls-key" : "tls-cert",
		    "give both tls-cert and tls-key, or neither");
	return SJ_OK;
}

/* Rules that involve more than one setting, checked once all are in. */
static sj_rc
check_combined(const sj_config *c, sj_err *e)
{
	sj_rc rc = check_key_file(c, e);

	return rc != SJ_OK ? rc : check_tls(c, e);
}

/* public-url when no file, variable or flag set it: the address this
 * server answers at (docs/config.md "public-url"): https with tls-cert,
 * the listen address (an IPv6 one in brackets) and the port, left out
 * when it is the scheme's own (80, 443; RFC 3986 §6.2.3).  A wildcard
 * listen address (0.0.0.0, ::) names no host: its family's loopback
 * address stands in, as for a listen text that is no address (serve
 * refuses it).  Stored through config_set, source still "default". */
static void
derive_public_url(sj_config *c)
{
	bool tls = c->tls_cert[0] != '\0';
	const char *host = "127.0.0.1", *open = "", *close = "";
	char url[128], port[16] = "";
	struct in6_addr v6;
	struct in_addr v4;
	sj_rc rc;
	int n;

	if (strcmp(config_source(c, "public-url"), "default") != 0)
		return;
	if (inet_pton(AF_INET, c->listen, &v4) == 1) {
		if (v4.s_addr != htonl(INADDR_ANY))
			host = c->listen;
	} else if (inet_pton(AF_INET6, c->listen, &v6) == 1) {
		host = IN6_IS_ADDR_UNSPECIFIED(&v6) ? "::1" : c->listen;
		open = "[";
		close = "]";
	}
	if (c->port != (tls ? 443 : 80))
		snprintf(port, sizeof port, ":%d", c->port);
	n = snprintf(url, sizeof url, "%s://%s%s%s%s", tls ? "https" : "http", open, host, close,
	    port);
	/* an address inet_pton takes is at most 45 characters */
	assert(n > 0 && (size_t)n < sizeof url);
	rc = config_set(c, "public-url", url, "default", NULL);
	assert(rc == SJ_OK);
	(void)rc;
}

sj_rc
config_load(sj_config *c, int *argc, char **argv, char **envp, sj_err *e)
{
	const struct config_row *config_row = row_find("config");
	char **kept;
	int n_kept = 0;
	sj_rc rc;

	assert(config_row != NULL);  /* the table's first row */
	assert(*argc >= 0 && argv != NULL);
	kept = sj_malloc(((size_t)*argc + 1) * sizeof *kept);

	if (envp == NULL)
		envp = environ;
	/* The file is named by the environment or a flag: find it first. */
	rc = apply_env_row(c, envp, config_row, e);
	if (rc == SJ_OK)
		rc = walk_flags(c, *argc, argv, config_row, NULL, NULL, e);
	if (rc == SJ_OK && c->config_file[0] != '\0')
		rc = read_file(c, c->config_file, e);
	if (rc == SJ_OK)
		rc = apply_env(c, envp, e);
	if (rc == SJ_OK)
		rc = walk_flags(c, *argc, argv, NULL, kept, &n_kept, e);
	if (rc == SJ_OK)
		rc = check_combined(c, e);
	if (rc != SJ_OK)
		goto out;
	derive_public_url(c);
	memcpy(argv, kept, (size_t)n_kept * sizeof *kept);
	argv[n_kept] = NULL;
	*argc = n_kept;
out:
	free(kept);
	return rc;
}

/* ---- Derived values and output ---- */

sj_rc
config_key_file_path(const sj_config *c, char *out, size_t n, sj_err *e)
{
	int len;

	assert(n > 0);
	out[0] = '\0';
	if (check_key_file(c, e) != SJ_OK)
		return SJ_ECONFIG;
	if (c->key_file[0] != '\0')
		len = snprintf(out, n, "%s", c->key_file);
	else
		len = snprintf(out, n, "%s.key", c->db);
	if (len < 0 || (size_t)len >= n) {
		out[0] = '\0';
		return sj_fail(e, SJ_ETOOBIG, "key-file", "the key file path "
		    "is longer than %zu bytes", n - 1);
	}
	return SJ_OK;
}

static void
print_value(const sj_config *c, const struct config_row *r, FILE *out)
{
	const void *f = field_const(c, r);

	switch (r->type) {
	case T_STRING:
		if (r->flags & ROW_SECRET)
			fputs(**(char *const *)f ? "(set)" : "(unset)", out);
		else if (r->flags & ROW_URL) {
			char *shown = text_url_mask(*(char *const *)f);

			fputs(shown, out);
			free(shown);
		} else
			fputs(*(char *const *)f, out);
		break;
	case T_BOOL:
		fputs(*(const bool *)f ? "true" : "false", out);
		break;
	case T_ENUM:
		fputs(r->choices[*(const int *)f], out);
		break;
	default:
		fprintf(out, "%d", *(const int *)f);
		break;
	}
}

bool
config_shown_at(const sj_config *c, size_t i, config_shown *out)
{
	const struct config_row *r = NULL;
	const void *f;

	for (size_t k = 0; k < N_ROWS; k++)
		if ((rows[k].flags & ROW_SHOWN) && i-- == 0) {
			r = &rows[k];
			break;
		}
	if (r == NULL)
		return false;
	assert(!(r->flags & ROW_SECRET));
	f = field_const(c, r);
	*out = (config_shown){ .name = r->name, .help = r->help, .unit = r->unit,
	    .default_text = r->default_text, .source = c->source[row_index(r)] };
	switch (r->type) {
	case T_STRING:
		out->kind = CONFIG_SHOWN_TEXT;
		out->text = *(char *const *)f;
		break;
	case T_BOOL:
		out->kind = CONFIG_SHOWN_BOOL;
		out->flag = *(const bool *)f;
		break;
	case T_ENUM:
		out->kind = CONFIG_SHOWN_TEXT;
		out->text = r->choices[*(const int *)f];
		break;
	default:
		out->kind = CONFIG_SHOWN_NUMBER;
		out->number = *(const int *)f;
		break;
	}
	return true;
}

void
config_print(const sj_config *c, FILE *out)
{
	for (size_t i = 0; i < N_ROWS; i++) {
		fprintf(out, "%s = ", rows[i].name);
		print_value(c, &rows[i], out);
		fprintf(out, "  # %s\n", c->source[i]);
	}
}

/* The placeholder after a flag in --help: what kind of value it takes. */
static void
usage_metavar(const struct config_row *r, FILE *out)
{
	switch (r->type) {
	case T_INT:      fputs(" N", out); break;
	case T_DURATION: fputs(" DURATION", out); break;
	case T_SIZE:     fputs(" SIZE", out); break;
	case T_BOOL:     fputs("[=BOOL]", out); break;
	case T_STRING:   fputs(" TEXT", out); break;
	case T_ENUM:
		for (int j = 0; r->choices[j] != NULL; j++)
			fprintf(out, "%c%s", j ? '|' : ' ', r->choices[j]);
		break;
	}
}

static void
usage_line(const struct config_row *r, FILE *out)
{
	char flag[SPELLING_MAX], var[SPELLING_MAX];

	flag_spelling(r, flag);
	env_spelling(r, var);
	fprintf(out, "  %s", flag);
	usage_metavar(r, out);
	fprintf(out, "  %s (%s", r->help, var);
	if (r->type == T_INT || r->type == T_DURATION || r->type == T_SIZE)
		fprintf(out, "; %lld..%lld%s%s", r->min, r->max,
		    r->unit ? " " : "", r->unit ? r->unit : "");
	fprintf(out, "; default \"%s\")\n", r->default_text);
}

void
config_usage(FILE *out)
{
	for (size_t i = 0; i < N_ROWS; i++)
		usage_line(&rows[i], out);
}
