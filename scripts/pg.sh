#!/bin/sh
# A throw-away PostgreSQL server for the tests, from Debian's `postgresql`
# package: initdb into a new temporary folder, run as an unprivileged user
# (root hands the folder to `nobody` and runs the server with runuser),
# listening only on a Unix socket in that folder, no TCP port.
#
#   scripts/pg.sh start             start one; print the URL of its database "sijin"
#   scripts/pg.sh stop URL|DIR      stop it and remove its folder
#   scripts/pg.sh url DIR           print the URL of the server in DIR
#   scripts/pg.sh schema URL NAME   create schema NAME in URL's database and print
#                                   a URL whose search_path is NAME (a fresh,
#                                   empty database as far as sijin can tell)
#   scripts/pg.sh psql URL ARGS...  run psql on URL (tab-free, unaligned, stop on error)
#   scripts/pg.sh down URL|DIR      stop the server (fast shutdown), keep its folder
#   scripts/pg.sh up URL|DIR        start the server of that folder again
#                                   (the fault tests: PostgreSQL restarted while serving)
#
# The server trades durability for speed (fsync off): it holds test data
# only; PG_DURABLE=1 in the environment of start or up keeps it durable.
# PG_SETTINGS in that environment adds server settings after the defaults
# (shared_buffers=64MB), e.g. "-c shared_buffers=2GB -c max_wal_size=8GB"
# (the benchmarks: bench/import.sh); each word must be `-c name=value`.
# Exit status is non-zero, with a message on stderr, when PostgreSQL
# is not installed or does not start.
set -eu

die() { echo "pg.sh: $*" >&2; exit 1; }

# The newest installed server's bin directory (Debian keeps them out of PATH).
bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	d=$(command -v initdb 2>/dev/null) && { dirname "$d"; return 0; }
	return 1
}

# Run a command as the server's owner: ourselves, or nobody when root
# (initdb and postgres refuse to run as root).
as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

# The folder of a URL (its host= parameter) or a folder given as such.
dir_of() {
	case $1 in
	postgres*://*) printf '%s\n' "$1" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p' ;;
	*) printf '%s\n' "$1" ;;
	esac
}

url_of() { printf 'postgresql:///sijin?host=%s&user=sijin\n' "$1"; }

# run_server BIN DIR: start the server of DIR (pg_ctl waits until it
# answers).  With PG_DURABLE=1 (the benchmarks) it keeps PostgreSQL's
# durable defaults: fsync, synchronous_commit and full_page_writes on.
run_server() {
	if [ "${PG_DURABLE:-0}" = 1 ]; then
		sync_opts="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
	else
		sync_opts="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
	extra=${PG_SETTINGS:-}
	case $extra in *[!-A-Za-z0-9_=.\ ]*) die "PG_SETTINGS: only -c name=value words" ;; esac
	# one line: pg_ctl passes only the first line of -o to the server
	opts="-c listen_addresses='' -c unix_socket_directories='$2' $sync_opts"
	opts="$opts -c max_connections=300 -c shared_buffers=64MB $extra"
	as_owner "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 60 -o "$opts" start >/dev/null 2>&1
}

# down / up: stop the server of a folder made by start, start it again.
down() {
	dir=$(dir_of "$1")
	case $dir in /tmp/sijin-pg-*) ;; *) die "not a folder made by pg.sh start: $dir" ;; esac
	bin=$(bindir) || die "PostgreSQL is not installed"
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
	    die "could not stop the server in $dir"
}

up() {
	dir=$(dir_of "$1")
	case $dir in /tmp/sijin-pg-*) ;; *) die "not a folder made by pg.sh start: $dir" ;; esac
	bin=$(bindir) || die "PostgreSQL is not installed"
	run_server "$bin" "$dir" || die "the server in $dir did not start again"
}

start() {
	bin=$(bindir) || die "PostgreSQL is not installed (no initdb; install the Debian package postgresql: sh scripts/deps.sh)"
	command -v psql >/dev/null 2>&1 || [ -x "$bin/psql" ] || die "psql is not installed (Debian package postgresql-client)"
	dir=$(mktemp -d /tmp/sijin-pg-XXXXXX)
	chmod 755 "$dir"
	[ "$(id -u)" = 0 ] && chown nobody "$dir"
	if ! as_owner "$bin/initdb" -D "$dir/data" -U sijin --auth=trust --encoding=UTF8 \
	    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"
	fi
	if ! run_server "$bin" "$dir"; then
		cat "$dir/server.log" >&2 2>/dev/null; rm -rf "$dir"; die "the server did not start"
	fi
	if ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 "postgresql:///postgres?host=$dir&user=sijin" \
	    -c "CREATE DATABASE sijin" >/dev/null; then
		stop "$dir"; die "could not create the test database"
	fi
	url_of "$dir"
}

stop() {
	dir=$(dir_of "$1")
	case $dir in /tmp/sijin-pg-*) ;; *) die "not a folder made by pg.sh start: $dir" ;; esac
	[ -d "$dir" ] || return 0
	bin=$(bindir) || die "PostgreSQL is not installed"
	as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}

pg_psql() {
	url=$1; shift
	bin=$(bindir) || die "PostgreSQL is not installed"
	PGOPTIONS=${PGOPTIONS:-} "$bin/psql" -X -q -t -A -v ON_ERROR_STOP=1 -d "$url" "$@"
}

schema() {
	case $2 in *[!a-z0-9_]*|'') die "schema name must be lower-case letters, digits and _: $2" ;; esac
	pg_psql "$1" -c "CREATE SCHEMA $2" >/dev/null
	case $1 in *\?*) sep='&' ;; *) sep='?' ;; esac
	printf '%s%soptions=-csearch_path%%3D%s\n' "$1" "$sep" "$2"
}

[ $# -ge 1 ] || die "usage: pg.sh start | stop URL | url DIR | schema URL NAME | psql URL ARGS... | down URL | up URL"
cmd=$1; shift
case $cmd in
start) start ;;
stop) [ $# = 1 ] || die "usage: pg.sh stop URL|DIR"; stop "$1" ;;
url) [ $# = 1 ] || die "usage: pg.sh url DIR"; url_of "$(dir_of "$1")" ;;
schema) [ $# = 2 ] || die "usage: pg.sh schema URL NAME"; schema "$1" "$2" ;;
psql) [ $# -ge 1 ] || die "usage: pg.sh psql URL ARGS..."; pg_psql "$@" ;;
down) [ $# = 1 ] || die "usage: pg.sh down URL|DIR"; down "$1" ;;
up) [ $# = 1 ] || die "usage: pg.sh up URL|DIR"; up "$1" ;;
*) die "unknown command $cmd" ;;
esac
