/*
 * config — sijin's settings, read once at start-up from one table.
 *
 * Every setting is one row of a static table in config.c: its name, type,
 * default, limits, unit and help, and the field of sj_config it fills.  From
 * the name follow its other spellings (docs/config.md):
 *
 *   file key      the name itself:            max-body = 1M
 *                 a dotted name a.b may also be written as key b under [a]
 *   environment   SIJIN_ + name upper-cased, '.' and '-' to '_':
 *                                              SIJIN_MAX_BODY=1M
 *   flag          "--" + name, '.' to '-':     --max-body 1M, --max-body=1M
 *
 * Sources, later winning over earlier: built-in default < config file <
 * environment < command-line flag.  Every value is parsed and checked when
 * it is set, so a loaded sj_config holds only valid values, and for every
 * setting it remembers which source set it (config_source, config_print).
 *
 * Adding a setting: a field in sj_config and a row in the table; the
 * environment variable, flag, file key, checks, config_print line and
 * config_usage line follow.  docs/config.md is written by hand.
 */
#ifndef SJ_CONFIG_H
#define SJ_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"

/* The effective settings.  Strings are owned by the struct (never NULL
 * once config_defaults has run) and freed by config_free.  Units are in the
 * comments; the table in config.c has the ranges. */
typedef struct sj_config {
	char *config_file;     /* INI file that was read, "" = none */
	char *db;              /* SQLite path, or a postgresql:// URL */
	char *db_password;     /* secret: password for a postgresql:// db, "" = none */
	char *key_file;        /* key file path; "" = "<db>.key", see config_key_file_path */
	char *tz;              /* deployment time zone, an IANA name */
	int log_level;         /* an sj_log_level (core/log.h) */
	char *listen;          /* address the HTTP server binds */
	int port;              /* TCP port, 1..65535 */
	int threads;           /* HTTP worker threads */
	int max_connections;   /* concurrent HTTP connections */
	int max_connections_per_address; /* of them, from one client address */
	int max_streams_per_address;     /* alert streams (server-sent events) one
	                                  * client address may hold open at once
	                                  * (http/http.h http_reply_stream) */
	int request_timeout;   /* seconds */
	int max_body;          /* bytes */
	char *trusted_proxies; /* comma-separated proxy addresses, "" = none */
	int fever_threshold;   /* °C × 10: a reading >= this raises an alert */
	int reentry_window;    /* seconds: a repeated entry this soon is the same stay */
	int retention_days;    /* days scans, stays and scan alerts are kept; also the
	                        * period of every class below that is 0
	                        * (domain/retention.h) */
	int retention_outsider_days;   /* days an outsider registration is kept after
	                                * its valid_until; 0 = retention_days */
	int retention_trace_days;      /* days a stored trace result is kept; 0 = retention_days */
	int retention_visit_note_days; /* days a household note is kept after the visit
	                                * date; 0 = retention_days */
	int retention_requests_days;   /* days a finished service request is kept after
	                                * its status_at; 0 = retention_days */
	int purge_interval;    /* seconds between the server's retention purges; 0 = none */
	int visit_gap_days;    /* days without a visit after which a unit is listed for the leader */
	bool cookie_secure;    /* session cookies carry the Secure attribute */
	char *tls_cert;        /* PEM certificate chain file for built-in HTTPS, "" = plain HTTP */
	char *tls_key;         /* PEM private key file of tls_cert, "" with it */
	char *public_url;      /* base URL printed in place codes, http(s)://host[:port][/path];
	                        * not set: derived from tls_cert, listen, port (config_load) */
	char *poster_font;     /* TrueType/OpenType file the PNG poster writes names with */
	int request_cutoff;    /* seconds after local midnight: later counts from the next
	                        * working day (domain/calendar.h) */
	char *open311_jurisdiction; /* the Open311 jurisdiction_id served */
	char *web_root;        /* folder the web UI is served from, "" = the embedded copy
	                        * (http/web.h) */
	char **source;         /* private: who set each row; see config_source */
} sj_config;

/* Fill c with every setting's built-in default, each recorded as set by
 * "default".  c's previous contents are overwritten without being freed
 * (call config_free first to reuse a loaded struct).  Allocates: release
 * with config_free.  Also asserts the table's invariants (unique names and
 * spellings, defaults that pass their own checks), so a bad new row fails
 * on the first run. */
void config_defaults(sj_config *c);

/* Apply the config file, the environment and the command-line flags to c,
 * which config_defaults has filled, in that order of precedence.
 *
 * argv: *argc + 1 elements, the last NULL, as main's.  argv[0] is the
 * program and is kept.  Every later argument that is
 * a setting's flag ("--name value", "--name=value"; a bool flag alone means
 * true and takes a value only after '=') is applied and removed, with its
 * value; everything else (the command, its own flags such as --json, its
 * arguments) stays, in order, and *argc is updated; argv[*argc] is set to
 * NULL.  "--" ends the flags: it and all after it stay untouched.  On
 * failure argv and *argc are unchanged.
 *
 * envp: a NULL-terminated array of "NAME=value" strings, or NULL for the
 * process environment (environ).  When a name occurs twice the first wins,
 * as with getenv.  Environment variables starting SIJIN_ that name no
 * setting are ignored (the test harness sets SIJIN_BIN, for one).
 *
 * The file is named by the "config" setting: --config FILE, else
 * SIJIN_CONFIG; empty or absent means no file.  See config.c for the INI
 * rules (keys, sections, comments, at most 198 bytes a line).
 *
 * Once all are in, public-url, when none of them set it, becomes the
 * address this server answers at: "https" with tls-cert else "http", the
 * listen address (IPv6 in brackets; 0.0.0.0 and :: as 127.0.0.1 and
 * [::1]) and ":port" unless the port is 80 for http, 443 for https
 * (docs/config.md); its source stays "default".
 *
 * Returns SJ_OK, or SJ_ECONFIG with e->field the setting's name and a
 * message that begins with the source, for:
 *   - the file cannot be opened or read (field "config"),
 *   - a file line that is not "key = value" or "[section]", or is too long
 *     ("<path>:<line>: ..."; field "config"),
 *   - a file key that names no setting (field is the key, with its
 *     section as "section.key"; message "<path>:<line>: unknown setting
 *     ..."), a key given twice in
 *     the file, or the key "config" in the file,
 *   - a flag that needs a value and is last ("--port needs a value"),
 *   - any value that fails its setting's checks (see config_set),
 *   - an empty key-file with a db that is a URL (field "key-file").
 * c then holds the settings applied before the failure; it still needs
 * config_free. */
