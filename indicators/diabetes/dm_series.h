/*
 * dm_series.h - per-patient scratch series for the diabetes plugin
 *
 * compute() turns one patient's events into a few small series sorted by
 * date (the days a Noklus check was done, the days HbA1c was measured, the
 * worst reading of each day, ...). Every month is then answered from them by
 * binary search: one pass over the events per patient, O(log n) per month.
 *
 * Every element type starts with its kv_date, so one binary search serves
 * them all. The buffers belong to the plugin's state and are reused from
 * patient to patient: they grow to the largest patient seen and are freed
 * in fini(), never allocated per event.
 */
#ifndef KV_DIABETES_DM_SERIES_H
#define KV_DIABETES_DM_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "kvalind/kv_events.h"

/* Days on which something happened (duplicates allowed). */
struct dm_dates {
	kv_date *v;
	size_t n, cap;
};

/* One numeric value per day: the highest of that day's results. */
struct dm_day_value {
	kv_date date;
	double value;
};
struct dm_values {
	struct dm_day_value *v;
	size_t n, cap;
};

/* One blood pressure per day: the worst reading of that day (highest
 * systolic, then highest diastolic). */
struct dm_day_bp {
	kv_date date;
	int systolic;
	int diastolic;
};
struct dm_bps {
	struct dm_day_bp *v;
	size_t n, cap;
};

/* Periods [start, stop) during which a drug was in use. */
struct dm_period {
	kv_date start;
	kv_date stop; /* exclusive; KV_DATE_OPEN while in use */
};
struct dm_periods {
	struct dm_period *v;
	size_t n, cap;
};

/* Make room for `need` elements (the series is emptied). 0, or -1 when out
 * of memory (the old buffer is kept and freed later). */
int dm_dates_reset(struct dm_dates *s, size_t need);
int dm_values_reset(struct dm_values *s, size_t need);
int dm_bps_reset(struct dm_bps *s, size_t need);
int dm_periods_reset(struct dm_periods *s, size_t need);

/* Append; the caller reserved room with *_reset. */
void dm_dates_add(struct dm_dates *s, kv_date date);
void dm_values_add(struct dm_values *s, kv_date date, double value);
void dm_bps_add(struct dm_bps *s, kv_date date, int systolic, int diastolic);
void dm_periods_add(struct dm_periods *s, kv_date start, kv_date stop);

/* Sort by date; the value and BP series are then reduced to one element per
 * day, keeping the highest value / the worst reading. */
void dm_dates_finish(struct dm_dates *s);
void dm_values_finish(struct dm_values *s);
void dm_bps_finish(struct dm_bps *s);

/* True when a date of the series lies in [from, to]. */
bool dm_dates_any_in(const struct dm_dates *s, kv_date from, kv_date to);

/* True when a period covers `date` (start <= date < stop). */
bool dm_periods_cover(const struct dm_periods *s, kv_date date);

/* The element with the latest date in [from, to], or NULL. */
const struct dm_day_value *dm_values_last_in(const struct dm_values *s, kv_date from,
					     kv_date to);
const struct dm_day_bp *dm_bps_last_in(const struct dm_bps *s, kv_date from, kv_date to);

void dm_dates_free(struct dm_dates *s);
void dm_values_free(struct dm_values *s);
void dm_bps_free(struct dm_bps *s);
void dm_periods_free(struct dm_periods *s);

#endif /* KV_DIABETES_DM_SERIES_H */
