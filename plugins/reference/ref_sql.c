/*
 * ref_sql.c - the one place that knows the reference schema's SQL
 *
 * ref_queries[] lists, per canonical table, the columns the connector
 * selects (in order) and their types; both transports run the text built
 * here, so the libpq and ODBC paths can never disagree on what they read
 * (collectd's db_query layer is the model). Identifying columns
 * (patient.national_id, patient.name, practitioner.name,
 * practitioner.hpr_number) and journal_note.body are never selected by a
 * read; body is only checked for existence and matched inside the
 * database. (ABI 2.1 names(), ref_read.c, selects the two names by bound
 * ids for the office's own lists, never during a read.)
 *
 * Queries are unordered scans: grouping by patient happens in memory
 * (kvdb_stage.c). Only integer patient_id bounds formatted here, and the
 * patient_key column's name (checked in reference.c to be a plain
 * lower-case identifier, and quoted), are ever spliced into SQL text;
 * keyword patterns are always bound parameters. The patient key column is
 * selected only when a read asks for it (kv_read_request.origin).
 *
 * All builders write into a caller's buffer and fail with kvdb_error() when
 * the text would not fit.
 */
#include "ref.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- the query table --------------------------------------------------- */

#define COL(n, t, m, p) {.name = (n), .type = (t), .text_max = (m), .provides = (p)}

static const struct ref_column practitioner_cols[] = {
	COL("practitioner_id", KVDB_T_ID, 0, 0),
	COL("role", KVDB_T_TEXT, 32, 0),
};
static const struct ref_column patient_cols[] = {
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("birth_date", KVDB_T_DATE, 0, 0),
	COL("sex", KVDB_T_TEXT, 8, 0),
	COL("death_date", KVDB_T_DATE, 0, 0),
};
static const struct ref_column list_period_cols[] = {
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("valid_from", KVDB_T_DATE, 0, 0),
	COL("valid_to", KVDB_T_DATE, 0, 0),
	COL("gp_id", KVDB_T_ID, 0, 0), /* the list holder at req->to (kv_patient_origin) */
};
static const struct ref_column contact_cols[] = {
	COL("contact_id", KVDB_T_ID, 0, 0),
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("practitioner_id", KVDB_T_ID, 0, 0),
	COL("contact_time", KVDB_T_TIMESTAMP, 0, 0),
	COL("kind", KVDB_T_TEXT, 32, 0),
};
static const struct ref_column fee_cols[] = {
	COL("contact_id", KVDB_T_ID, 0, 0),
	COL("code", KVDB_T_TEXT, 64, 0),
};
static const struct ref_column diagnosis_cols[] = {
	COL("diagnosis_id", KVDB_T_ID, 0, 0),
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("contact_id", KVDB_T_ID, 0, KV_PROVIDES_DIAGNOSIS_CONTACT),
	COL("recorded_on", KVDB_T_DATE, 0, 0),
	COL("code_system", KVDB_T_TEXT, 16, 0),
	COL("code", KVDB_T_TEXT, 64, 0),
};
static const struct ref_column medication_cols[] = {
	COL("medication_id", KVDB_T_ID, 0, 0),
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("atc_code", KVDB_T_TEXT, 64, 0),
	COL("use_type", KVDB_T_TEXT, 32, 0),
	COL("start_date", KVDB_T_DATE, 0, 0),
	COL("stop_date", KVDB_T_DATE, 0, 0),
};
static const struct ref_column prescription_cols[] = {
	COL("prescription_id", KVDB_T_ID, 0, 0),
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("issued_on", KVDB_T_DATE, 0, 0),
	COL("atc_code", KVDB_T_TEXT, 64, 0),
	COL("ddd_count", KVDB_T_FLOAT, 0, KV_PROVIDES_DDD),
	COL("prescription_group", KVDB_T_TEXT, 8, KV_PROVIDES_PRESCRIPTION_GROUP),
};
static const struct ref_column lab_cols[] = {
	COL("lab_result_id", KVDB_T_ID, 0, 0),
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("sampled_on", KVDB_T_DATE, 0, 0),
	COL("analysis_code", KVDB_T_TEXT, 64, 0),
	COL("value_num", KVDB_T_FLOAT, 0, 0),
};
static const struct ref_column bp_cols[] = {
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("measured_on", KVDB_T_DATE, 0, 0),
	COL("systolic", KVDB_T_INT, 0, 0),
	COL("diastolic", KVDB_T_INT, 0, 0),
};
static const struct ref_column form_cols[] = {
	COL("form_id", KVDB_T_ID, 0, 0),
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("completed_on", KVDB_T_DATE, 0, 0),
	COL("form_type", KVDB_T_TEXT, 64, 0),
};
static const struct ref_column note_cols[] = {
	COL("patient_id", KVDB_T_ID, 0, 0),
	COL("written_on", KVDB_T_DATE, 0, 0),
	COL("note_id", KVDB_T_ID, 0, 0),
};
static const char *const note_check_only[] = {"body", NULL};

