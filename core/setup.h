/*
 * setup.h - a checked configuration with its plugins loaded
 *
 * kv_setup_load reads the main configuration, loads the enabled connector and
 * indicator plugins it names, checks each plugin's section against that
 * plugin's key table, and reports every problem to d. What it loaded stays
 * loaded (so check-config can say what is fine) and kv_setup_free unloads it.
 */
#ifndef KVALIND_SETUP_H
#define KVALIND_SETUP_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "diag.h"
#include "host.h"
#include "plugin.h"
#include "valueset.h"

#ifndef KV_DEFAULT_CONFIG
#define KV_DEFAULT_CONFIG "/etc/kvalind/kvalind.ini"
#endif

/* Exit codes of the kvalind command (documented in --help and the README). */
enum kv_exit {
	KV_EXIT_OK = 0,
	KV_EXIT_FAILURE = 1, /* the run failed: database, files, an indicator */
	KV_EXIT_USAGE = 2,   /* bad command line */
	KV_EXIT_CONFIG = 3,  /* the configuration is invalid */
	KV_EXIT_PLUGIN = 4   /* a plugin was refused or not found */
};

struct kv_loaded {
	struct kv_plugin *plugin;
	struct kv_ctx *ctx;
};

struct kv_setup {
	struct kv_config *cfg;
	struct kv_value_sets *value_sets; /* NULL if the file has errors */
	char connector_dir[4096];
	char indicator_dir[4096];
	struct kv_loaded connector;      /* plugin NULL when none is enabled */
	struct kv_loaded *indicators;
	size_t n_indicators;
	/* When not NULL and set, a running kv_engine_run stops at the next
	 * patient and fails with "stopped" (the daemon's SIGTERM). */
	volatile sig_atomic_t *cancel;
};

/* Returns KV_EXIT_OK, KV_EXIT_CONFIG or KV_EXIT_PLUGIN (plugin problems win). */
enum kv_exit kv_setup_load(const char *config_path, struct kv_setup *s, struct kv_diags *d);

/* The plugin directories of a config (or the built-in defaults when cfg is
 * NULL), resolved against the config's directory. */
void kv_setup_plugin_dirs(const struct kv_config *cfg, char *connector_dir, char *indicator_dir,
			  size_t size);

/* The connector's memory budget in bytes ([core] memory_budget_mb). */
size_t kv_setup_memory_budget(const struct kv_setup *s);

void kv_setup_free(struct kv_setup *s);

#endif /* KVALIND_SETUP_H */
