/*
 * ref_plan.c - fitting a read into kv_read_request.memory_budget
 *
 * Reads are unordered scans grouped in memory, so a range of patients must
 * fit in the budget with all its events. Inside the read's snapshot the
 * planner first counts every table (count(*), min and max patient_id). If
 * everything fits, the read is one unbounded range. Otherwise it asks the
 * database for per-bucket row counts over patient_id
 *     SELECT (patient_id - lo) / width, count(*) ... GROUP BY 1
 * (journal_note: the number of keyword-rule matches per bucket), weighs
 * them with the assembler's per-row costs, and cuts ranges greedily; a
 * bucket that alone exceeds the target is planned again with finer buckets,
 * down to a single patient_id (which, if still too big, is an error naming
 * the budget). Because the counts come from the same snapshot the ranges
 * are read in, the estimates are exact for PostgreSQL and SQLite; the
 * assembler still checks every allocation against the budget.
 *
 * The first range has no lower bound and so also takes rows whose patient
 * is NULL or not in any bucket (fees whose contact is missing); the last
 * has no upper bound.
 */
#include "ref.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Allocation headers, map rounding and the like of one range. */
#define RANGE_FIXED 1536
#define MAX_BUCKETS 1024

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static bool table_read(const struct ref_reader *r, enum ref_table t)
{
	return t != REF_TAB_NOTE || r->rules.n_rules > 0;
}

/* ---- totals ------------------------------------------------------------ */

struct totals_row {
	bool seen;
	uint64_t count;
	bool has_ids;
	int64_t min, max;
};

static int row_totals(void *arg, const struct ref_cell *c)
{
	struct totals_row *tr = arg;
	int64_t n = 0, lo = 0, hi = 0;
	tr->seen = true;
	if (ref_cell_int(&c[0], &n) == 0 && n > 0)
		tr->count = (uint64_t)n;
	if (ref_cell_int(&c[1], &lo) == 0 && ref_cell_int(&c[2], &hi) == 0) {
		tr->has_ids = true;
		tr->min = lo;
		tr->max = hi;
	}
	return 0;
}

int ref_plan_totals(struct ref_reader *r, struct ref_totals *tot)
{
	static const enum ref_type types[3] = {REF_T_ID, REF_T_ID, REF_T_ID};
	char sql[1024];
	memset(tot, 0, sizeof(*tot));
	for (int t = 0; t < REF_N_TABLES; t++) {
		if (!table_read(r, (enum ref_table)t))
			continue;
		struct totals_row tr = {.seen = false};
		if (ref_sql_totals(r->rc, sql, sizeof(sql), (enum ref_table)t, r->t->dialect,
				   r->req->events_from) != 0 ||
		    ref_run(r, ref_queries[t].table, sql, types, NULL, 3, NULL, 0, row_totals,
			    &tr) != 0)
			return -1;
		tot->rows[t] = tr.count;
		if (tr.has_ids) {
			if (!tot->has_ids || tr.min < tot->min_id)
				tot->min_id = tr.min;
			if (!tot->has_ids || tr.max > tot->max_id)
				tot->max_id = tr.max;
			tot->has_ids = true;
		}
	}
	/* every note may match every rule: an upper bound until histograms */
	tot->rows[REF_TAB_NOTE] = sat_mul(tot->rows[REF_TAB_NOTE], r->rules.n_rules);
	return 0;
}

/* ---- plan -------------------------------------------------------------- */

struct planner {
	struct ref_reader *r;
	struct ref_plan *plan;
	size_t cap;
	uint64_t target;
	/* the open range */
	bool has_start;
	int64_t start;
	uint64_t acc;
	uint64_t rows[REF_N_TABLES];
	uint64_t row_cost[REF_N_TABLES];
};

