# sijin — build with GNU make and pkg-config.
#   make            build ./sijin
#   make test       build and run every test; the last line is "N passed, N failed"
#   make asan       the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make soak       30 min of mixed traffic at half capacity, memory and latency
#                   per minute, then the crash loop (bench/soak.sh; not in CI)
#   make analyze    gcc -fanalyzer over src/: every finding fixed or justified
#                   (scripts/analyze.sh, scripts/analyze-justified.txt; docs/reliability.md)
#   make deps       install the Debian packages the build needs (apt-get; sudo when not root)
#   make fuzz       build the libFuzzer drivers of fuzz/ with clang in build-fuzz/ (docs/fuzz.md)
#   make fuzz-run   run each driver for FUZZ_SECONDS (default 30) from its seed corpus

PKGS    := sqlite3 libsodium jansson libutf8proc inih icu-i18n icu-uc libmicrohttpd \
           libqrencode libpng zbar libjpeg freetype2 libpq xlsxwriter libxml-2.0 zlib gnutls
TESTPKGS:= cmocka libcurl expat libzip

CC      ?= gcc
BUILD   ?= build
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
override CFLAGS  += -std=c17 -D_GNU_SOURCE $(WARN) -Isrc -I$(BUILD)/gen
override CFLAGS  += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcsv (libcsv-dev) ships no pkg-config file.
override LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
TESTLIBS:= $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

LIB_SRC := $(wildcard src/core/*.c src/store/*.c src/domain/*.c src/json/*.c src/http/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
SCHEMA  := $(sort $(wildcard schema/*/*.sql))
# The web UI (web/, docs/web.md) and the ECharts bundle from npm (package.json,
# installed by `npm ci`, which scripts/deps.sh runs), embedded as
# web/vendor/echarts.min.js.
ECHARTS := node_modules/echarts/dist/echarts.min.js
ASSETS  := $(sort $(wildcard api/*.json web/*.* web/*/*.*))
GEN_SRC := $(BUILD)/gen/schema_files.c
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/schema_files.o $(BUILD)/gen/assets.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC:= $(wildcard tests/unit/test_*.c)
TEST_BIN:= $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: sijin

sijin: $(BUILD)/sijin
	cp $< $@

$(BUILD)/sijin: $(CLI_OBJ) $(BUILD)/libsijin.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libsijin.a: $(LIB_OBJ)
	rm -f $@; ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(GEN_SRC): $(SCHEMA) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh $(SCHEMA) > $@

$(BUILD)/gen/schema_files.o: $(GEN_SRC)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/assets.c: $(ASSETS) $(ECHARTS) scripts/embed_assets.sh
	@mkdir -p $(dir $@)
	sh scripts/embed_assets.sh . $(ASSETS) web/vendor/echarts.min.js=$(ECHARTS) > $@.tmp
	mv $@.tmp $@

$(ECHARTS):
	@echo "sijin: $@ is missing: the web UI embeds ECharts from npm;" \
	    "run 'npm ci' (or 'sh scripts/deps.sh', which does) and make again" >&2
	@exit 1

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsijin.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $^ $(TESTLIBS) $(LDLIBS)

tests: $(TEST_BIN) $(BUILD)/sijin

test: deps-check tests
	sh tests/run.sh $(BUILD)

# float-cast-overflow (a double out of an integer's range converted to it) is
# undefined behaviour that gcc's -fsanitize=undefined leaves out.
ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
               -fno-sanitize-recover=all

asan:
	$(MAKE) BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" test

# The sanitizer build alone, for scripts/test.sh (tests/run.sh SIJIN_ASAN_BUILD).
asan-build:
	$(MAKE) BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" tests

soak: sijin
	sh bench/soak.sh

analyze: $(GEN_SRC) $(BUILD)/gen/assets.c
	sh scripts/analyze.sh "$(CC) -std=c17 -D_GNU_SOURCE $(filter-out -Werror,$(WARN)) -Isrc -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)"

deps:
	sh scripts/deps.sh

deps-check:
	@sh scripts/deps.sh --check

# Fuzz drivers (fuzz/*.c): the parsers they drive and what those use,
# compiled with clang and the sanitizers into build-fuzz/, each driver
# linked with libFuzzer.  (Not the whole library: clang 14 refuses some
# domain files' statement-table initialisers that gcc folds; fuzz/stubs.c
# stands in for the functions of theirs that pass.c and calendar.c call.)  clang and
# libclang-rt-14-dev are needed for these targets only (deps.sh --fuzz).
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_LIB := $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/core/*.c src/store/*.c) \
            src/http/jbody.c src/domain/screening.c src/domain/pass.c \
            src/domain/calendar.c src/domain/scope.c src/domain/placecode.c \
            src/http/open311_form.c src/http/multipart.c src/domain/scan_ledger.c src/json/jimport.c src/json/jerror.c \
            fuzz/stubs.c) \
            $(BUILD)/gen/schema_files.o
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SECONDS ?= 30

fuzz:
	@sh scripts/deps.sh --fuzz
	$(MAKE) BUILD=build-fuzz CC=clang \
	    CFLAGS="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -ffunction-sections -fdata-sections" \
	    fuzz-drivers

fuzz-drivers: $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/libfuzz.a: $(FUZZ_LIB)
	rm -f $@; ar rcs $@ $^

$(BUILD)/fuzz/%: fuzz/%.c fuzz/fuzz.h $(BUILD)/libfuzz.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -I. -Wl,--gc-sections -o $@ $< $(BUILD)/libfuzz.a $(LDLIBS)

fuzz-run: fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/cli/fuzz.sh

clean:
	rm -rf build build-asan build-fuzz sijin

.PHONY: all test tests asan asan-build analyze soak deps deps-check clean fuzz fuzz-drivers fuzz-run
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
