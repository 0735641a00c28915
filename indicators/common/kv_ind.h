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
 *  - kv_ind_dated_*: the same searches over arrays of a plugin's own
 *    element type that starts with its kv_date, and kv_ind_reserve to grow
 *    such an array;
 *  - kv_ind_months: R, the first day of a window of calendar months ending
 *    with the reference month (W12) and a per-month scratch flag;
 *  - kv_ind_listed_at / kv_ind_mark_listed: the listed population L(R);
 *  - kv_ind_first_diagnosis / kv_ind_mark_prevalence: "a diagnosis of the
 *    set recorded on or before R" among L(R);
 *  - kv_ind_face_to_face_days, kv_ind_treatment: day lists most plugins
 *    collect (face-to-face contacts; a drug in regular use or prescribed);
 *  - kv_ind_new_state, kv_ind_config_months, kv_ind_need_set, kv_ind_mark:
 *    init and compute boilerplate, with the host->set_error messages every
 *    plugin gives. (The result block's shape is the core's to check.)
 *  - kv_ind_decisive and the *_upto / kv_ind_treatment_last searches: the
 *    decisive date and value of a cell (ABI 2.1), written only when the
 *    result block asks for them (KV_RESULT_HAS_DECISIVE) and only for a
 *    cell the patient is in the denominator of.
 *
 * Buffers grow to the largest patient seen and are freed by the plugin's
 * fini(); nothing is allocated per event.
 */
#ifndef KV_INDICATORS_COMMON_KV_IND_H
#define KV_INDICATORS_COMMON_KV_IND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Grow *buf (*cap elements of `size` bytes) to hold at least `need`
 * elements, doubling from 16: 0, or -1 when out of memory (the old buffer
 * is kept, to be freed by the caller). Never shrinks. */
int kv_ind_reserve(void **buf, size_t *cap, size_t need, size_t size);

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

/* The latest day on or before r, KV_DATE_NONE when there is none. */
static inline kv_date kv_ind_days_last_upto(const struct kv_ind_days *d, kv_date r)
{
	kv_date last;
	return kv_ind_days_last_in(d, KV_DATE_NONE, r, &last) ? last : KV_DATE_NONE;
}

/* How many days of the list lie in [from, to] (0 when from > to); after
 * kv_ind_days_finish, distinct days. */
size_t kv_ind_days_count_in(const struct kv_ind_days *d, kv_date from, kv_date to);

/* True when a period covers `date` (start <= date < stop). */
bool kv_ind_periods_cover(const struct kv_ind_periods *p, kv_date date);

/*
 * From `all` (finished: sorted, unique) into `out` (reserved for all->n):
 * the days d with no day of `all` in [d - months, d), month arithmetic
 * clamped to the month's end (precise rules 4 and 5). The first day always
 * qualifies: history before the data is unknown. `out` is sorted.
 */
void kv_ind_episode_starts(const struct kv_ind_days *all, int months, struct kv_ind_days *out);

/*
 * Dated arrays: n elements of `size` bytes, each starting with its kv_date
 * (the caller's own type, e.g. a day and a value), sorted by date.
 */

/* Sort by date (qsort; the order of same-day elements is unspecified). */
void kv_ind_dated_sort(void *base, size_t n, size_t size);

/* How many elements are dated before `date` / on or before `date`. */
size_t kv_ind_dated_count_before(const void *base, size_t n, size_t size, kv_date date);
size_t kv_ind_dated_count_upto(const void *base, size_t n, size_t size, kv_date date);

/* The last element dated in [from, to], or NULL; borrowed from `base`. */
const void *kv_ind_dated_last_in(const void *base, size_t n, size_t size, kv_date from,
				 kv_date to);

/* ---- the run's months ------------------------------------------------- */

/* The reference months of a run (owned by the plugin's state). */
struct kv_ind_months {
	size_t n;       /* kv_run.n_months */
	kv_date *ref;   /* R of each month */
	kv_date *from;  /* first day of the window (W12) of each month */
	uint8_t *flag;  /* per month, scratch of the plugin (e.g. in L(R)) */
};

/*
 * Fill `mo` from the run: R of every month and the first day of the window
 * of `window` (>= 1) calendar months ending with it (month m-(window-1));
 * flags zeroed. KV_OK, or KV_ERROR after host->set_error("out of memory");
 * either way kv_ind_months_free releases what was allocated.
 */
int kv_ind_months_init(struct kv_ind_months *mo, const struct kv_host *host, struct kv_ctx *ctx,
		       const struct kv_run *run, int window);
void kv_ind_months_free(struct kv_ind_months *mo);

/* ---- the population ----------------------------------------------------- */

/* In L(R): a list period with from <= r < to, and alive at r (death > r). */
bool kv_ind_listed_at(const struct kv_patient *p, kv_date r);

/* mo->flag[m] = in L(R) of month m, for every month; true when in any. */
bool kv_ind_mark_listed(const struct kv_patient *p, struct kv_ind_months *mo);

