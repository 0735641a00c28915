# kvalind - monthly anonymous quality indicators for Norwegian general practice
#
#   make                 build the daemon and its plugins into build/
#   make check           build and run every test: the build itself (check-build),
#                        unit tests, plugin export and documentation checks, and
#                        the unit tests again under valgrind (check-memory)
#   make check-memory    only the unit tests under valgrind (CK_FORK=no)
#   make check-unit CASE=dates     one Check test case (SUITE=name: one suite),
#                        in any Check target; a name it lacks is an error
#   make check-daemon FILTER=re    only the shell suite's tests matching re
#   make install         install kvalind and kvalind-hub under $(DESTDIR)$(PREFIX)
#   make man             the man pages kvalind(8), kvalind.ini(5) and kvalind-hub(8)
#                        into build/man/
#   make deb             the Debian packages build-deb/kvalind_VERSION_ARCH.deb and
#                        build-deb/kvalind-hub_VERSION_ARCH.deb
#   make check-deb       install, upgrade, remove and purge both packages here
#
# Dependencies come from Debian packages through pkg-config: inih, libpq,
# unixODBC, check (tests). See README.md.

VERSION     := 0.1.0
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
PKGLIBDIR   ?= $(LIBDIR)/kvalind
# The hub's own copy of the indicator plugins goes to HUBLIBDIR/indicators.
HUBLIBDIR   ?= $(LIBDIR)/kvalind-hub
SYSCONFDIR  ?= $(PREFIX)/etc
LOCALSTATEDIR ?= /var/lib
DATADIR     ?= $(PREFIX)/share
PKGDATADIR  ?= $(DATADIR)/kvalind
INCLUDEDIR  ?= $(PREFIX)/include
MANDIR      ?= $(DATADIR)/man
SYSTEMDUNITDIR ?= /lib/systemd/system
DESTDIR     ?=

CC          ?= gcc
PKG_CONFIG  ?= pkg-config
CFLAGS      ?= -O2 -g
SANITIZE    ?=

B := build

# `make` alone builds everything (rules for the hub come before `all`).
.DEFAULT_GOAL := all

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
DEFS     := -D_POSIX_C_SOURCE=200809L \
	    -DKV_VERSION='"$(VERSION)"' \
	    -DKV_CONNECTOR_DIR='"$(PKGLIBDIR)/connectors"' \
	    -DKV_INDICATOR_DIR='"$(PKGLIBDIR)/indicators"' \
	    -DKV_DEFAULT_CONFIG='"$(SYSCONFDIR)/kvalind/kvalind.ini"' \
	    -DKV_STATE_DIR='"$(LOCALSTATEDIR)/kvalind"' \
	    -DKV_VALUE_SETS='"$(PKGDATADIR)/valuesets.txt"'
INCLUDES := -Icore/include -Icore
ALL_CFLAGS = $(WARN) $(DEFS) $(INCLUDES) $(CFLAGS) $(SANITIZE)

# Header dependencies. Every compile also writes $@.d, the headers it read
# (-MMD -MP), and the end of this file includes them all: touching a header
# rebuilds exactly what includes it, and nothing lists headers by hand.
# Programs and plugins compiled from several .c files in one command get
# their list from a second, preprocessor-only pass ($(call cc_deps,FLAGS[,CC])):
# there -MMD would write every file's list to the one $@.d, the last winning.
# Like -MP for headers, an empty rule for each of those .c files keeps a
# source that was removed or renamed from stopping the build (so such
# recipes name their sources, never $(filter %.c,$^), which has the .d's).
DEPFLAGS = -MMD -MP -MF $@.d -MT $@
dep_srcs = $(wildcard $(filter %.c,$^))
cc_deps = { $(or $(2),$(CC)) $(1) -MM -MP -MT $@ $(dep_srcs) && printf '%s:\n' $(dep_srcs); } \
	> $@.d.tmp && mv $@.d.tmp $@.d

INIH_CFLAGS  := $(shell $(PKG_CONFIG) --cflags inih 2>/dev/null)
INIH_LIBS    := $(shell $(PKG_CONFIG) --libs inih 2>/dev/null || echo -linih)
CURL_CFLAGS  := $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS    := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
CRYPTO_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcrypto 2>/dev/null)
CRYPTO_LIBS  := $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null || echo -lcrypto)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

# ---- the core ---------------------------------------------------------------

