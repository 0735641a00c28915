/*
 * omop.c - the "omop" connector: descriptor, configuration, callbacks
 *
 * Reads an OMOP CDM 5.4 database (OHDSI) from PostgreSQL over libpq, or from
 * any database over ODBC, and delivers one struct kv_patient per person.
 * See om.h for the files and their jobs, plugins/omop/README.md for the
 * mapping.
 *
 * open()     validates the configuration, connects read-only (kvdb_pg.c,
 *            kvdb_odbc.c), checks that every table and column the connector
 *            reads exists (SELECT cols FROM ... WHERE 1 = 0), that the
 *            configured care site exists, and works out what the data
 *            provides: drugs only where the ATC vocabulary is loaded,
 *            handed to the core as open()'s result. Never: prescription
 *            group, DDD, forms, note matches (OMOP cannot express them; see
 *            README.md).
 * read()     om_read() in om_read.c; the patient key (setting patient_key)
 *            and the periods' list holders only when the request asks (ABI
 *            2.1, kv_read_request.origin).
 * names()    providers' names by provider_id (ABI 2.1, om_names).
 * close()    disconnects and frees everything.
 *
 * The state is owned by the plugin from open() to close(). Errors go to
 * host->set_error as one sentence naming what failed; neither the
 * connection string nor the password is ever logged or reported.
 */
#include "om.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The diagnosis value sets a condition's SNOMED ancestors are checked
 * against by default: every diagnosis set of the shipped catalogue. */
#define OM_DEFAULT_ANCESTOR_SETS                                                               \
	"DIABETES COPD COPD_EXACERBATION_DX IHD DEPRESSION ANXIETY CHRONIC_DIABETES "            \
	"CHRONIC_COPD_ASTHMA CHRONIC_IHD CHRONIC_HEART_FAILURE CHRONIC_ATRIAL_FIBRILLATION "     \
	"CHRONIC_HYPERTENSION CHRONIC_STROKE_TIA CHRONIC_KIDNEY_DISEASE CHRONIC_DEMENTIA "       \
	"CHRONIC_DEPRESSION CHRONIC_ANXIETY CHRONIC_OSTEOARTHRITIS CHRONIC_OSTEOPOROSIS "       \
	"CHRONIC_PARKINSON CHRONIC_EPILEPSY CHRONIC_CANCER"

/* The settings, filled by the core from the table below. */
struct om_settings {
	const char *dsn;
	const char *password;
	const char *schema;
	const char *vocabulary_schema;
	const char *list_rule;
	const char *care_site;
	int64_t regular_min_days;
	const char *ancestor_value_sets;
	int64_t odbc_row_array_size;
	const char *patient_key;
};

