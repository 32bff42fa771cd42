#!/bin/sh
# The README's run command: install what the build needs, build, load the
# reference scenario into a fresh demo.db, and start sijin on it.
# Extra arguments are passed to sijin as settings (e.g. --port 8081).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
make -j2 sijin
./sijin --db demo.db "$@" demo --force
