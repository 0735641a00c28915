/*
 * kv_floor.c - the benchmark's "floor": read exactly the rows and columns
 * kvalind's reference connector reads, and throw them away.
 *
 * The SQL comes from the connector's own query table (plugins/reference/
 * ref_sql.c, linked in), so the floor and kvalind can never read different
 * things. Two transports:
 *
 *   kv-floor --libpq CONNINFO [--rule WORDS]...
 *       one REPEATABLE READ, READ ONLY transaction; every table as
 *       COPY (SELECT ...) TO STDOUT (FORMAT binary), the CopyData messages
 *       freed unread; the keyword-rule query (parameters: COPY cannot take
 *       them) in single-row mode with binary results, as the connector does.
 *
 *   kv-floor --odbc CONNSTR [--rule WORDS]... [--rows N]
 *       the connection options kvalind uses for psqlODBC (UseDeclareFetch=1,
 *       Fetch=N, read-only, autocommit off, REPEATABLE READ, READ ONLY), then
 *       every table fetched into column-wise bound row arrays of N rows with
 *       the connector's C types, and nothing done with them.
 *
 * Prints "rows N" (tuples received) and "seconds S" on stdout.
 * --rule gives one keyword rule ("legemiddelgjennomgang|lmg"), in the
 * order of the value-set file, as kvalind would pass them.
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <sql.h>
#include <sqlext.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ref.h"

/* ---- a minimal host for kvdb_error ------------------------------------- */

static void fl_set_error(struct kv_ctx *ctx, const char *fmt, ...) KV_PRINTF(2, 3);
static void fl_set_error(struct kv_ctx *ctx, const char *fmt, ...)
{
	(void)ctx;
	va_list ap;
	va_start(ap, fmt);
	fputs("kv-floor: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static struct kv_host fl_host;
static struct kvdb_ctx fl_rc;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "kv-floor: %s: %s\n", what, msg);
	exit(1);
}

/* ---- libpq -------------------------------------------------------------- */

static void pg_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(sql, PQerrorMessage(c));
	PQclear(r);
}

static unsigned long long pg_copy(PGconn *c, const char *select)
{
	static char sql[KVDB_SQL_MAX + 64];
	snprintf(sql, sizeof(sql), "COPY (%s) TO STDOUT (FORMAT binary)", select);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COPY_OUT)
		die(select, PQerrorMessage(c));
	PQclear(r);
	unsigned long long n = 0;
	char *buf;
	int len;
	while ((len = PQgetCopyData(c, &buf, 0)) > 0) {
		n++; /* the server sends one tuple per CopyData message */
		PQfreemem(buf);
	}
	if (len == -2)
		die(select, PQerrorMessage(c));
	r = PQgetResult(c);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(select, PQerrorMessage(c));
	PQclear(r);
	while ((r = PQgetResult(c)) != NULL)
		PQclear(r);
	return n > 0 ? n - 1 : 0; /* the trailer */
}

static unsigned long long pg_params(PGconn *c, const char *sql, const char *const *params,
				    size_t np)
{
	if (!PQsendQueryParams(c, sql, (int)np, NULL, params, NULL, NULL, 1) ||
	    !PQsetSingleRowMode(c))
		die("notes", PQerrorMessage(c));
	unsigned long long n = 0;
	PGresult *r;
	while ((r = PQgetResult(c)) != NULL) {
		ExecStatusType st = PQresultStatus(r);
		if (st == PGRES_SINGLE_TUPLE)
			n++;
		else if (st != PGRES_TUPLES_OK)
			die("notes", PQerrorMessage(c));
		PQclear(r);
	}
	return n;
}

/* ---- ODBC --------------------------------------------------------------- */

static void odbc_die(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLCHAR state[8], msg[1024];
	SQLINTEGER native;
	SQLSMALLINT ml;
	if (SQL_SUCCEEDED(SQLGetDiagRec(type, h, 1, state, &native, msg, sizeof(msg), &ml)))
		die(what, (const char *)msg);
	die(what, "no diagnostics");
}

