/*
 * cmd_patients.c - `kvalind patients`: the patients behind one indicator's
 * cell, for the office's own follow-up
 *
 * One pass over the record system for one month (kv_engine_run_members):
 * the patients of the indicator's denominator, with the record system's own
 * patient key (what the GP types into the record system to open the record),
 * age, sex and list holder. By default those who need follow-up: for an
 * indicator where higher is better the denominator less the numerator (the
 * diabetics without an annual check), else the numerator.
 *
 * Privacy: the list goes to standard output or to a file created 0600 that
 * must not exist; nothing of it is logged or kept, and the state directory is
 * not touched. Whoever may run this can read the configuration and the
 * database password, so can read the record system itself.
 */
#define _GNU_SOURCE /* getopt_long */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "setup.h"
#include "util.h"

static const char patients_help[] =
    "Usage: kvalind patients [--config FILE] --month YYYY-MM --indicator ID\n"
    "                        [--missing | --numerator | --denominator] [--gp N]\n"
    "                        [--format table|csv] [--output FILE]\n"
    "\n"
    "List the patients behind one indicator for one month, for the office's own\n"
    "follow-up: each with the record system's own patient key, age and sex at the\n"
    "month's last day, and the GP whose list holds the patient then (0: none).\n"
    "The list never leaves the office and is not kept: it goes to standard\n"
    "output, or to a new file readable by its owner only.\n"
    "\n"
    "  -c, --config FILE     the configuration\n"
    "  -m, --month YYYY-MM   the reference month\n"
    "  -i, --indicator ID    the indicator (kvalind list-indicators)\n"
    "      --missing         in the denominator, not in the numerator (the default\n"
    "                        where higher is better: who lacks the check)\n"
    "      --numerator       in the numerator (the default otherwise)\n"
    "      --denominator     the whole denominator\n"
    "      --gp N            only the patients on GP N's list (0: on no list)\n"
    "      --format F        table (default) or csv\n"
    "  -o, --output FILE     write to FILE, which must not exist (created 0600)\n"
    "\n" KV_EXIT_CODES_HELP;

enum which { WHICH_DEFAULT, WHICH_MISSING, WHICH_NUMERATOR, WHICH_DENOMINATOR };

struct patients_args {
	const char *config;
	const char *indicator;
	const char *output;
	int month;
	enum which which;
	bool by_gp;
	uint64_t gp;
	bool csv;
};

static int set_which(struct patients_args *a, enum which w)
{
	if (a->which != WHICH_DEFAULT && a->which != w)
		return kv_cli_usage_error("patients", "give one of --missing, --numerator and "
						      "--denominator");
	a->which = w;
	return -1;
}

static int parse_args(int argc, char **argv, struct patients_args *a)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"month", required_argument, NULL, 'm'},
		{"indicator", required_argument, NULL, 'i'},
		{"missing", no_argument, NULL, 'M'},
		{"numerator", no_argument, NULL, 'N'},
		{"denominator", no_argument, NULL, 'D'},
		{"gp", required_argument, NULL, 'g'},
		{"format", required_argument, NULL, 'F'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *month = NULL;
	long long gp;
	int opt, rc;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:m:i:o:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			a->config = optarg;
			break;
		case 'm':
			month = optarg;
			break;
		case 'i':
			a->indicator = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'M':
		case 'N':
		case 'D':
			rc = set_which(a, opt == 'M' ? WHICH_MISSING :
					  opt == 'N' ? WHICH_NUMERATOR :
						       WHICH_DENOMINATOR);
			if (rc >= 0)
				return rc;
			break;
		case 'g':
			if (!kv_parse_int64(optarg, &gp) || gp < 0)
				return kv_cli_usage_error("patients",
							  "--gp takes a GP's number (0: no list), "
							  "not \"%s\"",
							  optarg);
			a->by_gp = true;
			a->gp = (uint64_t)gp;
			break;
		case 'F':
			if (strcmp(optarg, "csv") == 0)
				a->csv = true;
			else if (strcmp(optarg, "table") != 0)
				return kv_cli_usage_error("patients",
							  "--format is table or csv, not \"%s\"",
							  optarg);
			break;
		default:
			return kv_cli_other_option("patients", patients_help, opt, argv);
		}
	}
	if (optind < argc)
		return kv_cli_usage_error("patients", "unexpected argument \"%s\"", argv[optind]);
	if (month == NULL || a->indicator == NULL)
		return kv_cli_usage_error("patients", "--month and --indicator are required");
	return kv_cli_month_range("patients", "--month", month, "--month", month, &a->month,
				  &a->month, false);
}

static const char *sex_name(uint8_t sex)
{
	return sex == KV_SEX_FEMALE ? "F" : sex == KV_SEX_MALE ? "M" : "?";
}

static bool selected(const struct patients_args *a, enum which w, const struct kv_member *p)
{
	if (a->by_gp && p->list_holder != a->gp)
		return false;
	bool in_num = (p->flags & KV_IN_NUMERATOR) != 0;
	return w == WHICH_DENOMINATOR || (w == WHICH_NUMERATOR) == in_num;
}

