/*
 * hub_cmd_list.c - kvalind-hub list: what arrived, one line per extract
 */
#include "hub_cmd.h"

#include <stdio.h>

static const char list_help[] =
    "Usage: kvalind-hub list [--participant ID] [--config FILE]\n"
    "\n"
    "What arrived, one line per extract: participant, month, extract id, when\n"
    "it was received (UTC) and the extract that superseded it (\"-\": current).\n"
    "\n" HUB_EXIT_CODES_HELP;


int hub_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"participant", required_argument, NULL, 'p'},
					     {0}};
	const char *config = NULL, *id = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(list_help, stdout);
			return HUB_EXIT_OK;
		} else if (c == 'c') {
			config = optarg;
		} else if (c == 'p') {
			id = optarg;
		} else {
			return hub_usage_error("list", "unknown option");
		}
	}
	if (optind != argc)
		return hub_usage_error("list", "too many operands");
	struct hub_config cfg;
	PGconn *db;
	int rc = hub_open_config_db(config, &cfg, &db);
	if (rc != 0)
		return rc;
	const char *p[] = {id};
	PGresult *r = PQexecParams(db,
				   "SELECT participant, to_char(month, 'YYYY-MM'), extract_id,"
				   " to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
				   " coalesce(superseded_by, '-')"
				   " FROM extracts WHERE $1::text IS NULL OR participant = $1"
				   " ORDER BY participant, month, received_at",
				   1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		hub_log(KV_LOG_ERROR, "database: %s", PQresultErrorMessage(r));
		rc = HUB_EXIT_FAILURE;
	} else {
		int n = PQntuples(r);
		printf("%-20s %-7s  %-45s %-19s  %s\n", "participant", "month", "extract",
		       "received (UTC)", "superseded by");
		for (int i = 0; i < n; i++)
			printf("%-20s %-7s  %-45s %-19s  %s\n", PQgetvalue(r, i, 0),
			       PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
			       PQgetvalue(r, i, 4));
		printf("list: %d extract%s\n", n, n == 1 ? "" : "s");
	}
	PQclear(r);
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}
