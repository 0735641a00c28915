/*
 * main.c - kvalind-hub: dispatch to the receiving side's commands
 *
 * One file a command, hub_cmd_NAME.c (the evaluation commands panel, did,
 * report, register-lead and revoke-lead: hub_cmd_analysis.c); what they
 * share is hub_cmd_common.c. Output for people goes to stdout, errors to
 * stderr as "kvalind-hub: error: ...". Exit codes as kvalind's (HUB_EXIT_*).
 */
#include "hub_cmd.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gsl/gsl_errno.h>

#ifndef KV_VERSION
#define KV_VERSION "0.1.0"
#endif

static const char main_help[] =
    "Usage: kvalind-hub COMMAND [OPTIONS]\n"
    "\n"
    "The receiving side of kvalind: accepts the offices' extracts over HTTPS\n"
    "(client certificates from the hub's CA), checks them and stores them in\n"
    "PostgreSQL.\n"
    "\n"
    "Commands:\n"
    "  serve                  run the HTTPS receiver (and the reports) until SIGTERM\n"
    "  init-ca DIR            make a hub CA and server certificate in DIR\n"
    "  register ID            register an office and issue its client certificate\n"
    "  revoke ID              refuse everything from an office from now on\n"
    "  group ID --add G | --remove G   assign or remove a group (e.g. region:vest)\n"
    "  list                   what arrived: participant, month, extract, received, superseded\n"
    "  missing [ID]           months without an extract, per office\n"
    "  panel --indicator ID   the evaluation panel as CSV (office, group, period, counts)\n"
    "  did --indicator ID ... difference-in-differences, laid out like table 10\n"
    "  report --out DIR       the comparison report (HTML, SVG charts) into DIR\n"
    "  register-lead NAME     register a quality lead and issue its client certificate\n"
    "  revoke-lead NAME       refuse a quality lead from now on\n"
    "  check-config           check the configuration file\n"
    "  version                print the version\n"
    "\n"
    "Every command takes --help. The configuration is --config FILE, else\n"
    "$KVALIND_HUB_CONFIG, else " KV_HUB_DEFAULT_CONFIG ".\n"
    "\n" HUB_EXIT_CODES_HELP;

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"serve", hub_cmd_serve},
	{"init-ca", hub_cmd_init_ca},
	{"register", hub_cmd_register},
	{"revoke", hub_cmd_revoke},
	{"group", hub_cmd_group},
	{"list", hub_cmd_list},
	{"missing", hub_cmd_missing},
	{"panel", hub_cmd_panel},
	{"did", hub_cmd_did},
	{"report", hub_cmd_report},
	{"register-lead", hub_cmd_register_lead},
	{"revoke-lead", hub_cmd_revoke_lead},
	{"check-config", hub_cmd_check_config},
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return hub_usage_error("", "a command is needed");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(main_help, stdout);
		return HUB_EXIT_OK;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("kvalind-hub %s (extract format %s %d)\n", KV_VERSION, KV_EXTRACT_FORMAT_NAME,
		       KV_EXTRACT_FORMAT_VERSION);
		return HUB_EXIT_OK;
	}
	/* GSL's default handler aborts; the analysis library checks its inputs and
	 * GSL's return values instead. */
	gsl_set_error_handler_off();
	if (gnutls_global_init() < 0) {
		fprintf(stderr, "%s: error: cannot initialise GnuTLS\n", HUB_PROG);
		return HUB_EXIT_FAILURE;
	}
	size_t i = 0;
	while (i < KV_ARRAY_SIZE(commands) && strcmp(cmd, commands[i].name) != 0)
		i++;
	int rc = i < KV_ARRAY_SIZE(commands) ? commands[i].run(argc - 1, argv + 1)
					     : hub_usage_error("", "unknown command \"%s\"", cmd);
	gnutls_global_deinit();
	return rc;
}
