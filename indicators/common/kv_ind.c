/*
 * kv_ind.c - small helpers shared by indicator plugins (see kv_ind.h)
 */
#include "kv_ind.h"

#include <stdint.h>
#include <stdlib.h>

int kv_ind_reserve(void **buf, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t want = *cap ? *cap : 16;
	while (want < need) {
		if (want > SIZE_MAX / 2)
			return -1;
		want *= 2;
	}
	if (want > SIZE_MAX / size)
		return -1;
	void *p = realloc(*buf, want * size);
	if (p == NULL)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

int kv_ind_days_reset(struct kv_ind_days *d, size_t need)
{
	d->n = 0;
	return kv_ind_reserve((void **)&d->v, &d->cap, need, sizeof *d->v);
}

int kv_ind_periods_reset(struct kv_ind_periods *p, size_t need)
{
	p->n = 0;
	return kv_ind_reserve((void **)&p->v, &p->cap, need, sizeof *p->v);
}

static int kv_ind_cmp_date(const void *a, const void *b)
{
	kv_date x = *(const kv_date *)a, y = *(const kv_date *)b;
	return (x > y) - (x < y);
}

void kv_ind_days_finish(struct kv_ind_days *d)
{
	if (d->n < 2)
		return;
	/* Events arrive sorted by date; sort only when they were not. */
	for (size_t i = 1; i < d->n; i++) {
		if (d->v[i] < d->v[i - 1]) {
			qsort(d->v, d->n, sizeof *d->v, kv_ind_cmp_date);
			break;
		}
	}
	size_t w = 0;
	for (size_t r = 1; r < d->n; r++)
		if (d->v[r] != d->v[w])
			d->v[++w] = d->v[r];
	d->n = w + 1;
}

/* ---- dated arrays ------------------------------------------------------ */

static kv_date kv_ind_date_at(const void *base, size_t i, size_t size)
{
	return *(const kv_date *)(const void *)((const unsigned char *)base + i * size);
}

void kv_ind_dated_sort(void *base, size_t n, size_t size)
{
	if (n > 1)
		qsort(base, n, size, kv_ind_cmp_date); /* the date leads */
}

/* The first index whose date is > `date` (after) or >= `date`. */
static size_t kv_ind_dated_bound(const void *base, size_t n, size_t size, kv_date date,
				 bool after)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		kv_date d = kv_ind_date_at(base, mid, size);
		if (after ? d <= date : d < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t kv_ind_dated_count_before(const void *base, size_t n, size_t size, kv_date date)
{
	return kv_ind_dated_bound(base, n, size, date, false);
}

size_t kv_ind_dated_count_upto(const void *base, size_t n, size_t size, kv_date date)
{
	return kv_ind_dated_bound(base, n, size, date, true);
}

const void *kv_ind_dated_last_in(const void *base, size_t n, size_t size, kv_date from,
				 kv_date to)
{
	if (from > to)
		return NULL;
	size_t k = kv_ind_dated_count_upto(base, n, size, to);
	if (k == 0 || kv_ind_date_at(base, k - 1, size) < from)
		return NULL;
	return (const unsigned char *)base + (k - 1) * size;
}

/* ---- day lists ----------------------------------------------------------- */

bool kv_ind_days_last_in(const struct kv_ind_days *d, kv_date from, kv_date to, kv_date *out)
{
	const kv_date *last = kv_ind_dated_last_in(d->v, d->n, sizeof *d->v, from, to);
	if (last == NULL)
		return false;
	*out = *last;
	return true;
}

size_t kv_ind_days_count_in(const struct kv_ind_days *d, kv_date from, kv_date to)
{
	if (from > to)
		return 0;
	return kv_ind_dated_count_upto(d->v, d->n, sizeof *d->v, to) -
	       kv_ind_dated_count_before(d->v, d->n, sizeof *d->v, from);
}

bool kv_ind_days_any_in(const struct kv_ind_days *d, kv_date from, kv_date to)
{
	kv_date last;
	return kv_ind_days_last_in(d, from, to, &last);
}

bool kv_ind_periods_cover(const struct kv_ind_periods *p, kv_date date)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].start <= date && date < p->v[i].stop)
			return true;
	return false;
}

void kv_ind_episode_starts(const struct kv_ind_days *all, int months, struct kv_ind_days *out)
{
	out->n = 0;
	for (size_t i = 0; i < all->n; i++)
		if (i == 0 || all->v[i - 1] < kv_date_add_months(all->v[i], -months))
			out->v[out->n++] = all->v[i];
}

/* ---- the run's months ------------------------------------------------- */

int kv_ind_months_init(struct kv_ind_months *mo, const struct kv_host *host, struct kv_ctx *ctx,
		       const struct kv_run *run, int window)
{
	mo->n = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	mo->ref = calloc(n, sizeof *mo->ref);
	mo->from = calloc(n, sizeof *mo->from);
	mo->flag = calloc(n, sizeof *mo->flag);
	if (mo->ref == NULL || mo->from == NULL || mo->flag == NULL) {
		host->set_error(ctx, "out of memory");
		return KV_ERROR;
	}
	for (size_t m = 0; m < run->n_months; m++) {
		mo->ref[m] = run->reference_dates[m];
		mo->from[m] = kv_month_first_day(kv_month_of(mo->ref[m]) - (window - 1));
	}
	return KV_OK;
}

void kv_ind_months_free(struct kv_ind_months *mo)
{
	free(mo->ref);
	free(mo->from);
	free(mo->flag);
	*mo = (struct kv_ind_months){0};
}

