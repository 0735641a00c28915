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
 *
 * With a twin connection in the same snapshot (libpq, ref_range.c) the
 * counts and the histograms run on both connections at once, each table on
 * one of them, so the server counts on two cores.
 */
#include "ref.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
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

static int row_totals(void *arg, const struct kvdb_cell *c)
{
	struct totals_row *tr = arg;
	int64_t n = 0, lo = 0, hi = 0;
	tr->seen = true;
	if (kvdb_cell_int(&c[0], &n) == 0 && n > 0)
		tr->count = (uint64_t)n;
	if (kvdb_cell_int(&c[1], &lo) == 0 && kvdb_cell_int(&c[2], &hi) == 0) {
		tr->has_ids = true;
		tr->min = lo;
		tr->max = hi;
	}
	return 0;
}

static const enum kvdb_type totals_types[3] = {KVDB_T_ID, KVDB_T_ID, KVDB_T_ID};

static int count_table(struct ref_reader *r, enum ref_table t, struct totals_row *tr)
{
	char sql[1024];
	if (ref_sql_totals(r->rc, sql, sizeof(sql), t, r->t->dialect, r->req->events_from) != 0)
		return -1;
	return ref_run(r, ref_queries[t].table, sql, totals_types, NULL, 3, NULL, 0, row_totals,
		       tr);
}

/* With a twin connection (ref_range.c) a worker thread counts these
 * tables while the calling thread counts the others, about half the
 * server's work each. */
static const bool counted_by_twin[REF_N_TABLES] = {
	[REF_TAB_PRACTITIONER] = true, [REF_TAB_LIST_PERIOD] = true, [REF_TAB_FEE] = true,
	[REF_TAB_DIAGNOSIS] = true,    [REF_TAB_MEDICATION] = true,  [REF_TAB_LAB] = true,
	[REF_TAB_BP] = true,           [REF_TAB_NOTE] = true,
};

struct totals_worker {
	struct kvdb_worker w;
	struct ref_reader r; /* a copy on the twin */
	struct totals_row rows[REF_N_TABLES];
};

static int totals_job(void *arg)
{
	struct totals_worker *w = arg;
	for (int t = 0; t < REF_N_TABLES; t++)
		if (counted_by_twin[t] && table_read(&w->r, (enum ref_table)t) &&
		    count_table(&w->r, (enum ref_table)t, &w->rows[t]) != 0)
			return -1;
	return 0;
}

/* Does the events_from cut leave out any contact? When none lies before
 * it (a backfill from before the first record), the fees need not be
 * joined with contact to be cut (ref_reader.fees_uncut): the join costs the
 * server more than reading the fees. PostgreSQL and SQLite stop at the first
 * such contact (LIMIT); other DBMSs keep the join. */
static int probe_cut(struct ref_reader *r)
{
	char sql[1024];
	const kv_date from = r->req->events_from;
	const struct ref_query *cq = &ref_queries[REF_TAB_CONTACT];
	if (from == 0 || cq->date_col == NULL ||
	    (r->t->dialect != KVDB_DIALECT_POSTGRES && r->t->dialect != KVDB_DIALECT_SQLITE))
		return 0;
	int y, m, d;
	kv_date_to_ymd(from, &y, &m, &d);
	snprintf(sql, sizeof(sql),
		 "SELECT CAST(count(*) AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) "
		 "FROM (SELECT 1 AS one FROM %s x WHERE x.%s < '%04d-%02d-%02d' OR x.%s IS "
		 "NULL LIMIT 1) s",
		 cq->table, cq->date_col, y, m, d, cq->date_col);
	struct totals_row tr = {.seen = false};
	if (ref_run(r, cq->table, sql, totals_types, NULL, 3, NULL, 0, row_totals, &tr) != 0)
		return -1;
	r->fees_uncut = tr.seen && tr.count == 0;
	return 0;
}

