/*
 * hub_cmd_revoke.c - kvalind-hub revoke: refuse everything from an office
 * from now on
 */
#include "hub_cmd.h"

#include <stdio.h>

static const char revoke_help[] =
    "Usage: kvalind-hub revoke ID [--config FILE]\n"
    "\n"
    "Refuse everything from the office ID from now on (checked per request, so\n"
    "without a restart). What it sent before stays stored.\n"
    "\n" HUB_EXIT_CODES_HELP;


int hub_cmd_revoke(int argc, char **argv)
{
	const char *config = NULL;
	int rc = hub_cmd_options(argc, argv, revoke_help, NULL, &config, "the participant id");
	if (rc != -1)
		return rc;
	const char *id = argv[optind];
	struct hub_config cfg;
	PGconn *db;
	rc = hub_open_participant(config, id, &cfg, &db);
	if (rc != 0)
		return rc;
	char err[1024];
	int n = hub_db_set_revoked(db, id, err, sizeof err);
	if (n < 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		rc = HUB_EXIT_FAILURE;
	} else {
		printf("revoke: %s %s\n", id, n == 0 ? "was revoked already" : "revoked");
	}
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}
