/*
 * cli_options.c - the options most kvalind commands share:
 * --config FILE, --help, and for the listing commands --markdown
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "privdrop.h"
#include "util.h"
#include "setup.h"

int kv_cli_common_options(int argc, char **argv, const char *command, const char *help,
			  const char **config, bool *markdown, const char *operand)
{
	static const struct option with_markdown[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"markdown", no_argument, NULL, 'm'},
		{NULL, 0, NULL, 0},
	};
	static const struct option without_markdown[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, markdown ? "+:c:hm" : "+:c:h",
				  markdown ? with_markdown : without_markdown, NULL)) != -1) {
		switch (opt) {
		case 'c':
			*config = optarg;
			break;
		case 'm':
			*markdown = true;
			break;
		default:
			return kv_cli_other_option(command, help, opt, argv);
		}
	}
	int wanted = operand != NULL ? 1 : 0;
	if (argc - optind > wanted)
		return kv_cli_usage_error(command, "unexpected argument \"%s\"", argv[optind + wanted]);
	if (argc - optind < wanted)
		return kv_cli_usage_error(command, "expected %s", operand);
	return -1;
}

int kv_cli_other_option(const char *command, const char *help, int opt, char **argv)
{
	if (opt == 'h') {
		fputs(help, stdout);
		return KV_EXIT_OK;
	}
	if (opt == ':')
		return kv_cli_usage_error(command, "option \"%s\" needs a value", argv[optind - 1]);
	return kv_cli_usage_error(command, "unknown option \"%s\"", argv[optind - 1]);
}

int kv_cli_become_user(const struct kv_config *cfg)
{
	if (geteuid() != 0)
		return 0;
	const char *user = kv_core_settings(cfg)->core.user;
	if (user == NULL || user[0] == '\0')
		return 0;
	char err[512];
	if (kv_drop_privileges(user, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return -1;
	}
	return 0;
}

int kv_cli_month_range(const char *command, const char *from_opt, const char *from,
		       const char *to_opt, const char *to, int *first, int *last, bool ended_only)
{
	if (!kv_parse_month(from, first))
		return kv_cli_usage_error(command, "%s \"%s\" is not a month as YYYY-MM", from_opt,
					  from);
	if (!kv_parse_month(to, last))
		return kv_cli_usage_error(command, "%s \"%s\" is not a month as YYYY-MM", to_opt, to);
	if (*last < *first)
		return kv_cli_usage_error(command, "--to %s is before --from %s", to, from);
	if (*last - *first >= 1200)
		return kv_cli_usage_error(command, "--from %s --to %s spans more than 100 years",
					  from, to);
	if (ended_only) {
		/* a running month's counts are not final */
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		if (*last >= (tm.tm_year + 1900) * 12 + tm.tm_mon)
			return kv_cli_usage_error(command,
						  "month %s has not ended yet; the latest month "
						  "that can be exported is the previous one",
						  to);
	}
	return -1;
}
