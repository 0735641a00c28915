/*
 * ref_table.c - running a table: one statement of the query table through
 * the transport
 *
 * ref_run_table() builds the SELECT of a table of the query table (ref_sql.c)
 * for a patient_id range and the request's events_from (the keyword-rule
 * matches of journal_note with their parameters), and runs it, calling a
 * row decoder (ref_rows.c) per row; the patients with their key column
 * last when the request asked for it (KV_ORIGIN_KEY). ref_run() runs any statement (the
 * planner's counts and histograms too).
 */
#include "ref.h"

#define MAX_COLS 64
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

int ref_run(struct ref_reader *r, const char *what, const char *sql,
	    const enum kvdb_type *types, const uint16_t *text_max, size_t n_cols,
	    const char *const *params, size_t n_params, kvdb_row_fn fn, void *arg)
{
	struct kvdb_select s = {
		.what = what, .sql = sql, .types = types, .text_max = text_max,
		.n_cols = n_cols, .params = params, .n_params = n_params,
	};
	return r->t->select(r->t, &s, fn, arg);
}

/* Select table t over range (notes: with the translated rules). */
int ref_run_table(struct ref_reader *r, enum ref_table t, const struct kvdb_range *range,
		     kvdb_row_fn fn, void *arg)
{
	const struct ref_query *q = &ref_queries[t];
	enum kvdb_type types[MAX_COLS];
	uint16_t text_max[MAX_COLS];
	const char *params[2 * 1024];
	char sql[KVDB_SQL_MAX]; /* on the stack: bookkeeping, not rows */
	size_t n = 0, np = 0;
	int ret = -1;

	for (size_t i = 0; i < q->n_cols; i++) {
		types[n] = q->cols[i].type;
		text_max[n++] = q->cols[i].text_max;
	}
	if (t == REF_TAB_NOTE) {
		if (n + r->rules.n_rules > MAX_COLS) {
			kvdb_error(r->rc, "too many keyword rules (at most %d)", MAX_COLS - (int)n);
			goto done;
		}
		for (size_t i = 0; i < r->rules.n_rules; i++) {
			types[n] = KVDB_T_INT;
			text_max[n++] = 0;
		}
		np = ref_sql_note_n_params(r->t->params, &r->rules);
		if (np > N_OF(params)) {
			kvdb_error(r->rc, "too many keyword rule words (at most %zu)",
				   N_OF(params) / 2);
			goto done;
		}
		for (size_t k = 0; k < np; k++)
			params[k] = ref_sql_note_param(r->t->params, &r->rules, k);
		if (ref_sql_notes(r->rc, sql, sizeof(sql), r->t->dialect, r->t->params, &r->rules,
				  range, r->req->events_from) != 0)
			goto done;
	} else if (t == REF_TAB_PATIENT && (r->origin & KV_ORIGIN_KEY)) {
		/* ABI 2.1: the patient key, last; only when asked */
		types[n] = KVDB_T_TEXT;
		text_max[n++] = KV_PATIENT_KEY_MAX - 1; /* longer: too_long, counted */
		if (ref_sql_select_key(r->rc, sql, sizeof(sql), r->t->dialect, range, r->key_col,
				       false) != 0)
			goto done;
	} else if (ref_sql_select(r->rc, sql, sizeof(sql), t, r->t->dialect, range,
				  t == REF_TAB_FEE && r->fees_uncut ? 0 : r->req->events_from,
				  false) != 0) {
		goto done;
	}
	ret = ref_run(r, q->table, sql, types, text_max, n, params, np, fn, arg);
done:
	return ret;
}
