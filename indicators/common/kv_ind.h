/*
 * kv_ind.h - small helpers shared by indicator plugins
 *
 * Compiled into every indicator plugin (the Makefile adds every .c file of
 * indicators/common and -Iindicators/common); plugins are built with
 * -fvisibility=hidden, so nothing here is exported. No global state: every
 * buffer belongs to the calling plugin's state.
 *
 *  - kv_ind_days: a growable list of days, sorted and made unique once per
 *    patient, then asked "any day in [from, to]?" / "the last day in
 *    [from, to]?" by binary search;
 *  - kv_ind_periods: [start, stop) periods of a drug in use;
 *  - kv_ind_episode_starts: the days of a sorted day list with no earlier
 *    day in the N months before them (indicators.md, precise rule 5: a "new
 *    diagnosis", an antidepressant "start");
 *  - kv_ind_listed_at: the listed population L(R);
 *  - kv_ind_need_set: a value set, or an init error naming it.
 *
 * Buffers grow to the largest patient seen and are freed by the plugin's
 * fini(); nothing is allocated per event.
 */
#ifndef KV_INDICATORS_COMMON_KV_IND_H
#define KV_INDICATORS_COMMON_KV_IND_H

#include <stdbool.h>
#include <stddef.h>

#include "kvalind/kv_plugin.h"

/* Days on which something happened. */
struct kv_ind_days {
	kv_date *v;
	size_t n, cap;
};

/* Periods [start, stop) during which something was in use. */
struct kv_ind_period {
	kv_date start;
	kv_date stop; /* exclusive; KV_DATE_OPEN while in use */
};
struct kv_ind_periods {
	struct kv_ind_period *v;
	size_t n, cap;
};

/* Empty the list and make room for `need` elements: 0, or -1 when out of
 * memory (the old buffer is kept, to be freed later). */
int kv_ind_days_reset(struct kv_ind_days *d, size_t need);
int kv_ind_periods_reset(struct kv_ind_periods *p, size_t need);

/* Append; the caller reserved room with *_reset. */
static inline void kv_ind_days_add(struct kv_ind_days *d, kv_date date)
{
	d->v[d->n++] = date;
}

static inline void kv_ind_periods_add(struct kv_ind_periods *p, kv_date start, kv_date stop)
{
	p->v[p->n++] = (struct kv_ind_period){.start = start, .stop = stop};
}

/* Sort ascending and drop duplicate days. */
void kv_ind_days_finish(struct kv_ind_days *d);

/* True when a day of the list lies in [from, to]. */
bool kv_ind_days_any_in(const struct kv_ind_days *d, kv_date from, kv_date to);

/* The latest day in [from, to] into *out: true, or false when there is none. */
bool kv_ind_days_last_in(const struct kv_ind_days *d, kv_date from, kv_date to, kv_date *out);

/* True when a period covers `date` (start <= date < stop). */
bool kv_ind_periods_cover(const struct kv_ind_periods *p, kv_date date);

/*
 * From `all` (finished: sorted, unique) into `out` (reserved for all->n):
 * the days d with no day of `all` in [d - months, d), month arithmetic
 * clamped to the month's end (precise rules 4 and 5). The first day always
 * qualifies: history before the data is unknown. `out` is sorted.
 */
void kv_ind_episode_starts(const struct kv_ind_days *all, int months, struct kv_ind_days *out);

/* In L(R): a list period with from <= r < to, and alive at r (death > r). */
bool kv_ind_listed_at(const struct kv_patient *p, kv_date r);

/* The value set `name`, or NULL after host->set_error naming it. */
const struct kv_value_set *kv_ind_need_set(const struct kv_host *host, struct kv_ctx *ctx,
					   const char *name);

void kv_ind_days_free(struct kv_ind_days *d);
void kv_ind_periods_free(struct kv_ind_periods *p);

#endif /* KV_INDICATORS_COMMON_KV_IND_H */
