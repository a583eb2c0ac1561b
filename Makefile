# tlsglass - GNU Makefile. `make` builds the release binary, `make test` runs
# every test under ASan+UBSan, `make bench` measures speed and memory.

CC      ?= cc
PKGS    := libpcap libndpi libcjson libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) | sed 's/-I/-isystem /g')
# nDPI is linked from its static library (libndpi-dev ships it) so that
# its fortified snprintf calls can be routed to analyzer/fastfmt.c with
# ld's --wrap, which sees only objects linked into the binary: nDPI 4.2
# spends 29% of a handshake-heavy run formatting JA3 numbers one by one.
NDPI_LIBS  := -l:libndpi.a $(shell pkg-config --libs --static libndpi | sed 's/-lndpi//')
PKG_LIBS   := $(shell pkg-config --libs libpcap libcjson libcrypto) $(NDPI_LIBS) \
              -Wl,--wrap=__snprintf_chk -pthread
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
# main.c prints VERSION (--version): its objects are rebuilt when it changes.
VERSION_STAMP := build/version.txt
$(shell mkdir -p build && (echo '$(VERSION)' | cmp -s - $(VERSION_STAMP) || \
        echo '$(VERSION)' > $(VERSION_STAMP)))

WARN := -Wall -Wextra -Wshadow -Wconversion -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wcast-qual -Wvla -Wimplicit-fallthrough -Werror
BASE := -std=c11 -pthread -D_GNU_SOURCE -DTG_VERSION='"$(VERSION)"' -g $(WARN) $(PKG_CFLAGS)
REL_CFLAGS  := $(BASE) -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
REL_LDFLAGS := -pie -Wl,-z,relro,-z,now
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_CFLAGS := $(BASE) -O1 $(SAN)

LIB_SRC  := $(sort $(wildcard dissectors/*.c) $(filter-out analyzer/main.c,$(wildcard analyzer/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

REL_OBJ  := $(LIB_SRC:%.c=build/rel/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o)
UNITS    := $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
REPLAYS  := $(FUZZ_SRC:fuzz/%.c=build/asan/fuzz/%)

.PHONY: all test unit replay asan tsan bench fuzz lint clang clean
.SECONDARY:
all: build/tlsglass

build/tlsglass: $(REL_OBJ) build/rel/analyzer/main.o
	@echo "  LD      $@"
	@$(CC) $(REL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/rel/analyzer/main.o build/asan/analyzer/main.o build/tsan/analyzer/main.o \
build/clang/analyzer/main.o: $(VERSION_STAMP)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(REL_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-SAN  $<"
	@$(CC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

asan: build/asan/tlsglass
build/asan/tlsglass: $(ASAN_OBJ) build/asan/analyzer/main.o
	@echo "  LD-SAN  $@"
	@$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

# ThreadSanitizer build, for --threads (tests/threads.sh).
TSAN_CFLAGS := $(BASE) -O1 -fsanitize=thread
tsan: build/tsan/tlsglass
build/tsan/tlsglass: $(LIB_SRC:%.c=build/tsan/%.o) build/tsan/analyzer/main.o
	@echo "  LD-TSAN $@"
	@$(CC) -fsanitize=thread -o $@ $^ $(PKG_LIBS)

build/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-TSAN $<"
	@$(CC) $(TSAN_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/tests/%: build/asan/tests/unit/%.o $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD-SAN  $@"
	@$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(TEST_LDFLAGS)

# test_oom makes malloc fail on demand: its mallocs, ours and nDPI's go
# through its __wrap_malloc.
build/asan/tests/test_oom: TEST_LDFLAGS := -Wl,--wrap=malloc

# Fuzz targets replayed over their corpora with a plain main (no libFuzzer).
build/asan/fuzz/%: build/asan/fuzz/%.o build/asan/fuzz/replay_main.o $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD-SAN  $@"
	@$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

build/asan/fuzz/replay_main.o: fuzz/replay_main.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<

export ASAN_OPTIONS := detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1

# Every test under ASan+UBSan: unit tests, fuzz corpus replay, the
# project's captures (scenarios and tshark agreement), the public captures
# in ../shared when present, and the schema over every record written.
test: build/asan/tlsglass build/tsan/tlsglass $(UNITS) $(REPLAYS)
	@tests/run.sh

unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "== $$t"; $$t; done

replay: $(REPLAYS)
	@set -e; for t in $(REPLAYS); do n=$$(basename $$t); \
	  echo "== replay $$n"; $$t fuzz/corpus/$$n fuzz/regressions/$$n; done

# libFuzzer builds (clang), each target run for FUZZ_SECONDS on its corpus;
# a crash input is left in fuzz/regressions/<target>/ to be kept.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined
FUZZ_BINS := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

build/fuzz/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(PKG_LIBS)

fuzz: $(FUZZ_BINS)
	@set -e; for t in $(FUZZ_BINS); do n=$$(basename $$t); \
	  mkdir -p fuzz/corpus/$$n fuzz/regressions/$$n; \
	  echo "== fuzz $$n for $(FUZZ_SECONDS) s"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=fuzz/regressions/$$n/ \
	      fuzz/corpus/$$n 2>&1 | tail -3; done

bench: build/tlsglass
	bench/run.sh build/tlsglass

# Static checks: clang-format, clang-tidy, cppcheck, banned calls.
lint:
	@tests/lint.sh

# Every .c compiled by clang with the release flags and warnings (-Werror),
# and the binary linked: the build must be warning-free with gcc and clang.
CLANG ?= clang
CLANG_SRC := $(LIB_SRC) analyzer/main.c $(UNIT_SRC) $(FUZZ_SRC) fuzz/replay_main.c
CLANG_OBJ := $(CLANG_SRC:%.c=build/clang/%.o)

clang: build/clang/tlsglass $(CLANG_OBJ)

build/clang/tlsglass: $(LIB_SRC:%.c=build/clang/%.o) build/clang/analyzer/main.o
	@echo "  LD      $@"
	@$(CLANG) $(REL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/clang/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@$(CLANG) $(REL_CFLAGS) -MMD -MP -c -o $@ $<

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
