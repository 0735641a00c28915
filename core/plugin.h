/*
 * plugin.h - loading plugins safely
 *
 * A plugin is loaded only
 *  - by bare name ([a-z0-9_], no '/', no '.'), as NAME.so in the configured
 *    directory of its kind,
 *  - from a directory and file that group and others cannot write and that
 *    root or the running user owns,
 *  - from a regular file (a symbolic link is refused), with RTLD_NOW so a
 *    missing symbol fails here and not in the middle of a run.
 * Before any plugin code runs the core checks the descriptor: exactly one of
 * the two descriptor symbols, its ELF size equal to its struct_size, the ABI
 * version, the kind, the name, the key table and every required callback.
 * A refused plugin is dlclosed and the reason names the file and, for a
 * version mismatch, both versions.
 *
 * Ownership: kv_plugin_load returns a plugin the caller frees with
 * kv_plugin_unload (which dlcloses it); the descriptor is a copy, but the
 * strings and tables it points to are borrowed from the loaded object and
 * die with it.
 */
#ifndef KVALIND_PLUGIN_H
#define KVALIND_PLUGIN_H

#include <stddef.h>

#include "kvalind/kv_plugin.h"
#include "util.h"

struct kv_plugin {
	enum kv_plugin_kind kind;
	char *name;
	char *path;
	void *handle;
	/* The descriptor copied at this core's struct size (fields of newer
	 * minor versions zeroed for older plugins); owned. header points to
	 * its head, connector or indicator (by kind) to all of it. */
	void *desc;
	const struct kv_plugin_header *header;
	const struct kv_connector_plugin *connector; /* when kind is connector */
	const struct kv_indicator_plugin *indicator; /* when kind is indicator */
	/* The indicator definitions copied at this core's struct size (fields
	 * of newer minor versions zeroed for older plugins); owned. */
	struct kv_indicator_def *defs;
	/* The keys of the plugin's settings table, copied; owned. */
	struct kv_config_key *keys;
	size_t n_keys;
};

/* "connector" / "indicator". */
const char *kv_plugin_kind_name(enum kv_plugin_kind kind);

/* Check a plugin directory: exists, is a directory, safe permissions. */
KV_MUST_CHECK int kv_plugin_check_dir(const char *dir, char *err, size_t errlen);

/* Check a bare plugin name. */
KV_MUST_CHECK int kv_plugin_check_name(const char *name, char *err, size_t errlen);

/* For kv_plugin_load: accept either kind, as the descriptor says. */
#define KV_PLUGIN_ANY_KIND ((enum kv_plugin_kind)0)

/*
 * Load NAME.so from dir, expecting kind (or KV_PLUGIN_ANY_KIND). 0 and *out on success; -1 with the
 * reason in err otherwise (nothing stays loaded).
 */
KV_MUST_CHECK int kv_plugin_load(const char *dir, const char *name, enum kv_plugin_kind kind,
				 struct kv_plugin **out, char *err, size_t errlen);

void kv_plugin_unload(struct kv_plugin *plugin);

/* Indicator i of an indicator plugin, with every field of this ABI readable. */
const struct kv_indicator_def *kv_plugin_indicator(const struct kv_plugin *plugin, size_t i);

/* The descriptor's key table (empty when it has none). */
const struct kv_config_key *kv_plugin_keys(const struct kv_plugin *plugin, size_t *n);

/*
 * Names (without ".so") of the plugin files in dir, sorted; the caller frees
 * each and the array. Returns the count, or -1 with err when dir is unusable.
 */
int kv_plugin_scan(const char *dir, char ***names, char *err, size_t errlen);

#endif /* KVALIND_PLUGIN_H */
