/*
 * series.c - an office's monthly shares and its group's median and IQR
 * (see series.h)
 */
#include "series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#define MIN_OFFICES_DEFAULT 3

static bool wanted(const struct kv_panel_row *r, const char *indicator, const char *group)
{
	return strcmp(r->indicator, indicator) == 0 && strcmp(r->group, group) == 0 &&
	       !isnan(r->share);
}

int kv_series_build(const struct kv_panel *p, const char *indicator, const char *group,
		    const char *office, int first_month, int last_month, int min_offices,
		    struct kv_series **out, char *err, size_t errlen)
{
	int ret = -1;
	struct kv_series *s = NULL;
	double *vals = NULL;
	size_t rows = kv_panel_count(p);

	*out = NULL;
	if (kv_panel_unit(p) != KV_AN_MONTH) {
		kv_an_err(err, errlen, "a monthly series needs a panel of months");
		goto done;
	}
	int lo = 0, hi = 0;
	for (size_t i = 0; i < rows; i++) {
		const struct kv_panel_row *r = kv_panel_row(p, i);
		if (!wanted(r, indicator, group))
			continue;
		if (lo == 0 || r->period < lo)
			lo = r->period;
		if (r->period > hi)
			hi = r->period;
	}
	if (hi == 0) {
		kv_an_err(err, errlen, "group \"%s\" has no share of %s", group, indicator);
		goto done;
	}
	if (first_month)
		lo = first_month;
	if (last_month)
		hi = last_month;
	if (hi < lo || hi - lo > 12 * 100) {
		kv_an_err(err, errlen, "bad month range for the series of %s", indicator);
		goto done;
	}
	s = calloc(1, sizeof *s);
	size_t n = (size_t)(hi - lo + 1);
	if (s) {
		s->first_month = lo;
		s->n = n;
		s->office = malloc(n * sizeof *s->office);
		s->median = malloc(n * sizeof *s->median);
		s->q1 = malloc(n * sizeof *s->q1);
		s->q3 = malloc(n * sizeof *s->q3);
		s->count = calloc(n, sizeof *s->count);
	}
	vals = malloc((rows ? rows : 1) * sizeof *vals);
	if (!s || !s->office || !s->median || !s->q1 || !s->q3 || !s->count || !vals) {
		kv_an_err(err, errlen, "out of memory for a series");
		goto done;
	}
	for (size_t k = 0; k < n; k++) {
		s->office[k] = s->median[k] = s->q1[k] = s->q3[k] = NAN;
	}
	/* Rows are sorted by office then period within the group: gather each
	 * month's values by scanning once per month (n and rows are small). */
	for (size_t k = 0; k < n; k++) {
		int month = lo + (int)k;
		size_t m = 0;
		for (size_t i = 0; i < rows; i++) {
			const struct kv_panel_row *r = kv_panel_row(p, i);
			if (r->period != month || !wanted(r, indicator, group))
				continue;
			vals[m++] = r->share;
			if (office && strcmp(r->office, office) == 0)
				s->office[k] = r->share;
		}
		s->count[k] = (int)m;
		if ((int)m < (min_offices > 0 ? min_offices : MIN_OFFICES_DEFAULT))
			continue;
		gsl_sort(vals, 1, m);
		s->median[k] = gsl_stats_quantile_from_sorted_data(vals, 1, m, 0.5);
		s->q1[k] = gsl_stats_quantile_from_sorted_data(vals, 1, m, 0.25);
		s->q3[k] = gsl_stats_quantile_from_sorted_data(vals, 1, m, 0.75);
	}
	*out = s;
	s = NULL;
	ret = 0;
done:
	free(vals);
	kv_series_free(s);
	return ret;
}

void kv_series_free(struct kv_series *s)
{
	if (!s)
		return;
	free(s->office);
	free(s->median);
	free(s->q1);
	free(s->q3);
	free(s->count);
	free(s);
}
