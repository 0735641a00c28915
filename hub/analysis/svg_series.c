/*
 * svg_series.c - chart (a): an office's monthly series against its
 * group's median and inter-quartile band (see svg.h)
 */
#include <math.h>
#include <stdio.h>

#include "svg.h"
#include "svg_chart.h"

#define C_BAND "#6b9bd1"
#define C_MEDIAN "#2b5c9e"
#define C_OFFICE "#d1495b"

static void month_label(double v, char *buf, size_t len)
{
	kv_svg_month_label(v, true, buf, len);
}

static void point(FILE *out, double x, double y)
{
	kv_svg_num(out, x);
	fputc(',', out);
	kv_svg_num(out, y);
}

/* The band: one closed polygon per run of months with quartiles. */
static size_t band(FILE *out, const struct kv_series *s, const struct kv_svg_scale *xs,
		   const struct kv_svg_scale *ys)
{
	size_t pts = 0;
	for (size_t k = 0; k < s->n;) {
		if (isnan(s->q1[k])) {
			k++;
			continue;
		}
		size_t end = k;
		while (end + 1 < s->n && !isnan(s->q1[end + 1]))
			end++;
		double pad = end == k ? 3 : 0;
		fputs(pts ? " M" : "M", out);
		for (size_t j = k; j <= end; j++) {
			if (j > k)
				fputs(" L", out);
			point(out, kv_svg_map(xs, s->first_month + (double)j) - (j == k ? pad : 0),
			      kv_svg_map(ys, s->q3[j]));
		}
		if (pad > 0) {
			fputs(" L", out);
			point(out, kv_svg_map(xs, s->first_month + (double)k) + pad, kv_svg_map(ys, s->q3[k]));
		}
		for (size_t j = end + 1; j-- > k;) {
			fputs(" L", out);
			point(out, kv_svg_map(xs, s->first_month + (double)j) + (j == k ? pad : 0),
			      kv_svg_map(ys, s->q1[j]));
		}
		if (pad > 0) {
			fputs(" L", out);
			point(out, kv_svg_map(xs, s->first_month + (double)k) - pad, kv_svg_map(ys, s->q1[k]));
		}
		fputs(" Z", out);
		pts += end - k + 1;
		k = end + 1;
	}
	return pts;
}

static void y_range(const struct kv_series *s, struct kv_svg_scale *ys, double *step)
{
	double lo = INFINITY, hi = -INFINITY;
	const double *arrs[] = {s->office, s->q1, s->q3, s->median};
	for (size_t a = 0; a < 4; a++)
		for (size_t k = 0; k < s->n; k++)
			if (!isnan(arrs[a][k])) {
				lo = fmin(lo, arrs[a][k]);
				hi = fmax(hi, arrs[a][k]);
			}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	double padding = fmax(0.02, (hi - lo) * 0.08);
	lo = fmax(0, lo - padding);
	hi = fmin(1, hi + padding);
	*step = kv_svg_nice_step(lo, hi, 5);
	kv_svg_nice_range(&lo, &hi, *step);
	ys->lo = fmax(0, lo);
	ys->hi = fmin(1, hi);
	ys->a = KV_SVG_H - KV_SVG_BOTTOM;
	ys->b = KV_SVG_TOP;
}

int kv_svg_series(FILE *out, const struct kv_svg_series_chart *c, char *err, size_t errlen)
{
	const struct kv_series *s = c->series;
	if (!s || s->n == 0)
		return kv_an_err(err, errlen, "empty series");

	struct kv_svg_scale xs = {.lo = s->first_month, .hi = s->first_month + (double)s->n - 1,
			       .a = KV_SVG_LEFT + 8, .b = KV_SVG_W - KV_SVG_RIGHT - 8};
	if (s->n == 1) {
		xs.lo -= 0.5;
		xs.hi += 0.5;
	}
	double xstep = s->n > 36 ? 12 : s->n > 12 ? 3 : 1, ystep;
	struct kv_svg_scale ys;
	y_range(s, &ys, &ystep);

	kv_svg_begin(out, c->title,
		  "Monthly share of the office against the median and inter-quartile range of its group");
	kv_svg_axes(out, &xs, &ys, xstep, ystep, month_label, "month", "share");

	fputs("<path class=\"band\" fill=\"" C_BAND "\" fill-opacity=\"0.35\" stroke=\"none\" d=\"", out);
	size_t nb = band(out, s, &xs, &ys);
	fputs("\"/>\n<path class=\"median\" fill=\"none\" stroke=\"" C_MEDIAN
	      "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\" d=\"", out);
	kv_svg_runs(out, s->first_month, s->n, s->median, &xs, &ys);
	fputs("\"/>\n<path class=\"office\" fill=\"none\" stroke=\"" C_OFFICE
	      "\" stroke-width=\"2\" d=\"", out);
	size_t no = kv_svg_runs(out, s->first_month, s->n, s->office, &xs, &ys);
	fputs("\"/>\n", out);
	if (nb == 0 || no == 0) {
		fputs("<text class=\"nodata\" x=\"", out);
		kv_svg_num(out, (xs.a + xs.b) / 2);
		fputs("\" y=\"", out);
		kv_svg_num(out, KV_SVG_TOP + 16);
		fprintf(out, "\" text-anchor=\"middle\" fill=\"#666666\">%s</text>\n",
			no == 0 ? "no published share for this office"
				: "too few offices in the group for a band");
	}
	kv_svg_legend(out, 0, KV_SVG_KEY_LINE, C_OFFICE, c->office_label ? c->office_label : "office");
	char label[160];
	snprintf(label, sizeof label, "%.100s: median (dashed) and inter-quartile range",
		 c->band_label ? c->band_label : "group");
	kv_svg_legend(out, 1, KV_SVG_KEY_BAND, C_BAND, label);
	kv_svg_end(out);
	if (fflush(out) != 0 || ferror(out))
		return kv_an_err(err, errlen, "could not write the series chart");
	return 0;
}
