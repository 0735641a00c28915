/*
 * om_sql.c - the one place that knows the OMOP CDM's SQL
 *
 * om_queries[] lists, per query, the CDM table, the columns selected (in
 * order) with their types, and the joins to the vocabulary (concept,
 * concept_ancestor) that turn concept ids into codes inside the database.
 * Both transports run the text built here, so libpq and ODBC can never
 * disagree on what they read (the reference connector's ref_sql.c is the
 * model). Identifying columns (person_source_value, provider_name, npi, dea,
 * provider_source_value, the *_source_value free texts, note_text) are never
 * selected by a compute run. ABI 2.1, for the office's own lists only:
 * person_source_value is selected when a read asks for the patient key
 * (kv_read_request.origin), and provider_name by bound provider_ids in
 * names() (om_read.c).
 *
 * Only three things are ever spliced into SQL text: schema names (checked to
 * be plain identifiers in omop.c), and integers formatted here (the
 * configured care_site_id, person_id range bounds and histogram widths). Nothing else comes from
 * outside; there are no other parameters to bind.
 *
 * All builders write into the caller's buffer and fail with kvdb_error() when
 * the text would not fit.
 */
#include "om.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define COL(e, t, m) {.expr = (e), .type = (t), .text_max = (m)}
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct om_col provider_cols[] = {
	COL("x.provider_id", KVDB_T_ID, 0),
	COL("x.specialty_concept_id", KVDB_T_ID, 0),
};
static const struct om_col person_cols[] = {
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.gender_concept_id", KVDB_T_ID, 0),
	COL("x.year_of_birth", KVDB_T_INT, 0),
	COL("x.month_of_birth", KVDB_T_INT, 0),
	COL("x.day_of_birth", KVDB_T_INT, 0),
	COL("x.birth_datetime", KVDB_T_TIMESTAMP, 0),
	COL("x.provider_id", KVDB_T_ID, 0), /* the list holder (kv_patient_origin) */
};
static const struct om_col death_cols[] = {
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.death_date", KVDB_T_DATE, 0),
};
static const struct om_col period_cols[] = {
	COL("x.observation_period_id", KVDB_T_ID, 0),
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.observation_period_start_date", KVDB_T_DATE, 0),
	COL("x.observation_period_end_date", KVDB_T_DATE, 0),
};
static const struct om_col visit_cols[] = {
	COL("x.visit_occurrence_id", KVDB_T_ID, 0),
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.visit_concept_id", KVDB_T_ID, 0),
	COL("x.visit_start_date", KVDB_T_DATE, 0),
	COL("x.provider_id", KVDB_T_ID, 0),
};
/* The standard concept (SNOMED for conditions) and the source concept,
 * whose ICD-10 code is delivered too where the source was ICD-10. */
static const struct om_col condition_cols[] = {
	COL("x.condition_occurrence_id", KVDB_T_ID, 0),
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.visit_occurrence_id", KVDB_T_ID, 0),
	COL("x.condition_start_date", KVDB_T_DATE, 0),
	COL("c.vocabulary_id", KVDB_T_TEXT, 20),
	COL("c.concept_code", KVDB_T_TEXT, 50),
	COL("s.vocabulary_id", KVDB_T_TEXT, 20),
	COL("s.concept_code", KVDB_T_TEXT, 50),
};
/* Every SNOMED ancestor of a condition's concept (levels >= 1); omop.c's
 * value-set filter keeps those a diagnosis value set names. */
static const struct om_col ancestor_cols[] = {
	COL("x.condition_occurrence_id", KVDB_T_ID, 0),
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.visit_occurrence_id", KVDB_T_ID, 0),
	COL("x.condition_start_date", KVDB_T_DATE, 0),
	COL("a.concept_code", KVDB_T_TEXT, 50),
};
/* ATC: the source concept where it is ATC itself, else the smallest ATC
 * 5th-level code among the drug concept's ancestors. */
static const struct om_col drug_cols[] = {
	COL("x.drug_exposure_id", KVDB_T_ID, 0),
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.drug_exposure_start_date", KVDB_T_DATE, 0),
	COL("x.drug_exposure_end_date", KVDB_T_DATE, 0),
	COL("x.days_supply", KVDB_T_INT, 0),
	COL("x.refills", KVDB_T_INT, 0),
	COL("s.vocabulary_id", KVDB_T_TEXT, 20),
	COL("s.concept_code", KVDB_T_TEXT, 50),
	COL("atc.code", KVDB_T_TEXT, 50),
};
static const struct om_col measurement_cols[] = {
	COL("x.measurement_id", KVDB_T_ID, 0),
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.measurement_date", KVDB_T_DATE, 0),
	COL("x.visit_occurrence_id", KVDB_T_ID, 0),
	COL("c.vocabulary_id", KVDB_T_TEXT, 20),
	COL("c.concept_code", KVDB_T_TEXT, 50),
	COL("x.value_as_number", KVDB_T_FLOAT, 0),
	COL("u.concept_code", KVDB_T_TEXT, 50),
};
static const struct om_col procedure_cols[] = {
	COL("x.procedure_occurrence_id", KVDB_T_ID, 0),
	COL("x.person_id", KVDB_T_ID, 0),
	COL("x.visit_occurrence_id", KVDB_T_ID, 0),
	COL("x.procedure_date", KVDB_T_DATE, 0),
	COL("c.vocabulary_id", KVDB_T_TEXT, 20),
	COL("c.concept_code", KVDB_T_TEXT, 50),
};

