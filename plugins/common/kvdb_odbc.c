/*
 * kvdb_odbc.c - the ODBC transport
 *
 * Results are fetched in blocks into column-wise bound arrays
 * (SQL_ATTR_ROW_BIND_TYPE = SQL_BIND_BY_COLUMN, SQL_ATTR_ROW_ARRAY_SIZE,
 * SQL_ATTR_ROWS_FETCHED_PTR, SQL_ATTR_ROW_STATUS_PTR); never row by row with
 * SQLGetData. The row array shrinks to fit the read's memory budget.
 *
 * The DBMS is detected with SQLGetInfo(SQL_DBMS_NAME):
 *  - PostgreSQL (psqlODBC): the PostgreSQL dialect; native binding (bigint,
 *    double, SQL_DATE_STRUCT, SQL_TIMESTAMP_STRUCT); the session is made
 *    REPEATABLE READ, READ ONLY. psqlODBC by default reads a whole result set
 *    into memory, so UseDeclareFetch=1 and Fetch=<row array size> are added
 *    to the connection string unless it sets UseDeclareFetch itself (for a
 *    DSN=... string, by connecting again once the driver is known).
 *  - SQLite: every column is bound as text and parsed strictly (SQLite keeps
 *    dates as text and does not enforce column types); PRAGMA query_only.
 *    NoCreat=1 is added for a Driver=...sqlite... string so a wrong path is
 *    an error, not a new empty database.
 *  - Microsoft SQL Server: T-SQL LIKE for keyword rules (untested here).
 *  - anything else: read with standard SQL; keyword rules are refused.
 * SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY is always requested, and every
 * read runs with autocommit off in one transaction, rolled back at the end.
 * A connection found dead (SQL_ATTR_CONNECTION_DEAD) at the start of a read
 * is made again with the same connection string.
 *
 * Errors quote the driver's diagnostics (SQLGetDiagRec), scrubbed of
 * secrets by kvdb_error(); the connection string is never quoted.
 */
#include "kvdb.h"

#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ODBC_MAX_COLS 64
#define ODBC_CONNSTR_MAX 4096
/* Text widths used when a non-text column is bound as text (SQLite). */
#define ODBC_NUM_TEXT 48
#define ODBC_DATE_TEXT 48

struct cbuf;

struct odbc_transport {
	struct kvdb_transport base; /* first: the generic code sees only this */
	SQLHENV env;
	SQLHDBC dbc;
	bool connected;
	bool text_only;      /* bind every column as text (SQLite) */
	size_t row_array;    /* configured rows per fetch */
	size_t buf_limit;    /* bytes of row buffers allowed per statement; 0 = none */
	char driver[64];
	struct cbuf *connstr; /* for reconnecting; holds the password: wiped at close */
};

/* ---- diagnostics ------------------------------------------------------- */

/* All diagnostic records of a handle as "[STATE] message; ..." */
static void odbc_diag(SQLSMALLINT type, SQLHANDLE h, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (SQLSMALLINT i = 1; i <= 8; i++) {
		SQLCHAR state[8], msg[768];
		SQLINTEGER native;
		SQLSMALLINT ml;
		SQLRETURN rc = SQLGetDiagRec(type, h, i, state, &native, msg, sizeof(msg), &ml);
		if (!SQL_SUCCEEDED(rc))
			break;
		int n = snprintf(out + len, size - len, "%s[%s] %s", len > 0 ? "; " : "",
				 (const char *)state, (const char *)msg);
		if (n < 0 || (size_t)n >= size - len) {
			out[size - 1] = '\0';
			break;
		}
		len += (size_t)n;
	}
	if (len == 0)
		snprintf(out, size, "no diagnostics from the driver");
}

static int odbc_fail(struct odbc_transport *o, SQLSMALLINT type, SQLHANDLE h,
		     const char *what, const char *table)
{
	char diag[2048];
	odbc_diag(type, h, diag, sizeof(diag));
	if (table != NULL)
		return kvdb_error(o->base.rc, "%s \"%s\" over ODBC (%s) failed: %s", what, table,
				  o->base.dbms[0] != '\0' ? o->base.dbms : "unknown DBMS", diag);
	return kvdb_error(o->base.rc, "%s over ODBC failed: %s", what, diag);
}

/* ---- connection string ------------------------------------------------- */

