/*
 * report_html.c - the local report's pages (report_html.h)
 */
#include "report_html.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report_dir.h"
#include "svg_chart.h"

#define C_GP "#d1495b"
#define C_OFFICE "#2b5c9e"

/* The pages' one style sheet: a 1366-pixel screen, and A4 landscape in
 * print with each indicator on a page of its own. */
static const char css[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:sans-serif;font-size:14px;color:#222;margin:0;background:#fff}\n"
    "main{max-width:1340px;margin:0 auto;padding:12px 16px}\n"
    "header h1{font-size:22px;margin:4px 0}\n"
    "header p{margin:2px 0;color:#444}\n"
    "nav{margin:8px 0;padding:6px 0;border-top:1px solid #ccc;border-bottom:1px solid #ccc;"
    "line-height:1.8}\n"
    "nav a{margin-right:14px;white-space:nowrap}\n"
    "nav a.here{font-weight:bold;text-decoration:none;color:#222}\n"
    ".note{background:#fff7e0;border:1px solid #e8d9a8;padding:6px 10px;margin:8px 0}\n"
    "table{border-collapse:collapse;margin:6px 0}\n"
    "th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}\n"
    "th:first-child,td:first-child,td.text,th.text{text-align:left}\n"
    "thead th{background:#f0f0f0}\n"
    "table.summary{width:100%}\n"
    "section.ind{border-top:2px solid #888;margin-top:18px;padding-top:6px}\n"
    "section.ind h2{font-size:18px;margin:4px 0}\n"
    "p.nb{margin:0 0 4px 0;color:#555;font-style:italic}\n"
    "dl{display:grid;grid-template-columns:130px 1fr;gap:2px 10px;margin:6px 0}\n"
    "dt{font-weight:bold}dd{margin:0}\n"
    ".row{display:grid;grid-template-columns:680px 1fr;gap:18px;align-items:start}\n"
    ".chart svg{display:block;width:680px;height:auto}\n"
    "table.months{font-size:12px;width:100%}\n"
    "table.follow{font-size:13px;min-width:50%}\n"
    "td.key{font-family:monospace;text-align:left}\n"
    ".none{color:#777}\n"
    "footer{margin:20px 0 8px 0;color:#666;font-size:12px;border-top:1px solid #ccc;padding-top:6px}\n"
    "@page{size:A4 landscape;margin:10mm}\n"
    "@media print{body{font-size:11px}main{max-width:none;padding:0}nav{display:none}"
    "section.ind{break-before:page;border-top:none}"
    ".row{grid-template-columns:150mm 1fr}.chart svg{width:150mm}"
    "tr{break-inside:avoid}thead{display:table-header-group}a{color:inherit;"
    "text-decoration:none}.note{border:1px solid #999}}\n";

static const char csp[] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
			  "base-uri 'none'; form-action 'none'";

#define esc kv_xml_escape

static void month_str(int m, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d", m / 12, m % 12 + 1);
}

void kv_local_report_page_name(const struct kv_local_holder *h, char *buf, size_t len)
{
	if (h == NULL)
		snprintf(buf, len, "index.html");
	else if (h->id == 0)
		snprintf(buf, len, "no-gp.html");
	else
		snprintf(buf, len, "gp-%" PRIu64 ".html", h->id);
}

/* "Name (GP 17)", "GP 17", "On no GP's list" (escaped). */
static void holder_label(FILE *out, const struct kv_local_holder *h)
{
	if (h->id == 0) {
		fputs("On no GP&apos;s list", out);
		return;
	}
	if (h->name != NULL && h->name[0] != '\0') {
		esc(out, h->name);
		fprintf(out, " (GP %" PRIu64 ")", h->id);
	} else {
		fprintf(out, "GP %" PRIu64, h->id);
	}
}

/* The same as plain text, for the chart's legend (escaped there). */
static void holder_text(const struct kv_local_holder *h, char *buf, size_t len)
{
	if (h->id == 0)
		snprintf(buf, len, "on no GP's list");
	else if (h->name != NULL && h->name[0] != '\0')
		snprintf(buf, len, "%.120s (GP %" PRIu64 ")", h->name, h->id);
	else
		snprintf(buf, len, "GP %" PRIu64, h->id);
}

static double value_of(const struct kv_local_indicator *ind, const struct kv_local_cell *c)
{
	if (c->den == 0)
		return NAN;
	return ind->mean ? c->value_sum / (double)c->den : (double)c->num / (double)c->den;
}

/* The share as "42.3 %" (a mean as "1.25"), or a dash. */
static void value_cell(FILE *out, const struct kv_local_indicator *ind,
		       const struct kv_local_cell *c)
{
	double v = value_of(ind, c);
	if (isnan(v))
		fputs("<span class=\"none\">&ndash;</span>", out);
	else if (ind->mean)
		fprintf(out, "%.2f", v);
	else
		fprintf(out, "%.1f&nbsp;%%", 100 * v);
}

static const struct kv_local_cell *holder_cells(const struct kv_local_report *m,
						 const struct kv_local_indicator *ind,
						 const struct kv_local_holder *h)
{
	size_t i = (size_t)(h - m->holders);
	return ind->holders != NULL ? &ind->holders[i * m->n_months] : NULL;
}

static size_t follow_count(const struct kv_local_indicator *ind, const struct kv_local_holder *h)
{
	size_t n = 0;
	for (size_t i = 0; i < ind->n_follow; i++)
		if (h == NULL || ind->follow[i].holder == h->id)
			n++;
	return n;
}

static bool has_follow_up(const struct kv_local_indicator *ind)
{
	return ind->direction != 0 && !ind->failed;
}

static void head(FILE *out, const struct kv_local_report *m, const struct kv_local_holder *h)
{
	char last[16];
	month_str(m->first_month + (int)m->n_months - 1, last, sizeof last);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"
		     "<meta name=\"referrer\" content=\"no-referrer\">\n"
		     "<meta name=\"robots\" content=\"noindex\">\n"
		     "<meta name=\"viewport\" content=\"width=1366\">\n<title>",
		csp);
	if (h != NULL) {
		holder_label(out, h);
		fputs(" &ndash; ", out);
	}
	esc(out, m->office_name);
	fprintf(out, " &ndash; quality indicators %s</title>\n<style>\n%s</style>\n</head>\n", last,
		css);
}

