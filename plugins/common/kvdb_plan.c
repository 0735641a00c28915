/*
 * kvdb_plan.c - patient-key ranges that fit a read's memory budget
 *
 * Reads are unordered scans grouped in memory, so a range of patients must
 * fit in the budget with all its rows. The connector counts its tables
 * inside the read's snapshot (rows, and the smallest and largest patient
 * key) and gives the planner those totals, a per-row cost per table and a
 * target size for one range. When everything fits, the plan is one range
 * unbounded on both sides. Otherwise the planner asks the connector's
 * histogram callback for per-bucket row counts over [min, max] (the
 * connector's SQL: SELECT (key - lo) / width, count(*) ... GROUP BY 1),
 * weighs them with the per-row costs and cuts consecutive ranges greedily;
 * a bucket that alone exceeds the target is planned again with finer
 * buckets, down to a single key, which if still too big is an error naming
 * the budget. When the counts come from the snapshot the ranges are read
 * in, the plan is exact; the reader still checks every allocation.
 *
 * The first range has no lower bound, so it also takes the rows whose key
 * is NULL or in no bucket (their count is the total less the buckets' sum,
 * added to the first range); the last has no upper bound.
 *
 * Ownership: plan->ranges is allocated from the read's kvdb_mem and freed by
 * kvdb_plan_free(). Errors: 0, or -1 after kvdb_error().
 */
#include "kvdb.h"

#include <inttypes.h>
#include <string.h>

#define MAX_BUCKETS 1024

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

struct planner {
	struct kvdb_ctx *rc;
	struct kvdb_mem *mem;
	const struct kvdb_plan_in *in;
	struct kvdb_plan *plan;
	size_t cap;
	/* the open range */
	bool has_start;
	int64_t start;
	uint64_t acc;
	uint64_t rows[KVDB_PLAN_MAX_TABLES];
};

static bool planned(const struct kvdb_plan_in *in, size_t t)
{
	return in->row_cost[t] > 0;
}

static int push_range(struct planner *pl, bool has_hi, int64_t hi)
{
	if (pl->plan->n == pl->cap) {
		size_t cap = pl->cap == 0 ? 8 : pl->cap * 2;
		void *n = kvdb_realloc(pl->rc, pl->mem, pl->plan->ranges,
				       cap * sizeof(struct kvdb_plan_range),
				       "planning patient ranges");
		if (n == NULL)
			return -1;
		pl->plan->ranges = n;
		pl->cap = cap;
	}
	struct kvdb_plan_range *pr = &pl->plan->ranges[pl->plan->n++];
	memset(pr, 0, sizeof(*pr));
	pr->range.has_lo = pl->has_start;
	pr->range.lo = pl->start;
	pr->range.has_hi = has_hi;
	pr->range.hi = hi;
	memcpy(pr->rows, pl->rows, sizeof(pr->rows));
	pl->has_start = has_hi;
	pl->start = hi;
	pl->acc = 0;
	memset(pl->rows, 0, sizeof(pl->rows));
	return 0;
}

/* Plan keys [lo, hi] (inclusive); `top` adds rows no bucket holds to the
 * first range. */
