/*
 * cmd_export.c - `kvalind export`, `kvalind preview --month` and
 * `kvalind list-relations`: computing, controlling and building extracts
 *
 * The month's exact counts stay in this process; only what
 * disclosure control (disclosure.h) publishes is written to the outbox.
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "cli.h"
#include "disclosure.h"
#include "engine.h"
#include "export_run.h"
#include "extract.h"
#include "outbox.h"
#include "preview.h"
#include "relations.h"
#include "results.h"
#include "setup.h"
#include "util.h"

static const char export_help[] =
    "Usage: kvalind export [--config FILE] --month YYYY-MM\n"
    "       kvalind export [--config FILE] --from YYYY-MM --to YYYY-MM\n"
    "\n"
    "Compute every enabled indicator for the month (or each month of a\n"
    "backfill, in one pass over the record system), apply disclosure control\n"
    "([disclosure]) and put one extract per month into the outbox under\n"
    "[core] state_dir: data.csv with the controlled counts and manifest.json.\n"
    "With [push] approval = manual the extracts wait for 'kvalind approve';\n"
    "otherwise the next 'kvalind push' sends them. An extract whose controlled\n"
    "counts are already in the outbox is not added twice. Only months that\n"
    "have ended can be exported.\n"
    "\n"
    "  -c, --config FILE   the configuration\n"
    "  -m, --month YYYY-MM the reference month\n"
    "  -f, --from YYYY-MM  first month of a backfill\n"
    "  -t, --to YYYY-MM    last month of a backfill\n"
    "\n" KV_EXIT_CODES_HELP;

static const char relations_help[] =
    "Usage: kvalind list-relations [--config FILE]\n"
    "\n"
    "Print the relations between the enabled indicators' counts that disclosure\n"
    "control protects, one per line, tab-separated, for each reference month:\n"
    "  equal CELL CELL...             the cells count the same population\n"
    "  sum TOTAL complete PART...     TOTAL is the sum of the PARTs\n"
    "  sum TOTAL partial PART...      TOTAL is the sum of the PARTs and a hidden rest\n"
    "  sum TOTAL within PART          PART counts some of TOTAL's patients\n"
    "A CELL is INDICATOR.numerator or INDICATOR.denominator. Every proportion's\n"
    "denominator is also its numerator plus a hidden complement (not listed).\n"
    "The PARTs of a sum are in the order secondary suppression hides them.\n"
    "\n" KV_EXIT_CODES_HELP;

struct month_args {
	const char *config;
	int from, to;
	bool raw;
};

/* Options --config, --month, --from/--to (and --raw for preview). Returns -1
 * to go on, else an exit code. */
static int parse_month_args(int argc, char **argv, const char *command, const char *help,
			    struct month_args *a, bool month_required)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'}, {"month", required_argument, NULL, 'm'},
		{"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
		{"raw", no_argument, NULL, 'r'},          {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *month = NULL, *from = NULL, *to = NULL;
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:m:f:t:rh", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			a->config = optarg;
			break;
		case 'm':
			month = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'r':
			a->raw = true;
			break;
		default:
			return kv_cli_other_option(command, help, opt, argv);
		}
	}
	if (optind < argc)
		return kv_cli_usage_error(command, "unexpected argument \"%s\"", argv[optind]);
	if (month != NULL && (from != NULL || to != NULL))
		return kv_cli_usage_error(command, "give --month or --from/--to, not both");
	if (month != NULL)
		from = to = month;
	if (from == NULL || to == NULL) {
		if (!month_required && from == NULL && to == NULL)
			return -2; /* no month: the caller decides */
		return kv_cli_usage_error(command, "--month, or --from and --to, is required");
	}
	const char *from_opt = month ? "--month" : "--from", *to_opt = month ? "--month" : "--to";
	return kv_cli_month_range(command, from_opt, from, to_opt, to, &a->from, &a->to, true);
}

/* Load the configuration and plugins; prints problems. */
static int load_setup(const char *config, struct kv_setup *s)
{
	struct kv_diags d = {0};
	const char *path = kv_cli_config_path(config);
	int rc = kv_setup_load(path, s, &d);
	if (d.n > 0) {
		kv_diags_print(&d, stderr);
		if (rc == KV_EXIT_OK)
			rc = KV_EXIT_CONFIG;
	} else if (s->n_indicators == 0) {
		fprintf(stderr,
			"kvalind: error: %s: no enabled [indicator.NAME] section; nothing to "
			"export\n",
			path);
		rc = KV_EXIT_CONFIG;
	}
	kv_diags_free(&d);
	return rc;
}

/* Run the engine and build the relations: what preview needs before
 * controlling a month. */