int ref_plan_totals(struct ref_reader *r, struct ref_totals *tot)
{
	struct totals_row rows[REF_N_TABLES];
	memset(tot, 0, sizeof(*tot));
	memset(rows, 0, sizeof(rows));
	struct totals_worker *w = NULL;
	if (r->twin != NULL && (w = calloc(1, sizeof(*w))) != NULL) {
		w->r = *r;
		w->r.t = r->twin;
		/* both connections' buffers come from the budget */
		if (!kvdb_worker_start(&w->w, &r->mem, totals_job, w)) {
			free(w);
			w = NULL;
		}
	}
	int ret = 0;
	for (int t = 0; t < REF_N_TABLES && ret == 0; t++)
		if ((w == NULL || !counted_by_twin[t]) && table_read(r, (enum ref_table)t))
			ret = count_table(r, (enum ref_table)t, &rows[t]);
	if (ret == 0)
		ret = probe_cut(r);
	if (w != NULL) {
		/* the worker's error is reported only if ours came not first */
		int failed = kvdb_worker_join(r->rc, &w->w, ret == 0);
		for (int t = 0; t < REF_N_TABLES; t++)
			if (counted_by_twin[t])
				rows[t] = w->rows[t];
		if (ret == 0)
			ret = failed;
		free(w);
	}
	if (ret != 0)
		return -1;
	for (int t = 0; t < REF_N_TABLES; t++) {
		const struct totals_row *tr = &rows[t];
		tot->rows[t] = tr->count;
		if (tr->has_ids) {
			if (!tot->has_ids || tr->min < tot->min_id)
				tot->min_id = tr->min;
			if (!tot->has_ids || tr->max > tot->max_id)
				tot->max_id = tr->max;
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
		void *n = kvdb_realloc(r->rc, &r->mem, pl->plan->ranges,
				       cap * sizeof(struct ref_plan_range),
				       "planning patient ranges");
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

static int row_hist(void *arg, const struct kvdb_cell *c)
{
	struct hist_arg *h = arg;
	int64_t b = 0, n = 0;
	if (kvdb_cell_int(&c[0], &b) != 0 || kvdb_cell_int(&c[1], &n) != 0)
		return 0;
	if (b >= 0 && (uint64_t)b < h->nb && n > 0)
		h->counts[b] = sat_add(h->counts[b], (uint64_t)n);
	return 0;
}

/* The per-bucket row counts of table t into hist + t * nb. */
static int hist_table(struct ref_reader *r, enum ref_table t, uint64_t *hist, size_t nb,
		      int64_t lo, int64_t hi, uint64_t width, const char **params, size_t np)
{
	static const enum kvdb_type types[2] = {KVDB_T_ID, KVDB_T_ID};
	char sql[KVDB_SQL_MAX]; /* on the stack: bookkeeping, not rows */
	struct hist_arg ha = {.counts = hist + (size_t)t * nb, .nb = nb};
	if (ref_sql_histogram(r->rc, sql, KVDB_SQL_MAX, t, r->t->dialect, r->t->params, lo, hi,
			      (int64_t)width, &r->rules, r->req->events_from) != 0)
		return -1;
	return ref_run(r, ref_queries[t].table, sql, types, NULL, 2,
		       t == REF_TAB_NOTE ? params : NULL, t == REF_TAB_NOTE ? np : 0, row_hist, &ha);
}

static bool histogram_wanted(const struct ref_reader *r, enum ref_table t)
{
	return t != REF_TAB_PRACTITIONER && table_read(r, t);
}

/* As for the totals: with a twin the worker counts its half of the tables. */
struct hist_worker {
	struct ref_reader r; /* a copy on the twin */
	uint64_t *hist;
	size_t nb, np;
	int64_t lo, hi;
	uint64_t width;
	const char **params;
	struct kvdb_error_capture err;
	int ret;
};

static void *hist_worker_main(void *arg)
{
	struct hist_worker *w = arg;
	kvdb_tl_capture = &w->err;
	w->ret = 0;
	for (int t = 0; t < REF_N_TABLES && w->ret == 0; t++)
		if (counted_by_twin[t] && histogram_wanted(&w->r, (enum ref_table)t))
			w->ret = hist_table(&w->r, (enum ref_table)t, w->hist, w->nb, w->lo, w->hi,
					    w->width, w->params, w->np);
	kvdb_tl_capture = NULL;
	return NULL;
}

/* Every table's histogram, on two connections when there is a twin. */
static int histograms(struct ref_reader *r, uint64_t *hist, size_t nb, int64_t lo, int64_t hi,
		      uint64_t width, const char **params, size_t np)
{
	struct hist_worker *w = NULL;
	pthread_t thread;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	if (r->twin != NULL && (w = calloc(1, sizeof(*w))) != NULL) {
		*w = (struct hist_worker){.r = *r, .hist = hist, .nb = nb, .np = np, .lo = lo,
					  .hi = hi, .width = width, .params = params};
		w->r.t = r->twin;
		r->mem.lock = &lock;
		if (pthread_create(&thread, NULL, hist_worker_main, w) != 0) {
			r->mem.lock = NULL;
			free(w);
			w = NULL;
		}
	}
	int ret = 0;
	for (int t = 0; t < REF_N_TABLES && ret == 0; t++)
		if ((w == NULL || !counted_by_twin[t]) && histogram_wanted(r, (enum ref_table)t))
			ret = hist_table(r, (enum ref_table)t, hist, nb, lo, hi, width, params, np);
	if (w != NULL) {
		pthread_join(thread, NULL);
		r->mem.lock = NULL;
		if (ret == 0 && w->ret != 0)
			ret = kvdb_error(r->rc, "%s",
					 w->err.set ? w->err.msg
						    : "counting rows per patient failed");
		free(w);
	}
	return ret;
}

/* Plan [lo, hi] (inclusive); `top` adds rows no bucket holds to the first
 * range. */
static int plan_level(struct planner *pl, const struct ref_totals *tot, int64_t lo, int64_t hi,
		      bool top)
{
	struct ref_reader *r = pl->r;
	uint64_t *hist = NULL;
	const char **params = NULL;
	int ret = -1;

	uint64_t span = (uint64_t)hi - (uint64_t)lo; /* hi >= lo */
	if (span > (uint64_t)INT64_MAX - 1)
		return kvdb_error(r->rc,
				  "patient_id values span too wide a range to split the read "
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

	hist = kvdb_calloc(r->rc, &r->mem, nb * REF_N_TABLES, sizeof(uint64_t),
			   "planning patient ranges");
	if (hist == NULL)
		goto done;
	size_t np = 0;
	if (r->rules.n_rules > 0) {
		np = ref_sql_note_n_params(r->t->params, &r->rules);
		params = kvdb_calloc(r->rc, &r->mem, np, sizeof(char *), "planning patient ranges");
		if (params == NULL)
			goto done;
		for (size_t k = 0; k < np; k++)
			params[k] = ref_sql_note_param(r->t->params, &r->rules, k);
	}

	if (histograms(r, hist, nb, lo, hi, width, params, np) != 0)
		goto done;
	for (int t = 0; t < REF_N_TABLES; t++) {
		if (!histogram_wanted(r, (enum ref_table)t))
			continue;
		const uint64_t *counts = hist + (size_t)t * nb;
		if (top && t != REF_TAB_NOTE) {
			uint64_t in = 0;
			for (size_t b = 0; b < nb; b++)
				in = sat_add(in, counts[b]);
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
			kvdb_error(r->rc,
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
	kvdb_free(&r->mem, params);
	kvdb_free(&r->mem, hist);
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
		return kvdb_error(r->rc, "a memory budget of %zu bytes is too small: %zu bytes are "
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
		ret = kvdb_error(r->rc, "a memory budget of %zu bytes is too small for rows that "
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
	kvdb_log(r->rc, KV_LOG_DEBUG,
		 "read plan: %zu patient_id range%s for an estimated %" PRIu64 " bytes against a "
		 "target of %" PRIu64 " per range",
		 plan->n, plan->n == 1 ? "" : "s", total, pl.target);
	return 0;
}

void ref_plan_free(struct ref_reader *r, struct ref_plan *plan)
{
	kvdb_free(&r->mem, plan->ranges);
	plan->ranges = NULL;
	plan->n = 0;
}