#define Q(tab, c, pcol, prov)                                                                  \
	{.table = (tab), .cols = (c), .n_cols = sizeof(c) / sizeof((c)[0]),                    \
	 .patient_col = (pcol), .provides = (prov)}
/* A windowed kind: kv_read_request.events_from cuts on `dcol`. */
#define QW(tab, c, pcol, prov, dcol)                                                           \
	{.table = (tab), .cols = (c), .n_cols = sizeof(c) / sizeof((c)[0]),                    \
	 .patient_col = (pcol), .provides = (prov), .date_col = (dcol)}

const struct ref_query ref_queries[REF_N_TABLES] = {
	[REF_TAB_PRACTITIONER] = Q("practitioner", practitioner_cols, NULL, 0),
	[REF_TAB_PATIENT] = Q("patient", patient_cols, "patient_id", 0),
	[REF_TAB_LIST_PERIOD] = Q("list_period", list_period_cols, "patient_id",
				  KV_PROVIDES_LIST_PERIODS),
	[REF_TAB_CONTACT] = QW("contact", contact_cols, "patient_id", KV_PROVIDES_CONTACTS,
			       "contact_time"),
	[REF_TAB_FEE] = {.table = "fee", .cols = fee_cols,
			 .n_cols = sizeof(fee_cols) / sizeof(fee_cols[0]),
			 .patient_col = "patient_id", .via_contact = true,
			 .provides = KV_PROVIDES_FEES},
	[REF_TAB_DIAGNOSIS] = Q("diagnosis", diagnosis_cols, "patient_id", KV_PROVIDES_DIAGNOSES),
	[REF_TAB_MEDICATION] = Q("medication", medication_cols, "patient_id",
				 KV_PROVIDES_MEDICATIONS),
	[REF_TAB_PRESCRIPTION] = QW("prescription", prescription_cols, "patient_id",
				    KV_PROVIDES_PRESCRIPTIONS, "issued_on"),
	[REF_TAB_LAB] = QW("lab_result", lab_cols, "patient_id", KV_PROVIDES_LABS, "sampled_on"),
	[REF_TAB_BP] = QW("blood_pressure", bp_cols, "patient_id", KV_PROVIDES_BLOOD_PRESSURE,
			  "measured_on"),
	[REF_TAB_FORM] = QW("form", form_cols, "patient_id", KV_PROVIDES_FORMS, "completed_on"),
	[REF_TAB_NOTE] = {.table = "journal_note", .cols = note_cols,
			  .n_cols = sizeof(note_cols) / sizeof(note_cols[0]),
			  .check_only = note_check_only, .patient_col = "patient_id",
			  .provides = KV_PROVIDES_NOTE_MATCHES, .date_col = "written_on"},
};

/* ---- pieces ------------------------------------------------------------ */

/* A selected column, with the PostgreSQL cast that fixes its binary format. */
static void sb_column(struct kvdb_sb *b, enum kvdb_dialect d, const char *alias,
		      const struct ref_column *c)
{
	if (d != KVDB_DIALECT_POSTGRES) {
		kvdb_sb_printf(b, "%s.%s", alias, c->name);
		return;
	}
	kvdb_sb_printf(b, "%s.%s::%s", alias, c->name, kvdb_pg_cast(c->type));
}

