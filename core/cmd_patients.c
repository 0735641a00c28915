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
#define _GNU_SOURCE /* getopt_long, qsort_r */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "engine.h"
#include "setup.h"
#include "util.h"

static const char patients_help[] =
    "Usage: kvalind patients [--config FILE] --month YYYY-MM (--indicator ID | --all)\n"
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
    "      --all             every computed indicator in turn (CSV: an indicator\n"
    "                        column first), from one pass over the record system\n"
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
	bool all;
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
		{"all", no_argument, NULL, 'A'},
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
		case 'A':
			a->all = true;
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
	if (month == NULL || (a->indicator == NULL && !a->all))
		return kv_cli_usage_error("patients", "--month and --indicator (or --all) are "
						      "required");
	if (a->indicator != NULL && a->all)
		return kv_cli_usage_error("patients", "give --indicator or --all, not both");
	return kv_cli_month_range("patients", "--month", month, "--month", month, &a->month,
				  &a->month, false);
}

static const char *sex_name(uint8_t sex)
{
	return sex == KV_SEX_FEMALE ? "F" : sex == KV_SEX_MALE ? "M" : "?";
}

static bool selected(const struct patients_args *a, enum which w, const struct kv_members *m,
		     const struct kv_member *row)
{
	if (a->by_gp && m->patients[row->patient].list_holder != a->gp)
		return false;
	bool in_num = (row->flags & KV_IN_NUMERATOR) != 0;
	return w == WHICH_DENOMINATOR || (w == WHICH_NUMERATOR) == in_num;
}

/* By indicator, list holder, then the most overdue first (no decisive date,
 * then the oldest), then by patient key. */
static int compare_rows(const void *va, const void *vb, void *arg)
{
	const struct kv_member *a = va, *b = vb;
	const struct kv_members *m = arg;
	const struct kv_listed_patient *pa = &m->patients[a->patient];
	const struct kv_listed_patient *pb = &m->patients[b->patient];
	if (a->series != b->series)
		return a->series < b->series ? -1 : 1;
	if (pa->list_holder != pb->list_holder)
		return pa->list_holder < pb->list_holder ? -1 : 1;
	if (a->decisive_date != b->decisive_date)
		return a->decisive_date < b->decisive_date ? -1 : 1;
	return kv_patient_key_compare(pa->key, pb->key);
}

/* Which patients, in the definition's own words. */
static void print_which(FILE *out, enum which w, const struct kv_indicator_def *def)
{
	fprintf(out, "  in the denominator: %s\n", def->denominator);
	if (w != WHICH_DENOMINATOR)
		fprintf(out, "  %s the numerator: %s\n", w == WHICH_MISSING ? "not in" : "in",
			def->numerator);
}

/* A CSV field: quoted when it holds a separator or quote, and a leading
 * character a spreadsheet would take for a formula made text. */
static void csv_field(FILE *out, const char *v)
{
	bool formula = v[0] != '\0' && strchr("=+-@", v[0]) != NULL;
	bool quote = formula || strpbrk(v, ",\"\r\n") != NULL;
	if (!quote) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', out);
		fputc(*v, out);
	}
	fputc('"', out);
}

static void format_date(char *buf, size_t n, kv_date d)
{
	if (d == KV_DATE_NONE) {
		kv_snprintf(buf, n, "%s", "");
		return;
	}
	int y, mo, da;
	kv_date_to_ymd(d, &y, &mo, &da);
	kv_snprintf(buf, n, "%04d-%02d-%02d", y, mo, da);
}

static void format_value(char *buf, size_t n, double v)
{
	if (isnan(v))
		kv_snprintf(buf, n, "%s", "");
	else
		kv_snprintf(buf, n, "%.10g", v);
}

