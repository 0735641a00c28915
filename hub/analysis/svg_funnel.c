/*
 * svg_funnel.c - chart (b): the funnel plot (see svg.h)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "svg_chart.h"

#define C_95 "#e08a2c"
#define C_998 "#b2182b"
#define C_TARGET "#333333"
#define C_POINT "#4a6fa5"
#define C_HIGH "#111111"

static void count_label(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.0f", v);
}

static bool is_named(const struct kv_svg_funnel_chart *c, const char *office)
{
	for (size_t i = 0; i < c->n_named; i++)
		if (c->named[i] && strcmp(c->named[i], office) == 0)
			return true;
	return false;
}

/* Points in order of n, share, then name. */
static int by_position(const void *a, const void *b)
{
	const struct kv_funnel_office *x = *(const struct kv_funnel_office *const *)a;
	const struct kv_funnel_office *y = *(const struct kv_funnel_office *const *)b;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	if (x->share != y->share)
		return x->share < y->share ? -1 : 1;
	return strcmp(x->office, y->office);
}

static double clamp(double v, const struct kv_svg_scale *s)
{
	return v < s->lo ? s->lo : v > s->hi ? s->hi : v;
}

static void curve(FILE *out, const struct kv_funnel *f, const struct kv_svg_scale *xs,
		  const struct kv_svg_scale *ys, const char *cls, const char *colour, size_t which)
{
	fprintf(out, "<path class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s d=\"",
		cls, colour, strcmp(cls, "limit95") == 0 ? " stroke-dasharray=\"6 3\"" : "");
	for (size_t i = 0; i < f->n_grid; i++) {
		const struct kv_funnel_limits *l = &f->grid[i].lim;
		double v = which == 0 ? l->lo95 : which == 1 ? l->hi95 : which == 2 ? l->lo998 : l->hi998;
		fputs(i ? " L" : "M", out);
		kv_svg_num(out, kv_svg_map(xs, f->grid[i].n));
		fputc(',', out);
		kv_svg_num(out, kv_svg_map(ys, clamp(v, ys)));
	}
	fputs("\"/>\n", out);
}

static void scales(const struct kv_funnel *f, struct kv_svg_scale *xs, struct kv_svg_scale *ys,
		   double *xstep, double *ystep)
{
	double nmax = 1, lo = f->p0, hi = f->p0, nmin = INFINITY;
	for (size_t i = 0; i < f->n_grid; i++)
		nmax = fmax(nmax, f->grid[i].n);
	for (size_t i = 0; i < f->n_offices; i++) {
		nmax = fmax(nmax, f->offices[i].n);
		nmin = fmin(nmin, f->offices[i].n);
		lo = fmin(lo, f->offices[i].share);
		hi = fmax(hi, f->offices[i].share);
	}
	/* show the 99.8% band at the smallest office */
	struct kv_funnel_limits l;
	kv_funnel_limits(f->p0, isfinite(nmin) ? lround(fmax(1, nmin)) : 1, &l);
	if (!isnan(l.lo998)) {
		lo = fmin(lo, l.lo998);
		hi = fmax(hi, l.hi998);
	}
	double pad = fmax(0.02, (hi - lo) * 0.05);
	lo = fmax(0, lo - pad);
	hi = fmin(1, hi + pad);
	*ystep = kv_svg_nice_step(lo, hi, 5);
	kv_svg_nice_range(&lo, &hi, *ystep);
	*ys = (struct kv_svg_scale){.lo = fmax(0, lo), .hi = fmin(1, hi), .a = KV_SVG_H - KV_SVG_BOTTOM,
				 .b = KV_SVG_TOP};
	double x0 = 0, x1 = nmax;
	*xstep = kv_svg_nice_step(x0, x1, 6);
	kv_svg_nice_range(&x0, &x1, *xstep);
	*xs = (struct kv_svg_scale){.lo = x0, .hi = x1, .a = KV_SVG_LEFT, .b = KV_SVG_W - KV_SVG_RIGHT};
}

