/*
 * host.h - the host API the core hands to plugins, and the per-plugin context
 *
 * A struct kv_ctx exists for each loaded plugin. It carries the plugin's
 * identity (stamped on every log line as "[kind:name callback]"), its
 * configuration section, the error text of its current callback and the row
 * counts it reported. Created and freed by the core; plugins see it opaque.
 */
#ifndef KVALIND_HOST_H
#define KVALIND_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "kvalind/kv_plugin.h"
#include "plugin.h"
#include "valueset.h"

extern const struct kv_host kv_host_api;

struct kv_row_count {
	char *table;
	char *reason;   /* NULL for rows read, else why rows were bad */
	uint64_t n;
};

struct kv_ctx {
	enum kv_plugin_kind kind;
	char name[48];
	char section[64];
	const char *callback;   /* static string: "open", "read", ... */
	const struct kv_config *cfg;     /* borrowed */
	const struct kv_value_sets *value_sets; /* borrowed; NULL until loaded */
	const struct kv_config_key *core_keys, *plugin_keys;
	size_t n_core_keys, n_plugin_keys;
	char error[1024];
	struct kv_row_count *counts;
	size_t n_counts;
	uint64_t expected_patients; /* 0 when the connector did not say */
	/* The plugin's settings struct (kv_plugin_header.settings_size bytes),
	 * filled from its section; strings in it borrowed from cfg. Owned. */
	void *settings;
};

/* A context for plugin p reading its section of cfg (both borrowed and
 * outliving the context), with p's settings struct filled from that
 * section (validated before: a value that does not parse stays 0 / NULL).
 * Free with kv_ctx_free. */
struct kv_ctx *kv_ctx_new(const struct kv_plugin *p, const struct kv_config *cfg);
void kv_ctx_free(struct kv_ctx *ctx);

/* The kv_call for a callback of ctx's plugin with its state (NULL in
 * open()/init()). */
static inline struct kv_call kv_call_of(struct kv_ctx *ctx, void *state)
{
	return (struct kv_call){.struct_size = sizeof(struct kv_call), .host = &kv_host_api,
				.ctx = ctx, .state = state, .settings = ctx->settings};
}

/* Name the callback about to run (a string literal), and clear the error. */
void kv_ctx_enter(struct kv_ctx *ctx, const char *callback);

/* The error the plugin set, or a generic one naming the callback. */
const char *kv_ctx_error(struct kv_ctx *ctx);

/* Rows counted for table (reason NULL) or bad rows for table and reason. */
uint64_t kv_ctx_count(const struct kv_ctx *ctx, const char *table, const char *reason);

#endif /* KVALIND_HOST_H */