/* The value of KEY in an ODBC connection string, or NULL; *len its length. */
static const char *connstr_value(const char *s, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	const char *p = s;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *eq = strchr(p, '=');
		if (eq == NULL)
			return NULL;
		const char *ke = eq;
		while (ke > p && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		const char *v = eq + 1;
		const char *ve;
		if (*v == '{') {
			/* braced value: up to the matching '}' ("}}" is a literal '}') */
			ve = v + 1;
			while (*ve != '\0' && !(*ve == '}' && ve[1] != '}')) {
				if (*ve == '}')
					ve++;
				ve++;
			}
			if ((size_t)(ke - p) == kl && strncasecmp(p, key, kl) == 0) {
				*len = (size_t)(ve - v - 1);
				return v + 1;
			}
			p = *ve != '\0' ? ve + 1 : ve;
		} else {
			ve = strchr(v, ';');
			if (ve == NULL)
				ve = v + strlen(v);
			if ((size_t)(ke - p) == kl && strncasecmp(p, key, kl) == 0) {
				*len = (size_t)(ve - v);
				return v;
			}
			p = ve;
		}
	}
	return NULL;
}

static bool contains_ci(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= len; i++)
		if (strncasecmp(s + i, needle, nl) == 0)
			return true;
	return false;
}

struct cbuf {
	char s[ODBC_CONNSTR_MAX];
	size_t len;
	bool overflow;
};

static void cb_add(struct cbuf *b, const char *s, size_t n)
{
	if (b->overflow || b->len + n >= sizeof(b->s)) {
		b->overflow = true;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void cb_str(struct cbuf *b, const char *s)
{
	cb_add(b, s, strlen(s));
}

static void cb_wipe(struct cbuf *b)
{
	volatile char *p = b->s;
	for (size_t i = 0; i < sizeof(b->s); i++)
		p[i] = '\0';
	b->len = 0;
}

/* dsn [+ ;NoCreat=1] [+ ;UseDeclareFetch=1;Fetch=n] [+ ;PWD={password}] */
static int build_connstr(struct odbc_transport *o, const char *dsn, const char *password,
			 bool declare_fetch, struct cbuf *b)
{
	size_t vl;
	b->len = 0;
	b->overflow = false;
	b->s[0] = '\0';
	cb_str(b, dsn);
	while (b->len > 0 && (b->s[b->len - 1] == ';' || b->s[b->len - 1] == ' '))
		b->s[--b->len] = '\0';

	const char *drv = connstr_value(dsn, "driver", &vl);
	if (drv != NULL && contains_ci(drv, vl, "sqlite") &&
	    connstr_value(dsn, "nocreat", &vl) == NULL)
		cb_str(b, ";NoCreat=1");
	if (declare_fetch) {
		char tmp[64];
		int n = snprintf(tmp, sizeof(tmp), ";UseDeclareFetch=1;Fetch=%zu", o->row_array);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			b->overflow = true;
		else
			cb_add(b, tmp, (size_t)n);
	}
	if (password != NULL && password[0] != '\0') {
		cb_str(b, ";PWD={");
		for (const char *c = password; *c != '\0'; c++) {
			cb_add(b, c, 1);
			if (*c == '}')
				cb_add(b, "}", 1); /* a literal '}' is doubled inside braces */
		}
		cb_str(b, "}");
	}
	if (b->overflow) {
		cb_wipe(b);
		return kvdb_error(o->base.rc, "the ODBC connection string is longer than %d bytes",
				  ODBC_CONNSTR_MAX - 1);
	}
	return 0;
}

/* ---- connection -------------------------------------------------------- */

static void odbc_disconnect(struct odbc_transport *o)
{
	if (o->connected)
		SQLDisconnect(o->dbc);
	o->connected = false;
}

static int odbc_exec(struct odbc_transport *o, const char *sql, const char *what)
{
	SQLHSTMT st = SQL_NULL_HSTMT;
	int ret = -1;
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, o->dbc, &st)))
		return odbc_fail(o, SQL_HANDLE_DBC, o->dbc, what, NULL);
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) {
		odbc_fail(o, SQL_HANDLE_STMT, st, what, NULL);
		goto done;
	}
	ret = 0;
done:
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return ret;
}

