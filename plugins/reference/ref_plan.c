/*
 * ref_plan.c - fitting a read into kv_read_request.memory_budget: the
 * reference schema's counts and histograms for the shared planner
 *
 * Reads are unordered scans grouped in memory, so a range of patients must
 * fit in the budget with all its events. Inside the read's snapshot this
 * file counts every table (count(*), min and max patient_id) and gives
 * plugins/common/kvdb_plan.c (kvdb_plan_make) the totals, the assembler's
 * per-row costs (ref_asm_row_cost), the target size of a range and a
 * histogram callback running the per-bucket row counts over patient_id
 *     SELECT (patient_id - lo) / width, count(*) ... GROUP BY 1
 * (journal_note: the number of keyword-rule matches per bucket; its total
 * is only an upper bound, rows x rules). The shared planner makes one
 * unbounded range when everything fits, else cuts ranges greedily and
 * plans a bucket that alone exceeds the target again with finer buckets,
 * down to a single patient_id (an error naming the budget if still too
 * big). Because the counts come from the same snapshot the ranges are read
 * in, the estimates are exact for PostgreSQL and SQLite; the assembler
 * still checks every allocation against the budget.
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
static int histograms_on(struct ref_reader *r, uint64_t *hist, size_t nb, int64_t lo, int64_t hi,
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

/* The planner's histogram callback (kvdb_hist_fn): the note queries'
 * parameters, then every table's histogram. */
static int histograms(void *arg, int64_t lo, int64_t hi, uint64_t width, size_t nb,
		      uint64_t *hist)
{
	struct ref_reader *r = arg;
	const char **params = NULL;
	size_t np = 0;
	int ret = -1;
	if (r->rules.n_rules > 0) {
		np = ref_sql_note_n_params(r->t->params, &r->rules);
		params = kvdb_calloc(r->rc, &r->mem, np, sizeof(char *), "planning patient ranges");
		if (params == NULL)
			goto done;
		for (size_t k = 0; k < np; k++)
			params[k] = ref_sql_note_param(r->t->params, &r->rules, k);
	}
	ret = histograms_on(r, hist, nb, lo, hi, width, params, np);
done:
	kvdb_free(&r->mem, params);
	return ret;
}

int ref_plan_make(struct ref_reader *r, const struct ref_totals *tot, struct kvdb_plan *plan)
{
	uint64_t row_cost[REF_N_TABLES] = {0};
	memset(plan, 0, sizeof(*plan));

	size_t held = r->mem.used + r->buffer_bytes;
	/* an eighth of what is left is kept back for the plan itself and
	 * rounding; what remains must hold a range's fixed part */
	size_t avail = held < r->mem.budget ? r->mem.budget - held : 0;
	if (avail - avail / 8 <= RANGE_FIXED)
		return kvdb_error(r->rc, "a memory budget of %zu bytes is too small: %zu bytes are "
					 "needed before any patient is read",
				  r->mem.budget, held + RANGE_FIXED + RANGE_FIXED / 7 + 1);
	for (int t = 0; t < REF_N_TABLES; t++)
		if (histogram_wanted(r, (enum ref_table)t))
			row_cost[t] = ref_asm_row_cost((enum ref_table)t);
	/* ABI 2.1, only when asked: a key in the pool, a GP per list period */
	if (r->origin & KV_ORIGIN_KEY)
		row_cost[REF_TAB_PATIENT] += KVDB_PAT_KEY_COST;
	if ((r->origin & KV_ORIGIN_HOLDERS) && row_cost[REF_TAB_LIST_PERIOD] > 0)
		row_cost[REF_TAB_LIST_PERIOD] += sizeof(uint64_t);
	struct kvdb_plan_in in = {
		.n_tables = REF_N_TABLES,
		.rows = tot->rows,
		.row_cost = row_cost,
		/* journal_note: rows x rules until the histograms count matches;
		 * fees: counted whole, while their histogram is cut at events_from
		 * through the contact (the difference is no patient's rows) */
		.upper_bound = (1u << REF_TAB_NOTE) |
			       (r->req->events_from != 0 ? 1u << REF_TAB_FEE : 0u),
		.has_keys = tot->has_ids,
		.min_key = tot->min_id,
		.max_key = tot->max_id,
		.target = avail - avail / 8 - RANGE_FIXED,
		.buffer_bytes = r->buffer_bytes,
		.range_fixed = RANGE_FIXED,
		.key = "patient_id",
		.hist = histograms,
		.arg = r,
	};
	return kvdb_plan_make(r->rc, &r->mem, &in, plan);
}

void ref_plan_free(struct ref_reader *r, struct kvdb_plan *plan)
{
	kvdb_plan_free(&r->mem, plan);
}
