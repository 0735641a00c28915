/*
 * dm_series.c - per-patient scratch series for the diabetes plugin
 *
 * Growable sorted arrays of dated elements, reduced to one element per day
 * where a same-day tie rule applies (indicators.md, precise rule 8), and
 * answered by binary search on the date (see dm_series.h).
 */
#include "dm_series.h"

#include <stdint.h>
#include <stdlib.h>

/* Grow *buf to hold at least `need` elements of `size` bytes. */
static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t want = *cap ? *cap : 16;
	while (want < need)
		want *= 2;
	if (want > SIZE_MAX / size)
		return -1;
	void *p = realloc(*buf, want * size);
	if (p == NULL)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

int dm_dates_reset(struct dm_dates *s, size_t need)
{
	s->n = 0;
	return reserve((void **)&s->v, &s->cap, need, sizeof *s->v);
}

int dm_values_reset(struct dm_values *s, size_t need)
{
	s->n = 0;
	return reserve((void **)&s->v, &s->cap, need, sizeof *s->v);
}

int dm_bps_reset(struct dm_bps *s, size_t need)
{
	s->n = 0;
	return reserve((void **)&s->v, &s->cap, need, sizeof *s->v);
}

int dm_periods_reset(struct dm_periods *s, size_t need)
{
	s->n = 0;
	return reserve((void **)&s->v, &s->cap, need, sizeof *s->v);
}

void dm_dates_add(struct dm_dates *s, kv_date date)
{
	s->v[s->n++] = date;
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

void dm_periods_add(struct dm_periods *s, kv_date start, kv_date stop)
{
	s->v[s->n++] = (struct dm_period){.start = start, .stop = stop};
}

/* ---- sorting and same-day reduction ------------------------------------ */

static int cmp_date(kv_date a, kv_date b)
{
	return (a > b) - (a < b);
}

static int cmp_dates(const void *a, const void *b)
{
	return cmp_date(*(const kv_date *)a, *(const kv_date *)b);
}

static int cmp_values(const void *a, const void *b)
{
	return cmp_date(((const struct dm_day_value *)a)->date,
			((const struct dm_day_value *)b)->date);
}

static int cmp_bps(const void *a, const void *b)
{
	return cmp_date(((const struct dm_day_bp *)a)->date, ((const struct dm_day_bp *)b)->date);
}

/* True when a is a worse reading than b: higher systolic, then higher
 * diastolic. */
static bool bp_worse(const struct dm_day_bp *a, const struct dm_day_bp *b)
{
	return a->systolic > b->systolic ||
	       (a->systolic == b->systolic && a->diastolic > b->diastolic);
}

void dm_dates_finish(struct dm_dates *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, cmp_dates);
}

void dm_values_finish(struct dm_values *s)
{
	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof *s->v, cmp_values);
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
	qsort(s->v, s->n, sizeof *s->v, cmp_bps);
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

/*
 * The number of elements dated on or before `date`, in an array of n
 * elements of `size` bytes sorted by date, each starting with its kv_date.
 */
static size_t count_upto(const void *base, size_t n, size_t size, kv_date date)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const kv_date *d = (const kv_date *)((const char *)base + mid * size);
		if (*d <= date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The latest element in [from, to], or NULL. */
static const void *last_in(const void *base, size_t n, size_t size, kv_date from, kv_date to)
{
	size_t k = count_upto(base, n, size, to);
	if (k == 0)
		return NULL;
	const void *e = (const char *)base + (k - 1) * size;
	return *(const kv_date *)e >= from ? e : NULL;
}

bool dm_dates_any_in(const struct dm_dates *s, kv_date from, kv_date to)
{
	return last_in(s->v, s->n, sizeof *s->v, from, to) != NULL;
}

bool dm_periods_cover(const struct dm_periods *s, kv_date date)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].start <= date && date < s->v[i].stop)
			return true;
	return false;
}

const struct dm_day_value *dm_values_last_in(const struct dm_values *s, kv_date from,
					     kv_date to)
{
	return last_in(s->v, s->n, sizeof *s->v, from, to);
}

const struct dm_day_bp *dm_bps_last_in(const struct dm_bps *s, kv_date from, kv_date to)
{
	return last_in(s->v, s->n, sizeof *s->v, from, to);
}

void dm_dates_free(struct dm_dates *s)
{
	free(s->v);
	*s = (struct dm_dates){0};
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

void dm_periods_free(struct dm_periods *s)
{
	free(s->v);
	*s = (struct dm_periods){0};
}
