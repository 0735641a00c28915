/*
 * funnel.c - funnel plot data with exact binomial control limits (see
 * funnel.h)
 */
#include "funnel.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#define GRID_DEFAULT 120

static double cdf(long r, double p0, long n)
{
	if (r < 0)
		return 0.0;
	if (r >= n)
		return 1.0;
	return gsl_cdf_binomial_P((unsigned)r, p0, (unsigned)n);
}

/* Spiegelhalter's interpolated q-quantile of Binomial(n, p0), divided by n. */
static double limit(double p0, long n, double q)
{
	long lo = 0, hi = n;    /* F(n) = 1 >= q: the answer is in [0, n] */
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		if (cdf(mid, p0, n) >= q)
			hi = mid;
		else
			lo = mid + 1;
	}
	double f = cdf(lo, p0, n), f1 = cdf(lo - 1, p0, n);
	double a = f > f1 ? (f - q) / (f - f1) : 0.0;
	double y = ((double)lo - a) / (double)n;
	return y < 0.0 ? 0.0 : y > 1.0 ? 1.0 : y;   /* r = 0 can interpolate below 0 */
}

void kv_funnel_limits(double p0, long n, struct kv_funnel_limits *out)
{
	if (n < 1 || n > (long)UINT_MAX || !(p0 >= 0.0 && p0 <= 1.0)) {
		out->lo95 = out->hi95 = out->lo998 = out->hi998 = NAN;
		return;
	}
	if (p0 == 0.0 || p0 == 1.0) {
		out->lo95 = out->hi95 = out->lo998 = out->hi998 = p0;
		return;
	}
	out->lo95 = limit(p0, n, 0.025);
	out->hi95 = limit(p0, n, 0.975);
	out->lo998 = limit(p0, n, 0.001);
	out->hi998 = limit(p0, n, 0.999);
}

static long limit_n(const struct kv_funnel_office *o)
{
	return lround(o->n) < 1 ? 1 : lround(o->n);
}

static void flag(struct kv_funnel_office *o)
{
	const struct kv_funnel_limits *l = &o->lim;
	o->side = 0;
	o->flag = KV_FUNNEL_INSIDE;
	if (o->share < l->lo998 || o->share > l->hi998)
		o->flag = KV_FUNNEL_OUT998;
	else if (o->share < l->lo95 || o->share > l->hi95)
		o->flag = KV_FUNNEL_OUT95;
	if (o->flag != KV_FUNNEL_INSIDE)
		o->side = o->share > l->hi95 ? 1 : -1;
}

static int office_cmp(const void *a, const void *b)
{
	const struct kv_funnel_office *x = a, *y = b;
	return strcmp(x->office, y->office);
}

/* The offices' sums over the window, deduplicated over groups. */
static int gather(const struct kv_panel *p, struct kv_funnel *f, char *err, size_t errlen)
{
	size_t rows = kv_panel_count(p), n = 0;
	f->offices = calloc(rows ? rows : 1, sizeof *f->offices);
	if (!f->offices)
		return kv_an_err(err, errlen, "out of memory for the funnel");
	const struct kv_panel_row *prev = NULL;
	for (size_t i = 0; i < rows; i++) {
		const struct kv_panel_row *r = kv_panel_row(p, i);
		if (strcmp(r->indicator, f->indicator) != 0)
			continue;
		if (!prev || strcmp(prev->office, r->office) != 0 ||
		    strcmp(prev->group, r->group) != 0) {
			memcpy(f->offices[n].office, r->office, sizeof r->office);
			n++;
		}
		prev = r;
		if (r->period < f->first_month || r->period > f->last_month ||
		    r->numerator == KV_AN_MISSING || r->denominator == KV_AN_MISSING)
			continue;
		struct kv_funnel_office *o = &f->offices[n - 1];
		o->numerator += r->numerator;
		o->denominator += r->denominator;
		o->months++;
	}
	if (n > 0)
		qsort(f->offices, n, sizeof *f->offices, office_cmp);
	size_t out = 0, seen = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(f->offices[i].office, f->offices[i - 1].office) == 0)
			continue;   /* the same office under another group */
		seen++;
		if (f->offices[i].months == 0 || f->offices[i].denominator <= 0)
			continue;
		f->offices[out++] = f->offices[i];
	}
	f->n_offices = out;
	f->excluded = seen - out;
	return 0;
}

