/*
 * hub_cmd_check_config.c - kvalind-hub check-config: read and check the
 * configuration, every problem as FILE:LINE: message; --help lists the keys
 */
#include "hub_cmd.h"

#include <stdio.h>

static const char check_config_help[] =
    "Usage: kvalind-hub check-config [--config FILE]\n"
    "\n"
    "Check the configuration: every unknown section or key, missing required\n"
    "key and bad value, as FILE:LINE: message. Keys:\n";

/* After the help: every section and key, with its description and default. */
static void print_keys(void)
{
	for (size_t i = 0; i < hub_n_sections; i++) {
		const struct kv_config_section *s = &hub_sections[i];
		printf("\n  [%s] %s\n", s->name, s->description);
		for (size_t j = 0; j < s->n_settings; j++) {
			const struct kv_config_key *k = &s->settings[j].key;
			printf("    %-18s %s%s%s%s\n", k->key, k->description,
			       k->default_value ? " (default " : "",
			       k->default_value ? k->default_value : "",
			       k->default_value ? ")" : "");
		}
	}
	printf("\n%s", HUB_EXIT_CODES_HELP);
}

int hub_cmd_check_config(int argc, char **argv)
{
	const char *config = NULL;
	int rc = hub_cmd_options(argc, argv, check_config_help, print_keys, &config, NULL);
	if (rc != -1)
		return rc;
	struct hub_config cfg;
	rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	printf("%s: ok\n", cfg.path);
	hub_config_free(&cfg);
	return HUB_EXIT_OK;
}
