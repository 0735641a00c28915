/*
 * setup.c - load and check the configuration and its plugins together
 */
#include "setup.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define MAX_PLUGIN_SECTIONS 64

void kv_setup_plugin_dirs(const struct kv_config *cfg, char *connector_dir, char *indicator_dir,
			  size_t size)
{
	struct kv_core_settings defaults;
	kv_config_defaults(&kv_core_schema, &defaults);
	const struct kv_core_settings *set = cfg != NULL ? kv_core_settings(cfg) : &defaults;
	const char *c = set->core.connector_dir, *i = set->core.indicator_dir;
	if (cfg == NULL || kv_config_resolve_path(cfg, c, connector_dir, size) != 0)
		kv_strlcpy(connector_dir, c, size);
	if (cfg == NULL || kv_config_resolve_path(cfg, i, indicator_dir, size) != 0)
		kv_strlcpy(indicator_dir, i, size);
}

static bool section_enabled(const struct kv_config *cfg, const char *section,
			    const struct kv_config_key *core_keys, size_t n)
{
	const struct kv_config_key *k = kv_config_find_key(core_keys, n, "enabled");
	const char *v = kv_config_value(cfg, section, k);
	bool on = true;
	if (v != NULL && !kv_parse_bool(v, &on))
		on = true; /* reported as a bad value by the section check */
	return on;
}

/* Load one plugin section; false when the plugin was refused. */
static bool load_section(struct kv_setup *s, const char *dir, const char *name, int line,
			 enum kv_plugin_kind kind, struct kv_loaded *out, struct kv_diags *d)
{
	char err[1024], section[64];
	const struct kv_config_key *core_keys =
	    kind == KV_PLUGIN_CONNECTOR ? kv_connector_section_keys : kv_indicator_section_keys;
	size_t n_core = kind == KV_PLUGIN_CONNECTOR ? kv_n_connector_section_keys :
						      kv_n_indicator_section_keys;
	kv_snprintf(section, sizeof section, "%s.%s", kv_plugin_kind_name(kind), name);
	if (kv_plugin_load(dir, name, kind, &out->plugin, err, sizeof err) != 0) {
		kv_diags_add(d, "%s:%d: [%s]: %s", s->cfg->main->path, line, section, err);
		return false;
	}
	size_t n_keys;
	const struct kv_config_key *keys = kv_plugin_keys(out->plugin, &n_keys);
	kv_config_check_plugin_section(s->cfg, section, core_keys, n_core, keys, n_keys, d);
	out->ctx = kv_ctx_new(out->plugin, s->cfg);
	out->ctx->value_sets = s->value_sets;
	return true;
}

static void report_unused_secrets(const struct kv_config *cfg, struct kv_diags *d)
{
	if (cfg->secrets == NULL)
		return;
	for (size_t i = 0; i < cfg->secrets->n_entries; i++) {
		const struct kv_ini_entry *e = &cfg->secrets->entries[i];
		if (!e->used)
			kv_diags_add(d,
				     "%s:%d: key \"%s\" in [%s] is not used: no enabled plugin or "
				     "core section declares it",
				     cfg->secrets->path, e->line, e->key, e->section);
	}
}

static void load_value_sets(struct kv_setup *s, struct kv_diags *d)
{
	char path[4096];
	const char *v = kv_core_settings(s->cfg)->core.value_sets;
	if (v == NULL || kv_config_resolve_path(s->cfg, v, path, sizeof path) != 0) {
		kv_diags_add(d, "%s: value_sets path is too long", s->cfg->main->path);
		return;
	}
	s->value_sets = kv_value_sets_load(path, d);
}

enum kv_exit kv_setup_load(const char *config_path, struct kv_setup *s, struct kv_diags *d)
{
	memset(s, 0, sizeof *s);
	size_t config_errors = d->n;
	bool plugin_refused = false;

	s->cfg = kv_config_load(config_path, d);
	if (s->cfg == NULL) {
		kv_diags_hint(d, "kvalind reads the configuration named by --config FILE, else by "
				 "$KVALIND_CONFIG, else %s; conf/kvalind.ini is a documented example",
			      KV_DEFAULT_CONFIG);
		return KV_EXIT_CONFIG;
	}
	kv_config_apply_log_level(s->cfg);
	kv_setup_plugin_dirs(s->cfg, s->connector_dir, s->indicator_dir,
			     sizeof s->connector_dir);
	load_value_sets(s, d);

	const char *names[MAX_PLUGIN_SECTIONS];
	int lines[MAX_PLUGIN_SECTIONS];
	size_t n = kv_config_plugin_sections(s->cfg, "connector.", names, lines,
					     MAX_PLUGIN_SECTIONS);
	size_t enabled = 0;
	for (size_t i = 0; i < n; i++) {
		char section[64];
		kv_snprintf(section, sizeof section, "connector.%s", names[i]);
		if (!section_enabled(s->cfg, section, kv_connector_section_keys,
				     kv_n_connector_section_keys))
			continue;
		if (++enabled > 1) {
			kv_diags_add(d,
				     "%s:%d: [%s] is a second enabled connector; exactly one "
				     "connector reads the record system (set enabled = false on "
				     "the others)",
				     s->cfg->main->path, lines[i], section);
			continue;
		}
		if (!load_section(s, s->connector_dir, names[i], lines[i], KV_PLUGIN_CONNECTOR,
				  &s->connector, d))
			plugin_refused = true;
	}
	if (enabled == 0)
		kv_diags_add(d,
			     "%s: no enabled [connector.NAME] section; kvalind needs one to read "
			     "the record system",
			     s->cfg->main->path);

	n = kv_config_plugin_sections(s->cfg, "indicator.", names, lines, MAX_PLUGIN_SECTIONS);
	s->indicators = kv_xcalloc(n ? n : 1, sizeof *s->indicators);
	for (size_t i = 0; i < n; i++) {
		char section[64];
		kv_snprintf(section, sizeof section, "indicator.%s", names[i]);
		if (!section_enabled(s->cfg, section, kv_indicator_section_keys,
				     kv_n_indicator_section_keys))
			continue;
		if (load_section(s, s->indicator_dir, names[i], lines[i], KV_PLUGIN_INDICATOR,
				 &s->indicators[s->n_indicators], d))
			s->n_indicators++;
		else
			plugin_refused = true;
	}
	report_unused_secrets(s->cfg, d);

	if (plugin_refused)
		return KV_EXIT_PLUGIN;
	return d->n > config_errors ? KV_EXIT_CONFIG : KV_EXIT_OK;
}

size_t kv_setup_memory_budget(const struct kv_setup *s)
{
	/* Checked against its range (16..65536) by kv_config_load. */
	return (size_t)kv_core_settings(s->cfg)->core.memory_budget_mb * 1024 * 1024;
}

void kv_setup_free(struct kv_setup *s)
{
	kv_ctx_free(s->connector.ctx);
	kv_plugin_unload(s->connector.plugin);
	for (size_t i = 0; i < s->n_indicators; i++) {
		kv_ctx_free(s->indicators[i].ctx);
		kv_plugin_unload(s->indicators[i].plugin);
	}
	free(s->indicators);
	kv_value_sets_free(s->value_sets);
	kv_config_free(s->cfg);
	memset(s, 0, sizeof *s);
}
