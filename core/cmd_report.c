/*
 * cmd_report.c - `kvalind report`: the office's own report pages, one for
 * the office and one per GP, for the last 12 (to 24) months
 *
 * One pass over the record system (local_report.h): each indicator's
 * monthly counts for the office and per GP, and the patients who need
 * follow-up in the report's month. The pages go to a directory only the
 * running user can enter (report_dir.h), never to the state directory, the
 * log or the outbox. Whoever may run this can read the configuration and
 * the database password, so can read the record system itself.
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "local_report.h"
#include "setup.h"
#include "util.h"

static const char report_help[] =
    "Usage: kvalind report [--config FILE] --month YYYY-MM [--out DIR] [--months N]\n"
    "\n"
    "Write the office's own report pages into DIR: index.html for the office and\n"
    "gp-ID.html for each GP (no-gp.html for the patients on no GP's list). For\n"
    "every indicator: its definition, the last N months as a chart of the GP's\n"
    "list against the office, the exact counts, and the patients who need\n"
    "follow-up in the month. Self-contained HTML (no script, nothing fetched),\n"
    "for the screen and for printing. The pages never leave the office: DIR is\n"
    "made 0700, one that group or others can enter is refused, and each page is\n"
    "written 0600. Pages of GPs no longer in the report are removed.\n"
    "\n"
    "  -c, --config FILE     the configuration\n"
    "  -m, --month YYYY-MM   the report's month (the last one shown)\n"
    "  -o, --out DIR         the directory (default: [local_report] directory)\n"
    "  -n, --months N        how many months, 12 to 24 (default: [local_report]\n"
    "                        months, 12)\n"
    "\n" KV_EXIT_CODES_HELP;

struct report_args {
	const char *config;
	const char *out;
	int month;
	long long months; /* 0: from the configuration */
};

static int parse_args(int argc, char **argv, struct report_args *a)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"month", required_argument, NULL, 'm'},
		{"out", required_argument, NULL, 'o'},
		{"months", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *month = NULL;
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:m:o:n:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			a->config = optarg;
			break;
		case 'm':
			month = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'n':
			if (!kv_parse_int64(optarg, &a->months) ||
			    a->months < KV_LOCAL_REPORT_MONTHS_MIN ||
			    a->months > KV_LOCAL_REPORT_MONTHS_MAX)
				return kv_cli_usage_error("report", "--months takes %d to %d, not \"%s\"",
							  KV_LOCAL_REPORT_MONTHS_MIN,
							  KV_LOCAL_REPORT_MONTHS_MAX, optarg);
			break;
		default:
			return kv_cli_other_option("report", report_help, opt, argv);
		}
	}
	if (optind < argc)
		return kv_cli_usage_error("report", "unexpected argument \"%s\"", argv[optind]);
	if (month == NULL)
		return kv_cli_usage_error("report", "--month is required");
	if (a->out != NULL && a->out[0] == '\0')
		return kv_cli_usage_error("report", "--out names a directory");
	return kv_cli_month_range("report", "--month", month, "--month", month, &a->month,
				  &a->month, true);
}

int kv_cmd_report(int argc, char **argv)
{
	struct report_args a = {0};
	struct kv_diags d = {0};
	struct kv_setup s;
	char err[2048];
	memset(&s, 0, sizeof s);
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = kv_setup_load(kv_cli_config_path(a.config), &s, &d);
	if (d.n > 0) {
		kv_diags_print(&d, stderr);
		if (rc == KV_EXIT_OK)
			rc = KV_EXIT_CONFIG;
		goto done;
	}
	const struct kv_local_report_settings *lr = &kv_core_settings(s.cfg)->local_report;
	const char *dir = a.out != NULL ? a.out : lr->directory;
	if (dir == NULL || dir[0] == '\0') {
		rc = kv_cli_usage_error("report", "--out is required ([local_report] directory is "
						  "not set)");
		goto done;
	}
	int months = (int)(a.months != 0 ? a.months : lr->months);
	size_t pages, holders;
	rc = KV_EXIT_FAILURE;
	if (kv_local_report_run(&s, a.month, months, dir, isatty(STDERR_FILENO) == 1, &pages,
				&holders, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: report: %s\n", err);
		goto done;
	}
	printf("The report for %04d-%02d (%d months): %s/index.html and %zu page%s of GP "
	       "lists, readable by this user only.\n",
	       a.month / 12, a.month % 12 + 1, months, dir, pages - 1, pages == 2 ? "" : "s");
	rc = KV_EXIT_OK;
done:
	kv_diags_free(&d);
	kv_setup_free(&s);
	return rc;
}