/* The expression naming a row's patient. */
static const char *patient_expr(const struct ref_query *q)
{
	return q->via_contact ? "c.patient_id" : "x.patient_id";
}

/* Is table q cut at `from`? Fees are, through their contact's date. */
static bool cut_applies(const struct ref_query *q, kv_date from)
{
	return from != 0 && (q->date_col != NULL || q->via_contact);
}

/* " WHERE ..." (or " AND ...") for the events_from cut; nothing when it
 * does not apply. A fee whose contact is missing is still read (and
 * counted a bad row, as without the cut). Dates are compared with a
 * 'YYYY-MM-DD' literal: PostgreSQL casts it to the column's type, SQLite
 * compares its text dates (and timestamps) in the same order. */
static void sb_cut(struct kvdb_sb *b, const struct ref_query *q, kv_date from, bool and)
{
	if (!cut_applies(q, from))
		return;
	int y, m, d;
	kv_date_to_ymd(from, &y, &m, &d);
	kvdb_sb_printf(b, and ? " AND " : " WHERE ");
	if (q->via_contact)
		kvdb_sb_printf(b, "(c.contact_time >= '%04d-%02d-%02d' OR c.contact_id IS NULL)",
			       y, m, d);
	else
		kvdb_sb_printf(b, "x.%s >= '%04d-%02d-%02d'", q->date_col, y, m, d);
}

static void sb_from(struct kvdb_sb *b, const struct ref_query *q, bool join)
{
	kvdb_sb_printf(b, " FROM %s x", q->table);
	if (q->via_contact && join)
		kvdb_sb_printf(b, " LEFT JOIN contact c ON c.contact_id = x.contact_id");
}

/* " WHERE ..." (or " AND ..." when `and`) for a range; nothing when the
 * range is unbounded. */
static void sb_range(struct kvdb_sb *b, const struct ref_query *q, const struct kvdb_range *r,
		     bool and)
{
	if (r == NULL || q->patient_col == NULL || (!r->has_lo && !r->has_hi))
		return;
	const char *p = patient_expr(q);
	kvdb_sb_printf(b, and ? " AND " : " WHERE ");
	if (r->has_lo && r->has_hi)
		kvdb_sb_printf(b, "%s >= %" PRId64 " AND %s < %" PRId64, p, r->lo, p, r->hi);
	else if (r->has_hi)
		kvdb_sb_printf(b, "(%s < %" PRId64 " OR %s IS NULL)", p, r->hi, p);
	else
		kvdb_sb_printf(b, "%s >= %" PRId64, p, r->lo);
}

static bool range_bounded(const struct kvdb_range *r)
{
	return r != NULL && (r->has_lo || r->has_hi);
}

/* ---- builders ---------------------------------------------------------- */

int ref_sql_select(struct kvdb_ctx *rc, char *buf, size_t size, enum ref_table t,
		   enum kvdb_dialect d, const struct kvdb_range *range, kv_date from, bool check)
{
	const struct ref_query *q = &ref_queries[t];
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	kvdb_sb_printf(&b, "SELECT ");
	for (size_t i = 0; i < q->n_cols; i++) {
		if (i > 0)
			kvdb_sb_printf(&b, ", ");
		sb_column(&b, d, "x", &q->cols[i]);
	}
	sb_from(&b, q, !check && (range_bounded(range) || cut_applies(q, from)));
	if (check) {
		/* columns that are never selected (journal_note.body) are named
		 * in the condition only: their existence is checked, no value
		 * ever leaves the database */
		kvdb_sb_printf(&b, " WHERE 1 = 0");
		for (const char *const *c = q->check_only; c != NULL && *c != NULL; c++)
			kvdb_sb_printf(&b, " AND x.%s IS NULL", *c);
	} else {
		sb_range(&b, q, range, false);
		sb_cut(&b, q, from, range_bounded(range) && q->patient_col != NULL);
	}
	return kvdb_sb_done(rc, &b, q->table, "too many keyword rules?");
}

