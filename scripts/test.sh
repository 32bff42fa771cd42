#!/bin/sh
# The README's test command: install what the build needs (Debian
# packages, via scripts/deps.sh), build, and run every test.  The last line
# of output is "N passed, N failed"; the exit status is non-zero when any
# test failed.  Includes gcc -fanalyzer (make analyze) and the tests again
# under the sanitizers.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
make -j2 tests sijin
# The unit, CLI and API tests run a second time, on SQLite, under ASan +
# UBSan with the leak checker (tests/run.sh, SIJIN_ASAN_BUILD;
# docs/reliability.md "Sanitizers"; SIJIN_ASAN_PG=1 adds PostgreSQL).
make -j2 asan-build
SIJIN_ASAN_BUILD=build-asan sh tests/run.sh build
