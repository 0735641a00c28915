/*
 * reference.c - the "reference" connector: descriptor, configuration, callbacks
 *
 * Reads the reference EHR schema (reference-ehr.sql, reference-ehr.md) from
 * PostgreSQL over libpq, or from any database over ODBC, and delivers one
 * struct kv_patient per patient. See ref.h for the files and their jobs.
 *
 * open()     connects read-only, checks that every table and column the
 *            connector reads exists (SELECT cols FROM t WHERE 1 = 0) and
 *            works out what the office's data provides.
 * provides() those kv_provides bits.
 * read()     ref_read() in ref_read.c; the patient key (setting
 *            patient_key) and every list period's GP only when the request
 *            asks (ABI 2.1, kv_read_request.origin).
 * names()    patients' and practitioners' names by id (ABI 2.1, ref_names).
 * close()    disconnects and frees everything.
 *
 * The state is owned by the plugin from open() to close(); it holds the
 * host and context of the callback running only (kvdb_enter/kvdb_leave).
 * Errors go to
 * host->set_error as one sentence naming what failed; neither the
 * connection string nor the password is ever logged or reported.
 */
#include "ref.h"

#include <stdlib.h>
#include <string.h>

/* The settings, filled by the core from the table below. */
struct ref_settings {
	const char *dsn;
	const char *password;
	int64_t odbc_row_array_size;
	const char *patient_key;
};

/* The state from open() to close(). */
struct ref_state {
	struct kvdb_conn c; /* first: context, transport, provides */
	char key_col[REF_IDENT_MAX + 1]; /* the patient_key column, checked */
};

static const struct kv_setting reference_keys[] = {
	{
		.key = {
			.key = "dsn",
			.type = KV_CONFIG_CONNSTR,
			.required = true,
			.description = "Where the reference EHR database is: a libpq URI or conninfo "
				       "(postgresql://..., postgres://..., host=... dbname=...) is read "
				       "over libpq; anything else is an ODBC connection string "
				       "(Driver=PostgreSQL Unicode;Server=...;Database=... or "
				       "Driver=SQLite3;Database=/path/ehr.db)"
		},
		KV_BIND(struct ref_settings, dsn),
	},
	KVDB_KEY_PASSWORD(struct ref_settings),
	KVDB_KEY_ODBC_ROW_ARRAY_SIZE(struct ref_settings),
	KV_SETTING(struct ref_settings, patient_key, KV_CONFIG_STRING, "patient_id", false, NULL,
		   "The column of table patient that holds the patient number the GPs type to "
		   "open a record (a-z, 0-9, '_'), read as text only for the office's own "
		   "patient lists, never for compute"),
};

/* patient_key: a plain lower-case identifier ([a-z_][a-z0-9_]*), quoted
 * where it is spliced into SQL (ref_sql_select_key). */
static int config_key(struct ref_state *st, const char *v)
{
	if (v == NULL || v[0] == '\0')
		v = "patient_id";
	size_t n = strlen(v);
	bool ok = n <= REF_IDENT_MAX && !(v[0] >= '0' && v[0] <= '9');
	for (size_t i = 0; ok && i < n; i++)
		ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '_';
	if (!ok)
		return kvdb_error(&st->c.rc,
				  "setting \"patient_key\" must name a column of table patient "
				  "as a plain lower-case SQL identifier (a-z, 0-9 and '_', not "
				  "starting with a digit, at most %d characters)",
				  REF_IDENT_MAX);
	memcpy(st->key_col, v, n + 1);
	return 0;
}

/* The patient_key column must be there (it is read only when a read asks
 * for the key, but a wrong name is an error at open, not in the middle of
 * a list run). The driver's message is kept and said after ours. */
static int check_key(struct ref_state *st)
{
	struct kvdb_transport *t = st->c.t;
	struct kvdb_mem mem = {.budget = SIZE_MAX};
	static const enum kvdb_type types[1] = {KVDB_T_TEXT};
	static const uint16_t text_max[1] = {KV_PATIENT_KEY_MAX - 1};
	char sql[1024];
	struct kvdb_error_capture cap = {0};
	if (ref_sql_select_key(&st->c.rc, sql, sizeof(sql), t->dialect, NULL, st->key_col, true) !=
	    0)
		return -1;
	struct kvdb_select s = {.action = "checking table", .what = "patient", .sql = sql,
				.types = types, .text_max = text_max, .n_cols = 1};
	t->mem = &mem;
	st->c.rc.capture = &cap;
	int ret = t->select(t, &s, kvdb_ignore_rows, NULL);
	st->c.rc.capture = NULL;
	t->mem = NULL;
	if (ret != 0)
		return kvdb_error(&st->c.rc,
				  "setting \"patient_key\": table patient has no usable column "
				  "\"%s\" (%s)",
				  st->key_col, cap.set ? cap.msg : "no reason given");
	return 0;
}