static int odbc_connect(struct odbc_transport *o, const char *connstr)
{
	SQLSetConnectAttr(o->dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)(uintptr_t)10, 0);
	SQLRETURN rc = SQLDriverConnect(o->dbc, NULL, (SQLCHAR *)connstr, SQL_NTS, NULL, 0, NULL,
					SQL_DRIVER_NOPROMPT);
	if (!SQL_SUCCEEDED(rc)) {
		char diag[2048];
		size_t vl;
		odbc_diag(SQL_HANDLE_DBC, o->dbc, diag, sizeof(diag));
		const char *drv = connstr_value(connstr, "driver", &vl);
		bool sqlite = drv != NULL && contains_ci(drv, vl, "sqlite");
		return kvdb_error(
			o->base.rc, "could not connect to the EHR database over ODBC: %s%s", diag,
			sqlite ? " (the SQLite database file must exist and be readable)" : "");
	}
	o->connected = true;
	return 0;
}

static void get_info_str(SQLHDBC dbc, SQLUSMALLINT what, char *out, size_t size)
{
	SQLSMALLINT len = 0;
	out[0] = '\0';
	if (!SQL_SUCCEEDED(SQLGetInfo(dbc, what, out, (SQLSMALLINT)size, &len)))
		out[0] = '\0';
	out[size - 1] = '\0';
}

/* After connecting: identify the DBMS and make the session read-only. */
static int odbc_session_setup(struct odbc_transport *o)
{
	struct kvdb_ctx *rc = o->base.rc;
	char name[64], ver[64];
	get_info_str(o->dbc, SQL_DBMS_NAME, name, sizeof(name));
	get_info_str(o->dbc, SQL_DBMS_VER, ver, sizeof(ver));
	get_info_str(o->dbc, SQL_DRIVER_NAME, o->driver, sizeof(o->driver));
	int n = snprintf(o->base.dbms, sizeof(o->base.dbms), "%s%s%.32s",
			 name[0] != '\0' ? name : "unknown DBMS", ver[0] != '\0' ? " " : "", ver);
	if (n < 0 || (size_t)n >= sizeof(o->base.dbms))
		snprintf(o->base.dbms, sizeof(o->base.dbms), "%s",
			 name[0] != '\0' ? name : "unknown DBMS"); /* the name alone */

	if (strncasecmp(name, "PostgreSQL", 10) == 0) {
		o->base.dialect = KVDB_DIALECT_POSTGRES;
		o->text_only = false;
	} else if (strncasecmp(name, "SQLite", 6) == 0) {
		o->base.dialect = KVDB_DIALECT_SQLITE;
		o->text_only = true;
	} else if (strncasecmp(name, "Microsoft SQL Server", 20) == 0) {
		o->base.dialect = KVDB_DIALECT_MSSQL;
		o->text_only = false;
	} else {
		o->base.dialect = KVDB_DIALECT_GENERIC;
		o->text_only = false;
		kvdb_log(rc, KV_LOG_WARNING,
			 "DBMS \"%s\" is not one the connector knows; keyword rules cannot be "
			 "matched in it",
			 o->base.dbms);
	}

	SQLRETURN r = SQLSetConnectAttr(o->dbc, SQL_ATTR_ACCESS_MODE,
					(SQLPOINTER)(uintptr_t)SQL_MODE_READ_ONLY, 0);
	if (!SQL_SUCCEEDED(r))
		kvdb_log(rc, KV_LOG_INFO,
			 "the ODBC driver refused SQL_MODE_READ_ONLY; relying on the DBMS's own "
			 "read-only setting");

	switch (o->base.dialect) {
	case KVDB_DIALECT_POSTGRES:
		return odbc_exec(o,
				 "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
				 "REPEATABLE READ, READ ONLY",
				 "making the session read-only");
	case KVDB_DIALECT_SQLITE:
		return odbc_exec(o, "PRAGMA query_only = 1", "making the session read-only");
	default:
		return 0;
	}
}

static bool is_psqlodbc(const struct odbc_transport *o)
{
	return strncasecmp(o->driver, "psqlodbc", 8) == 0;
}

/* ---- statements -------------------------------------------------------- */

struct colbuf {
	SQLSMALLINT ctype;
	size_t elem;     /* bytes per row */
	unsigned char *data;
	SQLLEN *ind;
};