static void odbc_exec(SQLHDBC dbc, const char *sql)
{
	SQLHSTMT st;
	SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
	if (!SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS)))
		odbc_die(SQL_HANDLE_STMT, st, sql);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static unsigned long long odbc_fetch(SQLHDBC dbc, const char *sql, const enum kvdb_type *types,
				     const uint16_t *text_max, size_t ncols,
				     const char *const *params, size_t np, size_t rows)
{
	SQLHSTMT st;
	SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
	SQLLEN plen[256];
	for (size_t i = 0; i < np && i < 256; i++) {
		plen[i] = (SQLLEN)strlen(params[i]);
		if (!SQL_SUCCEEDED(SQLBindParameter(st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT,
						    SQL_C_CHAR, SQL_VARCHAR,
						    plen[i] > 0 ? (SQLULEN)plen[i] : 1, 0,
						    (SQLPOINTER)params[i], plen[i], &plen[i])))
			odbc_die(SQL_HANDLE_STMT, st, "binding a parameter");
	}
	SQLUSMALLINT *status = calloc(rows, sizeof(*status));
	SQLULEN fetched = 0;
	SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)SQL_BIND_BY_COLUMN, 0);
	SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)(uintptr_t)rows, 0);
	SQLSetStmtAttr(st, SQL_ATTR_ROW_STATUS_PTR, status, 0);
	SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);
	if (!SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS)))
		odbc_die(SQL_HANDLE_STMT, st, sql);
	void *data[64];
	SQLLEN *ind[64];
	for (size_t c = 0; c < ncols; c++) {
		SQLSMALLINT ct;
		size_t elem;
		/* the connectors' binding for psqlODBC (kvdb_odbc.c, col_elem) */
		switch (types[c]) {
		case KVDB_T_ID: ct = SQL_C_SBIGINT; elem = sizeof(SQLBIGINT); break;
		case KVDB_T_INT: ct = SQL_C_SLONG; elem = sizeof(SQLINTEGER); break;
		case KVDB_T_FLOAT: ct = SQL_C_DOUBLE; elem = sizeof(SQLDOUBLE); break;
		case KVDB_T_DATE: ct = SQL_C_TYPE_DATE; elem = sizeof(SQL_DATE_STRUCT); break;
		case KVDB_T_TIMESTAMP:
			ct = SQL_C_TYPE_TIMESTAMP;
			elem = sizeof(SQL_TIMESTAMP_STRUCT);
			break;
		default: ct = SQL_C_CHAR; elem = (size_t)text_max[c] + 1; break;
		}
		data[c] = malloc(elem * rows);
		ind[c] = malloc(sizeof(SQLLEN) * rows);
		if (!SQL_SUCCEEDED(SQLBindCol(st, (SQLUSMALLINT)(c + 1), ct, data[c], (SQLLEN)elem,
					      ind[c])))
			odbc_die(SQL_HANDLE_STMT, st, "binding a column");
	}
	unsigned long long n = 0;
	for (;;) {
		SQLRETURN r = SQLFetch(st);
		if (r == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(r))
			odbc_die(SQL_HANDLE_STMT, st, sql);
		n += fetched;
	}
	SQLCloseCursor(st);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	for (size_t c = 0; c < ncols; c++) {
		free(data[c]);
		free(ind[c]);
	}
	free(status);
	return n;
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	const char *libpq = NULL, *odbc = NULL;
	const char *rules[64];
	size_t n_rules = 0, rows = 1024;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--libpq") == 0 && i + 1 < argc)
			libpq = argv[++i];
		else if (strcmp(argv[i], "--odbc") == 0 && i + 1 < argc)
			odbc = argv[++i];
		else if (strcmp(argv[i], "--rule") == 0 && i + 1 < argc && n_rules < 64)
			rules[n_rules++] = argv[++i];
		else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
			rows = (size_t)strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: kv-floor --libpq CONNINFO | --odbc CONNSTR "
					"[--rule WORDS]... [--rows N]\n");
			return 2;
		}
	}
	if ((libpq == NULL) == (odbc == NULL) || rows == 0) {
		fprintf(stderr, "kv-floor: give one of --libpq or --odbc\n");
		return 2;
	}
	fl_host.set_error = fl_set_error;
	fl_rc.host = &fl_host;
	struct kvdb_mem mem = {.budget = (size_t)1 << 30};
	enum kvdb_param_style ps = libpq != NULL ? KVDB_PARAM_DOLLAR : KVDB_PARAM_QMARK;
	struct ref_note_rules nr = {0};
	if (n_rules > 0 &&
	    ref_notes_translate(&fl_rc, &mem, KVDB_DIALECT_POSTGRES, rules, n_rules, &nr) != 0)
		return 1;

	static char sql[KVDB_SQL_MAX];
	enum kvdb_type types[64];
	uint16_t text_max[64];
	const char *params[256];
	size_t np = n_rules > 0 ? ref_sql_note_n_params(ps, &nr) : 0;
	for (size_t k = 0; k < np && k < 256; k++)
		params[k] = ref_sql_note_param(ps, &nr, k);

	PGconn *pc = NULL;
	SQLHENV env = SQL_NULL_HENV;
	SQLHDBC dbc = SQL_NULL_HDBC;
	double t0 = now();
	if (libpq != NULL) {
		pc = PQconnectdb(libpq);
		if (PQstatus(pc) != CONNECTION_OK)
			die("connecting", PQerrorMessage(pc));
		pg_exec(pc, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
	} else {
		char cs[4096];
		snprintf(cs, sizeof(cs), "%s;UseDeclareFetch=1;Fetch=%zu", odbc, rows);
		SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
		SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
		SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
		if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL, 0, NULL,
						    SQL_DRIVER_NOPROMPT)))
			odbc_die(SQL_HANDLE_DBC, dbc, "connecting");
		SQLSetConnectAttr(dbc, SQL_ATTR_ACCESS_MODE, (SQLPOINTER)SQL_MODE_READ_ONLY, 0);
		odbc_exec(dbc, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
			       "REPEATABLE READ, READ ONLY");
		SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_OFF, 0);
	}

	unsigned long long total = 0;
	for (int t = 0; t < REF_N_TABLES; t++) {
		const struct ref_query *q = &ref_queries[t];
		size_t n = 0;
		for (size_t i = 0; i < q->n_cols; i++) {
			types[n] = q->cols[i].type;
			text_max[n++] = q->cols[i].text_max;
		}
		if (t == REF_TAB_NOTE) {
			if (n_rules == 0)
				continue;
			for (size_t i = 0; i < nr.n_rules; i++) {
				types[n] = KVDB_T_INT;
				text_max[n++] = 0;
			}
			if (ref_sql_notes(&fl_rc, sql, sizeof(sql), KVDB_DIALECT_POSTGRES, ps, &nr,
					  NULL, 0) != 0)
				return 1;
			total += pc != NULL ? pg_params(pc, sql, params, np)
					    : odbc_fetch(dbc, sql, types, text_max, n, params, np,
							 rows);
			continue;
		}
		if (ref_sql_select(&fl_rc, sql, sizeof(sql), (enum ref_table)t, KVDB_DIALECT_POSTGRES,
				   NULL, 0, false) != 0)
			return 1;
		total += pc != NULL ? pg_copy(pc, sql)
				    : odbc_fetch(dbc, sql, types, text_max, n, NULL, 0, rows);
	}

	if (pc != NULL) {
		pg_exec(pc, "ROLLBACK");
		PQfinish(pc);
	} else {
		SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_ROLLBACK);
		SQLDisconnect(dbc);
		SQLFreeHandle(SQL_HANDLE_DBC, dbc);
		SQLFreeHandle(SQL_HANDLE_ENV, env);
	}
	double secs = now() - t0;
	ref_notes_free(&mem, &nr);
	printf("rows %llu\nseconds %.3f\n", total, secs);
	return 0;
}
