/*
 * cmd_plugins.c - `kvalind list-plugins` and `kvalind describe-plugin`
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "setup.h"
#include "util.h"

/* The plugin directories: from --config (which must then be readable), else
 * from the default configuration if it exists, else the built-in ones. */
static int plugin_dirs(const char *config, char *cdir, char *idir, size_t size)
{
	struct kv_diags d = {0};
	struct kv_config *cfg = NULL;
	const char *path = kv_cli_config_path(config);
	cfg = kv_config_load(path, &d);
	if (cfg == NULL && config != NULL) {
		kv_diags_print(&d, stderr);
		kv_diags_free(&d);
		return KV_EXIT_CONFIG;
	}
	kv_setup_plugin_dirs(cfg, cdir, idir, size);
	kv_config_free(cfg);
	kv_diags_free(&d);
	return KV_EXIT_OK;
}

static const char list_help[] =
    "Usage: kvalind list-plugins [--config FILE]\n"
    "\n"
    "List the plugins in the connector and indicator directories: name, kind,\n"
    "plugin ABI, plugin version and, for indicator plugins, the indicators\n"
    "each provides. A plugin that fails the load checks is listed with the\n"
    "reason, and the exit status is then 4.\n"
    "\n"
    "  -c, --config FILE   take the plugin directories from this configuration\n"
    "\n" KV_EXIT_CODES_HELP;

static void list_dir(const char *dir, const char *title, int *refused)
{
	char err[1024];
	char **names = NULL;
	int n = kv_plugin_scan(dir, &names, err, sizeof err);
	printf("%s %s:\n", title, dir);
	if (n < 0) {
		printf("  (%s)\n", err);
		(*refused)++;
		return;
	}
	if (n == 0)
		printf("  (none)\n");
	for (int i = 0; i < n; i++) {
		struct kv_plugin *p = NULL;
		if (kv_plugin_load(dir, names[i], KV_PLUGIN_ANY_KIND, &p, err, sizeof err) != 0) {
			printf("  %-20s REFUSED: %s\n", names[i], err);
			(*refused)++;
		} else {
			printf("  %-20s %-9s  ABI %u.%u  version %s\n", p->name,
			       kv_plugin_kind_name(p->kind), p->header->abi_major,
			       p->header->abi_minor, p->header->version);
			if (p->indicator != NULL) {
				for (size_t j = 0; j < p->indicator->n_indicators; j++) {
					const struct kv_indicator_def *def = kv_plugin_indicator(p, j);
					printf("  %-20s   %s v%u  %s / %s\n", "", def->id,
					       (unsigned)def->version, def->title, def->title_nb);
				}
			}
			kv_plugin_unload(p);
		}
		free(names[i]);
	}
	free(names);
}

int kv_cmd_list_plugins(int argc, char **argv)
{
	const char *config = NULL;
	int rc = kv_cli_common_options(argc, argv, "list-plugins", list_help, &config, NULL, NULL);
	if (rc >= 0)
		return rc;
	char cdir[4096], idir[4096];
	rc = plugin_dirs(config, cdir, idir, sizeof cdir);
	if (rc != KV_EXIT_OK)
		return rc;
	int refused = 0;
	if (strcmp(cdir, idir) == 0) {
		list_dir(cdir, "Plugins in", &refused);
	} else {
		list_dir(cdir, "Connector directory", &refused);
		printf("\n");
		list_dir(idir, "Indicator directory", &refused);
	}
	return refused ? KV_EXIT_PLUGIN : KV_EXIT_OK;
}

static const char describe_help[] =
    "Usage: kvalind describe-plugin [--config FILE] NAME\n"
    "\n"
    "Describe the plugin NAME (looked for in the connector and the indicator\n"
    "directory): version, ABI, what it provides and every configuration key\n"
    "of its [connector.NAME] or [indicator.NAME] section with type, default\n"
    "and meaning.\n"
    "\n"
    "  -c, --config FILE   take the plugin directories from this configuration\n"
    "\n" KV_EXIT_CODES_HELP;

static void describe_keys(const char *section, const struct kv_config_key *a, size_t na,
			  const struct kv_config_key *b, size_t nb)
{
	printf("\nConfiguration keys of [%s]:\n", section);
	for (size_t i = 0; i < na + nb; i++) {
		const struct kv_config_key *k = i < na ? &a[i] : &b[i - na];
		printf("  %s\n", k->key);
		printf("      type: %s%s%s", kv_config_type_name(k->type), k->allowed ? " " : "",
		       k->allowed ? k->allowed : "");
		if (k->required)
			printf(", required");
		else if (k->default_value != NULL)
			printf(", default %s", k->default_value);
		else
			printf(", optional");
		printf("\n      %s\n", k->description);
	}
}

static void describe(const struct kv_plugin *p)
{
	char section[64];
	size_t nk;
	const struct kv_config_key *keys = kv_plugin_keys(p, &nk);
	kv_snprintf(section, sizeof section, "%s.%s", kv_plugin_kind_name(p->kind), p->name);
	printf("%s plugin %s, version %s, ABI %u.%u\n  %s\n  file: %s\n",
	       p->kind == KV_PLUGIN_CONNECTOR ? "Connector" : "Indicator", p->name,
	       p->header->version, p->header->abi_major, p->header->abi_minor,
	       p->header->description, p->path);
	if (p->indicator != NULL) {
		printf("\nIndicators:\n");
		for (size_t j = 0; j < p->indicator->n_indicators; j++) {
			const struct kv_indicator_def *def = kv_plugin_indicator(p, j);
			printf("  %s v%u, %s, %s\n", def->id, (unsigned)def->version,
			       def->type == KV_INDICATOR_MEAN ? "mean" : "proportion",
			       def->direction > 0 ? "higher is better" :
			       def->direction < 0 ? "lower is better" : "neither higher nor lower "
									"is better");
			printf("      %s\n      %s\n", def->title, def->title_nb);
			printf("      numerator:   %s\n      denominator: %s\n", def->numerator,
			       def->denominator);
		}
		describe_keys(section, kv_indicator_section_keys, kv_n_indicator_section_keys, keys,
			      nk);
	} else {
		describe_keys(section, kv_connector_section_keys, kv_n_connector_section_keys, keys,
			      nk);
	}
}