/* The patient key as text, for every dialect: PostgreSQL and SQLite take
 * `text`; SQL Server's nvarchar(4000) and the generic varchar(4000) are
 * long enough that a key too long for the core stays too long. */
static void sb_key(struct kvdb_sb *b, enum kvdb_dialect d, const char *key_col)
{
	const char *type = d == KVDB_DIALECT_POSTGRES || d == KVDB_DIALECT_SQLITE ? "text"
			   : d == KVDB_DIALECT_MSSQL				  ? "nvarchar(4000)"
										  : "varchar(4000)";
	kvdb_sb_printf(b, "CAST(x.\"%s\" AS %s)", key_col, type);
}

int ref_sql_select_key(struct kvdb_ctx *rc, char *buf, size_t size, enum kvdb_dialect d,
		       const struct kvdb_range *range, const char *key_col, bool check)
{
	const struct ref_query *q = &ref_queries[REF_TAB_PATIENT];
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	kvdb_sb_printf(&b, "SELECT ");
	for (size_t i = 0; !check && i < q->n_cols; i++) {
		sb_column(&b, d, "x", &q->cols[i]);
		kvdb_sb_printf(&b, ", ");
	}
	sb_key(&b, d, key_col);
	sb_from(&b, q, false);
	if (check)
		kvdb_sb_printf(&b, " WHERE 1 = 0");
	else
		sb_range(&b, q, range, false);
	return kvdb_sb_done(rc, &b, q->table, NULL);
}

int ref_sql_totals(struct kvdb_ctx *rc, char *buf, size_t size, enum ref_table t,
		   enum kvdb_dialect d, kv_date from)
{
	(void)d;
	const struct ref_query *q = &ref_queries[t];
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	if (q->patient_col == NULL || q->via_contact)
		kvdb_sb_printf(&b, "SELECT CAST(count(*) AS BIGINT), CAST(NULL AS BIGINT), "
				   "CAST(NULL AS BIGINT)");
	else
		kvdb_sb_printf(&b, "SELECT CAST(count(*) AS BIGINT), CAST(min(x.%s) AS BIGINT), "
				   "CAST(max(x.%s) AS BIGINT)",
			       q->patient_col, q->patient_col);
	sb_from(&b, q, false);
	/* fees: counted whole, an upper bound for the planner (the join with
	 * contact that the cut needs costs more than it saves here) */
	if (!q->via_contact)
		sb_cut(&b, q, from, false);
	return kvdb_sb_done(rc, &b, q->table, "too many keyword rules?");
}

/* One pattern's condition, with its parameter marker for position k
 * (dollar: the pattern's own number; qmark: '?'). */
static void sb_note_cond(struct kvdb_sb *b, enum kvdb_dialect d, enum kvdb_param_style ps,
			 size_t pattern)
{
	char param[24];
	char cond[256];
	if (ps == KVDB_PARAM_DOLLAR)
		snprintf(param, sizeof(param), "$%zu", pattern + 1);
	else
		snprintf(param, sizeof(param), "?");
	if (ref_notes_condition(cond, sizeof(cond), d, param) != 0) {
		b->overflow = true;
		return;
	}
	kvdb_sb_printf(b, "%s", cond);
}

static void sb_rule(struct kvdb_sb *b, enum kvdb_dialect d, enum kvdb_param_style ps,
		    const struct ref_note_rules *rules, size_t i)
{
	kvdb_sb_printf(b, "(");
	for (size_t p = rules->first[i]; p < rules->first[i + 1]; p++) {
		if (p > rules->first[i])
			kvdb_sb_printf(b, " OR ");
		sb_note_cond(b, d, ps, p);
	}
	kvdb_sb_printf(b, ")");
}

static void sb_any_rule(struct kvdb_sb *b, enum kvdb_dialect d, enum kvdb_param_style ps,
			const struct ref_note_rules *rules)
{
	kvdb_sb_printf(b, "(");
	for (size_t i = 0; i < rules->n_rules; i++) {
		if (i > 0)
			kvdb_sb_printf(b, " OR ");
		sb_rule(b, d, ps, rules, i);
	}
	kvdb_sb_printf(b, ")");
}