static const struct kv_setting omop_keys[] = {
	{
		.key = {
			.key = "dsn",
			.type = KV_CONFIG_CONNSTR,
			.required = true,
			.description = "Where the OMOP CDM 5.4 database is: a libpq URI or conninfo "
				       "(postgresql://..., host=... dbname=...) is read over libpq; anything "
				       "else is an ODBC connection string (Driver=PostgreSQL Unicode;... or "
				       "Driver=SQLite3;Database=/path/cdm.db)"
		},
		KV_BIND(struct om_settings, dsn),
	},
	KVDB_KEY_PASSWORD(struct om_settings),
	{
		.key = {
			.key = "schema",
			.type = KV_CONFIG_STRING,
			.required = false,
			.description = "Schema of the CDM tables (letters, digits, '_'); unset: the "
				       "connection's default (PostgreSQL search_path, usually public; "
				       "SQLite main)"
		},
		KV_BIND(struct om_settings, schema),
	},
	{
		.key = {
			.key = "vocabulary_schema",
			.type = KV_CONFIG_STRING,
			.required = false,
			.description = "Schema of the vocabulary tables concept and concept_ancestor; "
				       "unset: the same as schema"
		},
		KV_BIND(struct om_settings, vocabulary_schema),
	},
	{
		.key = {
			.key = "list_rule",
			.type = KV_CONFIG_ENUM,
			.default_value = "observation_period",
			.required = false,
			.allowed = "observation_period|person",
			.description = "Who is listed when: observation_period (listed inside each "
				       "observation period, end date inclusive) or person (every person "
				       "selected, from birth on)"
		},
		KV_BIND(struct om_settings, list_rule),
	},
	{
		.key = {
			.key = "care_site",
			.type = KV_CONFIG_STRING,
			.default_value = "all",
			.required = false,
			.description = "The office: all (every person in the CDM) or a care_site_id "
				       "(the persons whose person.care_site_id is it)"
		},
		KV_BIND(struct om_settings, care_site),
	},
	{
		.key = {
			.key = "regular_min_days",
			.type = KV_CONFIG_INT,
			.default_value = "90",
			.required = false,
			.allowed = "1..3650",
			.description = "A drug exposure covering at least this many days (end date, or "
				       "days_supply times 1 + refills) is a regular medication; shorter "
				       "ones are courses"
		},
		KV_BIND(struct om_settings, regular_min_days),
	},
	{
		.key = {
			.key = "ancestor_value_sets",
			.type = KV_CONFIG_STRING,
			.default_value = OM_DEFAULT_ANCESTOR_SETS,
			.required = false,
			.description = "Diagnosis value sets (names separated by spaces) whose SNOMED "
				       "codes a condition's ancestors in concept_ancestor are delivered as, "
				       "so a set naming a concept also matches its descendants"
		},
		KV_BIND(struct om_settings, ancestor_value_sets),
	},
	KVDB_KEY_ODBC_ROW_ARRAY_SIZE(struct om_settings),
	KV_SETTING(struct om_settings, patient_key, KV_CONFIG_ENUM, "person_source_value", false,
		   "person_source_value|person_id",
		   "The patient number the office's users type to open a record, shown in the "
		   "office's own patient lists only: person_source_value (the source system's "
		   "key; a person without one is shown by person_id) or person_id"),
};

struct om_state {
	struct kvdb_conn c; /* first: context, transport, provides */
	struct om_config cfg;
};

/* ---- configuration ------------------------------------------------------ */

static int config_ident(struct om_state *st, const char *key, const char *v,
			char out[OM_IDENT_MAX + 1])
{
	out[0] = '\0';
	if (v == NULL || v[0] == '\0')
		return 0;
	size_t n = strlen(v);
	bool ok = n <= OM_IDENT_MAX && !isdigit((unsigned char)v[0]);
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)v[i]) || v[i] == '_';
	if (!ok)
		return kvdb_error(&st->c.rc,
				  "\"%s\" must be a plain SQL identifier (letters, digits, "
				  "'_', at most %d characters)",
				  key, OM_IDENT_MAX);
	memcpy(out, v, n + 1);
	return 0;
}

