/*
 * ref_read.c - one read(): snapshot, practitioner roles, plan, every range,
 * counts
 *
 * ref_read() runs one read in a read-only snapshot (transport begin/end,
 * and the transport's twin in the same snapshot when it offers one): the
 * practitioner roles, the range plan (ref_plan.c), then every patient_id
 * range (ref_range.c); at the end the rows read and the bad rows per table
 * and reason go to the host.
 */
#include "ref.h"

#include <inttypes.h>
#include <stdlib.h>

const char *const ref_reason_text[REF_N_REASONS] = {
	[REF_R_MISSING_VALUE] = "missing value",
	[REF_R_UNPARSEABLE_DATE] = "unparseable date",
	[REF_R_UNPARSEABLE_NUMBER] = "unparseable number",
	[REF_R_NOT_FINITE] = "non-finite number",
	[REF_R_OUT_OF_RANGE] = "value out of range",
	[REF_R_UNKNOWN_SEX] = "unknown sex",
	[REF_R_UNKNOWN_ROLE] = "unknown role",
	[REF_R_UNKNOWN_KIND] = "unknown contact kind",
	[REF_R_UNKNOWN_CODE_SYSTEM] = "unknown code system",
	[REF_R_UNKNOWN_USE_TYPE] = "unknown use type",
	[REF_R_UNKNOWN_RX_GROUP] = "unknown prescription group",
	[REF_R_EMPTY_CODE] = "empty code",
	[REF_R_CODE_TOO_LONG] = "code too long",
	[REF_R_FORM_TYPE_TOO_LONG] = "form type too long",
	[REF_R_NEGATIVE_DDD] = "negative ddd",
	[REF_R_DUPLICATE_KEY] = "duplicate key",
	[REF_R_UNKNOWN_PATIENT] = "unknown patient",
	[REF_R_BAD_PATIENT] = "patient is a bad row",
	[REF_R_UNKNOWN_CONTACT] = "unknown contact",
	[REF_R_BAD_CONTACT] = "contact is a bad row",
	[REF_R_KEY_TOO_LONG] = "patient key too long",
};

/* Below this no range plan can work. */
#define REF_MIN_BUDGET 2048

static int load_roles(struct ref_reader *r, const struct ref_totals *tot)
{
	if (kvdb_map_init(r->rc, &r->mem, &r->roles, (size_t)tot->rows[REF_TAB_PRACTITIONER],
			  "holding the practitioner roles") != 0)
		return -1;
	return ref_run_table(r, REF_TAB_PRACTITIONER, NULL, ref_row_practitioner, r);
}

static void report_counts(struct ref_reader *r)
{
	for (int t = 0; t < REF_N_TABLES; t++) {
		if (t == REF_TAB_NOTE && r->rules.n_rules == 0)
			continue; /* not read */
		kvdb_report_table(r->rc, ref_queries[t].table, r->rows[t], r->bad[t],
				  ref_reason_text, REF_N_REASONS);
	}
}

int ref_read(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct kv_read_request *req,
	     const char *key_col, kv_patient_sink sink, void *sink_arg)
{
	struct ref_reader *r = NULL;
	struct kvdb_plan plan = {0};
	struct ref_totals tot;
	bool began = false;
	int ret = KV_ERROR;

	if (kvdb_read_check(rc, req, sink, REF_MIN_BUDGET) != 0)
		return KV_ERROR;
	if (req->n_note_patterns > 0 && req->note_patterns == NULL)
		return kvdb_error(rc, "the request names keyword rules but gives none");
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return kvdb_error(rc, "out of memory");
	r->rc = rc;
	r->t = t;
	r->req = req;
	r->sink = sink;
	r->sink_arg = sink_arg;
	r->origin = kvdb_req_origin(req); /* 0: nothing more is read */
	r->key_col = key_col != NULL ? key_col : "patient_id";
	r->mem.budget = req->memory_budget;
	t->mem = &r->mem;

	if (req->n_note_patterns > 0 && !ref_dialect_has_notes(t->dialect)) {
		kvdb_error(rc, "keyword rules cannot be matched in DBMS \"%s\" over %s: the "
			       "connector translates them for PostgreSQL, SQLite and Microsoft SQL "
			       "Server only",
			   t->dbms, t->name);
		goto done;
	}
	if (req->n_note_patterns > 0 &&
	    ref_notes_translate(rc, &r->mem, t->dialect, req->note_patterns, req->n_note_patterns,
				&r->rules) != 0)
		goto done;
	r->buffer_bytes = t->buffer_bytes(t, r->mem.budget);

	if (kvdb_snapshot_begin(t, &r->twin) != 0)
		goto done;
	began = true;
	if (ref_plan_totals(r, &tot) != 0 || load_roles(r, &tot) != 0 ||
	    ref_plan_make(r, &tot, &plan) != 0)
		goto done;
	kvdb_expect_patients(rc, tot.rows[REF_TAB_PATIENT]); /* progress for the core */
	for (size_t i = 0; i < plan.n; i++)
		if (ref_process_range(r, &plan.ranges[i]) != 0)
			goto done;
	bool twin_used = r->twin != NULL;
	began = false;
	if (kvdb_snapshot_end(t, &r->twin, true) != 0)
		goto done;

	kvdb_log(rc, KV_LOG_INFO,
		 "read %" PRIu64 " patients in %zu patient_id range%s over %s%s; %zu of %zu bytes "
		 "held at most",
		 r->delivered, plan.n, plan.n == 1 ? "" : "s", t->name,
		 twin_used ? " (two connections in one snapshot)" : "", r->mem.peak, r->mem.budget);
	report_counts(r);
	ret = KV_OK;
done:
	if (began)
		(void)kvdb_snapshot_end(t, &r->twin, false);
	ref_plan_free(r, &plan);
	kvdb_map_fini(&r->mem, &r->roles);
	ref_notes_free(&r->mem, &r->rules);
	t->mem = NULL;
	free(r);
	return ret;
}

/* ---- names (ABI 2.1) ----------------------------------------------------- */

/* The identifying columns a read never selects; only names() does, by id,
 * when the core asks for the office's own list. */
static const struct kvdb_names_query name_queries[] = {
	[KV_NAME_PATIENT] = {.what = "patient", .from = "patient x", .id_col = "x.patient_id",
			     .name_col = "x.name"},
	[KV_NAME_PRACTITIONER] = {.what = "practitioner", .from = "practitioner x",
				  .id_col = "x.practitioner_id", .name_col = "x.name"},
};

int ref_names(struct kvdb_ctx *rc, struct kvdb_transport *t, enum kv_name_kind kind,
	      const uint64_t *refs, size_t n, kv_name_sink sink, void *sink_arg)
{
	if (kind != KV_NAME_PATIENT && kind != KV_NAME_PRACTITIONER)
		return kvdb_error(rc, "names of an unknown kind (%d) were asked for", (int)kind);
	return kvdb_names(rc, t, &name_queries[kind], refs, n, sink, sink_arg) == 0 ? KV_OK
										   : KV_ERROR;
}
