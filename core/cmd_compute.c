/*
 * cmd_compute.c - `kvalind compute`: indicators for a range of months
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "engine.h"
#include "results.h"
#include "setup.h"
#include "util.h"

static const char compute_help[] =
    "Usage: kvalind compute [--config FILE] --from YYYY-MM --to YYYY-MM\n"
    "                       [--by gp] [--format csv|json] [--output FILE]\n"
    "\n"
    "Compute every enabled indicator for every reference month from --from to\n"
    "--to (inclusive) in one pass over the record system. The results are\n"
    "exact local counts that never leave the office.\n"
    "\n"
    "  -c, --config FILE   the configuration\n"
    "  -f, --from YYYY-MM  first reference month\n"
    "  -t, --to YYYY-MM    last reference month\n"
    "      --by gp         also count per list holder: a gp column, \"all\" for the\n"
    "                      office, the GP's number for each GP's list (the GP whose\n"
    "                      list holds the patient at each month's end), 0 for\n"
    "                      patients on no list\n"
    "      --format F      csv (default) or json\n"
    "  -o, --output FILE   write the results here instead of standard output\n"
    "\n" KV_EXIT_CODES_HELP;

struct compute_args {
	const char *config;
	const char *output;
	int from, to;
	bool json;
	bool by_gp;
};

static int parse_args(int argc, char **argv, struct compute_args *a)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"format", required_argument, NULL, 'F'},
		{"by", required_argument, NULL, 'B'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL;
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:f:t:o:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			a->config = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "json") == 0)
				a->json = true;
			else if (strcmp(optarg, "csv") != 0)
				return kv_cli_usage_error("compute",
							  "--format is csv or json, not \"%s\"",
							  optarg);
			break;
		case 'B':
			if (strcmp(optarg, "gp") != 0)
				return kv_cli_usage_error("compute", "--by takes gp, not \"%s\"",
							  optarg);
			a->by_gp = true;
			break;
		default:
			return kv_cli_other_option("compute", compute_help, opt, argv);
		}
	}
	if (optind < argc)
		return kv_cli_usage_error("compute", "unexpected argument \"%s\"", argv[optind]);
	if (from == NULL || to == NULL)
		return kv_cli_usage_error("compute", "--from and --to are required");
	return kv_cli_month_range("compute", "--from", from, "--to", to, &a->from, &a->to,
				  false);
}

static int write_results(const struct compute_args *a, const struct kv_result *res,
			 const struct kv_result_meta *meta)
{
	char err[1024];
	if (a->output == NULL) {
		int rc = a->json ? kv_results_write_json(stdout, res, meta) :
				   kv_results_write_csv(stdout, res, meta);
		if (rc != 0 || fflush(stdout) != 0) {
			fprintf(stderr, "kvalind: error: could not write the results to standard "
					"output\n");
			return KV_EXIT_FAILURE;
		}
		return KV_EXIT_OK;
	}
	struct kv_atomic_file f;
	if (kv_atomic_open(&f, a->output, 0640, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return KV_EXIT_FAILURE;
	}
	int rc = a->json ? kv_results_write_json(f.fp, res, meta) :
			   kv_results_write_csv(f.fp, res, meta);
	if (rc != 0) {
		kv_atomic_abort(&f);
		fprintf(stderr, "kvalind: error: could not write \"%s\"\n", a->output);
		return KV_EXIT_FAILURE;
	}
	if (kv_atomic_commit(&f, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return KV_EXIT_FAILURE;
	}
	return KV_EXIT_OK;
}

int kv_cmd_compute(int argc, char **argv)
{
	struct compute_args a = {0};
	struct kv_result res = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	const char *path = kv_cli_config_path(a.config);
	struct kv_diags d = {0};
	struct kv_setup s;
	rc = kv_setup_load(path, &s, &d);
	if (d.n > 0) {
		kv_diags_print(&d, stderr);
		if (rc == KV_EXIT_OK)
			rc = KV_EXIT_CONFIG;
		goto done;
	}
	if (s.n_indicators == 0) {
		fprintf(stderr, "kvalind: error: %s: no enabled [indicator.NAME] section; nothing to "
				"compute\n",
			path);
		rc = KV_EXIT_CONFIG;
		goto done;
	}
	struct kv_engine_options opts = {.progress = isatty(STDERR_FILENO) == 1,
					 .by_holder = a.by_gp};
	if (kv_engine_run_with(&s, a.from, a.to, &opts, &res) != 0) {
		fprintf(stderr, "kvalind: error: %s; no results were written\n", res.failure);
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	const struct kv_ctx *ictx[64];
	size_t n_ictx = 0;
	for (size_t k = 0; k < s.n_indicators && n_ictx < 64; k++)
		ictx[n_ictx++] = s.indicators[k].ctx;
	struct kv_result_meta meta = {
		.office = kv_core_settings(s.cfg)->office.id,
		.catalogue_version = kv_value_sets_catalogue(s.value_sets),
		.value_set_version = kv_value_sets_version(s.value_sets),
		.connector = s.connector.ctx,
		.indicators = ictx,
		.n_indicators = n_ictx,
	};
	rc = write_results(&a, &res, &meta);
	kv_results_write_summary(stderr, &res, &meta);
	if (rc == KV_EXIT_OK && res.plugin_failures[0] != '\0') {
		fprintf(stderr, "kvalind: error: indicator plugins failed: %s\n",
			res.plugin_failures);
		rc = KV_EXIT_FAILURE;
	}
done:
	kv_result_free(&res);
	kv_diags_free(&d);
	kv_setup_free(&s);
	return rc;
}
