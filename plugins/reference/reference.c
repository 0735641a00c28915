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
 * read()     ref_read() in ref_read.c.
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
};

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
	struct kvdb_conn *st =
		kvdb_conn_new(call, offsetof(struct kv_host, count_bad_rows) + sizeof(void *),
			      sizeof(*st));
	if (st == NULL)
		return KV_ERROR;
	const struct ref_settings *set = call->settings;
	const struct kvdb_connect_settings conn = {.dsn = set->dsn,
						   .password = set->password,
						   .odbc_row_array_size = set->odbc_row_array_size};
	if (kvdb_connect(&st->rc, &conn, "kvalind-reference", &st->t) != 0 ||
	    check_schema(st) != 0) {
		kvdb_conn_free(st);
		return KV_ERROR;
	}
	kvdb_log(&st->rc, KV_LOG_INFO, "connected to %s over %s; the reference schema is complete",
		 st->t->dbms, st->t->name);
	return kvdb_conn_opened(st, res);
}

static int reference_read(const struct kv_call *call, const struct kv_read_request *req,
			  kv_patient_sink sink, void *sink_arg)
{
	struct kvdb_conn *st = call->state;
	kvdb_enter(st, call);
	int ret = ref_read(&st->rc, st->t, req, sink, sink_arg);
	kvdb_leave(st);
	return ret;
}

KV_CONNECTOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_CONNECTOR, struct kv_connector_plugin, REF_PLUGIN_NAME, "1.0.0",
			 "reads the reference EHR schema over libpq or ODBC"),
	KV_SETTINGS(struct ref_settings, reference_keys),
	.open = reference_open,
	.read = reference_read,
	.close = kvdb_conn_close,
};
