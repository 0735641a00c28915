/*
 * kv_ind.c - small helpers shared by indicator plugins (see kv_ind.h)
 */
#include "kv_ind.h"

#include <stdint.h>
#include <stdlib.h>

/* Grow *buf to hold at least `need` elements of `size` bytes. */
static int kv_ind_reserve(void **buf, size_t *cap, size_t need, size_t size)
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

/* How many days of the sorted list are on or before `date`. */
static size_t kv_ind_count_upto(const struct kv_ind_days *d, kv_date date)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->v[mid] <= date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool kv_ind_days_last_in(const struct kv_ind_days *d, kv_date from, kv_date to, kv_date *out)
{
	if (from > to)
		return false;
	size_t k = kv_ind_count_upto(d, to);
	if (k == 0 || d->v[k - 1] < from)
		return false;
	*out = d->v[k - 1];
	return true;
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

bool kv_ind_listed_at(const struct kv_patient *p, kv_date r)
{
	if (p->death <= r)
		return false;
	for (size_t i = 0; i < p->n_periods; i++)
		if (p->periods[i].from <= r && r < p->periods[i].to)
			return true;
	return false;
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