# Every core/*.c but main.c goes into libkvcore.a (the tests link it too).
CORE_SRCS := $(filter-out core/main.c,$(sort $(wildcard core/*.c)))
CORE_OBJS := $(CORE_SRCS:%.c=$(B)/%.o)
MAIN_OBJ  := $(B)/core/main.o
CORE_LIB  := $(B)/libkvcore.a
CORE_LIBS := $(INIH_LIBS) $(CURL_LIBS) $(CRYPTO_LIBS) -ldl -lm

# ---- the hub: the receiving side (hub/), linked against the core's library --

HUB_PKGS   := libmicrohttpd gnutls json-c libpq gsl
HUB_SRCS   := $(sort $(wildcard hub/*.c hub/analysis/*.c))
HUB_OBJS   := $(HUB_SRCS:%.c=$(B)/%.o)

HUB_DEFS   := -D_DEFAULT_SOURCE -DKV_HUB_DEFAULT_CONFIG='"$(SYSCONFDIR)/kvalind-hub/hub.ini"' \
	      -DKV_HUB_INDICATOR_DIR='"$(HUBLIBDIR)/indicators"'

$(B)/hub/%.o: hub/%.c $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HUB_DEFS) -Ihub/analysis \
		$(shell $(PKG_CONFIG) --cflags $(HUB_PKGS)) $(DEPFLAGS) -c -o $@ $<

$(B)/kvalind-hub: $(HUB_OBJS) $(CORE_LIB) $(B)/build-flags
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $(filter %.o %.a,$^) $(shell $(PKG_CONFIG) --libs $(HUB_PKGS)) \
		$(CORE_LIBS) -pthread $(LDFLAGS)

# ---- plugins: one folder each under plugins/ (connectors), indicators/ ------
# A folder may hold plugin.mk setting <NAME>_LIBS (pkg-config names).

CONNECTORS := $(filter-out common,$(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/*.c)))))
INDICATORS := $(filter-out common,$(notdir $(patsubst %/,%,$(dir $(wildcard indicators/*/*.c)))))
# indicators/common/ holds helpers compiled into every indicator plugin;
# plugins/common/ the database layer compiled into every connector (kvdb.h).
INDICATOR_COMMON := $(wildcard indicators/common/*.c)
CONNECTOR_COMMON := $(wildcard plugins/common/*.c)
CONNECTOR_SOS := $(sort $(CONNECTORS:%=$(B)/connectors/%.so))
INDICATOR_SOS := $(sort $(INDICATORS:%=$(B)/indicators/%.so))
-include $(wildcard plugins/*/plugin.mk indicators/*/plugin.mk)

PLUGIN_CFLAGS = -fPIC -fvisibility=hidden $(WARN) -D_POSIX_C_SOURCE=200809L \
		-Icore/include $(CFLAGS) $(SANITIZE)
PLUGIN_LDFLAGS = -shared -Wl,--no-undefined -Wl,-z,defs $(LDFLAGS)

# ---- tests ------------------------------------------------------------------

# tests/lib/: what the test programs share. ck_aim.c: every Check program's
# --list and its refusal of a CASE or SUITE it does not have; fake_host.c:
# the one fake struct kv_host of the plugin, connector and fuzz tests.
CK_AIM := tests/lib/ck_aim.c
FAKE_HOST := tests/lib/fake_host.c core/setting.c core/util.c
TEST_SRCS := $(wildcard tests/unit/*.c) $(CK_AIM)
TEST_BIN  := $(B)/tests/check_unit
TEST_PLUGIN_SRCS := $(wildcard tests/plugins/*.c)
TEST_PLUGINS := $(TEST_PLUGIN_SRCS:tests/plugins/%.c=$(B)/tests/plugins/%.so)

.PHONY: FORCE all demo check check-unit check-plugins check-connector check-decks check-omop \
	check-integration check-exports check-docs check-memory check-asan check-push check-extract check-daemon check-attacker check-attacker-full check-hub check-hub-did check-browser check-analysis readme clean install \
	install-bin install-plugins install-data install-conf install-headers uninstall

all: $(B)/kvalind $(CONNECTOR_SOS) $(INDICATOR_SOS) $(B)/kvalind-hub

# Rebuild when the compiler, the flags (CFLAGS, SANITIZE, LDFLAGS) or the
# installation paths (compiled in) change: every object, program and plugin
# depends on this stamp, whose content changes only then.
BUILD_FLAGS = $(CC) $(ALL_CFLAGS) $(HUB_DEFS) LDFLAGS=$(LDFLAGS)
$(B)/build-flags: FORCE
	@mkdir -p $(B)
	@echo '$(BUILD_FLAGS)' | cmp -s - $@ || echo '$(BUILD_FLAGS)' > $@
FORCE:

$(B)/core/%.o: core/%.c $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INIH_CFLAGS) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/kvalind: $(MAIN_OBJ) $(CORE_LIB) $(B)/build-flags
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $(filter %.o %.a,$^) $(CORE_LIBS) $(LDFLAGS)

# Each plugin is every .c of its folder, linked with its declared libraries.
.SECONDEXPANSION:
CONNECTOR_CFLAGS = $(PLUGIN_CFLAGS) -Iplugins/common \
	$(if $($*_LIBS),$(shell $(PKG_CONFIG) --cflags $($*_LIBS)))
$(B)/connectors/%.so: $$(wildcard plugins/%/*.c) $(CONNECTOR_COMMON) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(CONNECTOR_CFLAGS) -o $@ $(wildcard plugins/$*/*.c) $(CONNECTOR_COMMON) $(PLUGIN_LDFLAGS) \
		$(if $($*_LIBS),$(shell $(PKG_CONFIG) --libs $($*_LIBS))) $($*_LDLIBS)
	$(call cc_deps,$(CONNECTOR_CFLAGS))

$(B)/indicators/%.so: $$(wildcard indicators/%/*.c) $(INDICATOR_COMMON) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(PLUGIN_CFLAGS) -Iindicators/common -o $@ $(wildcard indicators/$*/*.c) \
		$(INDICATOR_COMMON) $(PLUGIN_LDFLAGS) -lm
	$(call cc_deps,$(PLUGIN_CFLAGS) -Iindicators/common)

# Test plugins: deliberately good and bad ones, one file each.
$(B)/tests/plugins/%.so: tests/plugins/%.c $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(PLUGIN_CFLAGS) -Wno-missing-field-initializers $(DEPFLAGS) -o $@ $< -shared $(LDFLAGS)

# The indicator plugins driven directly through a fake host.
PLUGIN_TEST_BIN := $(B)/tests/check_plugins
$(PLUGIN_TEST_BIN): tests/decks/check_plugins.c $(CK_AIM) $(FAKE_HOST) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L -Icore/include -Itests/lib $(CFLAGS) $(SANITIZE) \
		$(CHECK_CFLAGS) $(DEPFLAGS) -o $@ $< $(CK_AIM) $(FAKE_HOST) $(CHECK_LIBS) -ldl $(LDFLAGS)

# The reference connector against a real PostgreSQL and real ODBC drivers,
# and the omop connector's patient origins (tests/connector/omop_origin.sql).
CONNECTOR_TEST_BIN := $(B)/tests/check_reference
$(CONNECTOR_TEST_BIN): tests/connector/check_reference.c $(CK_AIM) $(FAKE_HOST) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icore/include -Itests/lib $(CFLAGS) \
		$(SANITIZE) $(shell $(PKG_CONFIG) --cflags check libpq sqlite3) $(DEPFLAGS) -o $@ $< $(CK_AIM) $(FAKE_HOST) \
		$(shell $(PKG_CONFIG) --libs check libpq sqlite3) -ldl -pthread $(LDFLAGS)

# The connectors' shared layer (plugins/common/) on its own, no database.
KVDB_TEST_BIN := $(B)/tests/check_kvdb
KVDB_TEST_CFLAGS = $(WARN) -D_POSIX_C_SOURCE=200809L -Icore/include -Iplugins/common -Itests/lib $(CFLAGS) \
	$(SANITIZE) $(shell $(PKG_CONFIG) --cflags check libpq odbc)
$(KVDB_TEST_BIN): tests/connector/check_kvdb.c $(CK_AIM) $(FAKE_HOST) $(CONNECTOR_COMMON) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(KVDB_TEST_CFLAGS) -o $@ $< $(CK_AIM) $(FAKE_HOST) $(CONNECTOR_COMMON) \
		$(shell $(PKG_CONFIG) --libs check libpq odbc) -lm -pthread $(LDFLAGS)
	$(call cc_deps,$(KVDB_TEST_CFLAGS))

$(TEST_BIN): $(TEST_SRCS) $(CORE_LIB) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lib $(CHECK_CFLAGS) -o $@ $(TEST_SRCS) $(CORE_LIB) \
		$(CORE_LIBS) $(CHECK_LIBS) $(LDFLAGS)
	$(call cc_deps,$(ALL_CFLAGS) -Itests/lib $(CHECK_CFLAGS))

