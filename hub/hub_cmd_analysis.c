/*
 * hub_cmd_analysis.c - kvalind-hub's evaluation and comparison commands:
 *
 *   panel          the panel CSV of one indicator from the current extracts
 *   did            two-way fixed-effects difference-in-differences, as table 10
 *   report         the HTML pages (index and one per indicator) into a directory
 *
 * main.c dispatches here; the conventions are hub_cmd.h's (errors on stderr
 * as "kvalind-hub: error: ...", exit codes HUB_EXIT_*).
 */
#include "hub_cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"
#include "did.h"
#include "panel.h"

#define MAX_GROUPS 64

static bool valid_indicator_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 100)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* The indicator from the database's catalogue: 0, or an exit code. */
static int find_indicator(PGconn *db, const char *id, struct hub_ind_info **ind, size_t *n)
{
	char err[1024];
	if (hub_db_indicators(db, id, ind, n, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		return HUB_EXIT_FAILURE;
	}
	if (*n == 0) {
		hub_log(KV_LOG_ERROR, "unknown indicator %s (not in the hub's catalogue; "
				      "'kvalind-hub serve' records the catalogue)", id);
		return HUB_EXIT_FAILURE;
	}
	return 0;
}

static int parse_unit(const char *s, enum kv_an_unit *u)
{
	if (strcmp(s, "month") == 0)
		*u = KV_AN_MONTH;
	else if (strcmp(s, "year") == 0)
		*u = KV_AN_YEAR;
	else
		return -1;
	return 0;
}

/* ---- panel ------------------------------------------------------------------ */

static const char panel_help[] =
    "Usage: kvalind-hub panel --indicator ID [--unit month|year] [--group G ...]\n"
    "                         [--group-prefix P] [--output FILE] [--config FILE]\n"
    "\n"
    "The evaluation panel of one indicator as CSV, from the current (not\n"
    "superseded) extracts: office,group,period,indicator,numerator,denominator,share.\n"
    "Withheld counts and their shares are empty. An office in several groups has\n"
    "one row per group and period; an office in no group comes under the group\n"
    "\"(none)\". --group (repeatable) keeps only those groups, --group-prefix only\n"
    "the groups starting with P (e.g. financing:). A year's counts are the sums\n"
    "over its months where both were published (see the README).\n"
    "\n"
    "  --unit U       month (default) or year\n"
    "  --output FILE  write FILE atomically instead of standard output\n"
    "\n" HUB_EXIT_CODES_HELP;

int hub_cmd_panel(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"indicator", required_argument, NULL, 'i'},
					     {"unit", required_argument, NULL, 'u'},
					     {"group", required_argument, NULL, 'g'},
					     {"group-prefix", required_argument, NULL, 'p'},
					     {"output", required_argument, NULL, 'o'},
					     {0}};
	const char *config = NULL, *indicator = NULL, *prefix = NULL, *output = NULL;
	const char *groups[MAX_GROUPS];
	size_t n_groups = 0;
	enum kv_an_unit unit = KV_AN_MONTH;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(panel_help, stdout);
			return HUB_EXIT_OK;
		case 'c':
			config = optarg;
			break;
		case 'i':
			if (!valid_indicator_id(optarg))
				return hub_usage_error("panel", "--indicator: not an indicator id");
			indicator = optarg;
			break;
		case 'u':
			if (parse_unit(optarg, &unit) != 0)
				return hub_usage_error("panel", "--unit: month or year");
			break;
		case 'g':
			if (!hub_valid_group(optarg) || n_groups == MAX_GROUPS)
				return hub_usage_error("panel", "--group: a group name (at most %d)",
						       MAX_GROUPS);
			groups[n_groups++] = optarg;
			break;
		case 'p':
			if (!hub_valid_group(optarg))
				return hub_usage_error("panel", "--group-prefix: the start of a group name");
			prefix = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			return hub_usage_error("panel", "unknown option");
		}
	}
	if (optind != argc)
		return hub_usage_error("panel", "panel takes no operand");
	if (indicator == NULL)
		return hub_usage_error("panel", "--indicator ID is needed");
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024];
	struct hub_ind_info *ind = NULL;
	size_t n_ind = 0;
	struct hub_rows rows = {0};
	struct kv_panel *p = NULL;
	PGconn *db = hub_open_db(&cfg);
	if (db == NULL)
		goto out;
	if ((rc = find_indicator(db, indicator, &ind, &n_ind)) != 0)
		goto out;
	rc = HUB_EXIT_FAILURE;
	if (hub_rows_load(db, indicator, groups, n_groups, prefix, &rows, err, sizeof err) != 0 ||
	    kv_panel_build(rows.rows, rows.n, unit, &p, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	if (output == NULL) {
		if (kv_panel_write_csv(p, stdout, err, sizeof err) != 0) {
			hub_log(KV_LOG_ERROR, "%s", err);
			goto out;
		}
	} else {
		struct kv_atomic_file f;
		if (kv_atomic_open(&f, output, 0644, err, sizeof err) != 0) {
			hub_log(KV_LOG_ERROR, "%s", err);
			goto out;
		}
		if (kv_panel_write_csv(p, f.fp, err, sizeof err) != 0) {
			kv_atomic_abort(&f);
			hub_log(KV_LOG_ERROR, "%s: %s", output, err);
			goto out;
		}
		if (kv_atomic_commit(&f, err, sizeof err) != 0) {
			hub_log(KV_LOG_ERROR, "%s", err);
			goto out;
		}
		fprintf(stderr, "%s: panel: %zu rows of %s written to %s\n", HUB_PROG,
			kv_panel_count(p), indicator, output);
	}
	rc = HUB_EXIT_OK;
out:
	kv_panel_free(p);
	hub_rows_free(&rows);
	hub_ind_info_free(ind, n_ind);
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}

/* ---- did -------------------------------------------------------------------- */

static const char did_help[] =
    "Usage: kvalind-hub did --indicator ID --treated G [--treated G2 ...] --control G\n"
    "                       --before FROM..TO --after FROM..TO [--unit year|month]\n"
    "                       [--weights denominators] [--normal] [--config FILE]\n"
    "\n"
    "Two-way fixed-effects difference-in-differences on the panel of ID from the\n"
    "current extracts: share = office + period + delta x (treated x after), over\n"
    "the office-periods of the treated and the control group whose period lies\n"
    "wholly in --before or --after (YYYY or YYYY-MM, e.g. 2015..2017 and\n"
    "2018..2022) and whose share was published. Prints one line per --treated\n"
    "group, laid out like table 10 of the PHT evaluation: the coefficient, its\n"
    "office-clustered (CR1) standard error, p-value, 95% confidence interval, N\n"
    "(office-periods) and offices.\n"
    "\n"
    "  --unit U                 year (default) or month\n"
    "  --weights denominators   weighted least squares, weights the period's\n"
    "                           denominator (default: unweighted)\n"
    "  --normal                 p and CI from the standard normal (statsmodels'\n"
    "                           default) instead of t with G-1 degrees of freedom\n"
    "\n"
    "An office in both the treated and the control group is an error. Exit 1\n"
    "when an estimate fails (the table says why).\n"
    "\n" HUB_EXIT_CODES_HELP;

int hub_cmd_did(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"indicator", required_argument, NULL, 'i'},
					     {"treated", required_argument, NULL, 't'},
					     {"control", required_argument, NULL, 'C'},
					     {"before", required_argument, NULL, 'b'},
					     {"after", required_argument, NULL, 'a'},
					     {"unit", required_argument, NULL, 'u'},
					     {"weights", required_argument, NULL, 'w'},
					     {"normal", no_argument, NULL, 'n'},
					     {0}};
	const char *config = NULL, *indicator = NULL, *control = NULL;
	const char *treated[MAX_GROUPS];
	size_t n_treated = 0;
	struct kv_did_spec spec = {.inference = KV_DID_T_CLUSTERS};
	bool have_before = false, have_after = false;
	enum kv_an_unit unit = KV_AN_YEAR;
	char perr[256];
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(did_help, stdout);
			return HUB_EXIT_OK;
		case 'c':
			config = optarg;
			break;
		case 'i':
			if (!valid_indicator_id(optarg))
				return hub_usage_error("did", "--indicator: not an indicator id");
			indicator = optarg;
			break;
		case 't':
			if (!hub_valid_group(optarg) || n_treated == MAX_GROUPS)
				return hub_usage_error("did", "--treated: a group name");
			treated[n_treated++] = optarg;
			break;
		case 'C':
			if (!hub_valid_group(optarg) || control != NULL)
				return hub_usage_error("did", "--control: one group name");
			control = optarg;
			break;
		case 'b':
		case 'a':
			if (kv_an_range_parse(optarg, c == 'b' ? &spec.before : &spec.after, perr,
					      sizeof perr) != 0)
				return hub_usage_error("did", "--%s: %s", c == 'b' ? "before" : "after",
						       perr);
			*(c == 'b' ? &have_before : &have_after) = true;
			break;
		case 'u':
			if (parse_unit(optarg, &unit) != 0)
				return hub_usage_error("did", "--unit: year or month");
			break;
		case 'w':
			if (strcmp(optarg, "denominators") != 0)
				return hub_usage_error("did", "--weights: only \"denominators\"");
			spec.weighted = true;
			break;
		case 'n':
			spec.inference = KV_DID_NORMAL;
			break;
		default:
			return hub_usage_error("did", "unknown option");
		}
	}
	if (optind != argc)
		return hub_usage_error("did", "did takes no operand");
	if (indicator == NULL || n_treated == 0 || control == NULL || !have_before || !have_after)
		return hub_usage_error("did", "--indicator, --treated, --control, --before and "
					      "--after are needed");
	for (size_t i = 0; i < n_treated; i++)
		if (strcmp(treated[i], control) == 0)
			return hub_usage_error("did", "group %s is both treated and control", control);
	if (unit == KV_AN_YEAR && (spec.before.first % 12 != 0 || spec.before.last % 12 != 11 ||
				   spec.after.first % 12 != 0 || spec.after.last % 12 != 11))
		return hub_usage_error("did", "with --unit year, --before and --after are whole "
					      "years (YYYY..YYYY)");
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024];
	struct hub_ind_info *ind = NULL;
	size_t n_ind = 0;
	struct hub_rows rows = {0};
	struct kv_panel *p = NULL;
	const char *groups[MAX_GROUPS + 1];
	struct kv_did_result res[MAX_GROUPS];
	struct kv_did_table_row trow[MAX_GROUPS];
	char sub[MAX_GROUPS][240], why[MAX_GROUPS][300];
	PGconn *db = hub_open_db(&cfg);
	if (db == NULL)
		goto out;
	if ((rc = find_indicator(db, indicator, &ind, &n_ind)) != 0)
		goto out;
	rc = HUB_EXIT_FAILURE;
	if (ind->mean) {
		hub_log(KV_LOG_ERROR, "%s is a mean, not a share; did estimates shares", indicator);
		goto out;
	}
	for (size_t i = 0; i < n_treated; i++)
		groups[i] = treated[i];
	groups[n_treated] = control;
	if (hub_rows_load(db, indicator, groups, n_treated + 1, NULL, &rows, err, sizeof err) != 0 ||
	    kv_panel_build(rows.rows, rows.n, unit, &p, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	spec.indicator = indicator;
	spec.control = control;
	bool all_ok = true;
	for (size_t i = 0; i < n_treated; i++) {
		spec.treated = treated[i];
		snprintf(sub[i], sizeof sub[i], "%s vs %s", treated[i], control);
		trow[i] = (struct kv_did_table_row){.label = ind->title, .sublabel = sub[i]};
		if (kv_did_estimate(p, &spec, &res[i], why[i], sizeof why[i]) == 0) {
			trow[i].result = &res[i];
		} else {
			trow[i].error = why[i];
			all_ok = false;
		}
	}
	char title[400], note[1024];
	snprintf(title, sizeof title, "Difference-in-differences: %s (kvalind-hub, current extracts)",
		 indicator);
	spec.treated = treated[0];
	kv_did_note(&spec, unit, note, sizeof note);
	if (kv_did_table_write(stdout, title, trow, n_treated, note, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	for (size_t i = 0; i < n_treated; i++)
		if (trow[i].result != NULL)
			printf("%s: %d treated and %d control offices, %d %ss, K = %d parameters%s\n",
			       sub[i], res[i].treated_offices, res[i].control_offices, res[i].periods,
			       unit == KV_AN_YEAR ? "year" : "month", res[i].params,
			       res[i].df > 0 ? "" : " (normal)");
	rc = all_ok ? HUB_EXIT_OK : HUB_EXIT_FAILURE;
out:
	kv_panel_free(p);
	hub_rows_free(&rows);
	hub_ind_info_free(ind, n_ind);
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}

/* ---- report ----------------------------------------------------------------- */

static const char report_help[] =
    "Usage: kvalind-hub report --out DIR [--indicator ID]\n"
    "                          [--viewer lead:NAME | --viewer office:ID] [--config FILE]\n"
    "\n"
    "Write the comparison report as HTML into DIR: index.html and one ID.html per\n"
    "indicator that is a share and has data (only ID with --indicator). Each\n"
    "page: the definition and whether higher is better; a funnel plot of the\n"
    "latest 12 months (share against the mean monthly denominator, exact\n"
    "binomial 95% and 99.8% limits around the overall share); the monthly series\n"
    "of each office the viewer may see against its group's median and\n"
    "inter-quartile band (hidden when fewer than 3 offices of the group report).\n"
    "Inline SVG, no JavaScript. Each file is written atomically.\n"
    "\n"
    "  --viewer lead:NAME   the offices of the quality lead's groups by name\n"
    "  --viewer office:ID   the office ID highlighted; every other office anonymous\n"
    "  (no --viewer)        every office anonymous\n"
    "\n"
    "'kvalind-hub serve' serves the same pages to authenticated viewers at\n"
    "https://HUB:PORT/reports/.\n"
    "\n" HUB_EXIT_CODES_HELP;

static int write_page(const char *dir, const char *file, PGconn *db,
		      const struct hub_ind_info *ind, const struct hub_ind_info *all, size_t n_all,
		      const struct hub_viewer *v)
{
	char path[4200], err[1024];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	struct kv_atomic_file f;
	if (kv_atomic_open(&f, path, 0644, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		return -1;
	}
	int rc = ind != NULL ? hub_report_page(f.fp, db, ind, v, "index.html", err, sizeof err)
			     : hub_report_index(f.fp, all, n_all, v, "", err, sizeof err);
	if (rc == 1) {
		kv_atomic_abort(&f);
		hub_log(KV_LOG_WARNING, "%s: not written: %s", path, err);
		return 1;
	}
	if (rc != 0) {
		kv_atomic_abort(&f);
		hub_log(KV_LOG_ERROR, "%s: %s", path, err);
		return -1;
	}
	if (kv_atomic_commit(&f, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		return -1;
	}
	return 0;
}

int hub_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"out", required_argument, NULL, 'o'},
					     {"indicator", required_argument, NULL, 'i'},
					     {"viewer", required_argument, NULL, 'v'},
					     {0}};
	const char *config = NULL, *out = NULL, *indicator = NULL, *viewer = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(report_help, stdout);
			return HUB_EXIT_OK;
		case 'c':
			config = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'i':
			if (!valid_indicator_id(optarg))
				return hub_usage_error("report", "--indicator: not an indicator id");
			indicator = optarg;
			break;
		case 'v':
			if (strncmp(optarg, "lead:", 5) == 0 ? !hub_valid_lead_name(optarg + 5)
			    : strncmp(optarg, "office:", 7) == 0
				? !kv_extract_valid_participant(optarg + 7, strlen(optarg + 7))
				: true)
				return hub_usage_error("report", "--viewer: lead:NAME or office:ID");
			viewer = optarg;
			break;
		default:
			return hub_usage_error("report", "unknown option");
		}
	}
	if (optind != argc)
		return hub_usage_error("report", "report takes no operand");
	if (out == NULL)
		return hub_usage_error("report", "--out DIR is needed");
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024];
	struct hub_ind_info *inds = NULL;
	size_t n = 0;
	struct hub_viewer v;
	hub_viewer_anonymous(&v);
	PGconn *db = hub_open_db(&cfg);
	if (db == NULL)
		goto out;
	if (viewer != NULL) {
		enum hub_auth a = strncmp(viewer, "lead:", 5) == 0
				      ? hub_viewer_lead(db, viewer + 5, NULL, &v, err, sizeof err)
				      : hub_viewer_office(db, viewer + 7, NULL, &v, err, sizeof err);
		if (a != HUB_AUTH_OK) {
			hub_log(KV_LOG_ERROR, "--viewer %s: %s", viewer, err);
			goto out;
		}
	}
	if (indicator != NULL) {
		if ((rc = find_indicator(db, indicator, &inds, &n)) != 0)
			goto out;
		rc = HUB_EXIT_FAILURE;
		if (inds[0].mean || inds[0].offices == 0) {
			hub_log(KV_LOG_ERROR, "%s: %s", indicator,
				inds[0].mean ? "a mean, not a share: no report page"
					     : "no office has sent a value yet");
			goto out;
		}
	} else if (hub_db_indicators(db, NULL, &inds, &n, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	if (mkdir(out, 0755) != 0 && errno != EEXIST) {
		hub_log(KV_LOG_ERROR, "cannot create %s: %s", out, strerror(errno));
		goto out;
	}
	size_t pages = 0;
	for (size_t i = 0; i < n; i++) {
		if (inds[i].mean || inds[i].offices == 0)
			continue;
		char file[200];
		snprintf(file, sizeof file, "%s.html", inds[i].id);
		int w = write_page(out, file, db, &inds[i], NULL, 0, &v);
		if (w < 0)
			goto out;
		if (w == 1) {
			inds[i].no_page = true;
			if (indicator != NULL)
				goto out;
			continue;
		}
		pages++;
	}
	if (write_page(out, "index.html", db, NULL, inds, n, &v) != 0)
		goto out;
	printf("report: index.html and %zu indicator page%s in %s, for %s (%zu office%s by name)\n",
	       pages, pages == 1 ? "" : "s", out, v.label, v.n_named, v.n_named == 1 ? "" : "s");
	rc = HUB_EXIT_OK;
out:
	hub_viewer_free(&v);
	hub_ind_info_free(inds, n);
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}
