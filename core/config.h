/*
 * config.h - kvalind's configuration: the main file, the secrets file, and
 * validation against the declared key tables
 *
 * Every key the core understands is declared in a table (config_keys.c);
 * every plugin declares its own (struct kv_config_key in kv_plugin.h).
 * Validation reports each unknown key, missing required key and bad value
 * as "FILE:LINE: ..." naming the key and what is allowed, and goes on to
 * find the next one. A configuration with any error is not used.
 *
 * The same checks serve another program's INI file with its own sections
 * (struct kv_config_schema; kvalind-hub's hub.ini).
 *
 * Ownership: kv_config_load returns a config the caller frees with
 * kv_config_free; strings it returns are borrowed from it.
 */
#ifndef KVALIND_CONFIG_H
#define KVALIND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ini_store.h"
#include "kvalind/kv_plugin.h"
#include "setting.h"

/*
 * A section of declared keys (the core's: office, core, disclosure, push,
 * schedule, local, local_report). Each key is bound (KV_SETTING, kv_plugin.h)
 * to a field of the section's settings struct, which lies at `offset` inside the schema's
 * settings struct: the loader fills it once, so code reads
 * kv_core_settings(cfg)->push.approval, never a key by its name, and a
 * renamed key renames the field every use must follow.
 */
struct kv_config_section {
	const char *name;
	const char *description;
	const struct kv_setting *settings;
	size_t n_settings;
	size_t offset;
};

/* ---- the core's settings, as the loader fills them ------------------------
 * Types follow the keys' (kv_plugin.h): int64_t, bool, else const char *
 * (NULL when unset without default). Strings are borrowed from the config. */
struct kv_office_settings {
	const char *id;
	const char *name;
	bool export_name;
};

struct kv_core_dir_settings {
	const char *connector_dir;
	const char *indicator_dir;
	const char *value_sets;
	const char *state_dir;
	const char *log_level;
	const char *user;
	const char *secrets_file;
	int64_t memory_budget_mb;
};

struct kv_disclosure_settings {
	int64_t min_count;
	int64_t rounding_base;
	const char *perturbation; /* "cell_key" or "none" */
};

struct kv_push_settings {
	const char *transport; /* "none", "https" or "directory" */
	const char *url;
	const char *drop_dir;
	const char *ca_file;
	const char *client_cert;
	const char *client_key;
	const char *key_passphrase;
	const char *approval; /* "automatic" or "manual" */
};

struct kv_schedule_settings {
	int64_t day;
	int64_t hour;
	const char *backfill_from;
};

/* [local]: what the office's own lists show (never anything that leaves). */
struct kv_local_settings {
	bool show_names;
};

/* The office's own report pages (report_html.h), refreshed by the daemon. */
struct kv_local_report_settings {
	const char *directory; /* NULL or "": no local report */
	int64_t months;
};

struct kv_core_settings {
	struct kv_office_settings office;
	struct kv_core_dir_settings core;
	struct kv_disclosure_settings disclosure;
	struct kv_push_settings push;
	struct kv_schedule_settings schedule;
	struct kv_local_settings local;
	struct kv_local_report_settings local_report;
};

extern const struct kv_config_section kv_core_sections[];
extern const size_t kv_n_core_sections;

/* Keys the core owns inside every [connector.NAME] / [indicator.NAME]. */
extern const struct kv_config_key kv_connector_section_keys[];
extern const size_t kv_n_connector_section_keys;
extern const struct kv_config_key kv_indicator_section_keys[];
extern const size_t kv_n_indicator_section_keys;

struct kv_config;

/* What a configuration file may hold: its sections of declared keys and what
 * the messages name. */
struct kv_config_schema {
	const struct kv_config_section *sections;
	size_t n_sections;
	/* The section whose secrets_file key names the secrets file. */
	const char *secrets_section;
	/* The sections allowed, as "unknown section" lists them. */
	const char *sections_allowed;
	/* Further sections the file may have, whose keys are checked later
	 * (plugin sections), or NULL. */
	bool (*more_sections)(const char *name);
	/* Checks beyond the key tables, or NULL; run before the secrets file
	 * is read. */
	void (*check)(const struct kv_config *cfg, struct kv_diags *d);
	/* Size of the struct the sections' settings are filled into. */
	size_t settings_size;
};

/* kvalind.ini's: kv_core_sections, [connector.NAME], [indicator.NAME]. */
extern const struct kv_config_schema kv_core_schema;

struct kv_config {
	const struct kv_config_schema *schema;
	struct kv_ini *main;
	struct kv_ini *secrets;    /* NULL without a secrets file */
	bool main_is_private;      /* mode allows secrets in the main file */
	char *dir;                 /* directory of the main file */
	/* The schema's settings struct, filled from main file, secrets and
	 * defaults once everything was read (a value that failed its check is
	 * stored as kv_setting_store makes it: such a config is not used). */
	void *settings;
};

/*
 * Read and check path: its permissions, the core's sections and keys, and the
 * secrets file it names. Plugin sections are checked later, with each
 * plugin's table (kv_config_check_plugin_section). Returns NULL when the file
 * cannot be read at all; otherwise a config, with any errors added to d.
 */
struct kv_config *kv_config_load(const char *path, struct kv_diags *d);

/* The same for a file of another schema (borrowed; it must outlive the
 * config): its permissions, every section and key, the secrets file named
 * by [schema->secrets_section] secrets_file, the required keys. Every
 * problem is added to d as "FILE:LINE: ..."; NULL when the file cannot be
 * read at all. */
struct kv_config *kv_config_load_as(const char *path, const struct kv_config_schema *schema,
				    struct kv_diags *d);

/* Build from text (tests); no permission checks, no secrets file. */
struct kv_config *kv_config_from_string(const char *name, const char *text, struct kv_diags *d);

/* Check one [connector.NAME]/[indicator.NAME] section against the core's keys
 * for that kind plus the plugin's table; secrets for it are looked up too. */
void kv_config_check_plugin_section(struct kv_config *cfg, const char *section,
				    const struct kv_config_key *core_keys, size_t n_core,
				    const struct kv_config_key *plugin_keys, size_t n_plugin,
				    struct kv_diags *d);

/* The value of a declared key: explicit, else from the secrets file (for
 * secrets), else its default, else NULL. Connection strings are raw. */
const char *kv_config_value(const struct kv_config *cfg, const char *section,
			    const struct kv_config_key *key);

/* The core's settings of a kvalind.ini (cfg loaded with kv_core_schema). */
const struct kv_core_settings *kv_core_settings(const struct kv_config *cfg);

/* The settings a schema's keys have with nothing set: every default. */
void kv_config_defaults(const struct kv_config_schema *schema, void *settings);

/* A path value resolved against the main file's directory. 0 or -1 when it
 * does not fit in buf. */
int kv_config_resolve_path(const struct kv_config *cfg, const char *value, char *buf,
			   size_t size);

/*
 * Names of the plugin sections with a prefix ("connector." or "indicator."),
 * in file order, borrowed. Returns the count (at most max).
 */
size_t kv_config_plugin_sections(const struct kv_config *cfg, const char *prefix,
				 const char **names, int *lines, size_t max);

/* "connector.NAME" or "indicator.NAME", NAME 1 to 39 of [a-z0-9_]. */
bool kv_config_valid_plugin_section(const char *section);

/* Set the log level from [core] log_level (checked when loaded). */
void kv_config_apply_log_level(const struct kv_config *cfg);

void kv_config_free(struct kv_config *cfg);

#endif /* KVALIND_CONFIG_H */
