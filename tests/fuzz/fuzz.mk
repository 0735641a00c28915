# tests/fuzz/fuzz.mk - fuzz targets, included by the top Makefile.
#
#   make check-fuzz-corpus   replay every target's corpus (tests/fuzz/corpus/
#                            TARGET/) through the target built by $(CC) with
#                            ASan+UBSan and a small main() (replay.c); no
#                            clang needed. Part of `make check`.
#   make fuzz                build the libFuzzer targets with clang into
#                            build-fuzz/ and run each for FUZZ_SECONDS
#                            (default 60), merge new inputs that add coverage
#                            and are at most FUZZ_KEEP_BYTES (default 4096)
#                            back into the corpus, print executions and
#                            crashes per target (tests/fuzz/run.sh). Not
#                            part of check. FUZZ_TARGETS="config dates" to
#                            run some.
#   make fuzz-seeds          re-record the connector targets' seeds from real
#                            databases (tests/fuzz/make_seeds.sh).
#
# A target is tests/fuzz/fuzz_NAME.c defining LLVMFuzzerTestOneInput, the
# list of sources it links (FUZZ_SRCS_NAME), libraries (FUZZ_LIBS_NAME,
# pkg-config names) and its corpus directory. To add one (the hub's
# manifest parser, say): write tests/fuzz/fuzz_manifest.c, add "manifest"
# to FUZZ_ALL, set FUZZ_SRCS_manifest and FUZZ_LIBS_manifest below, and
# commit a few seeds in tests/fuzz/corpus/manifest/.

FUZZ_ALL := config valueset dates pgcopy odbc hub_extract hub_request receipt
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 60
FUZZ_KEEP_BYTES ?= 4096
FUZZ_B := build-fuzz
FUZZ_CLANG ?= clang

# The core's parsers, compiled into the targets (not libkvcore.a: they are
# instrumented here, whatever the build's own flags).
FUZZ_CORE := core/config.c core/setting.c core/config_keys.c core/ini_store.c core/util.c core/diag.c \
	core/valueset.c core/log.c
