/*
 * ref_range.c - one patient_id range: patients, every table, group, sort,
 * deliver; on two connections when the transport offers a twin
 *
 * ref_process_range() reads one range of the plan (ref_plan.c):
 *
 *   1. patients of the range, sorted by patient_id (the delivery order);
 *   2. contacts, grouped by patient and sorted, so fees and diagnoses can
 *      name their contact's index; a map contact_id -> position;
 *   3. the other tables, each into its stage (kvdb_stage.c); over libpq a
 *      worker thread reads these on a second connection in the same
 *      snapshot while step 2 runs (see "Reading a range on two
 *      connections" below);
 *   4. per table, grouping by patient (radix sort) and a per-patient sort
 *      by (date, tie-break), then the events compacted in place into
 *      arrays of the canonical structs;
 *   5. one struct kv_patient per good patient to the sink (kvdb_deliver).
 *
 * All memory is taken from the read's kvdb_mem (the budget) and freed
 * before returning.
 */
#include "ref.h"

#include <stdlib.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void range_free(struct ref_range_state *rs)
{
	struct kvdb_mem *m = &rs->r->mem;
	for (int t = 0; t < REF_N_TABLES; t++)
		kvdb_stage_free(m, &rs->st[t]);
	kvdb_pats_free(m, &rs->pats);
	kvdb_map_fini(m, &rs->cmap);
	kvdb_free(m, rs->holders);
	rs->holders = NULL;
}

/* The stage of table t, as large as the plan expects. */
static int prealloc(struct ref_range_state *rs, enum ref_table t)
{
	return kvdb_stage_reserve(rs->r->rc, &rs->r->mem, &rs->st[t], rs->plan->rows[t],
				  "holding the rows of a patient range");
}

/*
 * Reading a range on two connections. When the transport offers a twin (a
 * second connection in the same snapshot: libpq), a worker thread reads the
 * tables nobody else refers to (list periods, medications, prescriptions,
 * labs, blood pressures, forms, note matches) on it while this thread reads
 * contacts, fees and diagnoses: the server scans two tables at once on two
 * cores, and the two streams are parsed on two client cores. Every stage is
 * allocated before the worker starts; it writes only its own tables' stages
 * and counters (in copies merged after the join) and looks patients up
 * read-only. The memory budget is shared under a lock. Its errors are kept
 * (kvdb_tl_capture) and reported here after the join; when this thread fails
 * first the worker stops after its current table. The grouping, sorting and
 * delivery after the read are unchanged, so the patients and their events
 * reach the sink exactly as from one connection.
 */
static const enum ref_table worker_tables[] = {
	REF_TAB_LIST_PERIOD, REF_TAB_MEDICATION, REF_TAB_PRESCRIPTION, REF_TAB_LAB,
	REF_TAB_BP,          REF_TAB_FORM,       REF_TAB_NOTE,
};

struct worker {
	struct kvdb_worker w;
	struct ref_reader r;       /* a copy: the twin transport, its own counters */
	struct ref_range_state rs; /* a copy: its own patient lookup cache */
};

static bool table_wanted(const struct ref_reader *r, enum ref_table t)
{
	return t != REF_TAB_NOTE || r->rules.n_rules > 0;
}

static int worker_job(void *arg)
{
	struct worker *w = arg;
	for (size_t i = 0; i < N_OF(worker_tables) && !kvdb_worker_stopping(&w->w); i++) {
		enum ref_table t = worker_tables[i];
		if (table_wanted(&w->r, t) &&
		    ref_run_table(&w->r, t, &w->rs.plan->range, ref_event_fns[t], &w->rs) != 0)
			return -1;
	}
	return 0;
}

/* After the worker's join: its stages and counters are the range's. */
static void worker_merge(struct ref_range_state *rs, const struct worker *w, bool counts)
{
	for (size_t i = 0; i < N_OF(worker_tables); i++) {
		enum ref_table t = worker_tables[i];
		rs->st[t] = w->rs.st[t];
		if (!counts)
			continue;
		rs->r->rows[t] = w->r.rows[t];
		memcpy(rs->r->bad[t], w->r.bad[t], sizeof(rs->r->bad[t]));
	}
}

