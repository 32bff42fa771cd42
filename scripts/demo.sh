#!/bin/sh
# The README's run command: install what the build needs, build, load the
# reference scenario into a fresh demo.db, and serve it on
# http://127.0.0.1:8080/ until Ctrl-C.  Extra arguments are passed to sijin
# as settings (e.g. --port 8081 --listen 0.0.0.0).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
make -j2 sijin
./sijin --db demo.db "$@" demo --force
# The scenario is dated March 2020: keep 10 years of it (retention-days), or
# retention (docs/retention.md) would hide and purge it as long expired.
exec ./sijin --db demo.db --retention-days 3650 "$@" serve
