/*
 * fake_host.h - the one fake struct kv_host the tests drive plugins
 * through: the indicator tests (check_plugins), the connector tests
 * (check_reference, check_kvdb) and the connector fuzz targets
 * (tests/fuzz/ref_harness.h). Each test owns a struct kv_ctx, zeroed, and
 * sets what it needs; the host records what the plugin did in it. A plugin
 * given a NULL ctx is recorded in fake_host_default, but for its log lines
 * (which worker threads write too): those only go to stderr with
 * FUZZ_VERBOSE set, as do errors.
 *
 * Settings (ABI 2.0: the host has no config calls): fake_host_config(key)
 * returns the value of key in ctx->config (a NULL value: unset), else the
 * default the plugin declares (ctx->plugin, when set), else counts an
 * undeclared key (config_errors and errors) and returns NULL.
 * fake_host_fill_settings() sets ctx->plugin and fills ctx->settings, the
 * plugin's settings struct, from those strings as core/host.c does (int64
 * by strtoll, bool "true"); fake_host_call() is the struct kv_call of a
 * callback: fake_host, ctx, the plugin's state and ctx->settings.
 *
 * Value sets: fake_host_load_value_sets() reads conf/valuesets.txt once;
 * value_set(name) returns it (NULL, counted in errors, for an unknown name
 * or ctx->missing_set) and notes the name in ctx->asked; in_value_set
 * matches as the real host documents it. note_pattern("LMG_NOTE") returns
 * ctx->note_pattern, any other name -1.
 */
#ifndef KV_TESTS_FAKE_HOST_H
#define KV_TESTS_FAKE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvalind/kv_plugin.h"

#define FAKE_HOST_COUNTS 64

struct kv_ctx {
	/* set by the test */
	const char *config[8][2];		/* key, value; the first NULL key ends it */
	const struct kv_plugin_header *plugin;	/* declared defaults, or NULL */
	const char *missing_set;		/* value_set() of this name returns NULL */
	int note_pattern;			/* what note_pattern("LMG_NOTE") returns */
	bool strict;				/* abort() on a malformed count (fuzzing) */
	bool verbose;				/* log and errors to stderr too */
	_Alignas(8) unsigned char settings[1024]; /* by fake_host_fill_settings() */

	/* recorded by the host */
	int warnings, errors;	/* log lines at those levels, and lookups that failed */
	int n_errors;		/* set_error() calls */
	int config_errors;	/* undeclared keys asked for */
	char error[4096];	/* the last set_error() */
	char log[65536];	/* every log line, "[level] text\n" */
	size_t log_len;
	struct {
		char table[32];
		uint64_t n;
	} rows[FAKE_HOST_COUNTS];
	size_t n_rows;
	struct {
		char table[32];
		char reason[64];
		uint64_t n;
	} bad[FAKE_HOST_COUNTS];
	size_t n_bad;
	uint64_t rows_total, bad_total;
	const char *asked[32]; /* value sets asked for, in order (borrowed names) */
	size_t n_asked;
};

extern const struct kv_host fake_host;
extern struct kv_ctx fake_host_default;

const char *fake_host_config(struct kv_ctx *ctx, const char *key);
int64_t fake_host_config_int(struct kv_ctx *ctx, const char *key);
void fake_host_fill_settings(struct kv_ctx *ctx, const struct kv_plugin_header *plugin);
struct kv_call fake_host_call(struct kv_ctx *ctx, void *state);

/* Reads the value sets from KV_SOURCE_DIR/conf, else KV_BUILD_DIR/../conf,
 * else ./conf; exits 2, naming prog, if there are none. */
void fake_host_load_value_sets(const char *prog);
void fake_host_free_value_sets(void);

#endif
