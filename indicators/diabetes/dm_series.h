/*
 * dm_series.h - per-patient scratch series of the diabetes plugin
 *
 * compute() turns one patient's events into a few small series sorted by
 * date. Plain day lists (the days a Noklus check was done, the days HbA1c
 * was measured, ...) and drug periods are kv_ind_days / kv_ind_periods
 * (kv_ind.h); the two series here keep one reading per day, by the same-day
 * tie rule of indicators.md (precise rule 8): the highest value of a day,
 * the worst blood pressure of a day. Every month is then answered by binary
 * search (kv_ind_dated_*): one pass over the events per patient, O(log n)
 * per month.
 *
 * The buffers belong to the plugin's state and are reused from patient to
 * patient: they grow to the largest patient seen and are freed in fini(),
 * never allocated per event.
 */
#ifndef KV_DIABETES_DM_SERIES_H
#define KV_DIABETES_DM_SERIES_H

#include <stddef.h>

#include "kv_ind.h"

/* One numeric value per day: the highest of that day's results. */
struct dm_day_value {
	kv_date date; /* first: a kv_ind dated element */
	double value;
};
struct dm_values {
	struct dm_day_value *v;
	size_t n, cap;
};

/* One blood pressure per day: the worst reading of that day (highest
 * systolic, then highest diastolic). */
struct dm_day_bp {
	kv_date date; /* first: a kv_ind dated element */
	int systolic;
	int diastolic;
};
struct dm_bps {
	struct dm_day_bp *v;
	size_t n, cap;
};

/* Make room for `need` elements (the series is emptied). 0, or -1 when out
 * of memory (the old buffer is kept and freed later). */
int dm_values_reset(struct dm_values *s, size_t need);
int dm_bps_reset(struct dm_bps *s, size_t need);

/* Append; the caller reserved room with *_reset. */
void dm_values_add(struct dm_values *s, kv_date date, double value);
void dm_bps_add(struct dm_bps *s, kv_date date, int systolic, int diastolic);

/* Sort by date and reduce to one element per day, keeping the highest
 * value / the worst reading. */
void dm_values_finish(struct dm_values *s);
void dm_bps_finish(struct dm_bps *s);

/* The element with the latest date in [from, to], or NULL. */
const struct dm_day_value *dm_values_last_in(const struct dm_values *s, kv_date from,
					     kv_date to);
const struct dm_day_bp *dm_bps_last_in(const struct dm_bps *s, kv_date from, kv_date to);

void dm_values_free(struct dm_values *s);
void dm_bps_free(struct dm_bps *s);

#endif /* KV_DIABETES_DM_SERIES_H */