static int make_grid(struct kv_funnel *f, int points, char *err, size_t errlen)
{
	double lo = INFINITY, hi = 0;
	for (size_t i = 0; i < f->n_offices; i++) {
		lo = fmin(lo, f->offices[i].n);
		hi = fmax(hi, f->offices[i].n);
	}
	lo = fmax(1.0, floor(lo / 2));
	hi = ceil(hi * 1.1);
	if (hi < lo + 1)
		hi = lo + 1;
	f->grid = calloc((size_t)points, sizeof *f->grid);
	if (!f->grid)
		return kv_an_err(err, errlen, "out of memory for the funnel");
	long last = 0;
	for (int k = 0; k < points; k++) {
		long n = lround(lo * pow(hi / lo, (double)k / (double)(points - 1)));
		if (n <= last)
			continue;
		last = n;
		struct kv_funnel_point *g = &f->grid[f->n_grid++];
		g->n = (double)n;
		kv_funnel_limits(f->p0, n, &g->lim);
	}
	return 0;
}

int kv_funnel_build(const struct kv_panel *p, const char *indicator,
		    const struct kv_funnel_opts *opts, struct kv_funnel **out, char *err,
		    size_t errlen)
{
	int ret = -1;
	struct kv_funnel *f = NULL;
	struct kv_funnel_opts o = opts ? *opts : (struct kv_funnel_opts){0};

	*out = NULL;
	if (kv_panel_unit(p) != KV_AN_MONTH) {
		kv_an_err(err, errlen, "a funnel plot needs a panel of months");
		goto done;
	}
	f = calloc(1, sizeof *f);
	if (!f) {
		kv_an_err(err, errlen, "out of memory for the funnel");
		goto done;
	}
	if (kv_an_name_copy(f->indicator, indicator, "indicator", err, errlen) < 0)
		goto done;
	f->mode = o.mode;
	f->last_month = o.last_month;
	if (f->last_month == 0) {
		for (size_t i = 0; i < kv_panel_count(p); i++) {
			const struct kv_panel_row *r = kv_panel_row(p, i);
			if (strcmp(r->indicator, indicator) == 0 && r->period > f->last_month &&
			    r->numerator != KV_AN_MISSING && r->denominator != KV_AN_MISSING)
				f->last_month = r->period;
		}
		if (f->last_month == 0) {
			kv_an_err(err, errlen, "no published month of %s", indicator);
			goto done;
		}
	}
	f->first_month = f->last_month - 11;
	if (gather(p, f, err, errlen) < 0)
		goto done;
	for (size_t i = 0; i < f->n_offices; i++) {
		f->numerator += f->offices[i].numerator;
		f->denominator += f->offices[i].denominator;
	}
	if (f->n_offices == 0 || f->denominator <= 0) {
		char a[KV_AN_PERIOD_MAX], b[KV_AN_PERIOD_MAX];
		kv_an_period_label(f->first_month, KV_AN_MONTH, a, sizeof a);
		kv_an_period_label(f->last_month, KV_AN_MONTH, b, sizeof b);
		kv_an_err(err, errlen, "no office with published counts of %s in %s to %s",
			  indicator, a, b);
		goto done;
	}
	f->p0 = (double)f->numerator / (double)f->denominator;
	for (size_t i = 0; i < f->n_offices; i++) {
		struct kv_funnel_office *of = &f->offices[i];
		of->share = (double)of->numerator / (double)of->denominator;
		of->n = o.mode == KV_FUNNEL_N_MEAN ? (double)of->denominator / of->months
						   : (double)of->denominator;
		kv_funnel_limits(f->p0, limit_n(of), &of->lim);
		flag(of);
	}
	if (make_grid(f, o.grid_points > 1 ? o.grid_points : GRID_DEFAULT, err, errlen) < 0)
		goto done;
	*out = f;
	f = NULL;
	ret = 0;
done:
	kv_funnel_free(f);
	return ret;
}

void kv_funnel_free(struct kv_funnel *f)
{
	if (!f)
		return;
	free(f->offices);
	free(f->grid);
	free(f);
}