#define Q(tab, c, f, w, pp)                                                                    \
	{.table = (tab), .cols = (c), .n_cols = N_OF(c), .from = (f), .where = (w),            \
	 .per_person = (pp)}

const struct om_query_def om_queries[OM_N_QUERIES] = {
	[OM_Q_PROVIDER] = Q("provider", provider_cols, "{S}provider x", NULL, false),
	[OM_Q_PERSON] = Q("person", person_cols, "{S}person x", NULL, true),
	[OM_Q_DEATH] = Q("death", death_cols, "{S}death x", NULL, true),
	[OM_Q_OBSERVATION_PERIOD] = Q("observation_period", period_cols,
				      "{S}observation_period x", NULL, true),
	[OM_Q_VISIT] = Q("visit_occurrence", visit_cols, "{S}visit_occurrence x", NULL, true),
	[OM_Q_CONDITION] = Q("condition_occurrence", condition_cols,
			     "{S}condition_occurrence x"
			     " LEFT JOIN {V}concept c ON c.concept_id = x.condition_concept_id"
			     " LEFT JOIN {V}concept s ON s.concept_id = x.condition_source_concept_id",
			     NULL, true),
	[OM_Q_CONDITION_ANCESTOR] = Q("concept_ancestor", ancestor_cols,
				      "{S}condition_occurrence x"
				      " JOIN {V}concept_ancestor ca"
				      " ON ca.descendant_concept_id = x.condition_concept_id"
				      " JOIN {V}concept a ON a.concept_id = ca.ancestor_concept_id",
				      "ca.min_levels_of_separation > 0 AND a.vocabulary_id = 'SNOMED'",
				      true),
	[OM_Q_DRUG] = Q("drug_exposure", drug_cols,
			"{S}drug_exposure x"
			" LEFT JOIN {V}concept s ON s.concept_id = x.drug_source_concept_id"
			" LEFT JOIN (SELECT ca.descendant_concept_id AS drug_id,"
			" min(a.concept_code) AS code FROM {V}concept_ancestor ca"
			" JOIN {V}concept a ON a.concept_id = ca.ancestor_concept_id"
			" WHERE a.vocabulary_id = 'ATC' AND a.concept_class_id = 'ATC 5th'"
			" GROUP BY ca.descendant_concept_id) atc ON atc.drug_id = x.drug_concept_id",
			NULL, true),
	[OM_Q_MEASUREMENT] = Q("measurement", measurement_cols,
			       "{S}measurement x"
			       " LEFT JOIN {V}concept c ON c.concept_id = x.measurement_concept_id"
			       " LEFT JOIN {V}concept u ON u.concept_id = x.unit_concept_id",
			       NULL, true),
	[OM_Q_PROCEDURE] = Q("procedure_occurrence", procedure_cols,
			     "{S}procedure_occurrence x"
			     " LEFT JOIN {V}concept c ON c.concept_id = x.procedure_concept_id",
			     NULL, true),
};

/* Text with {S} and {V} replaced by the schema prefixes. */
static void sb_expand(struct kvdb_sb *b, const struct om_config *cfg, const char *text)
{
	const char *vs = cfg->vocab_schema[0] != '\0' ? cfg->vocab_schema : cfg->schema;
	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '{' && (p[1] == 'S' || p[1] == 'V') && p[2] == '}') {
			const char *s = p[1] == 'S' ? cfg->schema : vs;
			if (s[0] != '\0')
				kvdb_sb_printf(b, "%s.", s);
			p += 2;
		} else {
			kvdb_sb_printf(b, "%c", *p);
		}
	}
}

/* A selected column, with the PostgreSQL cast that fixes its binary format. */
static void sb_column(struct kvdb_sb *b, enum kvdb_dialect d, const struct om_col *c)
{
	if (d == KVDB_DIALECT_POSTGRES)
		kvdb_sb_printf(b, "CAST(%s AS %s)", c->expr, kvdb_pg_cast(c->type));
	else
		kvdb_sb_printf(b, "%s", c->expr);
}

static void sb_cond(struct kvdb_sb *b, bool *first, const char *fmt, ...) KV_PRINTF(3, 4);
static void sb_cond(struct kvdb_sb *b, bool *first, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->overflow = true;
		return;
	}
	kvdb_sb_printf(b, "%s%s", *first ? " WHERE " : " AND ", tmp);
	*first = false;
}

/* The office filter: persons of the configured care site. */
static void sb_office(struct kvdb_sb *b, const struct om_config *cfg, bool *first, bool person)
{
	if (!cfg->has_care_site)
		return;
	if (person) {
		sb_cond(b, first, "x.care_site_id = %" PRId64, cfg->care_site_id);
		return;
	}
	kvdb_sb_printf(b, "%s", *first ? " WHERE " : " AND ");
	*first = false;
	kvdb_sb_printf(b, "x.person_id IN (SELECT p.person_id FROM ");
	sb_expand(b, cfg, "{S}person p");
	kvdb_sb_printf(b, " WHERE p.care_site_id = %" PRId64 ")", cfg->care_site_id);
}