static void header(FILE *out, const struct kv_local_report *m, const struct kv_local_holder *h)
{
	char first[16], last[16], name[64];
	month_str(m->first_month, first, sizeof first);
	month_str(m->first_month + (int)m->n_months - 1, last, sizeof last);
	fputs("<body>\n<main>\n<header>\n<h1>", out);
	if (h != NULL) {
		holder_label(out, h);
		fputs(" &ndash; ", out);
	}
	esc(out, m->office_name);
	fputs("</h1>\n<p>", out);
	fprintf(out, "Quality indicators for <strong>%s</strong>, with the %zu months from %s. ", last,
		m->n_months, first);
	if (h == NULL)
		fputs("The office as a whole; each GP&apos;s own page is linked below.", out);
	else if (h->id == 0)
		fputs("The patients on no GP&apos;s list at each month&apos;s end, against the office.",
		      out);
	else
		fputs("The patients on this GP&apos;s list at each month&apos;s end, against the "
		      "office.",
		      out);
	fputs("</p>\n</header>\n<nav>", out);
	fprintf(out, "<a href=\"index.html\"%s>The office</a>", h == NULL ? " class=\"here\"" : "");
	for (size_t i = 0; i < m->n_holders; i++) {
		const struct kv_local_holder *o = &m->holders[i];
		kv_local_report_page_name(o, name, sizeof name);
		fprintf(out, "<a href=\"%s\"%s>", name, o == h ? " class=\"here\"" : "");
		holder_label(out, o);
		fputs("</a>", out);
	}
	fputs("</nav>\n<p class=\"note\">Exact counts and patient keys from the record system, for "
	      "the office&apos;s own follow-up. This page is not sent anywhere; keep it as you keep "
	      "the patient record.</p>\n",
	      out);
}

