/*
 * fuzz_config.c - the configuration loader: core/ini_store.c (inih with
 * kvalind's own line reader: length limit, NUL bytes, BOM, continuation
 * lines, section headers) and core/config.c (sections, keys, values, the
 * secrets rules), both ways in: kv_config_from_string (text up to the first
 * NUL) and kv_ini_read on a file (every byte, NULs included). Then every
 * accessor is asked about every key of every core section and of a plugin
 * table with one key of each type, and each value is checked against its
 * type, as the daemon does.
 *
 * The input is the configuration file itself.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "ini_store.h"
#include "util.h"

static const struct kv_config_key plugin_keys[] = {
	{"name", KV_CONFIG_STRING, "x", false, NULL, "a string"},
	{"count", KV_CONFIG_INT, "3", false, "1..65536", "an integer"},
	{"flag", KV_CONFIG_BOOL, "true", false, NULL, "a boolean"},
	{"mode", KV_CONFIG_ENUM, "a", false, "a|bb|ccc", "an enum"},
	{"file", KV_CONFIG_PATH, NULL, false, NULL, "a path"},
	{"since", KV_CONFIG_MONTH, NULL, false, NULL, "a month"},
	{"dsn", KV_CONFIG_CONNSTR, NULL, true, NULL, "a connection string"},
	{"password", KV_CONFIG_SECRET, NULL, false, NULL, "a secret"},
};

static volatile size_t sink;

static void use(const char *s)
{
	if (s != NULL)
		sink += strlen(s);
}

static void query(struct kv_config *cfg, struct kv_diags *d)
{
	char why[256], path[4096];
	for (size_t i = 0; i < kv_n_core_sections; i++) {
		const struct kv_config_section *s = &kv_core_sections[i];
		for (size_t k = 0; k < s->n_settings; k++) {
			const struct kv_config_key *key = &s->settings[k].key;
			const char *v = kv_config_value(cfg, s->name, key);
			use(v);
			if (v != NULL) {
				(void)kv_config_check_value(key, v, why, sizeof why);
				if (key->type == KV_CONFIG_PATH)
					(void)kv_config_resolve_path(cfg, v, path, sizeof path);
			}
		}
	}
	/* the settings the loader filled, every string of them */
	const struct kv_core_settings *set = kv_core_settings(cfg);
	use(set->office.id);
	use(set->core.state_dir);
	use(set->push.url);
	use(set->schedule.backfill_from);
	const char *names[64];
	int lines[64];
	size_t n = kv_config_plugin_sections(cfg, "connector.", names, lines, 64);
	n += kv_config_plugin_sections(cfg, "indicator.", names + n, lines + n, 64 - n);
	for (size_t i = 0; i < n && i < 64; i++) {
		char section[256];
		if (kv_snprintf(section, sizeof section, "connector.%s", names[i]) != 0)
			continue;
		kv_config_check_plugin_section(cfg, section, kv_connector_section_keys,
					       kv_n_connector_section_keys, plugin_keys,
					       KV_ARRAY_SIZE(plugin_keys), d);
		for (size_t k = 0; k < KV_ARRAY_SIZE(plugin_keys); k++) {
			const char *v = kv_config_value(cfg, section, &plugin_keys[k]);
			use(v);
			if (v != NULL)
				(void)kv_config_check_value(&plugin_keys[k], v, why, sizeof why);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1. from a string, as the tests and check-config's parts do */
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct kv_diags d = {0};
	struct kv_config *cfg = kv_config_from_string("fuzz.ini", text, &d);
	if (cfg != NULL) {
		query(cfg, &d);
		kv_config_free(cfg);
	}
	for (size_t i = 0; i < d.n; i++)
		use(d.msgs[i]);
	kv_diags_free(&d);
	free(text);

	/* 2. from a file through kv_ini_read: all bytes, NULs too */
	static int fd = -1;
	static char fdpath[64];
	if (fd < 0) {
		fd = memfd_create("fuzz.ini", 0);
		if (fd < 0)
			abort();
		snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	struct kv_diags d2 = {0};
	struct kv_ini *ini = kv_ini_read(fdpath, &d2, NULL);
	if (ini != NULL) {
		for (size_t i = 0; i < ini->n_entries; i++) {
			use(ini->entries[i].value);
			use(ini->entries[i].raw);
			if (kv_ini_find(ini, ini->entries[i].section, ini->entries[i].key) == NULL)
				abort(); /* an entry read must be found again */
		}
		for (size_t i = 0; i < ini->n_sections; i++)
			(void)kv_ini_section_line(ini, ini->sections[i].name);
		kv_ini_free(ini);
	}
	kv_diags_free(&d2);
	return 0;
}