/* ---- the population ----------------------------------------------------- */

bool kv_ind_listed_at(const struct kv_patient *p, kv_date r)
{
	if (p->death <= r)
		return false;
	for (size_t i = 0; i < p->n_periods; i++)
		if (p->periods[i].from <= r && r < p->periods[i].to)
			return true;
	return false;
}

bool kv_ind_mark_listed(const struct kv_patient *p, struct kv_ind_months *mo)
{
	bool any = false;
	for (size_t m = 0; m < mo->n; m++) {
		mo->flag[m] = kv_ind_listed_at(p, mo->ref[m]);
		any = any || mo->flag[m];
	}
	return any;
}

kv_date kv_ind_first_diagnosis(const struct kv_host *host, const struct kv_value_set *set,
			       const struct kv_patient *p)
{
	kv_date first = KV_DATE_OPEN;
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		if (d->date < first &&
		    host->in_value_set(set, (enum kv_code_kind)d->system, d->code, d->date))
			first = d->date;
	}
	return first;
}

bool kv_ind_mark_prevalence(const struct kv_patient *p, kv_date since, struct kv_ind_months *mo,
			    struct kv_result_block *out, size_t indicator)
{
	bool any = false;
	for (size_t m = 0; m < mo->n; m++) {
		mo->flag[m] = 0;
		if (!kv_ind_listed_at(p, mo->ref[m]))
			continue;
		kv_ind_mark(out, indicator, m, KV_IN_DENOMINATOR);
		if (since <= mo->ref[m]) {
			kv_ind_mark(out, indicator, m, KV_IN_NUMERATOR);
			mo->flag[m] = 1;
			any = true;
		}
	}
	return any;
}

/* ---- day lists most plugins collect ------------------------------------- */

int kv_ind_face_to_face_days(const struct kv_patient *p, struct kv_ind_days *out)
{
	if (kv_ind_days_reset(out, p->n_contacts) != 0)
		return -1;
	for (size_t i = 0; i < p->n_contacts; i++)
		if (kv_contact_is_face_to_face(p->contacts[i].kind))
			kv_ind_days_add(out, p->contacts[i].date);
	kv_ind_days_finish(out);
	return 0;
}

int kv_ind_regular_use(struct kv_ind_periods *use, const struct kv_host *host,
		       const struct kv_value_set *set, const struct kv_patient *p)
{
	if (kv_ind_periods_reset(use, p->n_medications) != 0)
		return -1;
	for (size_t i = 0; i < p->n_medications; i++) {
		const struct kv_medication *md = &p->medications[i];
		if (md->use_type == KV_USE_REGULAR && md->start < md->stop &&
		    host->in_value_set(set, KV_CODES_ATC, md->atc, md->start))
			kv_ind_periods_add(use, md->start, md->stop);
	}
	return 0;
}

int kv_ind_treatment_collect(struct kv_ind_treatment *t, const struct kv_host *host,
			     const struct kv_value_set *set, const struct kv_patient *p)
{
	if (kv_ind_regular_use(&t->use, host, set, p) != 0 ||
	    kv_ind_days_reset(&t->rx, p->n_prescriptions) != 0)
		return -1;
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *rx = &p->prescriptions[i];
		if (host->in_value_set(set, KV_CODES_ATC, rx->atc, rx->date))
			kv_ind_days_add(&t->rx, rx->date);
	}
	kv_ind_days_finish(&t->rx);
	return 0;
}

bool kv_ind_treated(const struct kv_ind_treatment *t, kv_date from, kv_date r)
{
	return kv_ind_periods_cover(&t->use, r) || kv_ind_days_any_in(&t->rx, from, r);
}

kv_date kv_ind_treatment_last(const struct kv_ind_treatment *t, kv_date r)
{
	kv_date last = kv_ind_days_last_upto(&t->rx, r);
	for (size_t i = 0; i < t->use.n; i++) {
		const struct kv_ind_period *u = &t->use.v[i];
		if (u->start > r)
			continue;
		kv_date end = u->stop <= r ? u->stop - 1 : r;
		if (end > last)
			last = end;
	}
	return last;
}

void kv_ind_treatment_free(struct kv_ind_treatment *t)
{
	kv_ind_periods_free(&t->use);
	kv_ind_days_free(&t->rx);
}

/* ---- init and compute boilerplate ----------------------------------------- */

void *kv_ind_new_state(const struct kv_host *host, struct kv_ctx *ctx, size_t size)
{
	void *s = calloc(1, size);
	if (s == NULL)
		host->set_error(ctx, "out of memory");
	return s;
}

int kv_ind_config_months(const struct kv_host *host, struct kv_ctx *ctx, const char *key,
			 int64_t value, int *out)
{
	*out = (int)value;
	if (value < 1 || value > INT32_MAX) {
		host->set_error(ctx, "%s must be at least 1, not %lld", key, (long long)value);
		return KV_ERROR;
	}
	return KV_OK;
}

const struct kv_value_set *kv_ind_need_set(const struct kv_host *host, struct kv_ctx *ctx,
					   const char *name)
{
	const struct kv_value_set *set = host->value_set(ctx, name);
	if (set == NULL)
		host->set_error(ctx, "value set %s is missing from the value-set file", name);
	return set;
}

void kv_ind_days_free(struct kv_ind_days *d)
{
	free(d->v);
	*d = (struct kv_ind_days){0};
}

void kv_ind_periods_free(struct kv_ind_periods *p)
{
	free(p->v);
	*p = (struct kv_ind_periods){0};
}
