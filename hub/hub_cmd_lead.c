/*
 * hub_cmd_lead.c - kvalind-hub register-lead and revoke-lead: a quality lead,
 * its groups and its client certificate from the hub CA
 */
#include "hub_cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEAD_GROUPS 64

static const char register_lead_help[] =
    "Usage: kvalind-hub register-lead NAME --group G [--group G ...] [--out DIR]\n"
    "                                 [--reissue] [--config FILE]\n"
    "\n"
    "Register a quality lead and issue its client certificate from the hub CA:\n"
    "subject CN \"lead:NAME\", OU \"lead\"; DIR/lead-NAME.key (0600),\n"
    "DIR/lead-NAME.pem and DIR/ca.pem (DIR defaults to [hub] data_dir/issued/\n"
    "lead-NAME). With it the lead reads https://HUB:PORT/reports/, where the\n"
    "offices of its groups are named and every other office is anonymous. A lead's\n"
    "certificate can never push an extract, and an office's never reads as a lead.\n"
    "NAME: 1 to 64 letters, digits, '_', '.' or '-'.\n"
    "\n"
    "  --group G   a group whose offices the lead may see (repeatable; at least one)\n"
    "  --reissue   a new certificate for a registered lead (the old one is refused\n"
    "              from then on); --group then replaces its groups\n"
    "\n" HUB_EXIT_CODES_HELP;

static const char revoke_lead_help[] =
    "Usage: kvalind-hub revoke-lead NAME [--config FILE]\n"
    "\n"
    "Refuse the quality lead NAME from the next request on.\n"
    "\n" HUB_EXIT_CODES_HELP;

int hub_cmd_register_lead(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"group", required_argument, NULL, 'g'},
					     {"out", required_argument, NULL, 'o'},
					     {"reissue", no_argument, NULL, 'r'},
					     {0}};
	const char *config = NULL, *out = NULL, *groups[MAX_LEAD_GROUPS];
	size_t n_groups = 0;
	bool reissue = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(register_lead_help, stdout);
			return HUB_EXIT_OK;
		case 'c':
			config = optarg;
			break;
		case 'g':
			if (!hub_valid_group(optarg) || n_groups == MAX_LEAD_GROUPS)
				return hub_usage_error("register-lead", "--group: a group name");
			groups[n_groups++] = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			reissue = true;
			break;
		default:
			return hub_usage_error("register-lead", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return hub_usage_error("register-lead", "register-lead takes one operand, the name");
	const char *name = argv[optind];
	if (!hub_valid_lead_name(name))
		return hub_usage_error("register-lead", "\"%s\" is not a lead name (1 to 64 letters, "
							"digits, '_', '.' or '-')",
				       name);
	if (n_groups == 0 && !reissue)
		return hub_usage_error("register-lead", "at least one --group is needed");
	struct hub_config cfg;
	PGconn *db;
	int rc = hub_open_issuer(config, &cfg, &db);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024], outdir[4200], serial[80], cn[80], stem[80];
	char *groups_literal = NULL;
	time_t not_after;
	if (hub_registration_is(hub_db_lead_exists(db, name, err, sizeof err), err, reissue,
				"quality lead", name) != 0)
		goto out;
	snprintf(cn, sizeof cn, "%s%s", HUB_LEAD_CN_PREFIX, name);
	snprintf(stem, sizeof stem, "lead-%s", name);
	if (hub_issue_dir(&cfg, out, stem, outdir, sizeof outdir) != 0)
		goto out;
	if (hub_ca_issue(cfg.ca_cert, cfg.ca_key, cn, HUB_LEAD_OU, stem, cfg.client_cert_days,
			 outdir, serial, sizeof serial, &not_after, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	if (n_groups > 0) {
		size_t len = 3;
		for (size_t i = 0; i < n_groups; i++)
			len += strlen(groups[i]) + 3;
		groups_literal = kv_xcalloc(1, len);
		size_t o = 0;
		groups_literal[o++] = '{';
		for (size_t i = 0; i < n_groups; i++)
			o += (size_t)snprintf(groups_literal + o, len - o, "%s\"%s\"", i ? "," : "",
					      groups[i]);
		groups_literal[o++] = '}';
	}
	if (hub_db_register_lead(db, name, groups_literal, serial, not_after, reissue, err,
				 sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	printf("register-lead: %s %s; certificate serial %s (CN=%s, OU=%s)\n", name,
	       reissue ? "reissued" : "registered", serial, cn, HUB_LEAD_OU);
	printf("  %s/%s.pem, %s/%s.key, %s/ca.pem: for a browser, e.g.\n"
	       "  openssl pkcs12 -export -in %s/%s.pem -inkey %s/%s.key -out %s.p12\n",
	       outdir, stem, outdir, stem, outdir, outdir, stem, outdir, stem, stem);
	rc = HUB_EXIT_OK;
out:
	free(groups_literal);
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}

int hub_cmd_revoke_lead(int argc, char **argv)
{
	const char *config = NULL;
	int rc = hub_cmd_options(argc, argv, revoke_lead_help, NULL, &config, "the name");
	if (rc != -1)
		return rc;
	const char *name = argv[optind];
	struct hub_config cfg;
	PGconn *db;
	rc = hub_open_config_db(config, &cfg, &db);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024];
	int exists = hub_db_lead_exists(db, name, err, sizeof err);
	if (exists <= 0) {
		hub_log(KV_LOG_ERROR, "%s", exists < 0 ? err : "no such quality lead");
		goto out;
	}
	int n = hub_db_revoke_lead(db, name, err, sizeof err);
	if (n < 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	printf("revoke-lead: %s %s\n", name, n == 0 ? "was revoked already" : "revoked");
	rc = HUB_EXIT_OK;
out:
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}