static size_t col_elem(const struct odbc_transport *o, enum kvdb_type t, uint16_t text_max,
		       SQLSMALLINT *ctype)
{
	if (o->text_only || t == KVDB_T_TEXT) {
		*ctype = SQL_C_CHAR;
		switch (t) {
		case KVDB_T_TEXT:
			return (size_t)text_max + 1;
		case KVDB_T_DATE:
		case KVDB_T_TIMESTAMP:
			return ODBC_DATE_TEXT;
		default:
			return ODBC_NUM_TEXT;
		}
	}
	switch (t) {
	case KVDB_T_ID:
		*ctype = SQL_C_SBIGINT;
		return sizeof(SQLBIGINT);
	case KVDB_T_INT:
		*ctype = SQL_C_SLONG;
		return sizeof(SQLINTEGER);
	case KVDB_T_FLOAT:
		*ctype = SQL_C_DOUBLE;
		return sizeof(SQLDOUBLE);
	case KVDB_T_DATE:
		*ctype = SQL_C_TYPE_DATE;
		return sizeof(SQL_DATE_STRUCT);
	case KVDB_T_TIMESTAMP:
		*ctype = SQL_C_TYPE_TIMESTAMP;
		return sizeof(SQL_TIMESTAMP_STRUCT);
	default:
		*ctype = SQL_C_CHAR;
		return (size_t)text_max + 1;
	}
}

static void ymd_cell(struct kvdb_cell *c, int y, int m, int d)
{
	if (!kvdb_ymd_valid(y, m, d)) {
		c->kind = KVDB_V_INVALID;
		return;
	}
	c->kind = KVDB_V_DATE;
	c->d = kv_date_from_ymd(y, m, d);
}

static void odbc_cell(struct kvdb_cell *c, const struct colbuf *b, uint16_t text_max,
		      size_t row)
{
	memset(c, 0, sizeof(*c));
	SQLLEN ind = b->ind[row];
	const unsigned char *v = b->data + row * b->elem;
	if (ind == SQL_NULL_DATA) {
		c->kind = KVDB_V_NULL;
		return;
	}
	switch (b->ctype) {
	case SQL_C_CHAR:
		c->kind = KVDB_V_TEXT;
		c->s = (const char *)v;
		if (ind == SQL_NO_TOTAL || ind < 0 || (size_t)ind > b->elem - 1) {
			c->len = b->elem - 1;
			c->too_long = true;
		} else {
			c->len = (size_t)ind;
			c->too_long = text_max > 0 && c->len > text_max;
		}
		return;
	case SQL_C_SBIGINT: {
		SQLBIGINT x;
		memcpy(&x, v, sizeof(x));
		c->kind = KVDB_V_INT;
		c->i = x;
		return;
	}
	case SQL_C_SLONG: {
		SQLINTEGER x;
		memcpy(&x, v, sizeof(x));
		c->kind = KVDB_V_INT;
		c->i = x;
		return;
	}
	case SQL_C_DOUBLE: {
		SQLDOUBLE x;
		memcpy(&x, v, sizeof(x));
		c->kind = KVDB_V_FLOAT;
		c->f = x;
		return;
	}
	case SQL_C_TYPE_DATE: {
		SQL_DATE_STRUCT x;
		memcpy(&x, v, sizeof(x));
		ymd_cell(c, x.year, x.month, x.day);
		return;
	}
	case SQL_C_TYPE_TIMESTAMP: {
		SQL_TIMESTAMP_STRUCT x;
		memcpy(&x, v, sizeof(x));
		ymd_cell(c, x.year, x.month, x.day);
		return;
	}
	default:
		c->kind = KVDB_V_INVALID;
	}
}

/* UTF-8 -> UTF-16 for SQL_C_WCHAR parameters (BMP only; patterns are). */
static size_t utf8_to_utf16(const char *s, SQLWCHAR *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p != '\0' && n + 1 < cap) {
		uint32_t cp;
		if (p[0] < 0x80) {
			cp = p[0];
			p += 1;
		} else if ((p[0] & 0xE0) == 0xC0 && p[1] != '\0') {
			cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
			p += 2;
		} else if ((p[0] & 0xF0) == 0xE0 && p[1] != '\0' && p[2] != '\0') {
			cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
			     (p[2] & 0x3F);
			p += 3;
		} else {
			cp = '?';
			p += 1;
		}
		out[n++] = (SQLWCHAR)cp;
	}
	out[n] = 0;
	return n;
}