static int config_read(struct om_state *st, const struct om_settings *set)
{
	struct om_config *cfg = &st->cfg;

	if (config_ident(st, "schema", set->schema, cfg->schema) != 0 ||
	    config_ident(st, "vocabulary_schema", set->vocabulary_schema, cfg->vocab_schema) != 0)
		return -1;
	const char *rule = set->list_rule;
	cfg->list_rule = rule != NULL && strcmp(rule, "person") == 0 ? OM_LIST_PERSON
								     : OM_LIST_OBSERVATION_PERIOD;
	const char *key = set->patient_key;
	cfg->key_rule = key != NULL && strcmp(key, "person_id") == 0 ? OM_KEY_PERSON_ID
								     : OM_KEY_SOURCE_VALUE;
	const char *cs = set->care_site;
	if (cs == NULL || cs[0] == '\0' || strcmp(cs, "all") == 0) {
		cfg->has_care_site = false;
	} else {
		int64_t id;
		if (!kvdb_parse_int(cs, strlen(cs), &id))
			return kvdb_error(&st->c.rc, "\"care_site\" must be all or a care_site_id "
						     "(an integer)");
		cfg->has_care_site = true;
		cfg->care_site_id = id;
	}
	cfg->regular_min_days = set->regular_min_days;
	if (cfg->regular_min_days < 1)
		cfg->regular_min_days = 90;

	/* the value sets a condition's ancestors are checked against */
	const char *sets = set->ancestor_value_sets;
	cfg->n_ancestor_sets = 0;
	for (const char *p = sets != NULL ? sets : ""; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *e = p;
		while (*e != '\0' && *e != ' ' && *e != '\t' && *e != ',')
			e++;
		if (e == p)
			break;
		char name[64];
		if ((size_t)(e - p) >= sizeof(name))
			return kvdb_error(&st->c.rc,
					  "a value-set name in \"ancestor_value_sets\" is "
					  "too long");
		memcpy(name, p, (size_t)(e - p));
		name[e - p] = '\0';
		p = e;
		if (cfg->n_ancestor_sets == OM_MAX_ANCESTOR_SETS)
			return kvdb_error(&st->c.rc,
					  "\"ancestor_value_sets\" names more than %d sets",
					  OM_MAX_ANCESTOR_SETS);
		const struct kv_value_set *vs = st->c.rc.host->value_set(st->c.rc.ctx, name); /* logs when missing */
		if (vs != NULL)
			cfg->ancestor_sets[cfg->n_ancestor_sets++] = vs;
	}
	return 0;
}

/* ---- schema check and provides ------------------------------------------ */

struct count_arg {
	int64_t n;
};

static int row_count(void *arg, const struct kvdb_cell *cells)
{
	struct count_arg *a = arg;
	int64_t n = 0;
	if (kvdb_cell_int(&cells[0], &n) == 0)
		a->n = n;
	return 0;
}

static int probe_count(struct om_state *st, const char *what, const char *text, int64_t *n)
{
	static const enum kvdb_type types[1] = {KVDB_T_ID};
	char sql[1024];
	struct count_arg a = {0};
	if (om_sql_expand(&st->c.rc, &st->cfg, sql, sizeof(sql), text) != 0)
		return -1;
	struct kvdb_select s = {.action = "checking table", .what = what, .sql = sql,
			      .types = types, .n_cols = 1};
	if (st->c.t->select(st->c.t, &s, row_count, &a) != 0)
		return -1;
	*n = a.n;
	return 0;
}

