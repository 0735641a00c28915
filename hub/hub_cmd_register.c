/*
 * hub_cmd_register.c - kvalind-hub register: an office, its groups and its
 * client certificate from the hub CA
 */
#include "hub_cmd.h"

#include <stdio.h>
#include <string.h>

static const char register_help[] =
    "Usage: kvalind-hub register ID [--group G ...] [--team-start YYYY-MM]\n"
    "                           [--out DIR] [--reissue] [--config FILE]\n"
    "\n"
    "Register the office with participant id ID (its [office] id) and issue its\n"
    "client certificate from the hub CA ([tls] ca_cert and ca_key): DIR/ID.key\n"
    "(0600), DIR/ID.pem and DIR/ca.pem, for the office's [push] client_key,\n"
    "client_cert and ca_file. DIR defaults to [hub] data_dir/issued/ID.\n"
    "\n"
    "  --group G            a group, e.g. financing:rfv or region:vest (repeatable)\n"
    "  --team-start YYYY-MM the first month of its primary-care-team period\n"
    "  --reissue            a new certificate for a registered office (its old\n"
    "                       certificate is refused from then on)\n"
    "\n" HUB_EXIT_CODES_HELP;


int hub_cmd_register(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"group", required_argument, NULL, 'g'},
					     {"team-start", required_argument, NULL, 't'},
					     {"out", required_argument, NULL, 'o'},
					     {"reissue", no_argument, NULL, 'r'},
					     {0}};
	const char *config = NULL, *team = NULL, *out = NULL, *groups[64];
	size_t n_groups = 0;
	bool reissue = false;
	int c, month;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(register_help, stdout);
			return HUB_EXIT_OK;
		case 'c':
			config = optarg;
			break;
		case 'g':
			if (!hub_valid_group(optarg))
				return hub_usage_error("register", "--group: 1 to 100 letters, digits, "
							       "'_', '.', ':', '=' or '-'");
			if (n_groups == KV_ARRAY_SIZE(groups))
				return hub_usage_error("register", "too many --group");
			groups[n_groups++] = optarg;
			break;
		case 't':
			if (strlen(optarg) != 7 || !kv_parse_month(optarg, &month))
				return hub_usage_error("register", "--team-start: expected YYYY-MM");
			team = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			reissue = true;
			break;
		default:
			return hub_usage_error("register", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return hub_usage_error("register", "register takes one operand, the participant id");
	const char *id = argv[optind];
	if (!kv_extract_valid_participant(id, strlen(id)))
		return hub_usage_error("register", "\"%s\" is not a participant id (1 to %d letters, "
					       "digits, '-' or '_')",
				   id, KV_EXTRACT_ID_MAX);
	struct hub_config cfg;
	PGconn *db;
	int rc = hub_open_issuer(config, &cfg, &db);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024], outdir[4200], serial[80];
	time_t not_after;
	if (hub_registration_is(hub_db_participant_exists(db, id, err, sizeof err), err, reissue,
				"participant", id) != 0)
		goto out;
	if (hub_issue_dir(&cfg, out, id, outdir, sizeof outdir) != 0)
		goto out;
	if (hub_ca_issue_client(cfg.ca_cert, cfg.ca_key, id, cfg.client_cert_days, outdir, serial,
				sizeof serial, &not_after, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	if (hub_db_register(db, id, team, serial, not_after, reissue, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	for (size_t i = 0; i < n_groups; i++)
		if (hub_db_group(db, id, groups[i], true, err, sizeof err) < 0) {
			hub_log(KV_LOG_ERROR, "%s", err);
			goto out;
		}
	printf("register: %s %s; certificate serial %s\n", id, reissue ? "reissued" : "registered",
	       serial);
	printf("  for its [push]: client_cert = %s/%s.pem, client_key = %s/%s.key, ca_file = "
	       "%s/ca.pem\n",
	       outdir, id, outdir, id, outdir);
	rc = HUB_EXIT_OK;
out:
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}