static int odbc_select(struct kvdb_transport *t, const struct kvdb_select *s, kvdb_row_fn fn,
		       void *arg)
{
	struct odbc_transport *o = (struct odbc_transport *)t;
	struct kvdb_ctx *rc = t->rc;
	struct kvdb_mem *mem = t->mem;
	SQLHSTMT st = SQL_NULL_HSTMT;
	struct colbuf cols[ODBC_MAX_COLS];
	struct kvdb_cell cells[ODBC_MAX_COLS];
	SQLUSMALLINT *status = NULL;
	SQLLEN *plen = NULL;
	SQLWCHAR **wparams = NULL;
	SQLULEN fetched = 0;
	int ret = -1;

	memset(cols, 0, sizeof(cols));
	if (s->n_cols > ODBC_MAX_COLS)
		return kvdb_error(rc, "too many columns for table \"%s\"", s->what);

	/* rows per fetch: the configured size, shrunk to the buffer limit */
	size_t width = sizeof(SQLUSMALLINT);
	for (size_t c = 0; c < s->n_cols; c++) {
		size_t e = col_elem(o, s->types[c], s->text_max != NULL ? s->text_max[c] : 0,
				    &cols[c].ctype);
		cols[c].elem = e;
		width += e + sizeof(SQLLEN) + 2 * 16; /* + allocation headers */
	}
	size_t rows = o->row_array;
	if (o->buf_limit > 0 && rows > o->buf_limit / width)
		rows = o->buf_limit / width;
	if (rows == 0)
		rows = 1;

	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, o->dbc, &st))) {
		odbc_fail(o, SQL_HANDLE_DBC, o->dbc, KVDB_ACTION(s), s->what);
		st = SQL_NULL_HSTMT;
		goto done;
	}

	if (s->n_params > 0) {
		plen = kvdb_calloc(rc, mem, s->n_params, sizeof(SQLLEN), "binding parameters");
		if (plen == NULL)
			goto done;
		if (t->dialect == KVDB_DIALECT_MSSQL) {
			wparams = kvdb_calloc(rc, mem, s->n_params, sizeof(SQLWCHAR *),
					      "binding parameters");
			if (wparams == NULL)
				goto done;
		}
		for (size_t i = 0; i < s->n_params; i++) {
			size_t len = strlen(s->params[i]);
			SQLRETURN r;
			if (wparams != NULL) {
				wparams[i] = kvdb_calloc(rc, mem, len + 1, sizeof(SQLWCHAR),
							 "binding parameters");
				if (wparams[i] == NULL)
					goto done;
				size_t wl = utf8_to_utf16(s->params[i], wparams[i], len + 1);
				plen[i] = (SQLLEN)(wl * sizeof(SQLWCHAR));
				r = SQLBindParameter(st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT,
						     SQL_C_WCHAR, SQL_WVARCHAR, wl > 0 ? wl : 1, 0,
						     wparams[i], plen[i], &plen[i]);
			} else {
				plen[i] = (SQLLEN)len;
				r = SQLBindParameter(st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT,
						     SQL_C_CHAR, SQL_VARCHAR, len > 0 ? len : 1, 0,
						     (SQLPOINTER)s->params[i], (SQLLEN)len,
						     &plen[i]);
			}
			if (!SQL_SUCCEEDED(r)) {
				odbc_fail(o, SQL_HANDLE_STMT, st,
					  "binding a keyword rule for table", s->what);
				goto done;
			}
		}
	}

	SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)SQL_BIND_BY_COLUMN, 0);
	SQLRETURN r = SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)(uintptr_t)rows, 0);
	if (!SQL_SUCCEEDED(r)) {
		odbc_fail(o, SQL_HANDLE_STMT, st, "setting the row array size for table", s->what);
		goto done;
	}
	if (r == SQL_SUCCESS_WITH_INFO) {
		/* the driver may have chosen another size: use what it took */
		SQLULEN got = 0;
		if (SQL_SUCCEEDED(SQLGetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, &got, 0, NULL)) &&
		    got >= 1 && got < rows)
			rows = got;
	}
	status = kvdb_calloc(rc, mem, rows, sizeof(SQLUSMALLINT), "reading over ODBC");
	if (status == NULL)
		goto done;
	SQLSetStmtAttr(st, SQL_ATTR_ROW_STATUS_PTR, status, 0);
	SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);

	r = SQLExecDirect(st, (SQLCHAR *)s->sql, SQL_NTS);
	if (!SQL_SUCCEEDED(r) && r != SQL_NO_DATA) {
		odbc_fail(o, SQL_HANDLE_STMT, st, KVDB_ACTION(s), s->what);
		goto done;
	}
	SQLSMALLINT ncols = 0;
	if (!SQL_SUCCEEDED(SQLNumResultCols(st, &ncols)) || (size_t)ncols != s->n_cols) {
		kvdb_error(rc, "%s \"%s\" over ODBC (%s) failed: %d columns where %zu were "
			       "expected",
			   KVDB_ACTION(s), s->what, t->dbms, (int)ncols, s->n_cols);
		goto done;
	}
	for (size_t c = 0; c < s->n_cols; c++) {
		cols[c].data = kvdb_alloc(rc, mem, rows * cols[c].elem, "reading over ODBC");
		cols[c].ind = kvdb_alloc(rc, mem, rows * sizeof(SQLLEN), "reading over ODBC");
		if (cols[c].data == NULL || cols[c].ind == NULL)
			goto done;
		r = SQLBindCol(st, (SQLUSMALLINT)(c + 1), cols[c].ctype, cols[c].data,
			       (SQLLEN)cols[c].elem, cols[c].ind);
		if (!SQL_SUCCEEDED(r)) {
			odbc_fail(o, SQL_HANDLE_STMT, st, "binding the columns of table", s->what);
			goto done;
		}
	}

	for (;;) {
		fetched = 0;
		r = SQLFetch(st);
		if (r == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(r)) {
			odbc_fail(o, SQL_HANDLE_STMT, st, KVDB_ACTION(s), s->what);
			goto done;
		}
		for (size_t row = 0; row < fetched; row++) {
			if (status[row] == SQL_ROW_NOROW || status[row] == SQL_ROW_DELETED)
				continue;
			for (size_t c = 0; c < s->n_cols; c++) {
				if (status[row] == SQL_ROW_ERROR) {
					memset(&cells[c], 0, sizeof(cells[c]));
					cells[c].kind = KVDB_V_INVALID;
				} else {
					odbc_cell(&cells[c], &cols[c],
						  s->text_max != NULL ? s->text_max[c] : 0, row);
				}
			}
			if (fn(arg, cells) != 0)
				goto done; /* the callback called kvdb_error */
		}
	}
	ret = 0;
