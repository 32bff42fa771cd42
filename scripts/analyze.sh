#!/bin/sh
# `make analyze`: gcc's static analyser (-fanalyzer) over every C file of
# src/, two at a time.  Every finding must be fixed, or justified by a line
# of scripts/analyze-justified.txt naming the file, the warning and the
# object it is about (line numbers are left out so that edits elsewhere in
# a file do not invalidate it), with the reason it is not a bug.  Exits 1,
# listing them, when a finding is not justified, or when a file does not
# compile; the last line says what was found.
#   sh scripts/analyze.sh "CC CFLAGS..."   (the Makefile passes its own)
set -u
cc=${1:?give the compiler command with its flags}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export cc tmp
ls src/*/*.c | xargs -P 2 -n 1 sh -c \
    'log="$tmp/$(printf %s "$1" | tr / _).log"
     { $cc -O1 -fanalyzer -fdiagnostics-plain-output -c -o /dev/null "$1" ||
       echo "$1" >>"$tmp/failed"; } 2>&1 | sed "s|^cc1: warning:|$1:0:0: warning:|" >"$log"' sh
if [ -s "$tmp/failed" ]; then
	cat "$tmp"/*.log
	echo "analyze: these files did not compile: $(tr '\n' ' ' <"$tmp/failed")"
	exit 1
fi
# One key per finding: "FILE -Wanalyzer-KIND 'OBJECT'", sorted.
cat "$tmp"/*.log | sed -n "s/^\(src\/[^:]*\):[0-9]*:[0-9]*: warning: [^‘]*‘\([^’]*\)’.*\[\(-Wanalyzer-[a-z-]*\)\]$/\1 \3 '\2'/p;
    s/^\(src\/[^:]*\):[0-9]*:[0-9]*: warning: [^‘]*\[\(-Wanalyzer-[a-z-]*\)\]$/\1 \2 -/p" |
    sort >"$tmp/found"
n_all=$(grep -c 'warning:' "$tmp"/*.log | awk -F: '{ n += $2 } END { print n + 0 }')
sed 's/[[:space:]]*#.*//; /^[[:space:]]*$/d' scripts/analyze-justified.txt | sort >"$tmp/justified"
# Findings beyond their justified count (comm keeps duplicates apart).
comm -23 "$tmp/found" "$tmp/justified" >"$tmp/new"
comm -13 "$tmp/found" "$tmp/justified" >"$tmp/stale"
if [ -s "$tmp/stale" ]; then
	echo "analyze: justified but no longer found (remove from scripts/analyze-justified.txt):"
	sed 's/^/  /' "$tmp/stale"
fi
n_found=$(wc -l <"$tmp/found")
if [ "$n_found" -ne "$n_all" ]; then
	cat "$tmp"/*.log
	echo "analyze: $n_all warnings but $n_found understood; see above"
	exit 1
fi
if [ -s "$tmp/new" ]; then
	while read -r file kind what; do
		grep -h -A12 "^$file:[0-9]*:[0-9]*: warning: .*\[$kind\]" "$tmp"/*.log | head -14
	done <"$tmp/new"
	echo "analyze: $(wc -l <"$tmp/new") finding(s) neither fixed nor justified:"
	sed 's/^/  /' "$tmp/new"
	exit 1
fi
echo "analyze: gcc -fanalyzer: $n_found finding(s), all justified in scripts/analyze-justified.txt"