sj_rc config_load(sj_config *c, int *argc, char **argv, char **envp,
    sj_err *e);

/* Parse value as the setting called name (its canonical name, e.g.
 * "max-body") and store it in c, recording source (copied) as where it
 * came from.  source is also the prefix of error messages: "default",
 * "<path>:<line>", "SIJIN_PORT", "--port" are the loaders' spellings.
 * c must have been filled by config_defaults; value and source non-NULL.
 *
 * The value's syntax by type:
 *   string    any text without control characters (bytes < 0x20, DEL);
 *             some settings add a rule (db, listen and tz non-empty; tz
 *             without "..")
 *   int       optional '-', decimal digits, nothing else
 *   duration  an int of seconds, or with one suffix s, m, h (1, 60, 3600 s)
 *   size      an int of bytes, or with one suffix K, M, G (1024, 1024², 1024³)
 *   bool      true/false, yes/no, on/off, 1/0, ignoring ASCII case
 *   enum      one of the row's names, ignoring ASCII case; stored as its index
 * and numbers must lie within the row's [min, max].
 *
 * Returns SJ_OK; or SJ_ECONFIG with e->field = name and c unchanged when
 * name is no setting ("<source>: unknown setting \"x\"") or the value is
 * malformed or out of range, e.g. "SIJIN_PORT: 99999 is above the maximum
 * 65535". */
sj_rc config_set(sj_config *c, const char *name, const char *value,
    const char *source, sj_err *e);

/* Where the setting called name got its value: "default" or the source
 * given to config_set.  NULL when name is no setting.  The string belongs
 * to c and lives until the setting changes or c is freed. */
const char *config_source(const sj_config *c, const char *name);

/* Write the path of the key file into out (n bytes): key_file, or when
 * that is empty db + ".key".  Returns SJ_OK; SJ_ECONFIG (field "key-file")
 * when key_file is empty and db is a URL (contains "://"), since a URL has
 * no place beside it for a file; SJ_ETOOBIG (field "key-file") when the
 * path and its NUL do not fit in n bytes.  out holds "" on failure. */
sj_rc config_key_file_path(const sj_config *c, char *out, size_t n,
    sj_err *e);

/* Write every setting as "name = value  # source", one line each, in table
 * order (what `sijin config` shows).  Ints are in the unit of their row
 * (seconds, bytes, ...), bools are true/false, enums their name, strings
 * as they are.  A secret setting shows "(set)" or "(unset)" (empty),
 * never its value.  Output errors are left to the caller (ferror). */
void config_print(const sj_config *c, FILE *out);

/* One setting as the administrator is shown it (GET /api/v1/settings):
 * the rows of the work's rules (time zone, fever threshold, re-entry
 * window, retention periods, purge interval, visit gap, request cut-off,
 * public URL, Open311 jurisdiction, cookie-secure, max-body, request
 * timeout) — never a secret, a file path, a listening address or the
 * database.  Strings belong to c or to the static table and live until c
 * changes or is freed. */
typedef struct config_shown {
	const char *name;         /* canonical name, e.g. "fever-threshold" */
	enum { CONFIG_SHOWN_NUMBER, CONFIG_SHOWN_BOOL, CONFIG_SHOWN_TEXT } kind;
	long long number;         /* NUMBER: in unit (seconds, bytes, days, °C × 10) */
	bool flag;                /* BOOL */
	const char *text;         /* TEXT (strings and enum names) */
	const char *unit;         /* NULL for none, else e.g. "seconds", "tenths of a °C" */
	const char *help;         /* the one-line help of --help */
	const char *default_text; /* the built-in default as written in a file */
	const char *source;       /* "default", "<file>:<line>", "SIJIN_X" or "--x" */
} config_shown;

/* Fill *out with the i-th shown setting (0-based, in table order).
 * Returns false, leaving *out alone, when i is past the last one. */
bool config_shown_at(const sj_config *c, size_t i, config_shown *out);

/* Write one help line per setting for `--help`, in table order: the flag
 * and the kind of value it takes (N, DURATION, SIZE, TEXT, [=BOOL] or the
 * enum's names joined by '|'), the help text, then in parentheses the
 * environment variable, the range for numbers and the default, e.g.
 *   "  --port N  TCP port the HTTP server listens on (SIJIN_PORT;
 *    1..65535; default \"8080\")"   (one line) */
void config_usage(FILE *out);

/* Free c's strings and source records and zero it.  Accepts NULL and a
 * zeroed struct; c may be reused with config_defaults. */
void config_free(sj_config *c);

#endif