/* The list holder as shown: the name when the record system has one. */
static void format_holder(char *buf, size_t n, const struct kv_members *m, uint64_t id)
{
	const char *name = id != 0 ? kv_members_holder_name(m, id) : NULL;
	if (id == 0)
		kv_snprintf(buf, n, "%s", "(no list)");
	else if (name != NULL)
		kv_snprintf(buf, n, "%s (%" PRIu64 ")", name, id);
	else
		kv_snprintf(buf, n, "%" PRIu64, id);
}

static void print_csv_row(FILE *out, const struct kv_members *m, const struct kv_member *row,
			  kv_date ref, bool names, const char *indicator)
{
	const struct kv_listed_patient *p = &m->patients[row->patient];
	char date[16], value[64];
	if (indicator != NULL)
		fprintf(out, "%s,", indicator);
	format_date(date, sizeof date, row->decisive_date);
	format_value(value, sizeof value, row->decisive_value);
	csv_field(out, p->key);
	fputc(',', out);
	csv_field(out, names && p->name != NULL ? p->name : "");
	fprintf(out, ",%d,%s,%" PRIu64 ",", kv_age_at(p->birth, ref), sex_name(p->sex),
		p->list_holder);
	const char *holder = p->list_holder ? kv_members_holder_name(m, p->list_holder) : NULL;
	csv_field(out, holder != NULL ? holder : "");
	fprintf(out, ",%d,%s,%s\n", (row->flags & KV_IN_NUMERATOR) ? 1 : 0, date, value);
}

/* s in a column of `width` characters (UTF-8 code points, as a terminal
 * shows them): cut at a character boundary, padded with spaces. */
static void print_column(FILE *out, const char *s, int width)
{
	int shown = 0;
	const char *p = s;
	while (*p != '\0') {
		const char *next = p + 1;
		while ((*next & 0xc0) == 0x80)
			next++;
		if (shown == width)
			break;
		fwrite(p, 1, (size_t)(next - p), out);
		shown++;
		p = next;
	}
	for (; shown < width; shown++)
		fputc(' ', out);
}

/* The decisive date's column: as wide as its heading, at least a date. */
static int decisive_width(const struct kv_indicator_def *def)
{
	size_t n = strlen(def->decisive);
	return n < 10 ? 10 : n > 40 ? 40 : (int)n;
}

static void print_table_row(FILE *out, const struct kv_members *m, const struct kv_member *row,
			    kv_date ref, bool names, const struct kv_indicator_def *def)
{
	const struct kv_listed_patient *p = &m->patients[row->patient];
	char holder[256], date[16], value[64];
	format_holder(holder, sizeof holder, m, p->list_holder);
	print_column(out, p->key, 20);
	fputc(' ', out);
	if (names) {
		print_column(out, p->name != NULL ? p->name : "", 28);
		fputc(' ', out);
	}
	fprintf(out, "%5d %4s  ", kv_age_at(p->birth, ref), sex_name(p->sex));
	print_column(out, holder, 28);
	if (def->decisive != NULL) {
		format_date(date, sizeof date, row->decisive_date);
		format_value(value, sizeof value, row->decisive_value);
		fprintf(out, "  %-*s", decisive_width(def), date[0] ? date : "never");
		if (def->decisive_unit != NULL)
			fprintf(out, " %8s", value);
	}
	fputc('\n', out);
}