# The ABI widening path (tests/abi/check_abi_next.c): a second core built
# as ABI 2.1 (-DKV_ABI_TEST_NEXT_MINOR, test-only, see kv_plugin.h) in
# $(B)/abi-next/, its kvalind, and a Check program linked with it that loads
# the shipped 2.0 plugins and compares its results with $(B)/kvalind's.
ABI_NEXT_B := $(B)/abi-next
ABI_NEXT_CFLAGS = $(ALL_CFLAGS) -DKV_ABI_TEST_NEXT_MINOR
ABI_NEXT_LIB := $(ABI_NEXT_B)/libkvcore.a
ABI_NEXT_TEST_BIN := $(B)/tests/check_abi_next
$(ABI_NEXT_B)/core/%.o: core/%.c $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ABI_NEXT_CFLAGS) $(INIH_CFLAGS) $(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(ABI_NEXT_LIB): $(CORE_SRCS:%.c=$(ABI_NEXT_B)/%.o)
	@rm -f $@
	ar rcs $@ $^
$(ABI_NEXT_B)/kvalind: $(ABI_NEXT_B)/core/main.o $(ABI_NEXT_LIB) $(B)/build-flags
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $(filter %.o %.a,$^) $(CORE_LIBS) $(LDFLAGS)
$(ABI_NEXT_TEST_BIN): tests/abi/check_abi_next.c tests/unit/testutil.c $(CK_AIM) $(ABI_NEXT_LIB) \
		$(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ABI_NEXT_CFLAGS) -Itests/unit -Itests/lib $(CHECK_CFLAGS) -o $@ tests/abi/check_abi_next.c \
		tests/unit/testutil.c $(CK_AIM) $(ABI_NEXT_LIB) $(CORE_LIBS) $(CHECK_LIBS) $(LDFLAGS)
	$(call cc_deps,$(ABI_NEXT_CFLAGS) -Itests/unit -Itests/lib $(CHECK_CFLAGS))

# The push layer against a real HTTPS receiver on loopback (tests/push/).
PUSH_TEST_BIN := $(B)/tests/check_push
$(PUSH_TEST_BIN): tests/push/check_push.c tests/unit/testutil.c $(CK_AIM) $(CORE_LIB) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Itests/lib $(CHECK_CFLAGS) -o $@ tests/push/check_push.c \
		tests/unit/testutil.c $(CK_AIM) $(CORE_LIB) $(CORE_LIBS) $(CHECK_LIBS) $(LDFLAGS)
	$(call cc_deps,$(ALL_CFLAGS) -Itests/unit -Itests/lib $(CHECK_CFLAGS))

# The synthetic practice generator (tests, demo, benchmarks).
SYNTH_SRCS := $(wildcard tests/synth/*.c)
SYNTH_CFLAGS = $(WARN) -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(SANITIZE) \
	$(shell $(PKG_CONFIG) --cflags libpq sqlite3)
$(B)/kvalind-synth: $(SYNTH_SRCS) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(SYNTH_CFLAGS) -o $@ $(SYNTH_SRCS) $(shell $(PKG_CONFIG) --libs libpq sqlite3) -lm \
		$(LDFLAGS)
	$(call cc_deps,$(SYNTH_CFLAGS))

# The attacker test's adversary (tests/attacker/): phase 1 reads only the
# published extracts; its algorithm-aware phase 2 (--informed v1|v2) runs
# candidate counts through kvalind's own disclosure code (libkvcore.a) or a
# frozen copy of the first algorithm (sim_v1.c).
ATTACKER_SRCS := $(addprefix tests/attacker/,attacker.c search.c informed.c sim.c sim_v1.c)
ATTACKER_BIN := $(B)/tests/kv_attacker
$(ATTACKER_BIN): $(ATTACKER_SRCS) $(CORE_LIB) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(ATTACKER_SRCS) $(CORE_LIB) $(CORE_LIBS) $(LDFLAGS)
	$(call cc_deps,$(ALL_CFLAGS))

# The probabilistic attacker across months (libc and libm only).
BAYES_BIN := $(B)/tests/kv_bayes
$(BAYES_BIN): tests/attacker/bayes.c $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(SANITIZE) $(DEPFLAGS) -o $@ $< -lm \
		$(LDFLAGS)

# The hub's analysis library (hub/analysis/: panel, difference-in-differences,
# funnel, SVG, report) and its Check tests, with GSL from Debian.
ANALYSIS_SRCS := $(wildcard hub/analysis/*.c) core/svg_chart.c
ANALYSIS_TEST_SRCS := $(wildcard tests/analysis/*.c) $(CK_AIM)
ANALYSIS_TEST_BIN := $(B)/tests/check_analysis
ANALYSIS_TEST_CFLAGS = $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ihub/analysis -Icore \
	-Itests/analysis -Itests/lib $(CFLAGS) $(SANITIZE) $(shell $(PKG_CONFIG) --cflags gsl check)
$(ANALYSIS_TEST_BIN): $(ANALYSIS_SRCS) $(ANALYSIS_TEST_SRCS) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ANALYSIS_TEST_CFLAGS) -o $@ $(ANALYSIS_SRCS) $(ANALYSIS_TEST_SRCS) \
		$(shell $(PKG_CONFIG) --libs gsl check) -lm $(LDFLAGS)
	$(call cc_deps,$(ANALYSIS_TEST_CFLAGS))

# ---- demo -------------------------------------------------------------------

demo: all $(B)/kvalind-synth
	sh tests/demo.sh $(B)

# ---- checks -----------------------------------------------------------------

# `kvalind patients` against `kvalind compute` on a synthetic practice
# (tests/patients.sh, about a minute).
.PHONY: check-patients
check-patients: all $(B)/kvalind-synth
	sh tests/patients.sh $(B)

# Privacy by construction (issue 19, item 4): a synthetic practice with a
# canary in every patient key, name, national id and practitioner name;
# patients, export, push to a directory, the daemon over HTTPS (every
# request kept whole) and the local report: no canary in the state
# directory, a log or a pushed byte (tests/canary.sh, about 10 s).
.PHONY: check-canary
check-canary: all $(B)/kvalind-synth
	bash tests/canary.sh $(B)

# No test may depend on the machine's speed. Check kills a test after 4 s
# (or its test case's limit): under ASan, valgrind or a busy machine that
# failed correct tests. So every Check binary run from here has no time
# limit (a hang is for CI's job limit to end); CK_DEFAULT_TIMEOUT=4
# CK_TIMEOUT_MULTIPLIER=1 bring Check's and the tests' own limits back. The
# shell tests wait for conditions, not for time, up to bounds scaled by
# KV_WAIT_SCALE (tests/lib/suite.sh).
CK_DEFAULT_TIMEOUT ?= 0
CK_TIMEOUT_MULTIPLIER ?= 0
export CK_DEFAULT_TIMEOUT CK_TIMEOUT_MULTIPLIER

# One suite or one case: `make check-unit CASE=name` (or SUITE=name, or
# both) runs Check's CK_RUN_CASE/CK_RUN_SUITE, in every Check target. A
# program without that case refuses it, listing its own (`--list`); a target
# running several programs (check-connector, check-memory) first checks that
# one of them has it (ck_pick), then runs only those. Shell suites take
# FILTER=pattern (tests/lib/suite.sh: suite_want).
ifneq ($(SUITE),)
export CK_RUN_SUITE := $(SUITE)
endif
ifneq ($(CASE),)
export CK_RUN_CASE := $(CASE)
endif
ifneq ($(FILTER),)
export KV_FILTER := $(FILTER)
endif
CK_PICK = sh tests/lib/ck_pick.sh
# $(call ck_if,BIN): the rest of the line runs only if BIN has the aimed case
ck_if = $(if $(CK_RUN_SUITE)$(CK_RUN_CASE),$(CK_PICK) --has $(1) || exit 0;)

# As root, the tests run PostgreSQL as postgres and daemons as nobody, which
# must reach the build and conf/. From a checkout under a directory they
# cannot enter (/root is 0700 on Debian) those suites say so and run from a
# bind mount of the checkout in /tmp, in a private mount namespace
# (suite_reachable in tests/lib/suite.sh); where no such mount can be made,
# check-preflight, the first thing `make check` does, refuses at once,
# saying why and what to do.
.PHONY: check-preflight
check-preflight:
	@sh -c '. tests/lib/suite.sh && suite_preflight'

check: check-preflight all $(TEST_BIN) $(TEST_PLUGINS) check-build check-exports check-docs check-man check-unit check-plugins \
	check-connector check-decks check-omop check-integration check-patients check-canary check-push check-extract check-daemon check-attacker check-hub check-hub-did check-hub-unit check-hub-hostile check-analysis check-report-browser check-memory \
	check-fuzz-corpus check-chaos check-hostile check-asan-all

# check_abi_next runs both cores' kvalind over SQLite ODBC: under ASan,
# with the connector test's LeakSanitizer set-up (see check-asan-all).
check-unit: $(TEST_BIN) $(TEST_PLUGINS) $(B)/kvalind $(ABI_NEXT_TEST_BIN) $(ABI_NEXT_B)/kvalind \
		$(CONNECTOR_SOS) $(INDICATOR_SOS) $(B)/kvalind-synth \
		$(if $(SANITIZE),build-asan/no_dlclose.so)
	@$(CK_PICK) $(TEST_BIN) $(ABI_NEXT_TEST_BIN)
	$(call ck_if,$(TEST_BIN)) KV_SOURCE_DIR=$(CURDIR) KV_BUILD_DIR=$(CURDIR)/$(B) $(TEST_BIN)
	$(call ck_if,$(ABI_NEXT_TEST_BIN)) KV_SOURCE_DIR=$(CURDIR) KV_BUILD_DIR=$(CURDIR)/$(B) \
		$(if $(SANITIZE),$(ASAN_ENV) $(ASAN_PRELOAD)) $(ABI_NEXT_TEST_BIN)

# Push over HTTPS (a Python receiver, certificates made by the test) and to a
# drop directory.
check-push: $(PUSH_TEST_BIN)
	KV_SOURCE_DIR=$(CURDIR) KV_BUILD_DIR=$(CURDIR)/$(B) $(PUSH_TEST_BIN)

check-plugins: $(PLUGIN_TEST_BIN) $(INDICATOR_SOS)
	KV_BUILD_DIR=$(CURDIR)/$(B) $(PLUGIN_TEST_BIN)

check-connector: $(CONNECTOR_TEST_BIN) $(KVDB_TEST_BIN) $(CONNECTOR_SOS)
	@$(CK_PICK) $(KVDB_TEST_BIN) $(CONNECTOR_TEST_BIN)
	$(call ck_if,$(KVDB_TEST_BIN)) $(KVDB_TEST_BIN)
	$(call ck_if,$(CONNECTOR_TEST_BIN)) KV_BUILD_DIR=$(CURDIR)/$(B) \
		KV_REFERENCE_SO=$${KV_REFERENCE_SO:-$(CURDIR)/$(B)/connectors/reference.so} \
		KV_OMOP_SO=$${KV_OMOP_SO:-$(CURDIR)/$(B)/connectors/omop.so} $(CONNECTOR_TEST_BIN)

# Indicator test decks through SQLite ODBC, libpq and psqlODBC.
check-decks: all
	bash tests/decks.sh $(B)

# The omop connector: the Eunomia OMOP CDM sample and hand-made OMOP decks
# over libpq and SQLite ODBC (tests/omop/run.sh).
check-omop: all
	bash tests/omop/run.sh $(B)

# The data path against real servers: three transports, failures, leaks.
check-integration: all $(B)/kvalind-synth
	bash tests/integration.sh $(B)

# What leaves the office, end to end: export, preview, approval, push to a
# drop directory and to a real HTTPS receiver, the ledger, SIGKILL at random.
check-extract: all $(B)/kvalind-synth
	bash tests/extract.sh $(B)

# The daemon with a fake clock against a real PostgreSQL and HTTPS receiver:
# backfill, catch-up, SIGHUP, SIGTERM, kill -9, database down, privileges.
check-daemon: all $(B)/kvalind-synth
	bash tests/daemon.sh $(B)

# Independent adversaries attack the 101-month series of published extracts
# of 4 small synthetic offices at every allowed disclosure setting, with and
# without cell-key noise: the interval attacker and the algorithm-aware one
# (--informed v2) must recover nothing, the v1-informed one must recover the
# counts of the first algorithm's regression fixtures, and from a naive
# extract (the negative control) the attacker recovers thousands of values
# (tests/attacker/run.sh). check-attacker-full (not in check, a few minutes):
# the same with 24 offices of 1,000 to 3,000 patients.
check-attacker: all $(B)/kvalind-synth $(ATTACKER_BIN) $(BAYES_BIN)
	sh tests/attacker/run.sh $(B) check
check-attacker-full: all $(B)/kvalind-synth $(ATTACKER_BIN) $(BAYES_BIN)
	sh tests/attacker/run.sh $(B) full

# The analysis library: panel, year aggregation, difference-in-differences
# against statsmodels (/usr/bin/python3), exact funnel limits against scipy,
# SVG charts and the HTML report (pages written to $(B)/analysis/).
check-analysis: $(ANALYSIS_TEST_BIN)
	@mkdir -p $(B)/analysis
	KV_SOURCE_DIR=$(CURDIR) KV_ANALYSIS_OUT=$(CURDIR)/$(B)/analysis $(ANALYSIS_TEST_BIN)

# kvalind-hub end to end on loopback: a real PostgreSQL, the hub, three
# daemons pushing 101 months each; resends, forgeries, tampering, small
# counts and strangers refused with nothing stored.
check-hub: all $(B)/kvalind-synth
	bash tests/hub/run.sh $(B)

# The evaluation end to end: 23 synthetic offices' daemons push to the hub;
# `kvalind-hub did` recovers the planted team effect within its 95% CI and
# finds none where none was planted (about a minute).
check-hub-did: all $(B)/kvalind-synth
	bash tests/hub/did_e2e.sh $(B)

# The local report's pages (tests/report_browser.sh) and the hub's report
# pages in headless Chromium, the hub's loaded from the hub with a quality
# lead's client certificate; screenshots in $(B)/report-browser/ and
# $(B)/hub-browser/. About 40 s, so only its local-report half is in
# `check`; without /usr/bin/chromium or certutil (libnss3-tools) it fails,
# saying to run packaging/install-deps.sh.
check-browser: all $(B)/kvalind-synth
	sh tests/report_browser.sh $(B)
	bash tests/hub/browser.sh $(B)

# Only the local report in Chromium (tests/report_browser.sh): screenshots
# of the office's page and a GP's in $(B)/report-browser/. In `check`
# (about 15 s); without /usr/bin/chromium it fails, saying to run
# packaging/install-deps.sh.
.PHONY: check-report-browser
check-report-browser: all $(B)/kvalind-synth
	sh tests/report_browser.sh $(B)

# The hub under load and under attack (tests/hub/): hub_load registers
# simulated offices with the hub's own CA and database code and pushes their
# extracts (libcurl multi); check_hub_validate is the Check suite of the
# extract parser and the hub's pure validator.
HUB_LOAD_BIN := $(B)/tests/hub_load
$(HUB_LOAD_BIN): tests/hub/load_client.c $(B)/hub/hub_ca.o $(B)/hub/hub_config.o $(B)/hub/hub_db.o \
		$(CORE_LIB) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE -Ihub $(shell $(PKG_CONFIG) --cflags gnutls libpq libcurl) \
		$(DEPFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(shell $(PKG_CONFIG) --libs gnutls libpq) \
		$(CORE_LIBS) -pthread $(LDFLAGS)
HUB_VALIDATE_TEST_BIN := $(B)/tests/check_hub_validate
$(HUB_VALIDATE_TEST_BIN): tests/hub/check_validate.c $(CK_AIM) $(B)/hub/hub_validate.o \
		$(B)/hub/hub_catalogue.o $(CORE_LIB) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE -Ihub -Itests/lib $(shell $(PKG_CONFIG) --cflags json-c libpq) \
		$(CHECK_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(shell $(PKG_CONFIG) --libs json-c) \
		$(CORE_LIBS) $(CHECK_LIBS) $(LDFLAGS)

# Malformed rows and manifests against core/extract_format.c and
# hub_validate() (no database, no network).
check-hub-unit: $(HUB_VALIDATE_TEST_BIN) $(INDICATOR_SOS)
	KV_SOURCE_DIR=$(CURDIR) KV_BUILD_DIR=$(CURDIR)/$(B) $(HUB_VALIDATE_TEST_BIN)

# Hostile clients at the hub: oversized and slow bodies, malformed
# manifests, refusals at the HTTP level (a part without a name, urlencoded,
# chunked with a Content-Length, ...) and the reply classes (422 only for
# the extract's content), replays, another office's id, expired and
# not-yet-valid certificates, floods of unauthenticated connections while
# 200 offices push, the database down, serve as root; the hub keeps serving
# others (~2 minutes).
check-hub-hostile: all $(HUB_LOAD_BIN) $(B)/kvalind-synth
	bash tests/hub/hostile.sh $(B)

# Not in check: 2,000 offices x 101 months pushed to the hub over loopback,
# 32 in flight, the second half while 3 offices read report pages
# (HUB_LOAD_OFFICES, HUB_LOAD_MONTHS, HUB_LOAD_PARALLEL, HUB_LOAD_READERS to
# change); throughput and latency with and without readers into
# bench/hub-results.md. Fails if readers stall pushes.
.PHONY: bench-hub check-hub-unit check-hub-hostile
bench-hub: all $(HUB_LOAD_BIN) $(B)/kvalind-synth
	bash tests/hub/load.sh $(B)

# The build itself (tests/build.sh, about 30 s): a scratch build with clang
# if installed says no warning, touching a header rebuilds exactly what
# includes it, every plugin is linked with LDFLAGS, and changing LDFLAGS
# relinks.
.PHONY: check-build
check-build:
	@sh tests/build.sh

# Every real plugin exports exactly its one descriptor.
check-exports: $(CONNECTOR_SOS) $(INDICATOR_SOS)
	@sh tests/check_exports.sh $(CONNECTOR_SOS) $(INDICATOR_SOS)

# Every declared configuration key appears in the README and the example INI;
# every key of kvalind-hub in conf/hub.ini, with its default.
check-docs: $(B)/kvalind $(CONNECTOR_SOS) $(INDICATOR_SOS) $(B)/kvalind-hub
	@sh tests/check_docs.sh $(B)/kvalind README.md conf/kvalind.ini
	@sh tests/check_docs.sh --hub $(B)/kvalind-hub conf/hub.ini

# The core's Check tests (and the kvalind they run) built with ASan+UBSan,
# in build-asan/.
check-asan:
	$(MAKE) --no-print-directory B=build-asan CFLAGS="-O1 -g" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" check-unit

# The whole suite built with ASan+UBSan in build-asan/: kvalind, every
# plugin (dlopen()ed into the instrumented kvalind), the test programs and
# kvalind-synth; then the Check suites and the shell tests against that
# build. LeakSanitizer suppressions (tests/lsan.supp) cover only the
# database drivers' process-wide caches; check-memory stays on the normal
# build (valgrind and ASan do not mix).
ASAN_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_MAKE = $(MAKE) --no-print-directory B=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	SANITIZE="$(ASAN_SAN)"
# dlclose() of the connector unloads libodbc and its driver, whose caches
# LeakSanitizer then sees as leaked from an unknown module (no stack to
# suppress by). So the shell tests' kvalind runs with build-asan/
# no_dlclose.so preloaded, which keeps every library loaded to the end, and
# the connector test with KV_NO_DLCLOSE, as under valgrind (check-memory).
# Not the unit tests: they check that a refused plugin is unloaded. The
# connector test runs its cases in one process (CK_FORK=no, as under
# valgrind): in a forked case LeakSanitizer's own tracer crashed (signal
# 11) after a libpq connection refused, depending only on how many cases
# the program has; with one process the leak check runs once, at its end.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1
ASAN_PRELOAD = LD_PRELOAD=$(CURDIR)/build-asan/no_dlclose.so
# The shell tests run against the ASan build. check-hostile and check-chaos
# pass too but add ~2 minutes: ASAN_SHELL_CHECKS="... check-hostile" to add.
ASAN_SHELL_CHECKS ?= check-decks check-integration check-extract check-daemon
build-asan/no_dlclose.so:
	@mkdir -p $(dir $@)
	printf '#include <dlfcn.h>\nint dlclose(void *h) { (void)h; return 0; }\n' > $@.c
	$(CC) -shared -fPIC -o $@ $@.c
check-asan-all: build-asan/no_dlclose.so
	+$(ASAN_MAKE) all build-asan/kvalind-synth build-asan/tests/check_unit \
		build-asan/tests/check_plugins build-asan/tests/check_reference \
		build-asan/tests/check_push $(TEST_PLUGIN_SRCS:tests/plugins/%.c=build-asan/tests/plugins/%.so)
	+$(ASAN_ENV) $(ASAN_MAKE) check-unit check-plugins check-push
	+$(ASAN_ENV) KV_NO_DLCLOSE=1 CK_FORK=no $(ASAN_MAKE) check-connector
	+$(ASAN_ENV) $(ASAN_PRELOAD) $(ASAN_MAKE) $(ASAN_SHELL_CHECKS)

# Chaos at the office: the connection cut during a backfill, the outbox
# disk full, the clock jumping under the daemon (tests/chaos.sh).
check-chaos: all $(B)/kvalind-synth
	bash tests/chaos.sh $(B)

# Hostile rows in PostgreSQL and SQLite: counted or handled, never a crash,
# never a changed result (tests/hostile/run.sh).
check-hostile: all $(B)/kvalind-synth
	bash tests/hostile/run.sh $(B)

# Fuzz targets: check-fuzz-corpus (replays the corpus, in check), fuzz
# (libFuzzer with clang, FUZZ_SECONDS per target; not in check).
include tests/fuzz/fuzz.mk

# Regenerate the README's tables from the built kvalind and plugins.
readme: $(B)/kvalind $(CONNECTOR_SOS) $(INDICATOR_SOS)
	sh tests/readme_tables.sh $(B) README.md

# The Check tests in one process each under valgrind: zero errors, zero
# leaks. The connector test keeps its plugin loaded (KV_NO_DLCLOSE), since
# unloading it unloads libodbc, whose process-wide caches valgrind would
# report as lost. In `make check` (CHECK_MEMORY_ALL unset) the indicator
# plugins' and the push tests are left to check-asan-all, which runs both
# under ASan+UBSan: under valgrind they took two of `make check`'s minutes
# and found nothing ASan does not; `make check-memory CHECK_MEMORY_ALL=1`
# runs them here too.
VALGRIND := valgrind --quiet --error-exitcode=1 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --suppressions=tests/valgrind.supp
check-memory: $(TEST_BIN) $(TEST_PLUGINS) $(B)/kvalind $(PLUGIN_TEST_BIN) $(CONNECTOR_TEST_BIN) \
		$(KVDB_TEST_BIN) $(CONNECTOR_SOS) $(INDICATOR_SOS) $(PUSH_TEST_BIN) $(ANALYSIS_TEST_BIN)
	@$(CK_PICK) $(TEST_BIN) $(PLUGIN_TEST_BIN) $(CONNECTOR_TEST_BIN) $(KVDB_TEST_BIN) \
		$(PUSH_TEST_BIN) $(ANALYSIS_TEST_BIN)
	$(call ck_if,$(TEST_BIN)) KV_SOURCE_DIR=$(CURDIR) KV_BUILD_DIR=$(CURDIR)/$(B) CK_FORK=no \
		$(VALGRIND) $(TEST_BIN)
	$(if $(CHECK_MEMORY_ALL),$(call ck_if,$(PLUGIN_TEST_BIN)) KV_BUILD_DIR=$(CURDIR)/$(B) \
		KV_PERF_PATIENTS=2000 CK_FORK=no $(VALGRIND) $(PLUGIN_TEST_BIN),@true)
	$(call ck_if,$(CONNECTOR_TEST_BIN)) KV_BUILD_DIR=$(CURDIR)/$(B) KV_NO_DLCLOSE=1 CK_FORK=no \
		$(VALGRIND) --num-callers=30 --suppressions=tests/connector/valgrind.supp $(CONNECTOR_TEST_BIN)
	$(call ck_if,$(KVDB_TEST_BIN)) CK_FORK=no $(VALGRIND) $(KVDB_TEST_BIN)
	$(if $(CHECK_MEMORY_ALL),$(call ck_if,$(PUSH_TEST_BIN)) KV_SOURCE_DIR=$(CURDIR) \
		KV_BUILD_DIR=$(CURDIR)/$(B) CK_FORK=no $(VALGRIND) $(PUSH_TEST_BIN),@true)
	$(call ck_if,$(ANALYSIS_TEST_BIN)) KV_SOURCE_DIR=$(CURDIR) CK_FORK=no $(VALGRIND) $(ANALYSIS_TEST_BIN)

clean:
	rm -rf $(B) build-asan

# ---- install ----------------------------------------------------------------

install: install-bin install-plugins install-data install-conf install-headers install-man \
	install-hub

install-bin: $(B)/kvalind
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/kvalind $(DESTDIR)$(BINDIR)/kvalind

install-plugins: $(CONNECTOR_SOS) $(INDICATOR_SOS)
	install -d -m 0755 $(DESTDIR)$(PKGLIBDIR)/connectors $(DESTDIR)$(PKGLIBDIR)/indicators
	$(if $(CONNECTOR_SOS),install -m 0644 $(CONNECTOR_SOS) $(DESTDIR)$(PKGLIBDIR)/connectors/)
	$(if $(INDICATOR_SOS),install -m 0644 $(INDICATOR_SOS) $(DESTDIR)$(PKGLIBDIR)/indicators/)

# The shipped value sets (offices that change them copy them to /etc).
install-data:
	install -d $(DESTDIR)$(PKGDATADIR)
	install -m 0644 conf/valuesets.txt $(DESTDIR)$(PKGDATADIR)/valuesets.txt

# Never overwrites a configuration the office has edited.
install-conf:
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/kvalind
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/kvalind/kvalind.ini ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/kvalind/kvalind.ini"; \
	else \
		sed -e 's|^\(;*\)connector_dir = .*|\1connector_dir = $(PKGLIBDIR)/connectors|' \
		    -e 's|^\(;*\)indicator_dir = .*|\1indicator_dir = $(PKGLIBDIR)/indicators|' \
		    -e 's|^\(;*\)value_sets = .*|\1value_sets = $(PKGDATADIR)/valuesets.txt|' \
		    -e 's|^\(;*\)state_dir = .*|\1state_dir = $(LOCALSTATEDIR)/kvalind|' \
		    conf/kvalind.ini > $(DESTDIR)$(SYSCONFDIR)/kvalind/kvalind.ini && \
		chmod 0640 $(DESTDIR)$(SYSCONFDIR)/kvalind/kvalind.ini; \
	fi

install-headers:
	install -d $(DESTDIR)$(INCLUDEDIR)/kvalind
	install -m 0644 core/include/kvalind/*.h $(DESTDIR)$(INCLUDEDIR)/kvalind/

# kvalind-hub, the receiving side: its binary, its own copy of the indicator
# plugins in $(HUBLIBDIR)/indicators (the catalogue it accepts; the hub needs
# nothing of the office's installation), the example configuration
# $(SYSCONFDIR)/kvalind-hub/hub.ini and kvalind-hub(8). The unit is
# install-hub-unit (it runs as the user kvalind-hub, which only the Debian
# package creates).
.PHONY: install-hub install-hub-bin install-hub-plugins install-hub-conf install-hub-man \
	install-hub-unit
install-hub: install-hub-bin install-hub-plugins install-hub-conf install-hub-man

install-hub-bin: $(B)/kvalind-hub
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/kvalind-hub $(DESTDIR)$(BINDIR)/kvalind-hub

install-hub-plugins: $(INDICATOR_SOS)
	install -d -m 0755 $(DESTDIR)$(HUBLIBDIR)/indicators
	$(if $(INDICATOR_SOS),install -m 0644 $(INDICATOR_SOS) $(DESTDIR)$(HUBLIBDIR)/indicators/)

# Never overwrites a configuration the hub's administrator has edited.
install-hub-conf:
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/kvalind-hub
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/kvalind-hub/hub.ini ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/kvalind-hub/hub.ini"; \
	else \
		sed -e 's|^\(;*\)indicator_dir = .*|\1indicator_dir = $(HUBLIBDIR)/indicators|' \
		    -e 's|/etc/kvalind-hub/|$(SYSCONFDIR)/kvalind-hub/|g' \
		    conf/hub.ini > $(DESTDIR)$(SYSCONFDIR)/kvalind-hub/hub.ini && \
		chmod 0640 $(DESTDIR)$(SYSCONFDIR)/kvalind-hub/hub.ini; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kvalind $(DESTDIR)$(BINDIR)/kvalind-hub
	rm -rf $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(HUBLIBDIR) $(DESTDIR)$(PKGDATADIR) \
		$(DESTDIR)$(INCLUDEDIR)/kvalind
	rm -f $(DESTDIR)$(MANDIR)/man8/kvalind.8.gz $(DESTDIR)$(MANDIR)/man5/kvalind.ini.5.gz \
		$(DESTDIR)$(MANDIR)/man8/kvalind-hub.8.gz

# ---- man pages, systemd unit, Debian package --------------------------------

.PHONY: man check-man install-man install-unit deb check-deb

# kvalind(8) is hand-written (packaging/man/kvalind.8.in); kvalind.ini(5) has a
# hand-written header and its key reference generated from `kvalind list-keys`;
# kvalind-hub(8) is hand-written but for its CONFIGURATION section, generated
# from the key table `kvalind-hub check-config --help` prints. All get this
# build's paths.
MAN_DATE = $(shell git log -1 --format=%cs 2>/dev/null || date -u +%Y-%m-%d)
MAN_SED = -e 's|@VERSION@|$(VERSION)|g' -e 's|@DATE@|$(MAN_DATE)|g' \
	  -e 's|@CONFIG@|$(SYSCONFDIR)/kvalind/kvalind.ini|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	  -e 's|@PKGLIBDIR@|$(PKGLIBDIR)|g' -e 's|@PKGDATADIR@|$(PKGDATADIR)|g' \
	  -e 's|@STATEDIR@|$(LOCALSTATEDIR)/kvalind|g' -e 's|@SYSTEMDUNITDIR@|$(SYSTEMDUNITDIR)|g' \
	  -e 's|@HUBCONFIG@|$(SYSCONFDIR)/kvalind-hub/hub.ini|g' -e 's|@HUBLIBDIR@|$(HUBLIBDIR)|g'

man: $(B)/man/kvalind.8 $(B)/man/kvalind.ini.5 $(B)/man/kvalind-hub.8

$(B)/man/kvalind.8: packaging/man/kvalind.8.in $(B)/build-flags
	@mkdir -p $(dir $@)
	sed $(MAN_SED) $< > $@.tmp && mv $@.tmp $@

$(B)/man/kvalind.ini.5: packaging/man/kvalind.ini.5.in packaging/man/ini-man.sh $(B)/build-flags \
		$(B)/kvalind $(CONNECTOR_SOS) $(INDICATOR_SOS)
	@mkdir -p $(dir $@)
	sed $(MAN_SED) $< | sh packaging/man/ini-man.sh $(B) > $@.tmp && mv $@.tmp $@

$(B)/man/kvalind-hub.8: packaging/man/kvalind-hub.8.in packaging/man/hub-keys-man.sh \
		packaging/man/hub-keys.sh $(B)/build-flags $(B)/kvalind-hub
	@mkdir -p $(dir $@)
	sed $(MAN_SED) $< | sh packaging/man/hub-keys-man.sh $(B)/kvalind-hub > $@.tmp && mv $@.tmp $@

# Every command of `kvalind --help` and of `kvalind-hub --help` and their
# options are in kvalind(8) and kvalind-hub(8), every key in kvalind.ini(5)
# and kvalind-hub(8), and groff and man format all three without a warning.
check-man: man
	@sh tests/check_man.sh $(B)/kvalind $(B)/man $(B)/kvalind-hub

install-man: man
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	gzip -n -9 -c $(B)/man/kvalind.8 > $(DESTDIR)$(MANDIR)/man8/kvalind.8.gz
	gzip -n -9 -c $(B)/man/kvalind.ini.5 > $(DESTDIR)$(MANDIR)/man5/kvalind.ini.5.gz
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/kvalind.8.gz $(DESTDIR)$(MANDIR)/man5/kvalind.ini.5.gz

install-hub-man: $(B)/man/kvalind-hub.8
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man8
	gzip -n -9 -c $(B)/man/kvalind-hub.8 > $(DESTDIR)$(MANDIR)/man8/kvalind-hub.8.gz
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/kvalind-hub.8.gz

# The systemd unit, with this build's paths. Not part of `install`: the unit
# runs as the user kvalind, which only the Debian package (postinst) creates.
install-unit: packaging/kvalind.service
	install -d -m 0755 $(DESTDIR)$(SYSTEMDUNITDIR)
	sed -e 's|/usr/bin/kvalind|$(BINDIR)/kvalind|g' -e 's|/etc/kvalind/|$(SYSCONFDIR)/kvalind/|g' \
		packaging/kvalind.service > $(DESTDIR)$(SYSTEMDUNITDIR)/kvalind.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/kvalind.service

# The hub's unit, likewise (the user kvalind-hub: the kvalind-hub package).
install-hub-unit: packaging/kvalind-hub.service
	install -d -m 0755 $(DESTDIR)$(SYSTEMDUNITDIR)
	sed -e 's|/usr/bin/kvalind-hub|$(BINDIR)/kvalind-hub|g' \
		-e 's|/etc/kvalind-hub/|$(SYSCONFDIR)/kvalind-hub/|g' \
		packaging/kvalind-hub.service > $(DESTDIR)$(SYSTEMDUNITDIR)/kvalind-hub.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/kvalind-hub.service

# The Debian packages build-deb/kvalind_$(DEB_VERSION)_ARCH.deb (the office)
# and build-deb/kvalind-hub_$(DEB_VERSION)_ARCH.deb (the hub), from one
# build in build-deb/ (never build/) with the Debian paths and hardening
# flags, installed through the install targets above into build-deb/stage
# and build-deb/stage-hub, then each packed by packaging/debian/build-deb.sh
# (Depends by dpkg-shlibdeps; packaging/debian/kvalind-hub.* for the hub).
DEB_VERSION ?= $(VERSION)
DEB_B := build-deb
DEB_MAKE = $(MAKE) --no-print-directory B=$(DEB_B) PREFIX=/usr SYSCONFDIR=/etc \
	LOCALSTATEDIR=/var/lib SYSTEMDUNITDIR=/lib/systemd/system \
	CFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS) $$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)"
deb:
	+$(DEB_MAKE) all man
	rm -rf $(DEB_B)/stage $(DEB_B)/stage-hub
	+$(DEB_MAKE) DESTDIR=$(CURDIR)/$(DEB_B)/stage install-bin install-plugins install-data \
		install-conf install-man install-unit
	+$(DEB_MAKE) DESTDIR=$(CURDIR)/$(DEB_B)/stage-hub install-hub install-hub-unit
	sh packaging/debian/build-deb.sh $(DEB_B)/stage $(DEB_VERSION) $(DEB_B) kvalind
	sh packaging/debian/build-deb.sh $(DEB_B)/stage-hub $(DEB_VERSION) $(DEB_B) kvalind-hub

# Installs, upgrades, removes and purges both packages on THIS machine (as
# root), so it is not part of `check`: contents, conffiles, users,
# permissions, `systemd-analyze verify`, each program run as its user (the
# hub serving a throwaway PostgreSQL), an edited configuration kept across
# reinstall and upgrade, what remains after remove and after purge.
check-deb: deb
	sh tests/check_deb.sh $(DEB_B) $(DEB_VERSION)

# ---- benchmark (not part of check) --------------------------------------------

# The floor: the reference connector's own query table (ref_sql.c) read by a
# plain libpq binary COPY or a psqlODBC row-array fetch, rows discarded.
FLOOR_BIN := $(B)/bench/kv-floor
FLOOR_CFLAGS = $(WARN) -D_POSIX_C_SOURCE=200809L -Icore/include -Iplugins/reference \
	-Iplugins/common $(CFLAGS) $(shell $(PKG_CONFIG) --cflags libpq odbc)
FLOOR_SRCS := bench/kv_floor.c plugins/reference/ref_sql.c plugins/reference/ref_notes.c \
	plugins/common/kvdb_util.c plugins/common/kvdb_sql.c
$(FLOOR_BIN): $(FLOOR_SRCS) $(B)/build-flags
	@mkdir -p $(dir $@)
	$(CC) $(FLOOR_CFLAGS) -o $@ $(FLOOR_SRCS) $(shell $(PKG_CONFIG) --libs libpq odbc) -lm \
		$(LDFLAGS)
	$(call cc_deps,$(FLOOR_CFLAGS))

# Floors vs kvalind through libpq and psqlODBC at 5k/30k/100k patients
# (BENCH_SIZES="5000 30000" to change); writes bench/results.md.
# BENCH_BASE=<git revision> adds "## Against <rev>": that revision built in a
# temporary git worktree (with this make's CC, CFLAGS, LDFLAGS, SANITIZE) and
# its compute timed against the current one, alternately, outputs identical
# or the bench fails; BENCH_ONLY_BASE=1 runs only that comparison and replaces
# only its section, e.g.
#   make bench BENCH_BASE=b03b7d6 BENCH_ONLY_BASE=1 BENCH_SIZES=5000 BENCH_PAIRS=1
.PHONY: bench
bench: export KV_BENCH_CC = $(CC)
bench: export KV_BENCH_CFLAGS = $(CFLAGS)
bench: export KV_BENCH_LDFLAGS = $(LDFLAGS)
bench: export KV_BENCH_SANITIZE = $(SANITIZE)
bench: all $(B)/kvalind-synth $(FLOOR_BIN)
	bash bench/run.sh $(B)

# ---- receipts (issue 17 item 12) ---------------------------------------------
# tests/unit/test_receipt.c includes the hub's signer (hub/hub_receipt.c), so
# the office's checks are tested against what the hub really sends.
$(TEST_BIN): hub/hub_receipt.c hub/hub_receipt.h

# ---- header dependencies (see DEPFLAGS) ---------------------------------------

-include $(shell find $(B) $(FUZZ_B) -name '*.d' 2>/dev/null)
