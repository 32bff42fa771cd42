#!/bin/sh
# Install the Debian packages sijin's build and tests need, when pkg-config
# cannot find them.  Runs apt-get as root, through sudo otherwise.
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --check  install what is missing, quietly when nothing is
set -eu
need=""
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
check cmocka libcmocka-dev
check libcurl libcurl4-openssl-dev
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
# The black-box API tests run on node's built-in test runner (node ≥ 18).
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
[ -e /usr/share/zoneinfo/Asia/Shanghai ] || need="$need tzdata"
# Test tools from npm (package.json, pinned in package-lock.json).
npm_tools() {
	[ -x node_modules/.bin/redocly ] && return 0
	echo "sijin: installing npm packages for the tests (npm ci)" >&2
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
