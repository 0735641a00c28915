/*
 * config.c - reading and validating kvalind's configuration
 */
#include "config.h"
#include "log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* "a, b, c" of a table's key names, for "allowed:" hints. */
static void key_list(const struct kv_config_key *a, size_t na, const struct kv_config_key *b,
		     size_t nb, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < na + nb; i++) {
		const char *name = i < na ? a[i].key : b[i - na].key;
		int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static const struct kv_config_section *find_section(const struct kv_config_schema *schema,
						    const char *name)
{
	for (size_t i = 0; i < schema->n_sections; i++)
		if (strcmp(schema->sections[i].name, name) == 0)
			return &schema->sections[i];
	return NULL;
}

bool kv_config_valid_plugin_section(const char *section)
{
	const char *name = NULL;
	if (strncmp(section, "connector.", 10) == 0)
		name = section + 10;
	else if (strncmp(section, "indicator.", 10) == 0)
		name = section + 10;
	else
		return false;
	if (*name == '\0' || strlen(name) > 39)
		return false;
	for (const char *p = name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

/* Check the entries of one section of one file (cfg's main or secrets file)
 * against two key tables. */
static void check_entries(const struct kv_config *cfg, struct kv_ini *ini, const char *section,
			  bool is_secrets_file, const struct kv_config_key *a, size_t na,
			  const struct kv_config_key *b, size_t nb, struct kv_diags *d)
{
	char why[256], allowed[1024];
	for (size_t i = 0; i < ini->n_entries; i++) {
		struct kv_ini_entry *e = &ini->entries[i];
		if (strcmp(e->section, section) != 0)
			continue;
		const struct kv_config_key *k = kv_config_find_key(a, na, e->key);
		if (k == NULL)
			k = kv_config_find_key(b, nb, e->key);
		if (k == NULL) {
			key_list(a, na, b, nb, allowed, sizeof allowed);
			kv_diags_add(d, "%s:%d: unknown key \"%s\" in [%s]; allowed: %s", ini->path,
				     e->line, e->key, section, allowed[0] ? allowed : "none");
			continue;
		}
		e->used = true;
		for (size_t j = 0; j < i; j++) {
			const struct kv_ini_entry *prev = &ini->entries[j];
			if (strcmp(prev->section, section) == 0 && strcmp(prev->key, e->key) == 0) {
				kv_diags_add(d, "%s:%d: key \"%s\" in [%s] repeats line %d", ini->path,
					     e->line, e->key, section, prev->line);
				break;
			}
		}
		if (is_secrets_file && k->type != KV_CONFIG_SECRET) {
			kv_diags_add(d,
				     "%s:%d: key \"%s\" is not a secret; only secret keys belong in "
				     "the secrets file",
				     ini->path, e->line, e->key);
			continue;
		}
		if (!is_secrets_file && k->type == KV_CONFIG_SECRET && !cfg->main_is_private) {
			kv_diags_add(d,
				     "%s:%d: key \"%s\" is a secret, but this file is readable by "
				     "group or others; move it to the secrets file (secrets_file in "
				     "[%s]) or chmod 600 this file",
				     ini->path, e->line, e->key, cfg->schema->secrets_section);
			continue;
		}
		if (k->type != KV_CONFIG_CONNSTR && e->last_line != e->line) {
			kv_diags_add(d,
				     "%s:%d: line is indented, so it continues the value of \"%s\" "
				     "from line %d; only connection strings may continue over "
				     "lines: remove the indentation",
				     ini->path, e->line + 1, e->key, e->line);
			continue;
		}
		const char *v = k->type == KV_CONFIG_CONNSTR ? e->raw : e->value;
		if (kv_config_check_value(k, v, why, sizeof why) != 0)
			kv_diags_add(d, "%s:%d: bad value for key \"%s\" in [%s]: %s", ini->path,
				     e->line, e->key, section, why);
	}
}

static void check_required(const struct kv_config *cfg, const char *section,
			   const struct kv_config_key *keys, size_t n, struct kv_diags *d)
{
	for (size_t i = 0; i < n; i++) {
		if (!keys[i].required || kv_config_value(cfg, section, &keys[i]) != NULL)
			continue;
		int line = kv_ini_section_line(cfg->main, section);
		if (line > 0)
			kv_diags_add(d, "%s:%d: missing required key \"%s\" in [%s] (%s)",
				     cfg->main->path, line, keys[i].key, section,
				     keys[i].description);
		else
			kv_diags_add(d, "%s: missing section [%s] with required key \"%s\" (%s)",
				     cfg->main->path, section, keys[i].key, keys[i].description);
	}
}

static void check_sections(const struct kv_config *cfg, struct kv_ini *ini, bool is_secrets_file,
			   struct kv_diags *d)
{
	const struct kv_config_schema *schema = cfg->schema;
	for (size_t i = 0; i < ini->n_sections; i++) {
		const char *name = ini->sections[i].name;
		bool repeated = false;
		for (size_t j = 0; j < i; j++)
			repeated = repeated || strcmp(ini->sections[j].name, name) == 0;
		if (repeated) {
			kv_diags_add(d, "%s:%d: section [%s] appears twice", ini->path,
				     ini->sections[i].line, name);
			continue;
		}
		if (find_section(schema, name) == NULL &&
		    !(schema->more_sections != NULL && schema->more_sections(name)))
			kv_diags_add(d, "%s:%d: unknown section [%s]; allowed: %s", ini->path,
				     ini->sections[i].line, name, schema->sections_allowed);
	}
	for (size_t i = 0; i < ini->n_entries; i++) {
		if (ini->entries[i].section[0] == '\0')
			kv_diags_add(d, "%s:%d: key \"%s\" stands before any [section]", ini->path,
				     ini->entries[i].line, ini->entries[i].key);
	}
	for (size_t i = 0; i < schema->n_sections; i++) {
		const struct kv_config_section *s = &schema->sections[i];
		struct kv_config_key *keys = kv_setting_keys(s->settings, s->n_settings);
		check_entries(cfg, ini, s->name, is_secrets_file, keys, s->n_settings, NULL, 0, d);
		free(keys);
	}
}

/* The value of [section] key of the schema's own tables (the loader's
 * lookup, before the settings are filled), or NULL. */
static const char *section_value(const struct kv_config *cfg, const char *section,
				 const char *key)
{
	const struct kv_config_section *s = find_section(cfg->schema, section);
	for (size_t i = 0; s != NULL && i < s->n_settings; i++)
		if (strcmp(s->settings[i].key.key, key) == 0)
			return kv_config_value(cfg, section, &s->settings[i].key);
	return NULL;
}

/* Every section's settings into cfg->settings. */
static void fill_settings(struct kv_config *cfg)
{
	const struct kv_config_schema *schema = cfg->schema;
	cfg->settings = kv_xcalloc(1, schema->settings_size ? schema->settings_size : 1);
	for (size_t i = 0; i < schema->n_sections; i++) {
		const struct kv_config_section *s = &schema->sections[i];
		char *base = (char *)cfg->settings + s->offset;
		for (size_t k = 0; k < s->n_settings; k++) {
			const struct kv_setting *st = &s->settings[k];
			/* a value that failed its check was reported, and a
			 * config with errors is not used */
			kv_setting_store(st, kv_config_value(cfg, s->name, &st->key), base);
		}
	}
}

void kv_config_defaults(const struct kv_config_schema *schema, void *settings)
{
	memset(settings, 0, schema->settings_size);
	for (size_t i = 0; i < schema->n_sections; i++) {
		const struct kv_config_section *s = &schema->sections[i];
		for (size_t k = 0; k < s->n_settings; k++)
			kv_setting_store(&s->settings[k], s->settings[k].key.default_value,
					 (char *)settings + s->offset);
	}
}

const struct kv_core_settings *kv_core_settings(const struct kv_config *cfg)
{
	if (cfg->schema != &kv_core_schema) {
		kv_log(KV_LOG_ERROR, "internal: core settings asked of another schema's file");
		abort();
	}
	return cfg->settings;
}

static void load_secrets(struct kv_config *cfg, struct kv_diags *d, bool check_mode)
{
	const char *value = section_value(cfg, cfg->schema->secrets_section, "secrets_file");
	if (value == NULL)
		return;
	char path[4096];
	if (kv_config_resolve_path(cfg, value, path, sizeof path) != 0) {
		kv_diags_add(d, "%s: secrets_file path is too long", cfg->main->path);
		return;
	}
	struct stat st;
	char err[512];
	struct kv_diags local = {0};
	cfg->secrets = kv_ini_read(path, &local, &st);
	for (size_t i = 0; i < local.n; i++)
		kv_diags_add(d, "%s", local.msgs[i]);
	kv_diags_free(&local);
	if (cfg->secrets == NULL)
		return;
	if (check_mode && kv_check_private(&st, path, "secrets file", err, sizeof err) != 0) {
		kv_diags_add(d, "%s", err);
		kv_ini_free(cfg->secrets);
		cfg->secrets = NULL;
		return;
	}
	check_sections(cfg, cfg->secrets, true, d);
}

/* The schema's own tables: each key bound to a field of its name and type
 * inside the settings struct (a program error, said as such). */
static void check_schema(const struct kv_config_schema *schema, struct kv_diags *d)
{
	char why[256];
	for (size_t i = 0; i < schema->n_sections; i++) {
		const struct kv_config_section *s = &schema->sections[i];
		size_t room = s->offset < schema->settings_size ? schema->settings_size - s->offset : 0;
		if (kv_config_check_bindings(s->settings, s->n_settings, room, why, sizeof why) != 0)
			kv_diags_add(d, "internal error in the key table of [%s]: %s", s->name, why);
	}
}

static struct kv_config *finish_load(const struct kv_config_schema *schema, struct kv_ini *ini,
				     const char *path, bool main_is_private, bool check_mode,
				     struct kv_diags *d)
{
	struct kv_config *cfg = kv_xcalloc(1, sizeof *cfg);
	char dir[4096];
	cfg->schema = schema;
	cfg->main = ini;
	cfg->main_is_private = main_is_private;
	if (kv_dirname(path, dir, sizeof dir) != 0)
		kv_diags_add(d, "%s: path too long", path);
	cfg->dir = kv_xstrdup(dir);
	check_schema(schema, d);
	check_sections(cfg, ini, false, d);
	if (schema->check != NULL)
		schema->check(cfg, d);
	load_secrets(cfg, d, check_mode);
	for (size_t i = 0; i < schema->n_sections; i++) {
		const struct kv_config_section *s = &schema->sections[i];
		struct kv_config_key *keys = kv_setting_keys(s->settings, s->n_settings);
		check_required(cfg, s->name, keys, s->n_settings, d);
		free(keys);
	}
	fill_settings(cfg);
	return cfg;
}

struct kv_config *kv_config_load(const char *path, struct kv_diags *d)
{
	return kv_config_load_as(path, &kv_core_schema, d);
}

struct kv_config *kv_config_load_as(const char *path, const struct kv_config_schema *schema,
				    struct kv_diags *d)
{
	struct stat st;
	char err[512];
	struct kv_ini *ini = kv_ini_read(path, d, &st);
	if (ini == NULL)
		return NULL;
	if (kv_check_not_writable_by_others(&st, path, "configuration file", err, sizeof err) !=
	    0)
		kv_diags_add(d, "%s", err);
	bool main_is_private = (st.st_mode & (S_IRWXG | S_IRWXO)) == 0;
	return finish_load(schema, ini, path, main_is_private, true, d);
}

struct kv_config *kv_config_from_string(const char *name, const char *text, struct kv_diags *d)
{
	struct kv_ini *ini = kv_ini_read_string(name, text, d);
	if (ini == NULL)
		return NULL;
	return finish_load(&kv_core_schema, ini, name, false, false, d);
}

void kv_config_check_plugin_section(struct kv_config *cfg, const char *section,
				    const struct kv_config_key *core_keys, size_t n_core,
				    const struct kv_config_key *plugin_keys, size_t n_plugin,
				    struct kv_diags *d)
{
	check_entries(cfg, cfg->main, section, false, core_keys, n_core, plugin_keys, n_plugin, d);
	if (cfg->secrets != NULL)
		check_entries(cfg, cfg->secrets, section, true, core_keys, n_core, plugin_keys,
			      n_plugin, d);
	check_required(cfg, section, core_keys, n_core, d);
	check_required(cfg, section, plugin_keys, n_plugin, d);
}

const char *kv_config_value(const struct kv_config *cfg, const char *section,
			    const struct kv_config_key *key)
{
	const struct kv_ini_entry *e = kv_ini_find(cfg->main, section, key->key);
	if (e != NULL)
		return key->type == KV_CONFIG_CONNSTR ? e->raw : e->value;
	if (key->type == KV_CONFIG_SECRET && cfg->secrets != NULL) {
		e = kv_ini_find(cfg->secrets, section, key->key);
		if (e != NULL)
			return e->value;
	}
	return key->default_value;
}

int kv_config_resolve_path(const struct kv_config *cfg, const char *value, char *buf,
			   size_t size)
{
	if (value[0] == '/' || strcmp(cfg->dir, ".") == 0)
		return kv_snprintf(buf, size, "%s", value);
	return kv_snprintf(buf, size, "%s/%s", cfg->dir, value);
}

size_t kv_config_plugin_sections(const struct kv_config *cfg, const char *prefix,
				 const char **names, int *lines, size_t max)
{
	size_t n = 0, plen = strlen(prefix);
	for (size_t i = 0; i < cfg->main->n_sections && n < max; i++) {
		const struct kv_ini_section *s = &cfg->main->sections[i];
		if (strncmp(s->name, prefix, plen) != 0 || !kv_config_valid_plugin_section(s->name))
			continue;
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen = seen || strcmp(names[j], s->name + plen) == 0;
		if (seen)
			continue;
		names[n] = s->name + plen;
		if (lines != NULL)
			lines[n] = s->line;
		n++;
	}
	return n;
}

void kv_config_free(struct kv_config *cfg)
{
	if (cfg == NULL)
		return;
	kv_ini_free(cfg->main);
	kv_ini_free(cfg->secrets);
	free(cfg->dir);
	free(cfg->settings);
	free(cfg);
}

void kv_config_apply_log_level(const struct kv_config *cfg)
{
	enum kv_log_level level;
	const char *lv = kv_core_settings(cfg)->core.log_level;
	if (lv != NULL && kv_log_level_parse(lv, &level) == 0)
		kv_log_set_level(level);
}
