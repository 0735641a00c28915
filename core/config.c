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

const char *kv_config_type_name(enum kv_config_type type)
{
	switch (type) {
	case KV_CONFIG_STRING: return "string";
	case KV_CONFIG_INT: return "integer";
	case KV_CONFIG_BOOL: return "boolean";
	case KV_CONFIG_ENUM: return "one of";
	case KV_CONFIG_PATH: return "path";
	case KV_CONFIG_MONTH: return "month (YYYY-MM)";
	case KV_CONFIG_CONNSTR: return "connection string";
	case KV_CONFIG_SECRET: return "secret";
	}
	return "?";
}

const struct kv_config_key *kv_config_find_key(const struct kv_config_key *keys, size_t n,
					       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].key, name) == 0)
			return &keys[i];
	return NULL;
}

static bool has_control_chars(const char *s, bool allow_newline)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t' && !(allow_newline && *s == '\n'))
			return true;
	return false;
}

static bool parse_range(const char *allowed, long long *lo, long long *hi)
{
	if (allowed == NULL)
		return false;
	char buf[64];
	if (kv_snprintf(buf, sizeof buf, "%s", allowed) != 0)
		return false;
	char *dots = strstr(buf, "..");
	if (dots == NULL)
		return false;
	*dots = '\0';
	return kv_parse_int64(buf, lo) && kv_parse_int64(dots + 2, hi) && *lo <= *hi;
}

static bool enum_allows(const char *allowed, const char *value)
{
	size_t len = strlen(value);
	const char *p = allowed;
	while (p != NULL && *p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, value, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

int kv_config_check_value(const struct kv_config_key *key, const char *value, char *why,
			  size_t whylen)
{
	long long v, lo, hi;
	bool b;
	int month;
	if (value == NULL || *value == '\0') {
		kv_snprintf(why, whylen, "the value is empty; remove the line to use the default");
		return -1;
	}
	if (has_control_chars(value, false)) {
		kv_snprintf(why, whylen, "the value contains control characters");
		return -1;
	}
	switch (key->type) {
	case KV_CONFIG_INT:
		if (!kv_parse_int64(value, &v)) {
			kv_snprintf(why, whylen, "expected an integer%s%s", key->allowed ? " in " : "",
				    key->allowed ? key->allowed : "");
			return -1;
		}
		if (parse_range(key->allowed, &lo, &hi) && (v < lo || v > hi)) {
			kv_snprintf(why, whylen, "expected an integer in %s", key->allowed);
			return -1;
		}
		return 0;
	case KV_CONFIG_BOOL:
		if (!kv_parse_bool(value, &b)) {
			kv_snprintf(why, whylen, "expected true or false (yes/no, on/off, 1/0)");
			return -1;
		}
		return 0;
	case KV_CONFIG_ENUM:
		if (!enum_allows(key->allowed, value)) {
			kv_snprintf(why, whylen, "expected one of %s", key->allowed ? key->allowed : "");
			return -1;
		}
		return 0;
	case KV_CONFIG_MONTH:
		if (!kv_parse_month(value, &month)) {
			kv_snprintf(why, whylen, "expected a month as YYYY-MM");
			return -1;
		}
		return 0;
	case KV_CONFIG_STRING:
	case KV_CONFIG_PATH:
	case KV_CONFIG_CONNSTR:
	case KV_CONFIG_SECRET:
		return 0;
	}
	kv_snprintf(why, whylen, "unknown key type %d", (int)key->type);
	return -1;
}

static bool valid_key_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 48)
		return false;
	for (const char *p = name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

int kv_config_check_table(const struct kv_config_key *keys, size_t n, char *err, size_t errlen)
{
	char why[256];
	if (n > 0 && keys == NULL) {
		kv_snprintf(err, errlen, "its key table is NULL but declares %zu keys", n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct kv_config_key *k = &keys[i];
		if (k->key == NULL || !valid_key_name(k->key)) {
			kv_snprintf(err, errlen, "key %zu has no valid name ([a-z0-9_], 1 to 48)", i);
			return -1;
		}
		if (k->type < KV_CONFIG_STRING || k->type > KV_CONFIG_SECRET) {
			kv_snprintf(err, errlen, "key \"%s\" has an unknown type %d", k->key,
				    (int)k->type);
			return -1;
		}
		if (k->description == NULL) {
			kv_snprintf(err, errlen, "key \"%s\" has no description", k->key);
			return -1;
		}
		if (k->type == KV_CONFIG_ENUM && (k->allowed == NULL || *k->allowed == '\0')) {
			kv_snprintf(err, errlen, "enum key \"%s\" lists no allowed values", k->key);
			return -1;
		}
		if (k->default_value != NULL && kv_config_check_value(k, k->default_value, why,
								      sizeof why) != 0) {
			kv_snprintf(err, errlen, "default of key \"%s\" is invalid: %s", k->key, why);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(keys[j].key, k->key) == 0) {
				kv_snprintf(err, errlen, "key \"%s\" is declared twice", k->key);
				return -1;
			}
		}
	}
	return 0;
}

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
		check_entries(cfg, ini, s->name, is_secrets_file, s->keys, s->n_keys, NULL, 0, d);
	}
}

static void load_secrets(struct kv_config *cfg, struct kv_diags *d, bool check_mode)
{
	const char *value = kv_config_core_value(cfg, cfg->schema->secrets_section, "secrets_file");
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
	check_sections(cfg, ini, false, d);
	if (schema->check != NULL)
		schema->check(cfg, d);
	load_secrets(cfg, d, check_mode);
	for (size_t i = 0; i < schema->n_sections; i++)
		check_required(cfg, schema->sections[i].name, schema->sections[i].keys,
			       schema->sections[i].n_keys, d);
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

const char *kv_config_core_value(const struct kv_config *cfg, const char *section,
				 const char *key)
{
	const struct kv_config_section *s = find_section(cfg->schema, section);
	if (s == NULL)
		return NULL;
	const struct kv_config_key *k = kv_config_find_key(s->keys, s->n_keys, key);
	return k != NULL ? kv_config_value(cfg, section, k) : NULL;
}

const char *kv_config_core_default(const char *section, const char *key)
{
	const struct kv_config_section *s = find_section(&kv_core_schema, section);
	const struct kv_config_key *k = s ? kv_config_find_key(s->keys, s->n_keys, key) : NULL;
	return k ? k->default_value : NULL;
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
	free(cfg);
}

void kv_config_apply_log_level(const struct kv_config *cfg)
{
	enum kv_log_level level;
	const char *lv = kv_config_core_value(cfg, "core", "log_level");
	if (lv != NULL && kv_log_level_parse(lv, &level) == 0)
		kv_log_set_level(level);
}