/* The WHERE clause: the fixed condition, the office, then either a range
 * [lo, hi) of the plan or, for a histogram, the keys span[0] ..span[1]
 * (inclusive). */
static void sb_where(struct kvdb_sb *b, const struct om_config *cfg, enum om_query q,
		     const struct kvdb_range *range, const int64_t *span, bool check)
{
	const struct om_query_def *qd = &om_queries[q];
	bool first = true;
	if (qd->where != NULL)
		sb_cond(b, &first, "%s", qd->where);
	if (qd->per_person)
		sb_office(b, cfg, &first, q == OM_Q_PERSON);
	if (qd->per_person && range != NULL) {
		if (range->has_lo && range->has_hi)
			sb_cond(b, &first, "x.person_id >= %" PRId64 " AND x.person_id < %" PRId64,
				range->lo, range->hi);
		else if (range->has_hi)
			sb_cond(b, &first, "(x.person_id < %" PRId64 " OR x.person_id IS NULL)",
				range->hi);
		else if (range->has_lo)
			sb_cond(b, &first, "x.person_id >= %" PRId64, range->lo);
	}
	if (qd->per_person && span != NULL)
		sb_cond(b, &first, "x.person_id >= %" PRId64 " AND x.person_id <= %" PRId64,
			span[0], span[1]);
	if (check)
		sb_cond(b, &first, "1 = 0");
}

/* ABI 2.1: the patient key, read only when a read asks for it (and the
 * patient_key setting is person_source_value). */
const struct om_col om_person_key_col = COL("x.person_source_value", KVDB_T_TEXT,
					    KV_PATIENT_KEY_MAX - 1);

static int sb_select(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		     enum om_query q, enum kvdb_dialect d, const struct kvdb_range *range,
		     bool check, const struct om_col *extra)
{
	const struct om_query_def *qd = &om_queries[q];
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	kvdb_sb_printf(&b, "SELECT ");
	for (size_t i = 0; i < qd->n_cols; i++) {
		if (i > 0)
			kvdb_sb_printf(&b, ", ");
		sb_column(&b, d, &qd->cols[i]);
	}
	if (extra != NULL) {
		kvdb_sb_printf(&b, ", ");
		sb_column(&b, d, extra);
	}
	kvdb_sb_printf(&b, " FROM ");
	sb_expand(&b, cfg, qd->from);
	sb_where(&b, cfg, q, range, NULL, check);
	return kvdb_sb_done(rc, &b, qd->table, NULL);
}

int om_sql_select(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		  enum om_query q, enum kvdb_dialect d, const struct kvdb_range *range, bool check)
{
	return sb_select(rc, cfg, buf, size, q, d, range, check, NULL);
}

int om_sql_select_person_key(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf,
			     size_t size, enum kvdb_dialect d, const struct kvdb_range *range,
			     bool check)
{
	return sb_select(rc, cfg, buf, size, OM_Q_PERSON, d, range, check, &om_person_key_col);
}

int om_sql_count(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		 enum om_query q)
{
	const struct om_query_def *qd = &om_queries[q];
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	if (qd->per_person)
		kvdb_sb_printf(&b, "SELECT CAST(count(*) AS BIGINT), CAST(min(x.person_id) AS BIGINT), "
				   "CAST(max(x.person_id) AS BIGINT) FROM ");
	else
		kvdb_sb_printf(&b, "SELECT CAST(count(*) AS BIGINT), CAST(NULL AS BIGINT), "
				   "CAST(NULL AS BIGINT) FROM ");
	sb_expand(&b, cfg, qd->from);
	sb_where(&b, cfg, q, NULL, NULL, false);
	return kvdb_sb_done(rc, &b, qd->table, NULL);
}

int om_sql_histogram(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		     enum om_query q, int64_t lo, int64_t hi, uint64_t width)
{
	const struct om_query_def *qd = &om_queries[q];
	const int64_t span[2] = {lo, hi};
	char bucket[128];
	int n = snprintf(bucket, sizeof(bucket),
			 "CAST((x.person_id - (%" PRId64 ")) / %" PRIu64 " AS BIGINT)", lo, width);
	if (n < 0 || (size_t)n >= sizeof(bucket) || !qd->per_person)
		return kvdb_error(rc, "no histogram of table \"%s\" can be built", qd->table);
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	kvdb_sb_printf(&b, "SELECT %s, CAST(count(*) AS BIGINT) FROM ", bucket);
	sb_expand(&b, cfg, qd->from);
	sb_where(&b, cfg, q, NULL, span, false);
	kvdb_sb_printf(&b, " GROUP BY %s", bucket);
	return kvdb_sb_done(rc, &b, qd->table, NULL);
}

int om_sql_expand(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		  const char *text)
{
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, size);
	sb_expand(&b, cfg, text);
	return kvdb_sb_done(rc, &b, "concept", NULL);
}