/* Every table with every column the connector reads must be there; the
 * provides bits follow from what was checked. */
static int check_schema(struct kvdb_conn *st)
{
	struct kvdb_transport *t = st->t;
	struct kvdb_mem mem = {.budget = SIZE_MAX};
	char sql[2048];
	enum kvdb_type types[16];
	uint16_t text_max[16];
	int ret = 0;

	t->mem = &mem;
	st->provides = 0;
	for (int i = 0; i < REF_N_TABLES && ret == 0; i++) {
		const struct ref_query *q = &ref_queries[i];
		size_t n = 0;
		for (size_t c = 0; c < q->n_cols; c++) {
			types[n] = q->cols[c].type;
			text_max[n++] = q->cols[c].text_max;
		}
		struct kvdb_select s = {
			.action = "checking table", .what = q->table, .sql = sql,
			.types = types, .text_max = text_max, .n_cols = n,
		};
		if (ref_sql_select(&st->rc, sql, sizeof(sql), (enum ref_table)i, t->dialect, NULL,
				   0, true) != 0 ||
		    t->select(t, &s, kvdb_ignore_rows, NULL) != 0) {
			ret = -1;
			break;
		}
		uint32_t bits = q->provides;
		for (size_t c = 0; c < q->n_cols; c++)
			bits |= q->cols[c].provides;
		if (i == REF_TAB_NOTE && !ref_dialect_has_notes(t->dialect))
			bits = 0; /* no way to match keyword rules in this DBMS */
		st->provides |= bits;
	}
	t->mem = NULL;
	return ret;
}

static int reference_open(const struct kv_call *call, struct kv_open_result *res)
{
	struct ref_state *st =
		kvdb_conn_new(call, offsetof(struct kv_host, count_bad_rows) + sizeof(void *),
			      sizeof(*st));
	if (st == NULL)
		return KV_ERROR;
	const struct ref_settings *set = call->settings;
	const struct kvdb_connect_settings conn = {.dsn = set->dsn,
						   .password = set->password,
						   .odbc_row_array_size = set->odbc_row_array_size};
	if (config_key(st, set->patient_key) != 0 ||
	    kvdb_connect(&st->c.rc, &conn, "kvalind-reference", &st->c.t) != 0 ||
	    check_schema(&st->c) != 0 || check_key(st) != 0) {
		kvdb_conn_free(&st->c);
		return KV_ERROR;
	}
	kvdb_log(&st->c.rc, KV_LOG_INFO,
		 "connected to %s over %s; the reference schema is complete", st->c.t->dbms,
		 st->c.t->name);
	return kvdb_conn_opened(&st->c, res);
}

static int reference_read(const struct kv_call *call, const struct kv_read_request *req,
			  kv_patient_sink sink, void *sink_arg)
{
	struct ref_state *st = call->state;
	kvdb_enter(&st->c, call);
	int ret = ref_read(&st->c.rc, st->c.t, req, st->key_col, sink, sink_arg);
	kvdb_leave(&st->c);
	return ret;
}

/* ABI 2.1: patients' and practitioners' names, for the office's own lists
 * (never logged). */
static int reference_names(const struct kv_call *call, enum kv_name_kind kind,
			   const uint64_t *refs, size_t n, kv_name_sink sink, void *sink_arg)
{
	struct ref_state *st = call->state;
	kvdb_enter(&st->c, call);
	int ret = ref_names(&st->c.rc, st->c.t, kind, refs, n, sink, sink_arg);
	kvdb_leave(&st->c);
	return ret;
}

KV_CONNECTOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_CONNECTOR, struct kv_connector_plugin, REF_PLUGIN_NAME, "1.0.0",
			 "reads the reference EHR schema over libpq or ODBC"),
	KV_SETTINGS(struct ref_settings, reference_keys),
	.open = reference_open,
	.read = reference_read,
	.close = kvdb_conn_close,
	.names = reference_names,
};
