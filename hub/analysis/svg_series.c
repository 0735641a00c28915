/*
 * svg_series.c - chart (a): an office's monthly series against its
 * group's median and inter-quartile band (see svg.h)
 */
#include <math.h>
#include <stdio.h>

#include "svg.h"
#include "svg_private.h"

#define C_BAND "#6b9bd1"
#define C_MEDIAN "#2b5c9e"
#define C_OFFICE "#d1495b"

static void month_label(double v, char *buf, size_t len)
{
	long m = lround(v);
	kv_an_period_label((int)m, m % 12 == 0 ? KV_AN_YEAR : KV_AN_MONTH, buf, len);
}

static void point(FILE *out, double x, double y)
{
	svg_num(out, x);
	fputc(',', out);
	svg_num(out, y);
}

/* The path data of a series' runs of finite values ("M..L.."); a run of one
 * value is a short horizontal stroke. Returns the number of points. */
static size_t runs(FILE *out, const struct kv_series *s, const double *v,
		   const struct svg_scale *xs, const struct svg_scale *ys)
{
	size_t pts = 0;
	for (size_t k = 0; k < s->n;) {
		if (isnan(v[k])) {
			k++;
			continue;
		}
		size_t end = k;
		while (end + 1 < s->n && !isnan(v[end + 1]))
			end++;
		double y = svg_map(ys, v[k]);
		double x = svg_map(xs, s->first_month + (double)k);
		fputs(pts ? " M" : "M", out);
		if (end == k) {
			point(out, x - 3, y);
			fputs(" L", out);
			point(out, x + 3, y);
		} else {
			for (size_t j = k; j <= end; j++) {
				if (j > k)
					fputs(" L", out);
				point(out, svg_map(xs, s->first_month + (double)j), svg_map(ys, v[j]));
			}
		}
		pts += end - k + 1;
		k = end + 1;
	}
	return pts;
}

/* The band: one closed polygon per run of months with quartiles. */
static size_t band(FILE *out, const struct kv_series *s, const struct svg_scale *xs,
		   const struct svg_scale *ys)
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
			point(out, svg_map(xs, s->first_month + (double)j) - (j == k ? pad : 0),
			      svg_map(ys, s->q3[j]));
		}
		if (pad > 0) {
			fputs(" L", out);
			point(out, svg_map(xs, s->first_month + (double)k) + pad, svg_map(ys, s->q3[k]));
		}
		for (size_t j = end + 1; j-- > k;) {
			fputs(" L", out);
			point(out, svg_map(xs, s->first_month + (double)j) + (j == k ? pad : 0),
			      svg_map(ys, s->q1[j]));
		}
		if (pad > 0) {
			fputs(" L", out);
			point(out, svg_map(xs, s->first_month + (double)k) - pad, svg_map(ys, s->q1[k]));
		}
		fputs(" Z", out);
		pts += end - k + 1;
		k = end + 1;
	}
	return pts;
}

static void y_range(const struct kv_series *s, struct svg_scale *ys, double *step)
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
	*step = svg_nice_step(lo, hi, 5);
	svg_nice_range(&lo, &hi, *step);
	ys->lo = fmax(0, lo);
	ys->hi = fmin(1, hi);
	ys->a = SVG_H - SVG_BOTTOM;
	ys->b = SVG_TOP;
}

int kv_svg_series(FILE *out, const struct kv_svg_series_chart *c, char *err, size_t errlen)
{
	const struct kv_series *s = c->series;
	if (!s || s->n == 0)
		return kv_an_err(err, errlen, "empty series");

	struct svg_scale xs = {.lo = s->first_month, .hi = s->first_month + (double)s->n - 1,
			       .a = SVG_LEFT + 8, .b = SVG_W - SVG_RIGHT - 8};
	if (s->n == 1) {
		xs.lo -= 0.5;
		xs.hi += 0.5;
	}
	double xstep = s->n > 36 ? 12 : s->n > 12 ? 3 : 1, ystep;
	struct svg_scale ys;
	y_range(s, &ys, &ystep);

	svg_begin(out, c->title,
		  "Monthly share of the office against the median and inter-quartile range of its group");
	svg_axes(out, &xs, &ys, xstep, ystep, month_label, "month", "share");

	fputs("<path class=\"band\" fill=\"" C_BAND "\" fill-opacity=\"0.35\" stroke=\"none\" d=\"", out);
	size_t nb = band(out, s, &xs, &ys);
	fputs("\"/>\n<path class=\"median\" fill=\"none\" stroke=\"" C_MEDIAN
	      "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\" d=\"", out);
	runs(out, s, s->median, &xs, &ys);
	fputs("\"/>\n<path class=\"office\" fill=\"none\" stroke=\"" C_OFFICE
	      "\" stroke-width=\"2\" d=\"", out);
	size_t no = runs(out, s, s->office, &xs, &ys);
	fputs("\"/>\n", out);
	if (nb == 0 || no == 0) {
		fputs("<text class=\"nodata\" x=\"", out);
		svg_num(out, (xs.a + xs.b) / 2);
		fputs("\" y=\"", out);
		svg_num(out, SVG_TOP + 16);
		fprintf(out, "\" text-anchor=\"middle\" fill=\"#666666\">%s</text>\n",
			no == 0 ? "no published share for this office"
				: "too few offices in the group for a band");
	}
	svg_legend(out, 0, SVG_KEY_LINE, C_OFFICE, c->office_label ? c->office_label : "office");
	char label[160];
	snprintf(label, sizeof label, "%.100s: median (dashed) and inter-quartile range",
		 c->band_label ? c->band_label : "group");
	svg_legend(out, 1, SVG_KEY_BAND, C_BAND, label);
	svg_end(out);
	if (fflush(out) != 0 || ferror(out))
		return kv_an_err(err, errlen, "could not write the series chart");
	return 0;
}