static int compute(struct kv_setup *s, const struct month_args *a, struct kv_result *res,
		   struct kv_relations *rel)
{
	char err[1024];
	if (kv_engine_run(s, a->from, a->to, isatty(STDERR_FILENO) == 1, res) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", res->failure);
		return KV_EXIT_FAILURE;
	}
	if (res->plugin_failures[0] != '\0')
		fprintf(stderr,
			"kvalind: error: indicator plugins failed: %s; their indicators are shown as "
			"failed\n",
			res->plugin_failures);
	if (kv_relations_build(res->series, res->n_series, rel, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return KV_EXIT_PLUGIN;
	}
	return KV_EXIT_OK;
}

int kv_cli_state_dir(const struct kv_config *cfg, char *buf, size_t size)
{
	const char *value = kv_core_settings(cfg)->core.state_dir;
	if (value == NULL || kv_config_resolve_path(cfg, value, buf, size) != 0) {
		fprintf(stderr, "kvalind: error: the state directory's path is too long\n");
		return -1;
	}
	return 0;
}

int kv_cmd_export(int argc, char **argv)
{
	struct month_args a = {0};
	struct kv_setup s;
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_export_summary sum;
	char err[1024], state_dir[4096];
	int rc = parse_month_args(argc, argv, "export", export_help, &a, true);
	if (rc >= 0)
		return rc;
	memset(&s, 0, sizeof s);
	rc = load_setup(a.config, &s);
	if (rc != KV_EXIT_OK)
		goto done;
	rc = KV_EXIT_FAILURE;
	if (kv_cli_become_user(s.cfg) != 0 ||
	    kv_cli_state_dir(s.cfg, state_dir, sizeof state_dir) != 0)
		goto done;
	if (kv_outbox_open(&ob, state_dir, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		goto done;
	}
	if (kv_export_months(&s, &ob, a.from, a.to, isatty(STDERR_FILENO) == 1, stdout, &sum, err,
			     sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		goto done;
	}
	printf("export: %zu month%s: %zu added, %zu unchanged, %zu failed\n", sum.months,
	       sum.months == 1 ? "" : "s", sum.added, sum.unchanged, sum.failed);
	const char *approval = kv_core_settings(s.cfg)->push.approval;
	if (sum.added > 0 && approval != NULL && strcmp(approval, "manual") == 0)
		printf("export: approval = manual: check with 'kvalind preview', then 'kvalind "
		       "approve ID' (or 'kvalind reject ID')\n");
	rc = sum.failed || sum.plugin_failures[0] ? KV_EXIT_FAILURE : KV_EXIT_OK;
done:
	kv_outbox_close(&ob);
	kv_setup_free(&s);
	return rc;
}

/* `kvalind preview --month M`: what an export of M would put in the outbox,
 * written nowhere. */
int kv_preview_months(int argc, char **argv, const char *help)
{
	struct month_args a = {0};
	struct kv_setup s;
	struct kv_result res = {0};
	struct kv_relations rel = {0};
	struct kv_published *cells = NULL;
	char err[1024];
	int rc = parse_month_args(argc, argv, "preview", help, &a, false);
	if (rc >= 0 || rc == -2)
		return rc;
	memset(&s, 0, sizeof s);
	rc = load_setup(a.config, &s);
	if (rc != KV_EXIT_OK)
		goto done;
	/* the cell key may have to be made in the state directory first:
	 * as the user the daemon runs as, like export */
	if (kv_cli_become_user(s.cfg) != 0) {
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	rc = compute(&s, &a, &res, &rel);
	if (rc != KV_EXIT_OK)
		goto done;
	struct kv_extract_info info;
	if (kv_extract_info_from_setup(&s, &info, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	cells = kv_xcalloc(res.n_series ? res.n_series : 1, sizeof *cells);
	for (size_t m = 0; m < res.n_months; m++) {
		struct kv_extract x;
		if (kv_disclosure_month(&res, &rel, &info.params, m, cells, err, sizeof err) != 0 ||
		    kv_extract_build(&res, cells, m, &info, &x, err, sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			rc = KV_EXIT_FAILURE;
			continue;
		}
		kv_preview_print(stdout, x.id, "not exported (computed for this preview only)",
				 x.manifest, x.manifest_len, x.csv, x.csv_len, a.raw);
		kv_extract_free(&x);
	}
done:
	free(cells);
	kv_relations_free(&rel);
	kv_result_free(&res);
	kv_setup_free(&s);
	return rc;
}

int kv_cmd_list_relations(int argc, char **argv)
{
	const char *config = NULL;
	struct kv_setup s;
	struct kv_result res = {0};
	struct kv_relations rel = {0};
	char err[1024];
	int rc = kv_cli_common_options(argc, argv, "list-relations", relations_help, &config, NULL,
				       NULL);
	if (rc >= 0)
		return rc;
	memset(&s, 0, sizeof s);
	rc = load_setup(config, &s);
	if (rc != KV_EXIT_OK)
		goto done;
	/* Series of the enabled indicators, without reading the record system. */
	size_t n = 0;
	for (size_t k = 0; k < s.n_indicators; k++)
		n += s.indicators[k].plugin->indicator->n_indicators;
	res.series = kv_xcalloc(n ? n : 1, sizeof *res.series);
	for (size_t k = 0; k < s.n_indicators; k++)
		for (size_t i = 0; i < s.indicators[k].plugin->indicator->n_indicators; i++) {
			const struct kv_indicator_def *def =
			    kv_plugin_indicator(s.indicators[k].plugin, i);
			res.series[res.n_series].def = def;
			res.series[res.n_series].id = def->id;
			res.n_series++;
		}
	qsort(res.series, res.n_series, sizeof *res.series, kv_series_compare);
	if (kv_relations_build(res.series, res.n_series, &rel, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		rc = KV_EXIT_PLUGIN;
		goto done;
	}
	printf("# relations between the counts of the enabled indicators, per month\n");
	kv_relations_print(&rel, res.series, stdout);
	rc = KV_EXIT_OK;
done:
	kv_relations_free(&rel);
	kv_result_free(&res);
	kv_setup_free(&s);
	return rc;
}
