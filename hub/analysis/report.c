/*
 * report.c - the HTML report of one indicator for one viewer (see
 * report.h)
 */
#include "report.h"

#include <math.h>
#include <string.h>

#include "series.h"
#include "svg.h"

static bool named(const struct kv_report_viewer *v, const char *office)
{
	for (size_t i = 0; i < v->n_named; i++)
		if (v->named[i] && strcmp(v->named[i], office) == 0)
			return true;
	return false;
}

static void head(FILE *out, const struct kv_report_indicator *ind)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	kv_xml_escape(out, ind->id);
	fputs(" - ", out);
	kv_xml_escape(out, ind->title);
	fputs("</title>\n<style>\n"
	      "body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}\n"
	      "figure{margin:1rem 0}svg{max-width:100%;height:auto;border:1px solid #ddd}\n"
	      "table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;"
	      "text-align:left}\n"
	      "dt{font-weight:bold}.out95{color:#b35900}.out998{color:#b2182b}\n"
	      "</style>\n</head>\n<body>\n", out);
}

static void definition(FILE *out, const struct kv_report_indicator *ind,
		       const struct kv_report_viewer *v)
{
	fputs("<header>\n<h1>", out);
	kv_xml_escape(out, ind->title);
	fputs("</h1>\n", out);
	if (ind->title_nb) {
		fputs("<p lang=\"nb\">", out);
		kv_xml_escape(out, ind->title_nb);
		fputs("</p>\n", out);
	}
	fputs("<dl>\n<dt>Indicator</dt><dd><code>", out);
	kv_xml_escape(out, ind->id);
	fputs("</code></dd>\n<dt>Numerator</dt><dd>", out);
	kv_xml_escape(out, ind->numerator);
	fputs("</dd>\n<dt>Denominator</dt><dd>", out);
	kv_xml_escape(out, ind->denominator);
	fputs("</dd>\n<dt>Direction</dt><dd class=\"direction\">", out);
	const char *b = ind->better ? ind->better : "neither";
	if (strcmp(b, "higher") == 0 || strcmp(b, "lower") == 0) {
		kv_xml_escape(out, b);
		fputs(" is better", out);
	} else {
		fputs("neither higher nor lower is better in itself", out);
	}
	fputs("</dd>\n<dt>Shown for</dt><dd class=\"viewer\">", out);
	kv_xml_escape(out, v->name ? v->name : "");
	fprintf(out, " (%zu office%s by name; all others anonymous)</dd>\n</dl>\n</header>\n",
		v->n_named, v->n_named == 1 ? "" : "s");
}

static const char *flag_text(const struct kv_funnel_office *o)
{
	switch (o->flag) {
	case KV_FUNNEL_OUT998: return o->side > 0 ? "above 99.8% limit" : "below 99.8% limit";
	case KV_FUNNEL_OUT95: return o->side > 0 ? "above 95% limit" : "below 95% limit";
	default: return "inside";
	}
}

static int funnel_section(FILE *out, const struct kv_panel *p,
			  const struct kv_report_indicator *ind, const struct kv_report_viewer *v,
			  const struct kv_report_opts *o, char *err, size_t errlen)
{
	int ret = -1;
	struct kv_funnel *f = NULL;
	if (kv_funnel_build(p, ind->id, &o->funnel, &f, err, errlen) < 0)
		goto done;
	char a[KV_AN_PERIOD_MAX], b[KV_AN_PERIOD_MAX];
	kv_an_period_label(f->first_month, KV_AN_MONTH, a, sizeof a);
	kv_an_period_label(f->last_month, KV_AN_MONTH, b, sizeof b);
	fprintf(out, "<section class=\"funnel\">\n<h2>Funnel plot, %s to %s</h2>\n", a, b);
	fprintf(out, "<p>Share of each office against its %s, with exact binomial 95%% and 99.8%% "
		     "control limits around the overall share of %.1f%% (%zu offices). An office "
		     "outside the limits differs by more than chance would explain.</p>\n",
		f->mode == KV_FUNNEL_N_MEAN ? "mean monthly denominator"
					    : "denominator summed over the 12 months",
		f->p0 * 100, f->n_offices);
	if (f->mode == KV_FUNNEL_N_MEAN)
		fputs("<p class=\"xaxis\">The x-axis is the mean monthly denominator, about the "
		      "number of patients behind the share. Each month's indicator is a rolling "
		      "12-month window of the same patient list, so the denominator summed over 12 "
		      "months would count each patient about 12 times and make the limits about "
		      "3.5 times too narrow.</p>\n", out);
	else
		fputs("<p class=\"xaxis\">CAUTION: the x-axis sums the denominators of 12 monthly "
		      "rolling windows, which counts each patient about 12 times; the limits are "
		      "about 3.5 times too narrow for patient-level variation.</p>\n", out);
	fputs("<figure>\n", out);
	char title[200];
	snprintf(title, sizeof title, "%.100s, %s to %s", ind->id, a, b);
	struct kv_svg_funnel_chart c = {.title = title, .funnel = f, .named = v->named,
					.n_named = v->n_named, .highlight = v->highlight,
					.labels = o->labels};
	if (kv_svg_funnel(out, &c, err, errlen) < 0)
		goto done;
	fputs("</figure>\n<table class=\"named\">\n<tr><th>office</th><th>share</th>"
	      "<th>numerator</th><th>denominator</th><th>months</th><th>funnel</th></tr>\n", out);
	for (size_t i = 0; i < f->n_offices; i++) {
		const struct kv_funnel_office *of = &f->offices[i];
		if (!named(v, of->office))
			continue;
		fputs("<tr><td>", out);
		kv_xml_escape(out, of->office);
		fprintf(out, "</td><td>%.1f%%</td><td>%ld</td><td>%ld</td><td>%d</td>"
			     "<td class=\"%s\">%s</td></tr>\n",
			of->share * 100, of->numerator, of->denominator, of->months,
			of->flag == KV_FUNNEL_OUT998 ? "out998" : of->flag == KV_FUNNEL_OUT95 ? "out95" : "inside",
			flag_text(of));
	}
	fputs("</table>\n</section>\n", out);
	ret = 0;
done:
	kv_funnel_free(f);
	return ret;
}