int kv_cmd_describe_plugin(int argc, char **argv)
{
	const char *config = NULL;
	int rc = kv_cli_common_options(argc, argv, "describe-plugin", describe_help, &config, NULL,
				       "a plugin NAME");
	if (rc >= 0)
		return rc;
	const char *name = argv[optind];
	char err[1024];
	if (kv_plugin_check_name(name, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return KV_EXIT_USAGE;
	}
	char cdir[4096], idir[4096];
	rc = plugin_dirs(config, cdir, idir, sizeof cdir);
	if (rc != KV_EXIT_OK)
		return rc;
	int found = 0;
	const char *dirs[2] = {cdir, idir};
	for (int i = 0; i < (strcmp(cdir, idir) == 0 ? 1 : 2); i++) {
		char path[4200];
		if (kv_snprintf(path, sizeof path, "%s/%s.so", dirs[i], name) != 0)
			continue;
		struct kv_plugin *p = NULL;
		if (access(path, F_OK) != 0)
			continue;
		found++;
		if (kv_plugin_load(dirs[i], name, KV_PLUGIN_ANY_KIND, &p, err, sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			return KV_EXIT_PLUGIN;
		}
		if (found > 1)
			printf("\n");
		describe(p);
		kv_plugin_unload(p);
	}
	if (found == 0) {
		fprintf(stderr,
			"kvalind: error: no plugin \"%s\" in %s or %s; 'kvalind list-plugins' "
			"lists them\n",
			name, cdir, idir);
		return KV_EXIT_PLUGIN;
	}
	return KV_EXIT_OK;
}

static const char indicators_help[] =
    "Usage: kvalind list-indicators [--config FILE] [--markdown]\n"
    "\n"
    "List every indicator the installed indicator plugins provide, sorted by\n"
    "ID: plugin, type, which way is better, the English and Norwegian title,\n"
    "numerator and denominator. --markdown prints the README's table.\n"
    "\n"
    "  -c, --config FILE   take the plugin directory from this configuration\n"
    "\n" KV_EXIT_CODES_HELP;

struct listed_indicator {
	const struct kv_indicator_def *def;
	const char *plugin;
};

static int compare_listed(const void *a, const void *b)
{
	return strcmp(((const struct listed_indicator *)a)->def->id,
		      ((const struct listed_indicator *)b)->def->id);
}

static const char *direction_word(int32_t d)
{
	return d > 0 ? "higher" : d < 0 ? "lower" : "neither";
}

int kv_cmd_list_indicators(int argc, char **argv)
{
	const char *config = NULL;
	bool markdown = false;
	int rc = kv_cli_common_options(argc, argv, "list-indicators", indicators_help, &config,
				       &markdown, NULL);
	if (rc >= 0)
		return rc;
	char cdir[4096], idir[4096], err[1024];
	rc = plugin_dirs(config, cdir, idir, sizeof cdir);
	if (rc != KV_EXIT_OK)
		return rc;
	char **names = NULL;
	int n = kv_plugin_scan(idir, &names, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return KV_EXIT_PLUGIN;
	}
	struct kv_plugin **loaded = calloc((size_t)n + 1, sizeof *loaded);
	struct listed_indicator *list = NULL;
	size_t count = 0;
	rc = KV_EXIT_OK;
	for (int i = 0; i < n; i++) {
		if (kv_plugin_load(idir, names[i], KV_PLUGIN_ANY_KIND, &loaded[i], err, sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			rc = KV_EXIT_PLUGIN;
			continue;
		}
		const struct kv_plugin *p = loaded[i];
		if (p->kind != KV_PLUGIN_INDICATOR)
			continue;
		list = kv_xrealloc(list, count + p->indicator->n_indicators, sizeof *list);
		for (size_t j = 0; j < p->indicator->n_indicators; j++)
			list[count++] = (struct listed_indicator){kv_plugin_indicator(p, j), p->name};
	}
	if (count > 0)
		qsort(list, count, sizeof *list, compare_listed);
	if (markdown)
		printf("| ID | plugin | title | tittel | numerator | denominator | better |\n"
		       "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < count; i++) {
		const struct kv_indicator_def *d = list[i].def;
		if (markdown)
			printf("| `%s` | %s | %s | %s | %s%s | %s | %s |\n", d->id, list[i].plugin,
			       d->title, d->title_nb, d->type == KV_INDICATOR_MEAN ? "(mean) " : "",
			       d->numerator, d->denominator, direction_word(d->direction));
		else
			printf("%s\t%s\t%s\t%s better\t%s\t%s\n  numerator:   %s\n  denominator: %s\n",
			       d->id, list[i].plugin,
			       d->type == KV_INDICATOR_MEAN ? "mean" : "proportion",
			       direction_word(d->direction), d->title, d->title_nb, d->numerator,
			       d->denominator);
	}
	for (int i = 0; i < n; i++) {
		kv_plugin_unload(loaded[i]);
		free(names[i]);
	}
	free(loaded);
	free(names);
	free(list);
	return rc;
}
