/*
 * config_keys.c - every key the core declares, section by section
 *
 * This table is the reference: `kvalind list-keys` prints it, the README's
 * configuration reference and conf/kvalind.ini are checked against it by
 * `make check-docs`.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "util.h"

#ifndef KV_CONNECTOR_DIR
#define KV_CONNECTOR_DIR "/usr/local/lib/kvalind/connectors"
#endif
#ifndef KV_INDICATOR_DIR
#define KV_INDICATOR_DIR "/usr/local/lib/kvalind/indicators"
#endif
#ifndef KV_VALUE_SETS
#define KV_VALUE_SETS "/usr/local/share/kvalind/valuesets.txt"
#endif
#ifndef KV_STATE_DIR
#define KV_STATE_DIR "/var/lib/kvalind"
#endif

/* Each key bound to the field of its name in its section's struct
 * (config.h), so no key is read by its name where it is used. */
#define OFFICE(f, ...) KV_SETTING(struct kv_office_settings, f, __VA_ARGS__)
#define CORE(f, ...) KV_SETTING(struct kv_core_dir_settings, f, __VA_ARGS__)
#define DISCLOSURE(f, ...) KV_SETTING(struct kv_disclosure_settings, f, __VA_ARGS__)
#define PUSH(f, ...) KV_SETTING(struct kv_push_settings, f, __VA_ARGS__)
#define SCHEDULE(f, ...) KV_SETTING(struct kv_schedule_settings, f, __VA_ARGS__)
#define LOCAL_REPORT(f, ...) KV_SETTING(struct kv_local_report_settings, f, __VA_ARGS__)
#define LOCAL(f, ...) KV_SETTING(struct kv_local_settings, f, __VA_ARGS__)

static const struct kv_setting office_keys[] = {
	OFFICE(id, KV_CONFIG_STRING, NULL, true, NULL,
	 "the office's participant id, a pseudonym (letters, digits, '-', '_'); the only name "
	 "of the office that leaves it"),
	OFFICE(name, KV_CONFIG_STRING, NULL, false, NULL,
	 "the office's name, shown locally; leaves the office only with export_name"),
	OFFICE(export_name, KV_CONFIG_BOOL, "false", false, NULL,
	 "also put the office's name in each extract's manifest (off: only the pseudonym "
	 "leaves)"),
};

static const struct kv_setting core_keys[] = {
	CORE(connector_dir, KV_CONFIG_PATH, KV_CONNECTOR_DIR, false, NULL,
	 "directory connector plugins are loaded from (not writable by group or others)"),
	CORE(indicator_dir, KV_CONFIG_PATH, KV_INDICATOR_DIR, false, NULL,
	 "directory indicator plugins are loaded from (not writable by group or others)"),
	CORE(value_sets, KV_CONFIG_PATH, KV_VALUE_SETS, false, NULL,
	 "value-set file: the codes each indicator looks for, with validity periods"),
	CORE(state_dir, KV_CONFIG_PATH, KV_STATE_DIR, false, NULL,
	 "directory for results, the outbox and the run state"),
	CORE(log_level, KV_CONFIG_ENUM, "info", false, "error|warning|info|debug",
	 "how much to log"),
	CORE(user, KV_CONFIG_STRING, NULL, false, NULL,
	 "the user 'kvalind daemon' switches to when started as root (it never runs as "
	 "root)"),
	CORE(secrets_file, KV_CONFIG_PATH, NULL, false, NULL,
	 "INI file with the secret keys (passwords, passphrases), readable by its owner only"),
	CORE(memory_budget_mb, KV_CONFIG_INT, "256", false, "16..65536",
	 "most memory, in MB, the connector may hold while reading the record system"),
};

static const struct kv_setting disclosure_keys[] = {
	DISCLOSURE(min_count, KV_CONFIG_INT, "5", false, "5..1000",
	 "counts below this (and complements below it) are suppressed before anything leaves "
	 "(at least 5: at 3 or 4 the audit had to withhold whole months)"),
	DISCLOSURE(rounding_base, KV_CONFIG_INT, "5", false, "5..100",
	 "published counts are rounded to the nearest multiple of this (at least 5: at 3 or "
	 "4 a count at the lowest published value stands for too few true counts)"),
	DISCLOSURE(perturbation, KV_CONFIG_ENUM, "cell_key", false, "cell_key|none",
	 "cell_key: before suppression and rounding, each count gets a noise of -1, 0 or +1 "
	 "that depends only on the cell, its true count and the office's secret key "
	 "state_dir/cell-key (keep it with the state directory's backups)"),
};