/* The month's figures of every indicator, one row each. */
static void summary(FILE *out, const struct kv_local_report *m, const struct kv_local_holder *h)
{
	size_t last = m->n_months - 1;
	char lm[16];
	month_str(m->first_month + (int)last, lm, sizeof lm);
	fprintf(out, "<h2>%s at a glance</h2>\n<table class=\"summary\">\n<thead><tr>"
		     "<th>indicator</th><th>numerator</th><th>denominator</th><th>%s</th>%s"
		     "<th>follow-up</th></tr></thead>\n<tbody>\n",
		lm, h ? "this list" : "share", h ? "<th>office</th>" : "");
	for (size_t i = 0; i < m->n_indicators; i++) {
		const struct kv_local_indicator *ind = &m->indicators[i];
		fputs("<tr><td><a href=\"#", out);
		esc(out, ind->id);
		fputs("\">", out);
		esc(out, ind->title);
		fputs("</a></td>", out);
		if (ind->failed) {
			fprintf(out, "<td colspan=\"%d\" class=\"text none\">not computed: its plugin "
				     "failed</td></tr>\n",
				h ? 5 : 4);
			continue;
		}
		const struct kv_local_cell *hc = h ? holder_cells(m, ind, h) : NULL;
		const struct kv_local_cell *c = hc ? &hc[last] : &ind->office[last];
		fprintf(out, "<td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>", c->num, c->den);
		value_cell(out, ind, c);
		fputs("</td>", out);
		if (h) {
			fputs("<td>", out);
			value_cell(out, ind, &ind->office[last]);
			fputs("</td>", out);
		}
		if (has_follow_up(ind))
			fprintf(out, "<td>%zu</td></tr>\n", follow_count(ind, h));
		else
			fputs("<td class=\"none\">&ndash;</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static void heading(FILE *out, const struct kv_local_indicator *ind)
{
	fputs("<h2>", out);
	esc(out, ind->title);
	fputs(" <small>(", out);
	esc(out, ind->id);
	fputs(")</small></h2>\n", out);
	if (ind->title_nb != NULL) {
		fputs("<p class=\"nb\">", out);
		esc(out, ind->title_nb);
		fputs("</p>\n", out);
	}
}

static void definition(FILE *out, const struct kv_local_indicator *ind)
{
	fputs("<dl>\n<dt>Numerator</dt><dd>", out);
	esc(out, ind->numerator);
	fputs("</dd>\n<dt>Denominator</dt><dd>", out);
	esc(out, ind->denominator);
	fprintf(out, "</dd>\n<dt>%s</dt><dd>%s</dd>\n<dt>Follow-up</dt><dd>%s</dd>\n</dl>\n",
		ind->mean ? "Value" : "Share",
		ind->mean ? "the mean per patient in the denominator"
			  : ind->direction > 0 ? "numerator / denominator; higher is better"
			  : ind->direction < 0 ? "numerator / denominator; lower is better"
					       : "numerator / denominator; a description, not a target",
		ind->direction > 0 ? "the patients in the denominator but not in the numerator"
		: ind->direction < 0 ? "the patients in the numerator"
				     : "none: the indicator describes, it sets no target");
}

static int chart(FILE *out, const struct kv_local_report *m, const struct kv_local_indicator *ind,
		 const struct kv_local_holder *h, char *err, size_t errlen)
{
	int rc = -1;
	double *office = calloc(m->n_months, sizeof *office);
	double *gp = calloc(m->n_months, sizeof *gp);
	char title[256], label[160];
	if (office == NULL || gp == NULL) {
		kv_fail(err, errlen, "out of memory");
		goto done;
	}
	const struct kv_local_cell *hc = h ? holder_cells(m, ind, h) : NULL;
	for (size_t k = 0; k < m->n_months; k++) {
		office[k] = value_of(ind, &ind->office[k]);
		gp[k] = hc ? value_of(ind, &hc[k]) : NAN;
	}
	struct kv_svg_line lines[2];
	size_t n = 0;
	if (h != NULL) {
		holder_text(h, label, sizeof label);
		lines[n++] = (struct kv_svg_line){
		    .cls = "gp", .label = label, .stroke = C_GP, .dashed = false, .v = gp};
	}
	lines[n++] = (struct kv_svg_line){.cls = "office",
					  .label = "the office",
					  .stroke = C_OFFICE,
					  .dashed = h != NULL,
					  .v = office};
	snprintf(title, sizeof title, "%.100s: %.140s", ind->id, h ? label : "the office");
	struct kv_svg_line_chart c = {
	    .title = title,
	    .desc = h ? "Monthly share of the GP's listed patients against the whole office's"
		      : "Monthly share of the office",
	    .first_month = m->first_month,
	    .n = m->n_months,
	    .lines = lines,
	    .n_lines = n,
	    .empty = "no patient in the denominator in these months"};
	fputs("<div class=\"chart\">\n", out);
	if (kv_svg_lines(out, &c, err, errlen) != 0)
		goto done;
	fputs("</div>\n", out);
	rc = 0;
done:
	free(office);
	free(gp);
	return rc;
}

/* Every month's counts, in tables of 12 months. */
static void month_table(FILE *out, const struct kv_local_report *m,
			const struct kv_local_indicator *ind, const struct kv_local_holder *h)
{
	const struct kv_local_cell *hc = h ? holder_cells(m, ind, h) : NULL;
	const struct kv_local_cell *own = hc ? hc : ind->office;
	char mon[16];
	for (size_t from = 0; from < m->n_months; from += 12) {
		size_t to = from + 12 < m->n_months ? from + 12 : m->n_months;
		fputs("<table class=\"months\">\n<thead><tr><th>month</th>", out);
		for (size_t k = from; k < to; k++) {
			month_str(m->first_month + (int)k, mon, sizeof mon);
			fprintf(out, "<th>%s</th>", mon);
		}
		fputs("</tr></thead>\n<tbody>\n<tr><td>numerator</td>", out);
		for (size_t k = from; k < to; k++)
			fprintf(out, "<td>%" PRIu64 "</td>", own[k].num);
		fputs("</tr>\n<tr><td>denominator</td>", out);
		for (size_t k = from; k < to; k++)
			fprintf(out, "<td>%" PRIu64 "</td>", own[k].den);
		fprintf(out, "</tr>\n<tr><td>%s</td>", h ? "this list" : ind->mean ? "mean" : "share");
		for (size_t k = from; k < to; k++) {
			fputs("<td>", out);
			value_cell(out, ind, &own[k]);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
		if (h) {
			fputs("<tr><td>the office</td>", out);
			for (size_t k = from; k < to; k++) {
				fputs("<td>", out);
				value_cell(out, ind, &ind->office[k]);
				fputs("</td>", out);
			}
			fputs("</tr>\n", out);
		}
		fputs("</tbody>\n</table>\n", out);
	}
}

/* On the office's page: each GP's figures for the month. */
static void holder_table(FILE *out, const struct kv_local_report *m,
			 const struct kv_local_indicator *ind)
{
	size_t last = m->n_months - 1;
	char name[64];
	if (ind->holders == NULL || m->n_holders == 0)
		return;
	fputs("<table class=\"holders\">\n<thead><tr><th>list</th><th>numerator</th>"
	      "<th>denominator</th><th>share</th><th>follow-up</th></tr></thead>\n<tbody>\n",
	      out);
	for (size_t i = 0; i < m->n_holders; i++) {
		const struct kv_local_holder *h = &m->holders[i];
		const struct kv_local_cell *c = &ind->holders[i * m->n_months + last];
		kv_local_report_page_name(h, name, sizeof name);
		fprintf(out, "<tr><td><a href=\"%s#", name);
		esc(out, ind->id);
		fputs("\">", out);
		holder_label(out, h);
		fprintf(out, "</a></td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>", c->num, c->den);
		value_cell(out, ind, c);
		if (has_follow_up(ind))
			fprintf(out, "</td><td>%zu</td></tr>\n", follow_count(ind, h));
		else
			fputs("</td><td class=\"none\">&ndash;</td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static const char *sex_name(uint8_t sex)
{
	return sex == KV_SEX_FEMALE ? "F" : sex == KV_SEX_MALE ? "M" : "?";
}

static void follow_list(FILE *out, const struct kv_local_report *m,
			const struct kv_local_indicator *ind, const struct kv_local_holder *h)
{
	char lm[16];
	month_str(m->first_month + (int)m->n_months - 1, lm, sizeof lm);
	size_t n = follow_count(ind, h);
	bool names = false;
	for (size_t i = 0; i < ind->n_follow; i++)
		if ((h == NULL || ind->follow[i].holder == h->id) && ind->follow[i].name != NULL)
			names = true;
	fprintf(out, "<h3>Follow-up, %s: %zu patient%s</h3>\n", lm, n, n == 1 ? "" : "s");
	if (n == 0)
		return;
	fputs("<table class=\"follow\">\n<thead><tr><th>patient key</th>", out);
	if (names)
		fputs("<th class=\"text\">name</th>", out);
	fputs("<th>age</th><th>sex</th>", out);
	if (h == NULL)
		fputs("<th class=\"text\">list</th>", out);
	if (ind->decisive != NULL) {
		fputs("<th class=\"text\">", out);
		esc(out, ind->decisive);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < ind->n_follow; i++) {
		const struct kv_local_patient *p = &ind->follow[i];
		if (h != NULL && p->holder != h->id)
			continue;
		fputs("<tr><td class=\"key\">", out);
		esc(out, p->key);
		fputs("</td>", out);
		if (names) {
			fputs("<td class=\"text\">", out);
			esc(out, p->name);
			fputs("</td>", out);
		}
		fprintf(out, "<td>%d</td><td>%s</td>", p->age, sex_name(p->sex));
		if (h == NULL) {
			fputs("<td class=\"text\">", out);
			if (p->holder == 0)
				fputs("none", out);
			else
				fprintf(out, "GP %" PRIu64, p->holder);
			fputs("</td>", out);
		}
		if (ind->decisive != NULL) {
			fputs("<td class=\"text\">", out);
			if (p->decisive_date == KV_DATE_NONE) {
				fputs("<span class=\"none\">none</span>", out);
			} else {
				int y, mo, d;
				kv_date_to_ymd(p->decisive_date, &y, &mo, &d);
				fprintf(out, "%04d-%02d-%02d", y, mo, d);
				if (isfinite(p->decisive_value)) {
					fprintf(out, ": %g", p->decisive_value);
					if (ind->decisive_unit != NULL) {
						fputc(' ', out);
						esc(out, ind->decisive_unit);
					}
				}
			}
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

int kv_local_report_page(FILE *out, const struct kv_local_report *m, const struct kv_local_holder *h,
		   char *err, size_t errlen)
{
	if (m->n_months == 0)
		return kv_fail(err, errlen, "a report of no months");
	head(out, m, h);
	header(out, m, h);
	summary(out, m, h);
	for (size_t i = 0; i < m->n_indicators; i++) {
		const struct kv_local_indicator *ind = &m->indicators[i];
		fputs("<section class=\"ind\" id=\"", out);
		esc(out, ind->id);
		fputs("\">\n", out);
		heading(out, ind);
		if (ind->failed) {
			definition(out, ind);
			fputs("<p class=\"none\">Not computed in this run: its plugin failed (see the "
			      "log).</p>\n</section>\n",
			      out);
			continue;
		}
		fputs("<div class=\"row\">\n", out);
		if (ind->mean)
			fputs("<div class=\"chart none\">A mean, not a share: see the counts.</div>\n",
			      out);
		else if (chart(out, m, ind, h, err, errlen) != 0)
			return -1;
		fputs("<div class=\"side\">\n", out);
		definition(out, ind);
		if (h == NULL)
			holder_table(out, m, ind);
		fputs("</div>\n</div>\n", out);
		month_table(out, m, ind, h);
		if (has_follow_up(ind))
			follow_list(out, m, ind, h);
		fputs("</section>\n", out);
	}
	fputs("<footer>Made ", out);
	esc(out, m->generated);
	fputs(" by kvalind " KV_VERSION " from the record system of ", out);
	esc(out, m->office_name);
	fputs(" (", out);
	esc(out, m->office_id);
	fputs("). A patient&apos;s list is the GP whose list held the patient at the month&apos;s "
	      "end.</footer>\n</main>\n</body>\n</html>\n",
	      out);
	if (fflush(out) != 0 || ferror(out))
		return kv_fail(err, errlen, "could not write the page");
	return 0;
}

struct page_arg {
	const struct kv_local_report *m;
	const struct kv_local_holder *h;
};

static int write_page(FILE *out, void *arg, char *err, size_t errlen)
{
	const struct page_arg *a = arg;
	return kv_local_report_page(out, a->m, a->h, err, errlen);
}

int kv_local_report_write_into(const struct kv_local_report *m, struct kv_report_dir *d,
			       size_t *pages, char *err, size_t errlen)
{
	char (*names)[64] = calloc(m->n_holders + 1, sizeof *names);
	const char **keep = calloc(m->n_holders + 1, sizeof *keep);
	int rc = -1;
	*pages = 0;
	if (names == NULL || keep == NULL) {
		kv_fail(err, errlen, "out of memory");
		goto done;
	}
	/* the GPs' pages first, so the office's links lead to this run's */
	for (size_t i = 0; i <= m->n_holders; i++) {
		const struct kv_local_holder *h = i < m->n_holders ? &m->holders[i] : NULL;
		struct page_arg a = {m, h};
		kv_local_report_page_name(h, names[i], sizeof names[i]);
		keep[i] = names[i];
		if (kv_report_dir_write(d, names[i], write_page, &a, err, errlen) != 0)
			goto done;
		(*pages)++;
	}
	if (kv_report_dir_prune(d, keep, m->n_holders + 1, err, errlen) < 0)
		goto done;
	rc = 0;
done:
	free(names);
	free(keep);
	return rc;
}

int kv_local_report_write(const struct kv_local_report *m, const char *dir, size_t *pages,
			  char *err, size_t errlen)
{
	struct kv_report_dir d = {.fd = -1};
	*pages = 0;
	if (kv_report_dir_open(&d, dir, err, errlen) != 0)
		return -1;
	int rc = kv_local_report_write_into(m, &d, pages, err, errlen);
	kv_report_dir_close(&d);
	return rc;
}
