#!/bin/sh
# The README's test command: install what the build needs (Debian
# packages, via scripts/deps.sh), build, and run every test.  The last line
# of output is "N passed, N failed"; the exit status is non-zero when any
# test failed.  Includes gcc -fanalyzer (make analyze) and the unit tests
# again under the sanitizers.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
make -j2 tests sijin
# The unit tests run a second time under ASan + UBSan with the leak checker
# (tests/run.sh, SIJIN_ASAN_BUILD; docs/reliability.md says why not yet the
# CLI tests: SIJIN_ASAN_CLI=1 adds them).
make -j2 asan-build
SIJIN_ASAN_BUILD=build-asan sh tests/run.sh build