static int push_range(struct planner *pl, bool has_hi, int64_t hi)
{
	struct ref_reader *r = pl->r;
	if (pl->plan->n == pl->cap) {
		size_t cap = pl->cap == 0 ? 8 : pl->cap * 2;
		void *n = ref_realloc(r->rc, &r->mem, pl->plan->ranges,
				      cap * sizeof(struct ref_plan_range), "planning patient ranges");
		if (n == NULL)
			return -1;
		pl->plan->ranges = n;
		pl->cap = cap;
	}
	struct ref_plan_range *pr = &pl->plan->ranges[pl->plan->n++];
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

struct hist_arg {
	uint64_t *counts;
	size_t nb;
};

static int row_hist(void *arg, const struct ref_cell *c)
{
	struct hist_arg *h = arg;
	int64_t b = 0, n = 0;
	if (ref_cell_int(&c[0], &b) != 0 || ref_cell_int(&c[1], &n) != 0)
		return 0;
	if (b >= 0 && (uint64_t)b < h->nb && n > 0)
		h->counts[b] = sat_add(h->counts[b], (uint64_t)n);
	return 0;
}

/* Plan [lo, hi] (inclusive); `top` adds rows no bucket holds to the first
 * range. */
static int plan_level(struct planner *pl, const struct ref_totals *tot, int64_t lo, int64_t hi,
		      bool top)
{
	static const enum ref_type types[2] = {REF_T_ID, REF_T_ID};
	struct ref_reader *r = pl->r;
	uint64_t *hist = NULL;
	const char **params = NULL;
	char sql[REF_SQL_MAX]; /* on the stack: bookkeeping, not rows */
	int ret = -1;

	uint64_t span = (uint64_t)hi - (uint64_t)lo; /* hi >= lo */
	if (span > (uint64_t)INT64_MAX - 1)
		return ref_error(r->rc, "patient_id values span too wide a range to split the read "
					"for the memory budget");
	span += 1;

	/* as many buckets as a quarter of what is left can count */
	size_t left = r->mem.budget > r->mem.used + r->buffer_bytes
			      ? r->mem.budget - r->mem.used - r->buffer_bytes
			      : 0;
	size_t nb = left / 4 / (REF_N_TABLES * sizeof(uint64_t) + 1);
	if (nb > MAX_BUCKETS)
		nb = MAX_BUCKETS;
	if (nb < 2)
		nb = 2;
	if (nb > span)
		nb = (size_t)span;
	uint64_t width = (span + nb - 1) / nb;
	nb = (size_t)((span + width - 1) / width);

	hist = ref_calloc(r->rc, &r->mem, nb * REF_N_TABLES, sizeof(uint64_t),
			  "planning patient ranges");
	if (hist == NULL)
		goto done;
	size_t np = 0;
	if (r->rules.n_rules > 0) {
		np = ref_sql_note_n_params(r->t->params, &r->rules);
		params = ref_calloc(r->rc, &r->mem, np, sizeof(char *), "planning patient ranges");
		if (params == NULL)
			goto done;
		for (size_t k = 0; k < np; k++)
			params[k] = ref_sql_note_param(r->t->params, &r->rules, k);
	}

	for (int t = 0; t < REF_N_TABLES; t++) {
		if (t == REF_TAB_PRACTITIONER || !table_read(r, (enum ref_table)t))
			continue;
		struct hist_arg ha = {.counts = hist + (size_t)t * nb, .nb = nb};
		if (ref_sql_histogram(r->rc, sql, REF_SQL_MAX, (enum ref_table)t, r->t->dialect,
				      r->t->params, lo, hi, (int64_t)width, &r->rules,
				      r->req->events_from) != 0 ||
		    ref_run(r, ref_queries[t].table, sql, types, NULL, 2,
			    t == REF_TAB_NOTE ? params : NULL, t == REF_TAB_NOTE ? np : 0, row_hist,
			    &ha) != 0)
			goto done;
		if (top && t != REF_TAB_NOTE) {
			uint64_t in = 0;
			for (size_t b = 0; b < nb; b++)
				in = sat_add(in, ha.counts[b]);
			if (tot->rows[t] > in) {
				/* NULL or orphaned patients: read with the first range */
				uint64_t extra = tot->rows[t] - in;
				pl->rows[t] = sat_add(pl->rows[t], extra);
				pl->acc = sat_add(pl->acc, sat_mul(extra, pl->row_cost[t]));
			}
		}
	}

	for (size_t b = 0; b < nb; b++) {
		uint64_t cost = 0;
		for (int t = 0; t < REF_N_TABLES; t++)
			cost = sat_add(cost, sat_mul(hist[(size_t)t * nb + b], pl->row_cost[t]));
		if (cost == 0)
			continue;
		int64_t blo = (int64_t)((uint64_t)lo + (uint64_t)b * width);
		int64_t bhi = b + 1 == nb ? hi : (int64_t)((uint64_t)blo + width - 1);
		if (sat_add(pl->acc, cost) <= pl->target) {
			/* fits in the open range */
		} else if (cost <= pl->target) {
			if (pl->acc > 0 && push_range(pl, true, blo) != 0)
				goto done;
		} else if (width > 1) {
			if (plan_level(pl, tot, blo, bhi, false) != 0)
				goto done;
			continue;
		} else {
			ref_error(r->rc,
				  "a memory budget of %zu bytes is too small: one patient's rows "
				  "need about %" PRIu64 " bytes",
				  r->mem.budget, cost + RANGE_FIXED);
			goto done;
		}
		pl->acc = sat_add(pl->acc, cost);
		for (int t = 0; t < REF_N_TABLES; t++)
			pl->rows[t] = sat_add(pl->rows[t], hist[(size_t)t * nb + b]);
	}
	ret = 0;
done:
	ref_free(&r->mem, params);
	ref_free(&r->mem, hist);
	return ret;
}

int ref_plan_make(struct ref_reader *r, const struct ref_totals *tot, struct ref_plan *plan)
{
	struct planner pl;
	memset(&pl, 0, sizeof(pl));
	memset(plan, 0, sizeof(*plan));
	pl.r = r;
	pl.plan = plan;

	size_t held = r->mem.used + r->buffer_bytes;
	if (held + RANGE_FIXED >= r->mem.budget)
		return ref_error(r->rc, "a memory budget of %zu bytes is too small: %zu bytes are "
					"needed before any patient is read",
				 r->mem.budget, held + RANGE_FIXED);
	size_t avail = r->mem.budget - held;
	/* an eighth is kept back for the plan itself and rounding */
	pl.target = avail - avail / 8 - RANGE_FIXED;

	uint64_t total = 0;
	for (int t = 0; t < REF_N_TABLES; t++) {
		if (t == REF_TAB_PRACTITIONER || !table_read(r, (enum ref_table)t))
			continue;
		pl.row_cost[t] = ref_asm_row_cost((enum ref_table)t);
		total = sat_add(total, sat_mul(tot->rows[t], pl.row_cost[t]));
	}

	int ret;
	if (total <= pl.target) {
		memcpy(pl.rows, tot->rows, sizeof(pl.rows));
		ret = push_range(&pl, false, 0);
	} else if (!tot->has_ids) {
		ret = ref_error(r->rc, "a memory budget of %zu bytes is too small for rows that "
				       "name no patient",
				r->mem.budget);
	} else {
		ret = plan_level(&pl, tot, tot->min_id, tot->max_id, true);
		if (ret == 0)
			ret = push_range(&pl, false, 0);
	}
	if (ret != 0) {
		ref_plan_free(r, plan);
		return -1;
	}
	ref_log(r->rc, KV_LOG_DEBUG,
		"read plan: %zu patient_id range%s for an estimated %" PRIu64 " bytes against a "
		"target of %" PRIu64 " per range",
		plan->n, plan->n == 1 ? "" : "s", total, pl.target);
	return 0;
}

void ref_plan_free(struct ref_reader *r, struct ref_plan *plan)
{
	ref_free(&r->mem, plan->ranges);
	plan->ranges = NULL;
	plan->n = 0;
}
