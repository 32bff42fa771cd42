#!/bin/sh
# The README's test command: install what the build needs (Debian
# packages, via scripts/deps.sh), build, and run every test.  The last line
# of output is "N passed, N failed"; the exit status is non-zero when any
# test failed.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
make -j2 tests sijin
sh tests/run.sh build