/* By list holder, then by patient key. */
static int compare_members(const void *va, const void *vb)
{
	const struct kv_member *a = va, *b = vb;
	if (a->list_holder != b->list_holder)
		return a->list_holder < b->list_holder ? -1 : 1;
	return (a->local_ref > b->local_ref) - (a->local_ref < b->local_ref);
}

/* Which patients, in the definition's own words. */
static void print_which(FILE *out, enum which w, const struct kv_indicator_def *def)
{
	fprintf(out, "  in the denominator: %s\n", def->denominator);
	if (w != WHICH_DENOMINATOR)
		fprintf(out, "  %s the numerator: %s\n", w == WHICH_MISSING ? "not in" : "in",
			def->numerator);
}

static int print_list(FILE *out, const struct patients_args *a, enum which w,
		      const struct kv_series *se, const struct kv_members *m)
{
	kv_date ref = kv_month_last_day(a->month);
	size_t shown = 0;
	if (a->csv)
		fprintf(out, "patient_key,age,sex,list_holder,numerator\n");
	else {
		fprintf(out, "%s %04d-%02d: %s\n", se->id, a->month / 12, a->month % 12 + 1,
			se->def->title);
		print_which(out, w, se->def);
		fprintf(out, "\n%-20s %5s %4s %12s\n", "patient key", "age", "sex", "list holder");
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct kv_member *p = &m->rows[i];
		if (!selected(a, w, p))
			continue;
		shown++;
		if (a->csv)
			fprintf(out, "%" PRIu64 ",%d,%s,%" PRIu64 ",%d\n", p->local_ref,
				kv_age_at(p->birth, ref), sex_name(p->sex), p->list_holder,
				(p->flags & KV_IN_NUMERATOR) ? 1 : 0);
		else
			fprintf(out, "%-20" PRIu64 " %5d %4s %12" PRIu64 "\n", p->local_ref,
				kv_age_at(p->birth, ref), sex_name(p->sex), p->list_holder);
	}
	if (!a->csv)
		fprintf(out, "\n%zu patient%s%s\n", shown, shown == 1 ? "" : "s",
			a->by_gp ? (a->gp ? " on this GP's list" : " on no GP's list") : "");
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* A new file for the list, readable by its owner only (never an existing
 * one: a list is not written over another file or through a link). */
static FILE *open_output(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "kvalind: error: could not create \"%s\": %s%s\n", path,
			strerror(errno), errno == EEXIST ? " (a list is never written over a file)" :
							   "");
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(path);
	}
	return f;
}

int kv_cmd_patients(int argc, char **argv)
{
	struct patients_args a = {0};
	struct kv_result res = {0};
	struct kv_members m = {0};
	struct kv_diags d = {0};
	struct kv_setup s;
	FILE *out = NULL;
	memset(&s, 0, sizeof s);
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	const char *path = kv_cli_config_path(a.config);
	rc = kv_setup_load(path, &s, &d);
	if (d.n > 0) {
		kv_diags_print(&d, stderr);
		if (rc == KV_EXIT_OK)
			rc = KV_EXIT_CONFIG;
		goto done;
	}
	m.indicator = a.indicator;
	m.month = a.month;
	rc = KV_EXIT_FAILURE;
	if (kv_engine_run_members(&s, a.month, a.month, isatty(STDERR_FILENO) == 1, &res, &m) !=
	    0) {
		fprintf(stderr, "kvalind: error: %s\n", res.failure);
		goto done;
	}
	const struct kv_series *se = NULL;
	for (size_t i = 0; i < res.n_series && se == NULL; i++)
		if (strcmp(res.series[i].id, a.indicator) == 0)
			se = &res.series[i];
	if (se == NULL || se->failed) {
		fprintf(stderr, "kvalind: error: indicator %s failed: %s\n", a.indicator,
			res.plugin_failures);
		goto done;
	}
	if (m.without_key > 0) {
		fprintf(stderr,
			"kvalind: error: connector \"%s\" gives no patient key for %" PRIu64
			" patient%s of %s; it cannot list patients\n",
			s.connector.plugin->name, m.without_key, m.without_key == 1 ? "" : "s",
			a.indicator);
		goto done;
	}
	enum which w = a.which;
	if (w == WHICH_DEFAULT)
		w = se->def->direction == KV_HIGHER_IS_BETTER ? WHICH_MISSING : WHICH_NUMERATOR;
	qsort(m.rows, m.n, sizeof *m.rows, compare_members);
	out = a.output != NULL ? open_output(a.output) : stdout;
	if (out == NULL)
		goto done;
	if (print_list(out, &a, w, se, &m) != 0) {
		fprintf(stderr, "kvalind: error: could not write the list to %s\n",
			a.output ? a.output : "standard output");
		if (a.output != NULL)
			unlink(a.output);
		goto done;
	}
	rc = KV_EXIT_OK;
done:
	if (out != NULL && out != stdout && fclose(out) != 0 && rc == KV_EXIT_OK) {
		fprintf(stderr, "kvalind: error: could not write \"%s\"\n", a.output);
		unlink(a.output);
		rc = KV_EXIT_FAILURE;
	}
	kv_members_free(&m);
	kv_result_free(&res);
	kv_diags_free(&d);
	kv_setup_free(&s);
	return rc;
}
