/*
 * series.h - an office's monthly series beside its group's median and
 * inter-quartile range, for charts
 *
 * For each month from first_month to last_month: the office's share (NAN
 * when missing) and, over the offices of the group with a share that
 * month, the median and the quartiles (GSL's
 * gsl_stats_quantile_from_sorted_data: linear interpolation between order
 * statistics, R's type 7 and numpy's default). When fewer than min_offices
 * offices of the group have a share that month the band is NAN there, so
 * a group of one or two never shows its members' values as "the
 * distribution" (min_offices below 1 means 3). The office itself counts in
 * its group's distribution.
 *
 * Ownership: kv_series_build returns a malloc'd series; kv_series_free.
 */
#ifndef KVALIND_SERIES_H
#define KVALIND_SERIES_H

#include "an.h"
#include "panel.h"

struct kv_series {
	int first_month;        /* month ordinal of element 0 */
	size_t n;               /* months */
	double *office;         /* n shares, NAN when missing */
	double *median, *q1, *q3;
	int *count;             /* offices of the group with a share, per month */
};

/* Build from a month panel. last_month 0: the group's latest month with a
 * share; first_month 0: its earliest. Errors: a year panel, no share of the
 * indicator in the group, an empty range, out of memory. 0 with *out, or -1
 * with err. */
KV_AN_MUST_CHECK int kv_series_build(const struct kv_panel *p, const char *indicator,
				     const char *group, const char *office, int first_month,
				     int last_month, int min_offices, struct kv_series **out,
				     char *err, size_t errlen);
void kv_series_free(struct kv_series *s);

#endif /* KVALIND_SERIES_H */
