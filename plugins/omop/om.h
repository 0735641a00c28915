/*
 * om.h - internals of the "omop" connector plugin (not installed)
 *
 * The plugin reads an OMOP CDM 5.4 database (OHDSI) through one of the two
 * transports of kvdb.h (libpq binary COPY, ODBC bound column arrays) and turns
 * the rows into struct kv_patient. The pieces:
 *
 *   omop.c      descriptor, configuration keys, open/provides/read/close,
 *               the schema check and what the office's data provides
 *   om_sql.c    the one table of queries (tables, joins to concept, column
 *               types) and the SQL text built from it for every dialect,
 *               with the counts and per-bucket histograms over person_id
 *   om_read.c   the person-range plan's inputs (counts, per-row costs, a
 *               histogram callback) for kvdb_plan_make(); rows -> mapped,
 *               grouped, sorted patients; delivery
 *   plugins/common/kvdb*.c  the connectors' database layer (kvdb.h)
 *
 * Error convention as in kvdb.h: 0 or -1 after kvdb_error(). Ownership: struct
 * om_state is the plugin's from open() to close(); everything a read()
 * allocates is charged to the read's memory budget and freed before it
 * returns. No function logs a value from a row.
 */
#ifndef KV_OMOP_OM_H
#define KV_OMOP_OM_H

#include "kvdb.h"

#define OM_PLUGIN_NAME "omop"

/* An SQL identifier (schema name) we splice into SQL text: letters,
 * digits and '_', not starting with a digit, at most this long. */
#define OM_IDENT_MAX 63
/* Value sets whose SNOMED codes a condition's ancestors are checked against. */
#define OM_MAX_ANCESTOR_SETS 32

enum om_list_rule { OM_LIST_OBSERVATION_PERIOD = 1, OM_LIST_PERSON };
/* ABI 2.1: the patient key the office's users know (setting patient_key). */
enum om_key_rule { OM_KEY_SOURCE_VALUE = 1, OM_KEY_PERSON_ID };

/* The configuration, validated in open(). */
struct om_config {
	char schema[OM_IDENT_MAX + 1];       /* "" = the connection's default */
	char vocab_schema[OM_IDENT_MAX + 1]; /* concept, concept_ancestor; "" = schema */
	enum om_list_rule list_rule;
	enum om_key_rule key_rule;
	bool has_care_site;                  /* false: every person ("all") */
	int64_t care_site_id;
	int64_t regular_min_days;
	const struct kv_value_set *ancestor_sets[OM_MAX_ANCESTOR_SETS];
	size_t n_ancestor_sets;
};

/* ---- the query table (om_sql.c) ----------------------------------------- */

enum om_query {
	OM_Q_PROVIDER = 0,
	OM_Q_PERSON,
	OM_Q_DEATH,
	OM_Q_OBSERVATION_PERIOD,
	OM_Q_VISIT,
	OM_Q_CONDITION,
	OM_Q_CONDITION_ANCESTOR,
	OM_Q_DRUG,
	OM_Q_MEASUREMENT,
	OM_Q_PROCEDURE,
	OM_N_QUERIES
};

#define OM_MAX_COLS 16

struct om_col {
	const char *expr;     /* x.col, c.concept_code, ... */
	enum kvdb_type type;
	uint16_t text_max;
};

struct om_query_def {
	const char *table;    /* the CDM table read (row counts, messages) */
	const struct om_col *cols;
	size_t n_cols;
	/* FROM clause after "FROM ": {S} is the CDM schema prefix ("cdm." or
	 * ""), {V} the vocabulary schema prefix. */
	const char *from;
	const char *where;    /* fixed condition, or NULL */
	bool per_person;      /* has x.person_id: office filter and ranges apply */
};

extern const struct om_query_def om_queries[OM_N_QUERIES];

/* Person ranges are kvdb.h's struct kvdb_range: person_id in [lo, hi);
 * without lo also the rows whose person_id is NULL; without hi open above;
 * neither (or a NULL range): every row. */

/* SELECT <cols> FROM ... WHERE <fixed> [office] [range] [1 = 0 with check]. */
int om_sql_select(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		  enum om_query q, enum kvdb_dialect d, const struct kvdb_range *range, bool check);
/* ABI 2.1: the person query (as om_sql_select) with person_source_value
 * last, as text (om_person_key_col); with `check` WHERE 1 = 0. */
int om_sql_select_person_key(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf,
			     size_t size, enum kvdb_dialect d, const struct kvdb_range *range,
			     bool check);
extern const struct om_col om_person_key_col;
/* SELECT count(*), min(person_id), max(person_id) over the same rows
 * (range-less; NULL ids for a query that is not per person). */
int om_sql_count(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		 enum om_query q);
/* SELECT (person_id - lo) / width, count(*) over the same rows with
 * lo <= person_id <= hi, GROUP BY the bucket (the plan's histogram). */
int om_sql_histogram(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		     enum om_query q, int64_t lo, int64_t hi, uint64_t width);
/* Any text: {S} and {V} expanded (used for the vocabulary and care-site probes). */
int om_sql_expand(struct kvdb_ctx *rc, const struct om_config *cfg, char *buf, size_t size,
		  const char *text);

/* ---- reading (om_read.c) ------------------------------------------------ */

int om_read(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct om_config *cfg,
	    uint32_t provides, const struct kv_read_request *req, kv_patient_sink sink,
	    void *sink_arg);

/* Run one statement through the transport with the types of query q (and,
 * when not NULL, one more column last: extra). */
int om_run_query(struct kvdb_transport *t, enum om_query q, const char *sql,
		 const struct om_col *extra, kvdb_row_fn fn, void *arg, const char *action);

/* ABI 2.1 names() (om_read.c): providers' names by provider_id; OMOP keeps
 * no patient names (none is found). KV_OK / KV_ERROR. */
int om_names(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct om_config *cfg,
	     enum kv_name_kind kind, const uint64_t *refs, size_t n, kv_name_sink sink,
	     void *sink_arg);

#endif /* KV_OMOP_OM_H */