int ref_sql_histogram(struct kvdb_ctx *rc, char *buf, size_t size, enum ref_table t,
		      enum kvdb_dialect d, enum kvdb_param_style ps, int64_t lo, int64_t hi,
		      int64_t width, const struct ref_note_rules *rules, kv_date from)
{
	const struct ref_query *q = &ref_queries[t];
	const char *p = patient_expr(q);
	char bucket[160];
	struct kvdb_sb b;
	int n = snprintf(bucket, sizeof(bucket), "CAST((%s - (%" PRId64 ")) / %" PRId64 " AS BIGINT)",
			 p, lo, width);
	if (n < 0 || (size_t)n >= sizeof(bucket))
		return kvdb_error(rc, "the SQL text for table \"%s\" does not fit", q->table);

	kvdb_sb_init(&b, buf, size);
	kvdb_sb_printf(&b, "SELECT %s, ", bucket);
	if (t == REF_TAB_NOTE) {
		kvdb_sb_printf(&b, "sum(");
		for (size_t i = 0; i < rules->n_rules; i++) {
			kvdb_sb_printf(&b, "%sCASE WHEN ", i > 0 ? " + " : "");
			sb_rule(&b, d, ps, rules, i);
			kvdb_sb_printf(&b, " THEN 1 ELSE 0 END");
		}
		kvdb_sb_printf(&b, ")");
	} else {
		kvdb_sb_printf(&b, "count(*)");
	}
	kvdb_sb_printf(&b, " FROM %s x", q->table);
	if (q->via_contact)
		kvdb_sb_printf(&b, " JOIN contact c ON c.contact_id = x.contact_id");
	kvdb_sb_printf(&b, " WHERE %s >= %" PRId64 " AND %s <= %" PRId64, p, lo, p, hi);
	sb_cut(&b, q, from, true);
	if (t == REF_TAB_NOTE) {
		kvdb_sb_printf(&b, " AND ");
		sb_any_rule(&b, d, ps, rules);
	}
	kvdb_sb_printf(&b, " GROUP BY %s", bucket);
	return kvdb_sb_done(rc, &b, q->table, "too many keyword rules?");
}

int ref_sql_notes(struct kvdb_ctx *rc, char *buf, size_t size, enum kvdb_dialect d,
		  enum kvdb_param_style ps, const struct ref_note_rules *rules,
		  const struct kvdb_range *range, kv_date from)
{
	const struct ref_query *q = &ref_queries[REF_TAB_NOTE];
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	kvdb_sb_printf(&b, "SELECT ");
	for (size_t i = 0; i < q->n_cols; i++) {
		if (i > 0)
			kvdb_sb_printf(&b, ", ");
		sb_column(&b, d, "x", &q->cols[i]);
	}
	for (size_t i = 0; i < rules->n_rules; i++) {
		kvdb_sb_printf(&b, ", CASE WHEN ");
		sb_rule(&b, d, ps, rules, i);
		kvdb_sb_printf(&b, " THEN 1 ELSE 0 END");
	}
	kvdb_sb_printf(&b, " FROM %s x WHERE ", q->table);
	sb_any_rule(&b, d, ps, rules);
	sb_range(&b, q, range, true);
	sb_cut(&b, q, from, true);
	return kvdb_sb_done(rc, &b, q->table, "too many keyword rules?");
}

size_t ref_sql_note_n_params(enum kvdb_param_style ps, const struct ref_note_rules *rules)
{
	return ps == KVDB_PARAM_DOLLAR ? rules->n_patterns : 2 * rules->n_patterns;
}

const char *ref_sql_note_param(enum kvdb_param_style ps, const struct ref_note_rules *rules,
			       size_t k)
{
	if (rules->n_patterns == 0)
		return NULL;
	return rules->patterns[ps == KVDB_PARAM_DOLLAR ? k : k % rules->n_patterns];
}
