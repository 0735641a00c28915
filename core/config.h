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

/* A section of declared keys (the core's: office, core, disclosure, push,
 * schedule). */
struct kv_config_section {
	const char *name;
	const char *description;
	const struct kv_config_key *keys;
	size_t n_keys;
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
};

/* kvalind.ini's: kv_core_sections, [connector.NAME], [indicator.NAME]. */
extern const struct kv_config_schema kv_core_schema;

struct kv_config {
	const struct kv_config_schema *schema;
	struct kv_ini *main;
	struct kv_ini *secrets;    /* NULL without a secrets file */
	bool main_is_private;      /* mode allows secrets in the main file */
	char *dir;                 /* directory of the main file */
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

/* Same, finding the key by name in the tables of the config's schema (for
 * kvalind.ini the core's). */
const char *kv_config_core_value(const struct kv_config *cfg, const char *section,
				 const char *key);

/* The built-in default of a core key (NULL when it has none). */
const char *kv_config_core_default(const char *section, const char *key);

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

/* Check that a value suits a key's type; why gets "expected ..." on failure. */
int kv_config_check_value(const struct kv_config_key *key, const char *value, char *why,
			  size_t whylen);

/* Check a key table itself (names unique and well formed, defaults valid). */
int kv_config_check_table(const struct kv_config_key *keys, size_t n, char *err,
			  size_t errlen);

const struct kv_config_key *kv_config_find_key(const struct kv_config_key *keys, size_t n,
					       const char *name);

/* The type's name for documentation ("integer", "connection string", ...). */
const char *kv_config_type_name(enum kv_config_type type);

/* Set the log level from [core] log_level (checked when loaded). */
void kv_config_apply_log_level(const struct kv_config *cfg);

void kv_config_free(struct kv_config *cfg);

#endif /* KVALIND_CONFIG_H */
