#!/bin/sh
# Install the Debian packages sijin's build and tests need, when pkg-config
# cannot find them.  Runs apt-get as root, through sudo otherwise.
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --check  install what is missing, quietly when nothing is
#   scripts/deps.sh --fuzz   only clang and libFuzzer, for `make fuzz` (not the normal build)
set -eu
need=""
if [ "${1:-}" = --fuzz ]; then
	command -v clang >/dev/null 2>&1 || need="$need clang"
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ||
	    need="$need libclang-rt-14-dev"
	[ -z "$need" ] && exit 0
	echo "sijin: installing Debian packages for the fuzz drivers:$need" >&2
	if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq && $sudo apt-get install -y -qq $need >/dev/null || {
		echo "sijin: could not install:$need" >&2; exit 1; }
	exit 0
fi
check() { pkg-config --exists "$1" 2>/dev/null || need="$need $2"; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v make >/dev/null 2>&1 || need="$need make"
command -v gcc >/dev/null 2>&1 || need="$need gcc"
check sqlite3 libsqlite3-dev
check libsodium libsodium-dev
check jansson libjansson-dev
check libutf8proc libutf8proc-dev
check inih libinih-dev
check icu-i18n libicu-dev
check libmicrohttpd libmicrohttpd-dev
# An answer libmicrohttpd has no room for is written through its TLS
# session (src/http/raw_answer.c): GnuTLS, which libmicrohttpd uses.
check gnutls libgnutls28-dev
check libxml-2.0 libxml2-dev
check libpq libpq-dev
check libqrencode libqrencode-dev
check libpng libpng-dev
check zbar libzbar-dev
check libjpeg libjpeg-dev
check freetype2 libfreetype-dev
check cmocka libcmocka-dev
check libcurl libcurl4-openssl-dev
check expat libexpat1-dev
# The report tests read XLSX workbooks back with libzip.
check libzip libzip-dev
check xlsxwriter libxlsxwriter-dev
check zlib zlib1g-dev
# libcsv ships no pkg-config file: look for its header.
[ -e /usr/include/csv.h ] || need="$need libcsv-dev"
# The supply export tests read XLSX files back with unzip.
command -v unzip >/dev/null 2>&1 || need="$need unzip"
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
# The Open311 tests check XML answers with xmllint.
command -v xmllint >/dev/null 2>&1 || need="$need libxml2-utils"
# The built-in TLS test makes a throw-away certificate with openssl.
command -v openssl >/dev/null 2>&1 || need="$need openssl"
# The tests run every store test on PostgreSQL too, on a throw-away server
# (scripts/pg.sh): the server package and psql.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
command -v psql >/dev/null 2>&1 || need="$need postgresql-client"
# The black-box API tests run on node's built-in test runner (node ≥ 18).
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
[ -e /usr/share/zoneinfo/Asia/Shanghai ] || need="$need tzdata"
# The browser tests (tests/browser/) drive Debian's chromium with npm's
# playwright-core; no browser is ever downloaded.
command -v chromium >/dev/null 2>&1 || need="$need chromium"
# The fonts PNG posters and passes are lettered with (setting poster-font;
# docs/codes.md): Latin from DejaVu Sans, Chinese from Droid Sans Fallback.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$need fonts-dejavu-core"
[ -e /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need="$need fonts-droid-fallback"
# From npm (package.json, pinned in package-lock.json): ECharts, which the
# build embeds in the web UI, and the test tools (@redocly/cli,
# playwright-core).
npm_tools() {
	[ -x node_modules/.bin/redocly ] && [ -e node_modules/echarts/dist/echarts.min.js ] &&
	    [ -e node_modules/playwright-core/package.json ] &&
	    [ -e node_modules/@duckdb/node-api/package.json ] && return 0
	echo "sijin: installing npm packages for the build and tests (npm ci)" >&2
	npm ci --no-audit --no-fund --loglevel=error >/dev/null || {
		echo "sijin: npm ci failed" >&2; exit 1; }
}
cd "$(dirname "$0")/.."
if [ -z "$need" ]; then npm_tools; exit 0; fi
echo "sijin: installing Debian packages:$need" >&2
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || { echo "sijin: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
$sudo apt-get install -y -qq $need >/dev/null || {
	echo "sijin: could not install:$need" >&2; exit 1; }
npm_tools