done:
	if (st != SQL_NULL_HSTMT) {
		SQLFreeStmt(st, SQL_CLOSE);
		SQLFreeHandle(SQL_HANDLE_STMT, st);
	}
	for (size_t c = 0; c < s->n_cols; c++) {
		kvdb_free(mem, cols[c].data);
		kvdb_free(mem, cols[c].ind);
	}
	if (wparams != NULL)
		for (size_t i = 0; i < s->n_params; i++)
			kvdb_free(mem, wparams[i]);
	kvdb_free(mem, wparams);
	kvdb_free(mem, plen);
	kvdb_free(mem, status);
	return ret;
}

static int odbc_begin(struct kvdb_transport *t)
{
	struct odbc_transport *o = (struct odbc_transport *)t;
	SQLUINTEGER dead = SQL_CD_FALSE;
	if (SQL_SUCCEEDED(SQLGetConnectAttr(o->dbc, SQL_ATTR_CONNECTION_DEAD, &dead, 0, NULL)) &&
	    dead == SQL_CD_TRUE) {
		/* lost since the last read: connect again */
		odbc_disconnect(o);
		if (odbc_connect(o, o->connstr->s) != 0 || odbc_session_setup(o) != 0)
			return -1;
	}
	SQLRETURN r = SQLSetConnectAttr(o->dbc, SQL_ATTR_AUTOCOMMIT,
					(SQLPOINTER)(uintptr_t)SQL_AUTOCOMMIT_OFF, 0);
	if (!SQL_SUCCEEDED(r))
		return odbc_fail(o, SQL_HANDLE_DBC, o->dbc, "starting a read-only transaction",
				 NULL);
	return 0;
}

static int odbc_end(struct kvdb_transport *t, bool report)
{
	struct odbc_transport *o = (struct odbc_transport *)t;
	int ret = 0;
	if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, o->dbc, SQL_ROLLBACK)) && report)
		ret = odbc_fail(o, SQL_HANDLE_DBC, o->dbc, "ending the read-only transaction",
				NULL);
	if (!SQL_SUCCEEDED(SQLSetConnectAttr(o->dbc, SQL_ATTR_AUTOCOMMIT,
					     (SQLPOINTER)(uintptr_t)SQL_AUTOCOMMIT_ON, 0)) &&
	    report && ret == 0)
		ret = odbc_fail(o, SQL_HANDLE_DBC, o->dbc, "ending the read-only transaction",
				NULL);
	return ret;
}