static void office_point(FILE *out, const struct kv_svg_funnel_chart *c,
			 const struct kv_funnel_office *o, const struct kv_svg_scale *xs,
			 const struct kv_svg_scale *ys)
{
	bool named = is_named(c, o->office);
	bool high = named && c->highlight && strcmp(c->highlight, o->office) == 0;
	const char *flag = o->flag == KV_FUNNEL_OUT998 ? " out998" : o->flag == KV_FUNNEL_OUT95 ? " out95" : "";
	const char *fill = high ? C_HIGH : o->flag == KV_FUNNEL_OUT998 ? C_998
					 : o->flag == KV_FUNNEL_OUT95 ? C_95 : C_POINT;
	double x = kv_svg_map(xs, o->n), y = kv_svg_map(ys, o->share);
	fprintf(out, "<circle class=\"point%s%s%s\" cx=\"", named ? " named" : "",
		high ? " highlight" : "", flag);
	kv_svg_num(out, x);
	fputs("\" cy=\"", out);
	kv_svg_num(out, y);
	fprintf(out, "\" r=\"%s\" fill=\"%s\" fill-opacity=\"0.85\"%s>", high ? "7" : "4.5", fill,
		high ? " stroke=\"#ffcc00\" stroke-width=\"2.5\"" : "");
	if (named) {
		char share[32];
		snprintf(share, sizeof share, " (%.1f%%, n = %.0f)", o->share * 100, o->n);
		fputs("<title>", out);
		kv_xml_escape(out, o->office);
		fputs(share, out);
		fputs("</title>", out);
	}
	fputs("</circle>\n", out);
	if (named && (c->labels || high)) {
		fputs("<text class=\"pointlabel\" x=\"", out);
		kv_svg_num(out, x + 8);
		fputs("\" y=\"", out);
		kv_svg_num(out, y - 6);
		fputs("\" font-size=\"11\">", out);
		kv_xml_escape(out, o->office);
		fputs("</text>\n", out);
	}
}

int kv_svg_funnel(FILE *out, const struct kv_svg_funnel_chart *c, char *err, size_t errlen)
{
	const struct kv_funnel *f = c->funnel;
	const struct kv_funnel_office **order = NULL;
	int ret = -1;

	if (!f || f->n_grid == 0) {
		kv_an_err(err, errlen, "empty funnel");
		goto done;
	}
	order = malloc((f->n_offices ? f->n_offices : 1) * sizeof *order);
	if (!order) {
		kv_an_err(err, errlen, "out of memory for the funnel chart");
		goto done;
	}
	for (size_t i = 0; i < f->n_offices; i++)
		order[i] = &f->offices[i];
	qsort(order, f->n_offices, sizeof *order, by_position);

	struct kv_svg_scale xs, ys;
	double xstep, ystep;
	scales(f, &xs, &ys, &xstep, &ystep);
	char a[KV_AN_PERIOD_MAX], b[KV_AN_PERIOD_MAX], desc[256];
	kv_an_period_label(f->first_month, KV_AN_MONTH, a, sizeof a);
	kv_an_period_label(f->last_month, KV_AN_MONTH, b, sizeof b);
	snprintf(desc, sizeof desc,
		 "Funnel plot, %s to %s: share of %zu offices against the denominator, with exact "
		 "binomial 95%% and 99.8%% limits around the overall share %.1f%%",
		 a, b, f->n_offices, f->p0 * 100);
	kv_svg_begin(out, c->title, desc);
	kv_svg_axes(out, &xs, &ys, xstep, ystep, count_label,
		 f->mode == KV_FUNNEL_N_MEAN ? "mean monthly denominator" : "denominator (summed over 12 months)",
		 "share");

	fputs("<line class=\"target\" x1=\"", out);
	kv_svg_num(out, xs.a);
	fputs("\" y1=\"", out);
	kv_svg_num(out, kv_svg_map(&ys, f->p0));
	fputs("\" x2=\"", out);
	kv_svg_num(out, xs.b);
	fputs("\" y2=\"", out);
	kv_svg_num(out, kv_svg_map(&ys, f->p0));
	fputs("\" stroke=\"" C_TARGET "\" stroke-width=\"1\" stroke-dasharray=\"2 2\"/>\n", out);
	curve(out, f, &xs, &ys, "limit95", C_95, 0);
	curve(out, f, &xs, &ys, "limit95", C_95, 1);
	curve(out, f, &xs, &ys, "limit998", C_998, 2);
	curve(out, f, &xs, &ys, "limit998", C_998, 3);

	fputs("<g class=\"points\">\n", out);
	for (size_t i = 0; i < f->n_offices; i++)
		office_point(out, c, order[i], &xs, &ys);
	fputs("</g>\n", out);

	char label[96];
	snprintf(label, sizeof label, "overall share %.1f%%", f->p0 * 100);
	kv_svg_legend(out, 0, KV_SVG_KEY_DASH, C_95, "95% limits");
	kv_svg_legend(out, 1, KV_SVG_KEY_LINE, C_998, "99.8% limits");
	kv_svg_legend(out, 2, KV_SVG_KEY_DASH, C_TARGET, label);
	snprintf(label, sizeof label, "offices (%zu)", f->n_offices);
	kv_svg_legend(out, 3, KV_SVG_KEY_POINT, C_POINT, label);
	kv_svg_end(out);
	if (fflush(out) != 0 || ferror(out)) {
		kv_an_err(err, errlen, "could not write the funnel chart");
		goto done;
	}
	ret = 0;
done:
	free(order);
	return ret;
}