static int series_section(FILE *out, const struct kv_panel *p,
			  const struct kv_report_indicator *ind, const struct kv_report_viewer *v,
			  const struct kv_report_opts *o, char *err, size_t errlen)
{
	fputs("<section class=\"series\">\n<h2>Month by month against the group</h2>\n", out);
	const struct kv_panel_row *prev = NULL;
	size_t charts = 0;
	for (size_t i = 0; i < kv_panel_count(p); i++) {
		const struct kv_panel_row *r = kv_panel_row(p, i);
		if (strcmp(r->indicator, ind->id) != 0)
			continue;
		bool fresh = !prev || strcmp(prev->office, r->office) != 0 ||
			     strcmp(prev->group, r->group) != 0;
		prev = r;
		if (!fresh || !named(v, r->office))
			continue;
		struct kv_series *s = NULL;
		if (kv_series_build(p, ind->id, r->group, r->office, 0, 0, o->min_offices, &s, err,
				    errlen) < 0)
			continue;   /* the office has no share in this group: nothing to draw */
		char title[240], band[120];
		snprintf(title, sizeof title, "%.100s: %.100s", ind->id, r->office);
		snprintf(band, sizeof band, "group %.100s", r->group);
		struct kv_svg_series_chart c = {.title = title, .office_label = r->office,
						.band_label = band, .series = s};
		fputs("<figure>\n", out);
		int rc = kv_svg_series(out, &c, err, errlen);
		kv_series_free(s);
		if (rc < 0)
			return -1;
		fputs("<figcaption>", out);
		kv_xml_escape(out, r->office);
		fputs(" against the median and inter-quartile range of group ", out);
		kv_xml_escape(out, r->group);
		fputs("</figcaption>\n</figure>\n", out);
		charts++;
	}
	if (charts == 0)
		fputs("<p class=\"nodata\">No office to show by name has data for this indicator.</p>\n",
		      out);
	fputs("</section>\n", out);
	return 0;
}

int kv_report_write(FILE *out, const struct kv_panel *month_panel,
		    const struct kv_report_indicator *ind, const struct kv_report_viewer *viewer,
		    const struct kv_report_opts *opts, char *err, size_t errlen)
{
	struct kv_report_opts o = opts ? *opts : (struct kv_report_opts){0};
	if (!ind || !ind->id || !ind->title)
		return kv_an_err(err, errlen, "a report needs the indicator's id and title");
	if (kv_panel_unit(month_panel) != KV_AN_MONTH)
		return kv_an_err(err, errlen, "a report needs a panel of months");
	head(out, ind);
	if (o.index_href) {
		fputs("<nav><a href=\"", out);
		kv_xml_escape(out, o.index_href);
		fputs("\">All indicators</a></nav>\n", out);
	}
	definition(out, ind, viewer);
	if (funnel_section(out, month_panel, ind, viewer, &o, err, errlen) < 0)
		return -1;
	if (series_section(out, month_panel, ind, viewer, &o, err, errlen) < 0)
		return -1;
	fputs("<footer><p>Made by kvalind-hub from the offices' published monthly counts; "
	      "suppressed months are left out.</p></footer>\n</body>\n</html>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return kv_an_err(err, errlen, "could not write the report");
	return 0;
}
