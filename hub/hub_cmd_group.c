/*
 * hub_cmd_group.c - kvalind-hub group: assign an office to a group, or
 * remove it
 */
#include "hub_cmd.h"

#include <stdio.h>

static const char group_help[] =
    "Usage: kvalind-hub group ID --add G | --remove G [--config FILE]\n"
    "\n"
    "Assign the office ID to group G, or remove it (groups such as financing\n"
    "model or region, e.g. financing:rfv, region:vest).\n"
    "\n" HUB_EXIT_CODES_HELP;


int hub_cmd_group(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"add", required_argument, NULL, 'a'},
					     {"remove", required_argument, NULL, 'r'},
					     {0}};
	const char *config = NULL, *group = NULL;
	bool add = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(group_help, stdout);
			return HUB_EXIT_OK;
		} else if (c == 'c') {
			config = optarg;
		} else if ((c == 'a' || c == 'r') && group == NULL) {
			if (!hub_valid_group(optarg))
				return hub_usage_error("group", "a group is 1 to 100 letters, digits, "
								"'_', '.', ':', '=' or '-'");
			group = optarg;
			add = c == 'a';
		} else {
			return hub_usage_error("group", "unknown or repeated option");
		}
	}
	if (optind + 1 != argc)
		return hub_usage_error("group", "group takes one operand, the participant id");
	if (group == NULL)
		return hub_usage_error("group", "group needs --add G or --remove G");
	const char *id = argv[optind];
	struct hub_config cfg;
	PGconn *db;
	int rc = hub_open_participant(config, id, &cfg, &db);
	if (rc != 0)
		return rc;
	char err[1024];
	int n = hub_db_group(db, id, group, add, err, sizeof err);
	if (n < 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		rc = HUB_EXIT_FAILURE;
	} else {
		printf("group: %s %s %s%s\n", id, add ? "added to" : "removed from", group,
		       n == 0 ? " (no change)" : "");
	}
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}
