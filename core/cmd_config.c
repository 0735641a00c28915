/*
 * cmd_config.c - `kvalind check-config` and `kvalind list-keys`
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "push.h"
#include "setup.h"
#include "util.h"

static const char check_config_help[] =
	"Usage: kvalind check-config [--config FILE]\n"
	"\n"
	"Validate the configuration: every section and key against the\n"
	"tables of the core and of the plugins it enables, file\n"
	"permissions, the secrets file, that each plugin loads and\n"
	"passes its ABI checks, and [push] by the rules push itself\n"
	"applies (an https:// URL, readable certificates, a client key\n"
	"only its owner can read, an existing drop directory). Every\n"
	"problem is reported with file and line, not only the first.\n"
	"\n"
	"  -c, --config FILE   the configuration (default: $KVALIND_CONFIG,\n"
	"                      else the built-in path)\n"
	"\n" KV_EXIT_CODES_HELP;

int kv_cmd_check_config(int argc, char **argv)
{
	const char *config = NULL;
	int rc0 = kv_cli_common_options(argc, argv, "check-config", check_config_help, &config,
					NULL, NULL);
	if (rc0 >= 0)
		return rc0;

	const char *path = kv_cli_config_path(config);
	struct kv_diags d = {0};
	struct kv_setup s;
	enum kv_exit rc = kv_setup_load(path, &s, &d);
	if (s.cfg != NULL)
		kv_push_check(s.cfg, &d); /* the same rules as push */
	if (d.n > 0) {
		kv_diags_print(&d, stderr);
		fprintf(stderr, "kvalind: configuration \"%s\" has %zu error%s\n", path, d.n,
			d.n == 1 ? "" : "s");
		if (rc == KV_EXIT_OK)
			rc = KV_EXIT_CONFIG;
	} else {
		const char *office = kv_core_settings(s.cfg)->office.id;
		printf("configuration \"%s\" is valid\n", path);
		printf("  office:     %s\n", office ? office : "?");
		if (s.connector.plugin != NULL)
			printf("  connector:  %s %s (%s)\n", s.connector.plugin->name,
			       s.connector.plugin->header->version, s.connector.plugin->path);
		for (size_t i = 0; i < s.n_indicators; i++) {
			const struct kv_plugin *p = s.indicators[i].plugin;
			printf("  indicator:  %s %s, %zu indicator%s (%s)\n", p->name,
			       p->header->version, p->indicator->n_indicators,
			       p->indicator->n_indicators == 1 ? "" : "s", p->path);
		}
	}
	kv_diags_free(&d);
	kv_setup_free(&s);
	return rc;
}

/* Markdown table cells: a '|' would end the cell. */
static void print_cell(const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '|')
			putchar('\\');
		putchar(*p);
	}
}

static void print_key(const char *section, const struct kv_config_key *k, bool markdown)
{
	const char *def = k->default_value ? k->default_value : "";
	if (markdown) {
		char type[160];
		if (k->type == KV_CONFIG_ENUM || (k->type == KV_CONFIG_INT && k->allowed))
			kv_snprintf(type, sizeof type, "%s %s", kv_config_type_name(k->type),
				    k->allowed);
		else
			kv_snprintf(type, sizeof type, "%s", kv_config_type_name(k->type));
		printf("| `%s` | ", k->key);
		print_cell(type);
		printf(" | %s%s%s | %s | ", *def ? "`" : "", def, *def ? "`" : "",
		       k->required ? "yes" : "no");
		print_cell(k->description);
		printf(" |\n");
	} else {
		printf("%s\t%s\t%s\t%s\t%s\n", section, k->key, kv_config_type_name(k->type),
		       *def ? def : "-", k->required ? "required" : "optional");
	}
}

static void print_section(const char *section, const char *description,
			  const struct kv_config_key *a, size_t na,
			  const struct kv_config_key *b, size_t nb, bool markdown)
{
	if (markdown)
		printf("\n#### `[%s]`\n\n%s\n\n| key | type | default | required | meaning |\n"
		       "|---|---|---|---|---|\n",
		       section, description);
	for (size_t i = 0; i < na; i++)
		print_key(section, &a[i], markdown);
	for (size_t i = 0; i < nb; i++)
		print_key(section, &b[i], markdown);
}

static void list_plugin_keys(const char *dir, bool markdown, int *refused)
{
	char err[1024];
	char **names = NULL;
	int n = kv_plugin_scan(dir, &names, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "kvalind: warning: %s\n", err);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct kv_plugin *p = NULL;
		if (kv_plugin_load(dir, names[i], KV_PLUGIN_ANY_KIND, &p, err, sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			(*refused)++;
		} else {
			char section[64], desc[512];
			size_t nk;
			const struct kv_config_key *keys = kv_plugin_keys(p, &nk);
			enum kv_plugin_kind kind = p->kind;
			kv_snprintf(section, sizeof section, "%s.%s", kv_plugin_kind_name(kind),
				    p->name);
			kv_snprintf(desc, sizeof desc, "The %s plugin `%s`: %s.",
				    kv_plugin_kind_name(kind), p->name, p->header->description);
			if (kind == KV_PLUGIN_CONNECTOR)
				print_section(section, desc, kv_connector_section_keys,
					      kv_n_connector_section_keys, keys, nk, markdown);
			else
				print_section(section, desc, kv_indicator_section_keys,
					      kv_n_indicator_section_keys, keys, nk, markdown);
			kv_plugin_unload(p);
		}
		free(names[i]);
	}
	free(names);
}

static const char list_keys_help[] =
	"Usage: kvalind list-keys [--config FILE] [--markdown]\n"
	"\n"
	"List every configuration key the core declares and every key of\n"
	"the plugins found in the plugin directories: section, key, type,\n"
	"default, required. --markdown prints the README's reference\n"
	"tables. Without --config, or when the file is missing, the\n"
	"built-in plugin directories are used.\n"
	"\n" KV_EXIT_CODES_HELP;

int kv_cmd_list_keys(int argc, char **argv)
{
	const char *config = NULL;
	bool markdown = false;
	int rc0 = kv_cli_common_options(argc, argv, "list-keys", list_keys_help, &config, &markdown,
					NULL);
	if (rc0 >= 0)
		return rc0;
	struct kv_diags d = {0};
	struct kv_config *cfg = config ? kv_config_load(config, &d) : NULL;
	if (config != NULL && cfg == NULL) {
		kv_diags_print(&d, stderr);
		kv_diags_free(&d);
		return KV_EXIT_CONFIG;
	}
	char cdir[4096], idir[4096];
	kv_setup_plugin_dirs(cfg, cdir, idir, sizeof cdir);
	for (size_t i = 0; i < kv_n_core_sections; i++) {
		const struct kv_config_section *s = &kv_core_sections[i];
		struct kv_config_key *keys = kv_setting_keys(s->settings, s->n_settings);
		print_section(s->name, s->description, keys, s->n_settings, NULL, 0, markdown);
		free(keys);
	}
	int refused = 0;
	list_plugin_keys(cdir, markdown, &refused);
	if (strcmp(cdir, idir) != 0)
		list_plugin_keys(idir, markdown, &refused);
	kv_config_free(cfg);
	kv_diags_free(&d);
	return refused ? KV_EXIT_PLUGIN : KV_EXIT_OK;
}