/* The earliest diagnosis of `set` (asked with the diagnosis's system on its
 * date), KV_DATE_OPEN when there is none. */
kv_date kv_ind_first_diagnosis(const struct kv_host *host, const struct kv_value_set *set,
			       const struct kv_patient *p);

/*
 * A prevalence indicator for every month: D = L(R), N = of those, `since`
 * (the first diagnosis) <= R. mo->flag[m] is set for the months the patient
 * is in N (the population of the plugin's other indicators), cleared for
 * the rest. True when in N in any month.
 */
bool kv_ind_mark_prevalence(const struct kv_patient *p, kv_date since, struct kv_ind_months *mo,
			    struct kv_result_block *out, size_t indicator);

/* ---- day lists most plugins collect ------------------------------------- */

/* Reset `out` and fill it with the days of the patient's face-to-face
 * contacts (consultation, home visit, video), finished (sorted, unique).
 * 0, or -1 when out of memory. */
int kv_ind_face_to_face_days(const struct kv_patient *p, struct kv_ind_days *out);

/* Treated with a drug of a value set: regular rows of the medication list
 * (use_type regular, start < stop; the set asked on the row's start date)
 * and the days of prescriptions of the set (matched on their own ATC code
 * on their date, precise rule 11). */
struct kv_ind_treatment {
	struct kv_ind_periods use; /* regular rows in use */
	struct kv_ind_days rx;     /* prescription days, finished */
};

/* Reset `use` and fill it with the regular rows of `set` alone: 0, or -1
 * when out of memory. */
int kv_ind_regular_use(struct kv_ind_periods *use, const struct kv_host *host,
		       const struct kv_value_set *set, const struct kv_patient *p);

/* Collect the patient's treatment with `set`: 0, or -1 when out of memory. */
int kv_ind_treatment_collect(struct kv_ind_treatment *t, const struct kv_host *host,
			     const struct kv_value_set *set, const struct kv_patient *p);

/* A regular drug in use at r, or a prescription in [from, r]. */
bool kv_ind_treated(const struct kv_ind_treatment *t, kv_date from, kv_date r);

/* The last day on or before r the patient was treated: the latest of the
 * last prescription day and, for regular rows started on or before r, the
 * last day in use up to r (stop - 1, or r while in use). KV_DATE_NONE when
 * never treated up to r. */
kv_date kv_ind_treatment_last(const struct kv_ind_treatment *t, kv_date r);

void kv_ind_treatment_free(struct kv_ind_treatment *t);

/* ---- init and compute boilerplate ----------------------------------------- */

/* A zeroed state of `size` bytes for init(), or NULL after
 * host->set_error("out of memory"). The caller frees it in fini(). */
void *kv_ind_new_state(const struct kv_host *host, struct kv_ctx *ctx, size_t size);

/* `value`, the setting `key` (a number of months), into *out: KV_OK, or
 * KV_ERROR after host->set_error naming the key when it is below 1. */
int kv_ind_config_months(const struct kv_host *host, struct kv_ctx *ctx, const char *key,
			 int64_t value, int *out);

/* For kv_init_result.lookback_months: `windows` windows of `months`
 * months (a setting); and the whole months (of 28 days or more) that
 * `days` days before a window's first day can reach back. */
static inline uint32_t kv_ind_window_lookback(int64_t months, uint32_t windows)
{
	return months < 1 ? 0 : (uint32_t)months * windows;
}

static inline uint32_t kv_ind_months_for_days(int64_t days)
{
	return days <= 0 ? 0 : (uint32_t)((days + 27) / 28);
}

/* The value set `name`, or NULL after host->set_error naming it. */
const struct kv_value_set *kv_ind_need_set(const struct kv_host *host, struct kv_ctx *ctx,
					   const char *name);

/* compute()'s one out-of-memory path: the error every plugin gives, and
 * KV_ERROR to return. */
static inline int kv_ind_out_of_memory(const struct kv_call *call)
{
	call->host->set_error(call->ctx, "out of memory for a patient's events");
	return KV_ERROR;
}

/* Set KV_IN_* bits of indicator i (descriptor order) in month m. */
static inline void kv_ind_mark(struct kv_result_block *out, size_t i, size_t m, uint8_t bits)
{
	out->flags[i * out->n_months + m] |= bits;
}

/* The decisive date and value of indicator i in month m (ABI 2.1). Call
 * only under KV_RESULT_HAS_DECISIVE(out), for a cell the patient is in
 * the denominator of; value NAN for a date alone. */
static inline void kv_ind_decisive(struct kv_result_block *out, size_t i, size_t m, kv_date date,
				   double value)
{
	const size_t k = i * out->n_months + m;
	out->decisive_dates[k] = date;
	out->decisive_values[k] = value;
}

void kv_ind_days_free(struct kv_ind_days *d);
void kv_ind_periods_free(struct kv_ind_periods *p);

#endif /* KV_INDICATORS_COMMON_KV_IND_H */