static int plan_level(struct planner *pl, int64_t lo, int64_t hi, bool top)
{
	const struct kvdb_plan_in *in = pl->in;
	const size_t nt = in->n_tables;
	uint64_t *hist = NULL;
	int ret = -1;

	uint64_t span = (uint64_t)hi - (uint64_t)lo; /* hi >= lo */
	if (span > (uint64_t)INT64_MAX - 1)
		return kvdb_error(pl->rc,
				  "%s values span too wide a range to split the read for the "
				  "memory budget",
				  in->key);
	span += 1;

	/* as many buckets as a quarter of what is left can count */
	size_t left = pl->mem->budget > pl->mem->used + in->buffer_bytes
			      ? pl->mem->budget - pl->mem->used - in->buffer_bytes
			      : 0;
	size_t nb = left / 4 / (nt * sizeof(uint64_t) + 1);
	if (nb > MAX_BUCKETS)
		nb = MAX_BUCKETS;
	if (nb < 2)
		nb = 2;
	if (nb > span)
		nb = (size_t)span;
	uint64_t width = (span + nb - 1) / nb;
	nb = (size_t)((span + width - 1) / width);

	hist = kvdb_calloc(pl->rc, pl->mem, nb * nt, sizeof(uint64_t), "planning patient ranges");
	if (hist == NULL)
		goto done;
	if (in->hist(in->arg, lo, hi, width, nb, hist) != 0)
		goto done;
	for (size_t t = 0; top && t < nt; t++) {
		if (!planned(in, t) || (in->upper_bound & (1u << t)))
			continue;
		const uint64_t *counts = hist + t * nb;
		uint64_t sum = 0;
		for (size_t b = 0; b < nb; b++)
			sum = sat_add(sum, counts[b]);
		if (in->rows[t] > sum) {
			/* NULL or orphaned keys: read with the first range */
			uint64_t extra = in->rows[t] - sum;
			pl->rows[t] = sat_add(pl->rows[t], extra);
			pl->acc = sat_add(pl->acc, sat_mul(extra, in->row_cost[t]));
		}
	}

	for (size_t b = 0; b < nb; b++) {
		uint64_t cost = 0;
		for (size_t t = 0; t < nt; t++)
			if (planned(in, t))
				cost = sat_add(cost, sat_mul(hist[t * nb + b], in->row_cost[t]));
		if (cost == 0)
			continue;
		int64_t blo = (int64_t)((uint64_t)lo + (uint64_t)b * width);
		int64_t bhi = b + 1 == nb ? hi : (int64_t)((uint64_t)blo + width - 1);
		if (sat_add(pl->acc, cost) <= in->target) {
			/* fits in the open range */
		} else if (cost <= in->target) {
			if (pl->acc > 0 && push_range(pl, true, blo) != 0)
				goto done;
		} else if (width > 1) {
			if (plan_level(pl, blo, bhi, false) != 0)
				goto done;
			continue;
		} else {
			kvdb_error(pl->rc,
				   "a memory budget of %zu bytes is too small: one patient's rows "
				   "need about %" PRIu64 " bytes",
				   pl->mem->budget, sat_add(cost, in->range_fixed));
			goto done;
		}
		pl->acc = sat_add(pl->acc, cost);
		for (size_t t = 0; t < nt; t++)
			if (planned(in, t))
				pl->rows[t] = sat_add(pl->rows[t], hist[t * nb + b]);
	}
	ret = 0;
done:
	kvdb_free(pl->mem, hist);
	return ret;
}

int kvdb_plan_make(struct kvdb_ctx *rc, struct kvdb_mem *m, const struct kvdb_plan_in *in,
		   struct kvdb_plan *plan)
{
	struct planner pl;
	memset(&pl, 0, sizeof(pl));
	memset(plan, 0, sizeof(*plan));
	if (in->n_tables == 0 || in->n_tables > KVDB_PLAN_MAX_TABLES)
		return kvdb_error(rc, "cannot plan patient ranges over %zu tables", in->n_tables);
	pl.rc = rc;
	pl.mem = m;
	pl.in = in;
	pl.plan = plan;

	uint64_t total = 0;
	for (size_t t = 0; t < in->n_tables; t++)
		if (planned(in, t))
			total = sat_add(total, sat_mul(in->rows[t], in->row_cost[t]));

	int ret;
	if (total <= in->target) {
		/* everything fits: one unbounded range with every table's total */
		memcpy(pl.rows, in->rows, in->n_tables * sizeof(uint64_t));
		ret = push_range(&pl, false, 0);
	} else if (!in->has_keys) {
		ret = kvdb_error(rc, "a memory budget of %zu bytes is too small for rows that "
				     "name no patient",
				 m->budget);
	} else if (in->hist == NULL || in->min_key > in->max_key) {
		ret = kvdb_error(rc, "cannot split the read for a memory budget of %zu bytes",
				 m->budget);
	} else {
		ret = plan_level(&pl, in->min_key, in->max_key, true);
		if (ret == 0)
			ret = push_range(&pl, false, 0);
	}
	if (ret != 0) {
		kvdb_plan_free(m, plan);
		return -1;
	}
	kvdb_log(rc, KV_LOG_DEBUG,
		 "read plan: %zu %s range%s for an estimated %" PRIu64 " bytes against a "
		 "target of %" PRIu64 " per range",
		 plan->n, in->key, plan->n == 1 ? "" : "s", total, in->target);
	return 0;
}

void kvdb_plan_free(struct kvdb_mem *m, struct kvdb_plan *plan)
{
	kvdb_free(m, plan->ranges);
	plan->ranges = NULL;
	plan->n = 0;
}
