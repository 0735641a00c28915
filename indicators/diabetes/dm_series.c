/*
 * dm_series.c - per-patient scratch series of the diabetes plugin
 *
 * Growable arrays of dated elements, sorted and reduced to one element per
 * day by a same-day tie rule (indicators.md, precise rule 8), answered by
 * the kv_ind binary search on the date (see dm_series.h).
 */
#include "dm_series.h"

#include <stdlib.h>

int dm_values_reset(struct dm_values *s, size_t need)
{
	s->n = 0;
	return kv_ind_reserve((void **)&s->v, &s->cap, need, sizeof *s->v);
}

int dm_bps_reset(struct dm_bps *s, size_t need)
{
	s->n = 0;
	return kv_ind_reserve((void **)&s->v, &s->cap, need, sizeof *s->v);
}

void dm_values_add(struct dm_values *s, kv_date date, double value)
{
	s->v[s->n++] = (struct dm_day_value){.date = date, .value = value};
}

void dm_bps_add(struct dm_bps *s, kv_date date, int systolic, int diastolic)
{
	s->v[s->n++] = (struct dm_day_bp){.date = date, .systolic = systolic,
					  .diastolic = diastolic};
}

/* ---- sorting and same-day reduction ------------------------------------ */

/* True when a is a worse reading than b: higher systolic, then higher
 * diastolic. */
static bool bp_worse(const struct dm_day_bp *a, const struct dm_day_bp *b)
{
	return a->systolic > b->systolic ||
	       (a->systolic == b->systolic && a->diastolic > b->diastolic);
}

void dm_values_finish(struct dm_values *s)
{
	if (s->n < 2)
		return;
	kv_ind_dated_sort(s->v, s->n, sizeof *s->v);
	size_t w = 0;
	for (size_t r = 1; r < s->n; r++) {
		if (s->v[r].date == s->v[w].date) {
			if (s->v[r].value > s->v[w].value)
				s->v[w].value = s->v[r].value;
		} else {
			s->v[++w] = s->v[r];
		}
	}
	s->n = w + 1;
}

void dm_bps_finish(struct dm_bps *s)
{
	if (s->n < 2)
		return;
	kv_ind_dated_sort(s->v, s->n, sizeof *s->v);
	size_t w = 0;
	for (size_t r = 1; r < s->n; r++) {
		if (s->v[r].date == s->v[w].date) {
			if (bp_worse(&s->v[r], &s->v[w]))
				s->v[w] = s->v[r];
		} else {
			s->v[++w] = s->v[r];
		}
	}
	s->n = w + 1;
}

/* ---- window queries ------------------------------------------------------ */

const struct dm_day_value *dm_values_last_in(const struct dm_values *s, kv_date from,
					     kv_date to)
{
	return kv_ind_dated_last_in(s->v, s->n, sizeof *s->v, from, to);
}

const struct dm_day_bp *dm_bps_last_in(const struct dm_bps *s, kv_date from, kv_date to)
{
	return kv_ind_dated_last_in(s->v, s->n, sizeof *s->v, from, to);
}

void dm_values_free(struct dm_values *s)
{
	free(s->v);
	*s = (struct dm_values){0};
}

void dm_bps_free(struct dm_bps *s)
{
	free(s->v);
	*s = (struct dm_bps){0};
}