static int check_schema(struct om_state *st)
{
	struct kvdb_transport *t = st->c.t;
	struct kvdb_mem mem = {.budget = SIZE_MAX};
	char sql[KVDB_SQL_MAX];
	int ret = -1;

	t->mem = &mem;
	for (int q = 0; q < OM_N_QUERIES; q++) {
		if (om_sql_select(&st->c.rc, &st->cfg, sql, sizeof(sql), (enum om_query)q,
				  t->dialect, NULL, true) != 0 ||
		    om_run_query(t, (enum om_query)q, sql, NULL, kvdb_ignore_rows, NULL,
				 "checking table") != 0)
			goto done;
	}
	/* ABI 2.1: the patient key's column, read only when a read asks */
	if (st->cfg.key_rule == OM_KEY_SOURCE_VALUE &&
	    (om_sql_select_person_key(&st->c.rc, &st->cfg, sql, sizeof(sql), t->dialect, NULL,
				      true) != 0 ||
	     om_run_query(t, OM_Q_PERSON, sql, &om_person_key_col, kvdb_ignore_rows, NULL,
			  "checking table") != 0))
		goto done;
	if (st->cfg.has_care_site) {
		int64_t n = 0;
		char text[256];
		snprintf(text, sizeof(text),
			 "SELECT CAST(count(*) AS BIGINT) FROM {S}care_site WHERE care_site_id = %" PRId64,
			 st->cfg.care_site_id);
		if (probe_count(st, "care_site", text, &n) != 0)
			goto done;
		if (n == 0) {
			kvdb_error(&st->c.rc,
				   "care_site_id %" PRId64 " (the \"care_site\" key) is not in "
				   "table care_site",
				   st->cfg.care_site_id);
			goto done;
		}
	}
	st->c.provides = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_CONTACTS | KV_PROVIDES_FEES |
			 KV_PROVIDES_DIAGNOSES | KV_PROVIDES_DIAGNOSIS_CONTACT | KV_PROVIDES_LABS |
			 KV_PROVIDES_BLOOD_PRESSURE;
	/* Drugs count for the indicators only by ATC code: without the ATC
	 * vocabulary no drug has one, and a drug indicator would be a zero. */
	int64_t atc = 0;
	if (probe_count(st, "concept",
			"SELECT CAST(count(*) AS BIGINT) FROM {V}concept WHERE vocabulary_id = 'ATC'",
			&atc) != 0)
		goto done;
	if (atc > 0)
		st->c.provides |= KV_PROVIDES_MEDICATIONS | KV_PROVIDES_PRESCRIPTIONS;
	else
		kvdb_log(&st->c.rc, KV_LOG_WARNING,
			 "the ATC vocabulary is not loaded in table concept: drug exposures "
			 "cannot be given ATC codes, so medications and prescriptions are not "
			 "provided and the indicators that need them are not computable");
	ret = 0;
done:
	t->mem = NULL;
	return ret;
}

/* ---- callbacks ------------------------------------------------------------ */

static int omop_open(const struct kv_call *call, struct kv_open_result *res)
{
	struct om_state *st =
		kvdb_conn_new(call, offsetof(struct kv_host, in_value_set) + sizeof(void *),
			      sizeof(*st));
	if (st == NULL)
		return KV_ERROR;
	const struct om_settings *set = call->settings;
	const struct kvdb_connect_settings conn = {.dsn = set->dsn,
						   .password = set->password,
						   .odbc_row_array_size = set->odbc_row_array_size};
	if (config_read(st, set) != 0 ||
	    kvdb_connect(&st->c.rc, &conn, "kvalind-omop", &st->c.t) != 0 ||
	    check_schema(st) != 0) {
		kvdb_conn_free(&st->c);
		return KV_ERROR;
	}
	kvdb_log(&st->c.rc, KV_LOG_INFO,
		 "connected to %s over %s; the OMOP CDM tables are complete", st->c.t->dbms,
		 st->c.t->name);
	return kvdb_conn_opened(&st->c, res);
}

static int omop_read(const struct kv_call *call, const struct kv_read_request *req,
		     kv_patient_sink sink, void *sink_arg)
{
	struct om_state *st = call->state;
	kvdb_enter(&st->c, call);
	int ret = om_read(&st->c.rc, st->c.t, &st->cfg, st->c.provides, req, sink, sink_arg);
	kvdb_leave(&st->c);
	return ret;
}

/* ABI 2.1: providers' names (persons have none in the CDM), never logged. */
static int omop_names(const struct kv_call *call, enum kv_name_kind kind, const uint64_t *refs,
		      size_t n, kv_name_sink sink, void *sink_arg)
{
	struct om_state *st = call->state;
	kvdb_enter(&st->c, call);
	int ret = om_names(&st->c.rc, st->c.t, &st->cfg, kind, refs, n, sink, sink_arg);
	kvdb_leave(&st->c);
	return ret;
}

KV_CONNECTOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_CONNECTOR, struct kv_connector_plugin, OM_PLUGIN_NAME, "1.0.0",
			 "reads an OMOP CDM 5.4 database over libpq or ODBC"),
	KV_SETTINGS(struct om_settings, omop_keys),
	.open = omop_open,
	.read = omop_read,
	.close = kvdb_conn_close,
	.names = omop_names,
};