static size_t odbc_buffer_bytes(struct kvdb_transport *t, size_t budget)
{
	struct odbc_transport *o = (struct odbc_transport *)t;
	/* at most an eighth of the budget, never more than the configured rows of
	 * a wide (1 KiB) row need */
	size_t limit = budget / 8;
	if (o->row_array <= SIZE_MAX / 1024 && limit > o->row_array * 1024)
		limit = o->row_array * 1024;
	o->buf_limit = limit;
	return limit;
}

static void odbc_close(struct kvdb_transport *t)
{
	struct odbc_transport *o = (struct odbc_transport *)t;
	if (o == NULL)
		return;
	odbc_disconnect(o);
	if (o->connstr != NULL) {
		cb_wipe(o->connstr);
		free(o->connstr);
	}
	if (o->dbc != SQL_NULL_HDBC)
		SQLFreeHandle(SQL_HANDLE_DBC, o->dbc);
	if (o->env != SQL_NULL_HENV)
		SQLFreeHandle(SQL_HANDLE_ENV, o->env);
	free(o);
}

int kvdb_odbc_open(struct kvdb_ctx *rc, const char *dsn, const char *password,
		   size_t row_array_size, struct kvdb_transport **out)
{
	struct odbc_transport *o = NULL;
	struct cbuf *cs = NULL;
	int ret = -1;
	size_t vl;

	/* passwords inside the connection string are secrets too */
	const char *pw = connstr_value(dsn, "pwd", &vl);
	if (pw != NULL && kvdb_ctx_add_secret(rc, pw, vl) != 0)
		return -1;
	pw = connstr_value(dsn, "password", &vl);
	if (pw != NULL && kvdb_ctx_add_secret(rc, pw, vl) != 0)
		return -1;

	o = calloc(1, sizeof(*o));
	cs = calloc(1, sizeof(*cs));
	if (o == NULL || cs == NULL) {
		kvdb_error(rc, "out of memory");
		goto done;
	}
	o->base.name = "ODBC";
	o->base.params = KVDB_PARAM_QMARK;
	o->base.rc = rc;
	o->base.begin = odbc_begin;
	o->base.end = odbc_end;
	o->base.select = odbc_select;
	o->base.buffer_bytes = odbc_buffer_bytes;
	o->base.close = odbc_close;
	o->row_array = row_array_size > 0 ? row_array_size : 1;
	o->env = SQL_NULL_HENV;
	o->dbc = SQL_NULL_HDBC;

	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &o->env))) {
		o->env = SQL_NULL_HENV;
		kvdb_error(rc, "could not initialise the ODBC driver manager");
		goto done;
	}
	SQLSetEnvAttr(o->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, o->env, &o->dbc))) {
		o->dbc = SQL_NULL_HDBC;
		odbc_fail(o, SQL_HANDLE_ENV, o->env, "allocating a connection", NULL);
		goto done;
	}

	/* psqlODBC would buffer whole result sets: read through cursors
	 * (UseDeclareFetch) unless the connection string decides. A Driver=
	 * naming PostgreSQL gets the options at once; a DSN is checked after
	 * connecting, and connected again if it turns out to be psqlODBC. */
	bool own_fetch = connstr_value(dsn, "usedeclarefetch", &vl) != NULL;
	const char *drv = connstr_value(dsn, "driver", &vl);
	bool declare_fetch = !own_fetch && drv != NULL &&
			     (contains_ci(drv, vl, "postgres") || contains_ci(drv, vl, "psqlodbc"));
	if (build_connstr(o, dsn, password, declare_fetch, cs) != 0)
		goto done;
	if (odbc_connect(o, cs->s) != 0)
		goto done;
	get_info_str(o->dbc, SQL_DRIVER_NAME, o->driver, sizeof(o->driver));
	if (is_psqlodbc(o) && !own_fetch && !declare_fetch) {
		odbc_disconnect(o);
		if (build_connstr(o, dsn, password, true, cs) != 0)
			goto done;
		if (odbc_connect(o, cs->s) != 0)
			goto done;
	}
	if (odbc_session_setup(o) != 0)
		goto done;
	o->connstr = cs;
	cs = NULL;
	*out = &o->base;
	o = NULL;
	ret = 0;
done:
	if (cs != NULL) {
		cb_wipe(cs);
		free(cs);
	}
	odbc_close(o != NULL ? &o->base : NULL);
	return ret;
}