/* The rows of one indicator (rows [from, to) of m, sorted). */
static void print_list(FILE *out, const struct patients_args *a, const struct kv_series *se,
		       const struct kv_members *m, size_t from, size_t to, bool names)
{
	kv_date ref = kv_month_last_day(a->month);
	const struct kv_indicator_def *def = se->def;
	enum which w = a->which;
	if (w == WHICH_DEFAULT)
		w = def->direction == KV_HIGHER_IS_BETTER ? WHICH_MISSING : WHICH_NUMERATOR;
	size_t shown = 0;
	if (!a->csv) {
		fprintf(out, "%s %04d-%02d: %s\n", se->id, a->month / 12, a->month % 12 + 1,
			def->title);
		print_which(out, w, def);
		if (def->decisive != NULL)
			fprintf(out, "  by %s, the most overdue first\n", def->decisive);
		fprintf(out, "\n%-20s ", "patient key");
		if (names)
			fprintf(out, "%-28s ", "name");
		fprintf(out, "%5s %4s  %-28s", "age", "sex", "list holder");
		if (def->decisive != NULL) {
			fprintf(out, "  %-*s", decisive_width(def), def->decisive);
			if (def->decisive_unit != NULL)
				fprintf(out, " %8s", def->decisive_unit);
		}
		fputc('\n', out);
	}
	for (size_t i = from; i < to; i++) {
		const struct kv_member *row = &m->rows[i];
		if (!selected(a, w, m, row))
			continue;
		shown++;
		if (a->csv)
			print_csv_row(out, m, row, ref, names, a->all ? se->id : NULL);
		else
			print_table_row(out, m, row, ref, names, def);
	}
	if (!a->csv)
		fprintf(out, "\n%zu patient%s%s\n", shown, shown == 1 ? "" : "s",
			a->by_gp ? (a->gp ? " on this GP's list" : " on no GP's list") : "");
}

/* Every listed indicator's rows (one, or with --all each computed one in
 * the order of its id). */
static int print_lists(FILE *out, const struct patients_args *a, const struct kv_result *res,
		       const struct kv_members *m, bool names)
{
	if (a->csv)
		fprintf(out, "%spatient_key,name,age,sex,list_holder,list_holder_name,numerator,"
			     "decisive_date,decisive_value\n",
			a->all ? "indicator," : "");
	size_t i = 0, blocks = 0;
	for (size_t se = 0; se < res->n_series; se++) {
		const struct kv_series *s = &res->series[se];
		size_t from = i;
		while (i < m->n && m->rows[i].series == se)
			i++;
		bool wanted = a->all ? s->computable && !s->failed : strcmp(s->id, a->indicator) == 0;
		if (!wanted)
			continue;
		if (!a->csv && blocks++ > 0)
			fputs("\n\n", out);
		print_list(out, a, s, m, from, i, names);
	}
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
	m.indicator = a.all ? NULL : a.indicator;
	m.month = a.month;
	m.holder_names = true;
	m.patient_names = kv_core_settings(s.cfg)->local.show_names;
	rc = KV_EXIT_FAILURE;
	struct kv_engine_options opts = {.progress = isatty(STDERR_FILENO) == 1, .members = &m};
	if (kv_engine_run_with(&s, a.month, a.month, &opts, &res) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", res.failure);
		goto done;
	}
	for (size_t i = 0; i < res.n_series; i++) {
		const struct kv_series *se = &res.series[i];
		bool wanted = a.all || strcmp(se->id, a.indicator) == 0;
		if (wanted && se->failed && !a.all) {
			fprintf(stderr, "kvalind: error: indicator %s failed: %s\n", se->id,
				res.plugin_failures);
			goto done;
		}
		if (wanted && (se->failed || !se->computable))
			fprintf(stderr, "kvalind: warning: indicator %s is not listed: %s\n", se->id,
				se->failed ? "its plugin failed" :
					     "the record system does not provide what it needs");
	}
	if (m.without_key > 0) {
		fprintf(stderr,
			"kvalind: error: connector \"%s\" gives no patient key for %" PRIu64
			" listed patient%s; it cannot list patients\n",
			s.connector.plugin->name, m.without_key, m.without_key == 1 ? "" : "s");
		goto done;
	}
	if (m.n > 0)
		qsort_r(m.rows, m.n, sizeof *m.rows, compare_rows, &m);
	if (m.patient_names && s.connector.plugin->connector->names == NULL)
		fprintf(stderr, "kvalind: warning: connector \"%s\" can not look up names; the "
				"list shows patient keys only\n",
			s.connector.plugin->name);
	out = a.output != NULL ? open_output(a.output) : stdout;
	if (out == NULL)
		goto done;
	if (print_lists(out, &a, &res, &m, m.patient_names) != 0) {
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