static const struct kv_setting push_keys[] = {
	PUSH(transport, KV_CONFIG_ENUM, "none", false, "none|https|directory",
	 "how extracts leave the office: not at all, HTTPS POST, or a drop directory"),
	PUSH(url, KV_CONFIG_STRING, NULL, false, NULL, "the receiver's https:// address"),
	PUSH(drop_dir, KV_CONFIG_PATH, NULL, false, NULL,
	 "directory extracts are written to for pickup (transport = directory)"),
	PUSH(ca_file, KV_CONFIG_PATH, NULL, false, NULL,
	 "CA certificate(s) that verify the receiver and its signed receipts (default: the system's)"),
	PUSH(client_cert, KV_CONFIG_PATH, NULL, false, NULL,
	 "the office's client certificate (PEM)"),
	PUSH(client_key, KV_CONFIG_PATH, NULL, false, NULL, "the client certificate's key (PEM)"),
	PUSH(key_passphrase, KV_CONFIG_SECRET, NULL, false, NULL,
	 "passphrase of client_key, if it has one"),
	PUSH(approval, KV_CONFIG_ENUM, "automatic", false, "automatic|manual",
	 "manual: extracts wait in the outbox until approved"),
};

static const struct kv_setting schedule_keys[] = {
	SCHEDULE(day, KV_CONFIG_INT, "5", false, "1..28",
	 "day of the month the previous month is computed and pushed"),
	SCHEDULE(hour, KV_CONFIG_INT, "2", false, "0..23", "hour of that day"),
	SCHEDULE(backfill_from, KV_CONFIG_MONTH, "2014-12", false, NULL,
	 "first reference month computed on first start"),
};

static const struct kv_setting local_report_keys[] = {
	LOCAL_REPORT(directory, KV_CONFIG_PATH, NULL, false, NULL,
	 "directory the daemon writes the office's own report pages to after each monthly "
	 "run (kvalind report): exact counts and patient keys, so made 0700 and refused when "
	 "group or others can enter it; unset: no local report"),
	LOCAL_REPORT(months, KV_CONFIG_INT, "12", false, "12..24",
	 "how many months, to the month just computed, the report's charts and tables show"),
};

static const struct kv_setting local_keys[] = {
	LOCAL(show_names, KV_CONFIG_BOOL, "false", false, NULL,
	 "show patients' names in the office's own lists and report (read at display "
	 "time, for the listed patients only; never sent)"),
};

#define SECTION(name, desc, keys, field)                                       \
	{name, desc, keys, KV_ARRAY_SIZE(keys), offsetof(struct kv_core_settings, field)}

const struct kv_config_section kv_core_sections[] = {
	SECTION("office", "who this office is", office_keys, office),
	SECTION("core", "where kvalind finds its plugins and keeps its state", core_keys, core),
	SECTION("disclosure", "disclosure control of everything that leaves", disclosure_keys, disclosure),
	SECTION("push", "where extracts go", push_keys, push),
	SECTION("schedule", "when the daemon computes and pushes", schedule_keys, schedule),
	SECTION("local", "what the office's own follow-up lists show", local_keys, local),
	SECTION("local_report", "the office's own report pages, never sent", local_report_keys,
		local_report),
};
const size_t kv_n_core_sections = KV_ARRAY_SIZE(kv_core_sections);

/* [office] id names the office in every extract: a participant id. */
static void check_office_id(const struct kv_config *cfg, struct kv_diags *d)
{
	const struct kv_ini_entry *e = kv_ini_find(cfg->main, "office", "id");
	if (e == NULL)
		return;
	size_t n = strlen(e->value);
	bool ok = n >= 1 && n <= 64;
	for (const char *p = e->value; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || *p == '-' || *p == '_';
	if (!ok)
		kv_diags_add(d,
			     "%s:%d: bad value for key \"id\" in [office]: expected 1 to 64 "
			     "letters, digits, '-' or '_'",
			     cfg->main->path, e->line);
}

const struct kv_config_schema kv_core_schema = {
	.sections = kv_core_sections,
	.n_sections = KV_ARRAY_SIZE(kv_core_sections),
	.secrets_section = "core",
	.sections_allowed = "[office], [core], [disclosure], [push], [schedule], [local], "
			    "[local_report], [connector.NAME], [indicator.NAME] (NAME of [a-z0-9_])",
	.more_sections = kv_config_valid_plugin_section,
	.check = check_office_id,
	.settings_size = sizeof(struct kv_core_settings),
};

/* Core-owned keys inside plugin sections. */
const struct kv_config_key kv_connector_section_keys[] = {
	{"enabled", KV_CONFIG_BOOL, "true", false, NULL,
	 "read the record system through this connector (exactly one must be enabled)"},
};
const size_t kv_n_connector_section_keys = KV_ARRAY_SIZE(kv_connector_section_keys);

const struct kv_config_key kv_indicator_section_keys[] = {
	{"enabled", KV_CONFIG_BOOL, "true", false, NULL, "compute this indicator family"},
};
const size_t kv_n_indicator_section_keys = KV_ARRAY_SIZE(kv_indicator_section_keys);