int ref_process_range(struct ref_reader *r, const struct kvdb_plan_range *pr)
{
	struct ref_range_state rs;
	int ret = -1;
	memset(&rs, 0, sizeof(rs));
	rs.r = r;
	rs.plan = pr;
	rs.mem = &r->mem;
	const struct kvdb_range *range = &pr->range;
	struct worker *w = NULL;

	for (int t = 0; t < REF_N_TABLES; t++)
		rs.st[t].d = ref_stage_descs[t].elem != 0 ? &ref_stage_descs[t] : NULL;

	/* 1. patients, sorted by patient_id (the delivery order) and indexed */
	if (kvdb_pats_reserve(r->rc, &r->mem, &rs.pats, pr->rows[REF_TAB_PATIENT],
			      "holding the patients of a range") != 0 ||
	    ref_run_table(r, REF_TAB_PATIENT, range, ref_row_patient, &rs) != 0 ||
	    kvdb_pats_index(r->rc, &r->mem, &rs.pats, &r->bad[REF_TAB_PATIENT][REF_R_DUPLICATE_KEY],
			    "holding a patient range") != 0)
		goto done;

	/* 2. every stage, then the worker's tables on the twin if there is one */
	if (kvdb_map_init(r->rc, &r->mem, &rs.cmap, (size_t)pr->rows[REF_TAB_CONTACT],
			  "holding a patient range") != 0 ||
	    prealloc(&rs, REF_TAB_CONTACT) != 0 || prealloc(&rs, REF_TAB_FEE) != 0 ||
	    prealloc(&rs, REF_TAB_DIAGNOSIS) != 0)
		goto done;
	for (size_t i = 0; i < N_OF(worker_tables); i++)
		if (table_wanted(r, worker_tables[i]) && prealloc(&rs, worker_tables[i]) != 0)
			goto done;
	if (r->twin != NULL && (w = calloc(1, sizeof(*w))) != NULL) {
		w->r = *r;
		w->r.t = r->twin;
		w->rs = rs;
		w->rs.r = &w->r;
		if (!kvdb_worker_start(&w->w, &r->mem, worker_job, w)) {
			free(w);
			w = NULL;
		}
	}

	/* 3. contacts, then what refers to them */
	if (ref_run_table(r, REF_TAB_CONTACT, range, ref_row_contact, &rs) != 0 ||
	    ref_contacts_done(&rs) != 0 ||
	    ref_run_table(r, REF_TAB_FEE, range, ref_row_fee, &rs) != 0 ||
	    ref_run_table(r, REF_TAB_DIAGNOSIS, range, ref_row_diagnosis, &rs) != 0)
		goto done;

	/* 4. the rest: the worker's, or here */
	if (w != NULL) {
		int failed = kvdb_worker_join(r->rc, &w->w, true);
		worker_merge(&rs, w, true);
		free(w);
		w = NULL;
		if (failed != 0)
			goto done;
	} else {
		for (size_t i = 0; i < N_OF(worker_tables); i++) {
			enum ref_table t = worker_tables[i];
			if (table_wanted(r, t) &&
			    ref_run_table(r, t, range, ref_event_fns[t], &rs) != 0)
				goto done;
		}
	}

	/* 5. group, sort, compact */
	for (int t = 0; t < REF_N_TABLES; t++) {
		struct kvdb_stage *s = &rs.st[t];
		if (s->d == NULL)
			continue;
		if (!s->grouped &&
		    kvdb_stage_group(r->rc, &r->mem, s, rs.pats.n, "grouping rows by patient") != 0)
			goto done;
		if (t == REF_TAB_LIST_PERIOD && ref_list_holders(&rs) != 0)
			goto done; /* before compaction drops the GPs */
		kvdb_stage_compact(s);
	}

	/* 6. deliver */
	const struct kvdb_stage *by_kind[KVDB_N_KINDS] = {
		[KVDB_K_PERIOD] = &rs.st[REF_TAB_LIST_PERIOD],
		[KVDB_K_CONTACT] = &rs.st[REF_TAB_CONTACT],
		[KVDB_K_FEE] = &rs.st[REF_TAB_FEE],
		[KVDB_K_DIAGNOSIS] = &rs.st[REF_TAB_DIAGNOSIS],
		[KVDB_K_MEDICATION] = &rs.st[REF_TAB_MEDICATION],
		[KVDB_K_PRESCRIPTION] = &rs.st[REF_TAB_PRESCRIPTION],
		[KVDB_K_LAB] = &rs.st[REF_TAB_LAB],
		[KVDB_K_BP] = &rs.st[REF_TAB_BP],
		[KVDB_K_FORM] = &rs.st[REF_TAB_FORM],
		[KVDB_K_NOTE] = &rs.st[REF_TAB_NOTE],
	};
	const struct kvdb_origin_in oi = {.asked = r->origin, .period_holders = rs.holders};
	if (kvdb_deliver(r->rc, &rs.pats, by_kind, &oi, r->sink, r->sink_arg, &r->delivered) != 0)
		goto done;
	ret = 0;
done:
	if (w != NULL) {
		/* this thread failed while the worker reads: stop it, keep our error */
		(void)kvdb_worker_join(r->rc, &w->w, false);
		worker_merge(&rs, w, false);
		free(w);
	}
	range_free(&rs);
	return ret;
}