# The connectors' shared database layer (plugins/common/) under the
# reference connector's read, less the transports and the descriptor: the
# targets include kvdb_pg.c / kvdb_odbc.c themselves to reach their static
# decoders. The omop connector is built on the same layer, so it is fuzzed
# here once for both.
FUZZ_REF := $(filter-out %/kvdb_pg.c %/kvdb_odbc.c %/kvdb_open.c,$(wildcard plugins/common/*.c)) \
	$(filter-out plugins/reference/reference.c,$(wildcard plugins/reference/*.c))

FUZZ_SRCS_config   := $(FUZZ_CORE)
FUZZ_LIBS_config   := inih
FUZZ_SRCS_valueset := $(FUZZ_CORE) plugins/common/kvdb_util.c
FUZZ_LIBS_valueset := inih
FUZZ_SRCS_dates    := $(FUZZ_CORE) plugins/common/kvdb_util.c
FUZZ_LIBS_dates    := inih
FUZZ_SRCS_pgcopy   := $(FUZZ_REF) $(FAKE_HOST)
FUZZ_LIBS_pgcopy   := libpq
FUZZ_SRCS_odbc     := $(FUZZ_REF) $(FAKE_HOST)
FUZZ_LIBS_odbc     := odbc
FUZZ_SRCS_hub_extract := hub/hub_validate.c core/extract_format.c core/util.c core/sha256.c \
	core/outbox.c core/atomic.c core/log.c core/disclosure.c core/disclosure_audit.c \
	core/relations.c core/cell_key.c core/results.c core/config.c core/setting.c core/config_keys.c \
	core/ini_store.c core/diag.c
FUZZ_LIBS_hub_extract := json-c libcrypto libpq inih
# The hub's request path (hub/hub_server.c with its test hooks) in front of
# the same validator; the database is stubbed in the target.
FUZZ_SRCS_hub_request := $(FUZZ_SRCS_hub_extract) hub/hub_server.c hub/hub_receipt.c
FUZZ_LIBS_hub_request := $(FUZZ_LIBS_hub_extract) libmicrohttpd gnutls
FUZZ_CFLAGS_hub_request := -DKV_HUB_TEST_HOOKS
# The hub's receipts as the office reads and checks them (core/receipt.c).
FUZZ_SRCS_receipt := core/receipt.c core/ledger.c core/atomic.c core/sha256.c core/util.c \
	core/log.c
FUZZ_LIBS_receipt := libcrypto

FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -O1 -g -fno-omit-frame-pointer \
	$(DEFS) -Icore/include -Icore -Iplugins/common -Iplugins/reference -Itests/fuzz -Itests/lib
# The headers and the .c files a target #includes come from its $@.d
# (cc_deps in the top Makefile); a change here rebuilds every target.
FUZZ_DEPS := tests/fuzz/fuzz.mk

.PHONY: check-fuzz-corpus fuzz fuzz-seeds

# ---- replay with the ordinary compiler (check) ------------------------------

FUZZ_REPLAY := $(FUZZ_ALL:%=$(B)/fuzz/replay_%)

FUZZ_TARGET_CFLAGS = $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$*) \
	$(shell $(PKG_CONFIG) --cflags $(FUZZ_LIBS_$*))
$(B)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $$(FUZZ_SRCS_$$*) $(FUZZ_DEPS) \
		$(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_TARGET_CFLAGS) $(FUZZ_SAN) -o $@ tests/fuzz/replay.c $< $(FUZZ_SRCS_$*) \
		$(shell $(PKG_CONFIG) --libs $(FUZZ_LIBS_$*)) -lm -pthread $(LDFLAGS)
	$(call cc_deps,$(FUZZ_TARGET_CFLAGS))

check-fuzz-corpus: $(FUZZ_REPLAY)
	@for t in $(FUZZ_ALL); do \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
			$(B)/fuzz/replay_$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# ---- libFuzzer with clang (not in check) ------------------------------------

# clang's UBSan also checks pointer arithmetic on NULL, which gcc's does not:
# plugins/common/kvdb_stage.c (kvdb_stage_group; ref_assemble.c when
# reported) computes s->data + 0 with s->data == NULL for a table without
# rows, on every read (reported in issue 11; the fix is to
# return early when s->n == 0). Until then the check stays off here, or
# every input would stop there. FUZZ_CLANG_SAN= to have it back.
FUZZ_CLANG_SAN ?= -fno-sanitize=pointer-overflow

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CLANG) $(FUZZ_TARGET_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(FUZZ_CLANG_SAN) -o $@ $< $(FUZZ_SRCS_$*) \
		$(shell $(PKG_CONFIG) --libs $(FUZZ_LIBS_$*)) -lm -pthread
	$(call cc_deps,$(FUZZ_TARGET_CFLAGS),$(FUZZ_CLANG))

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_KEEP_BYTES=$(FUZZ_KEEP_BYTES) \
		sh tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_TARGETS)

# ---- seeds of the connector targets from real databases --------------------

RECORD_SEEDS_CFLAGS = $(FUZZ_CFLAGS) $(shell $(PKG_CONFIG) --cflags libpq odbc)
$(B)/fuzz/record_seeds: tests/fuzz/record_seeds.c $(FUZZ_REF) $(FAKE_HOST) plugins/common/kvdb_pg.c \
		plugins/common/kvdb_odbc.c $(FUZZ_DEPS) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(RECORD_SEEDS_CFLAGS) -o $@ $< $(FUZZ_REF) $(FAKE_HOST) plugins/common/kvdb_pg.c \
		plugins/common/kvdb_odbc.c $(shell $(PKG_CONFIG) --libs libpq odbc) -lm $(LDFLAGS)
	$(call cc_deps,$(RECORD_SEEDS_CFLAGS))

fuzz-seeds: $(B)/fuzz/record_seeds
	bash tests/fuzz/make_seeds.sh $(B)
