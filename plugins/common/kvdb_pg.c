/*
 * kvdb_pg.c - the libpq transport
 *
 * Statements without parameters run as
 *     COPY (SELECT ...) TO STDOUT (FORMAT binary)
 * and the binary tuples are parsed here (PostgreSQL docs, "COPY", binary
 * format: an 11-byte signature, flags, a header extension, then per tuple
 * an int16 field count and per field an int32 length, -1 for NULL, and the
 * value in its binary send format; a field count of -1 ends the data). The
 * connector's SQL casts every column, so the formats are fixed: int8/int4
 * big-endian, float8 IEEE big-endian, date int32 days since 2000-01-01,
 * timestamp int64 microseconds since 2000-01-01, text raw UTF-8 bytes.
 *
 * Statements with parameters (the keyword-rule matching, which COPY cannot
 * take) run through PQsendQueryParams in single-row mode with binary
 * results, so no result set is ever held whole.
 *
 * The session is read-only: SET SESSION CHARACTERISTICS makes every
 * transaction READ ONLY, and each read runs in one
 * BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY transaction, so all tables
 * come from one snapshot. A lost connection is re-established (PQreset) at
 * the next begin(). twin() opens a second connection with the same
 * parameters inside that snapshot (pg_export_snapshot, SET TRANSACTION
 * SNAPSHOT), on which a worker thread can read some of the tables.
 *
 * Errors name the statement's table and quote libpq's message, scrubbed of
 * secrets (kvdb_error).
 */
#include "kvdb.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PG_EPOCH_DAYS 10957 /* 2000-01-01 in days since 1970-01-01 */
#define USECS_PER_DAY INT64_C(86400000000)

struct pg_transport {
	struct kvdb_transport base; /* first: the generic code sees only this */
	PGconn *conn;
};

/* ---- dsn --------------------------------------------------------------- */

/* Does `s` contain key `key` (case-insensitive, ODBC style "KEY=")? */
static bool has_odbc_key(const char *s, const char *key)
{
	size_t kl = strlen(key);
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (strncasecmp(p, key, kl) == 0) {
			const char *q = p + kl;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=')
				return true;
		}
		p = strchr(p, ';');
		if (p == NULL)
			return false;
	}
}

bool kvdb_dsn_is_libpq(const char *dsn)
{
	if (strncmp(dsn, "postgresql://", 13) == 0 || strncmp(dsn, "postgres://", 11) == 0)
		return true;
	if (has_odbc_key(dsn, "driver") || has_odbc_key(dsn, "dsn") ||
	    has_odbc_key(dsn, "filedsn"))
		return false;
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(dsn, &err);
	PQfreemem(err);
	if (opts == NULL)
		return false;
	PQconninfoFree(opts);
	return strchr(dsn, '=') != NULL;
}

/* ---- helpers ----------------------------------------------------------- */

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* a notice may quote data: never printed */
}

/* The server's primary message for a failed result, else libpq's own (a
 * lost connection). The primary message never quotes the SQL text. */
static const char *pg_msg(const PGresult *res, const PGconn *conn)
{
	const char *m = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	return m != NULL && m[0] != '\0' ? m : PQerrorMessage(conn);
}

static int pg_exec(struct pg_transport *p, const char *sql, const char *what)
{
	PGresult *res = PQexec(p->conn, sql);
	int ret = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		ret = kvdb_error(p->base.rc, "%s over libpq failed: %s", what,
				 pg_msg(res, p->conn));
	PQclear(res);
	return ret;
}

static int pg_session_setup(struct pg_transport *p)
{
	PQsetNoticeProcessor(p->conn, quiet_notices, NULL);
	const char *idt = PQparameterStatus(p->conn, "integer_datetimes");
	if (idt == NULL || strcmp(idt, "on") != 0)
		return kvdb_error(p->base.rc, "the PostgreSQL server does not use integer "
					      "timestamps, which the binary COPY reader needs");
	const char *ver = PQparameterStatus(p->conn, "server_version");
	snprintf(p->base.dbms, sizeof(p->base.dbms), "PostgreSQL %s", ver != NULL ? ver : "");
	return pg_exec(p,
		       "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
		       "REPEATABLE READ, READ ONLY",
		       "making the session read-only");
}

static uint16_t be16(const unsigned char *b)
{
	return (uint16_t)((b[0] << 8) | b[1]);
}

static uint32_t be32(const unsigned char *b)
{
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint64_t be64(const unsigned char *b)
{
	return ((uint64_t)be32(b) << 32) | be32(b + 4);
}

static void date_cell(struct kvdb_cell *c, int64_t days)
{
	if (days < KVDB_DATE_MIN || days > KVDB_DATE_MAX) {
		c->kind = KVDB_V_INVALID; /* infinity, BC, beyond 9999 */
		return;
	}
	c->kind = KVDB_V_DATE;
	c->d = (kv_date)days;
}

/* One field in binary send format -> cell. */
static void decode_field(struct kvdb_cell *c, enum kvdb_type type, uint16_t text_max,
			 const unsigned char *v, int32_t len)
{
	memset(c, 0, sizeof(*c));
	if (len < 0) {
		c->kind = KVDB_V_NULL;
		return;
	}
	switch (type) {
	case KVDB_T_ID:
	case KVDB_T_INT:
		c->kind = KVDB_V_INT;
		if (len == 8)
			c->i = (int64_t)be64(v);
		else if (len == 4)
			c->i = (int32_t)be32(v);
		else if (len == 2)
			c->i = (int16_t)be16(v);
		else
			c->kind = KVDB_V_INVALID;
		return;
	case KVDB_T_FLOAT:
		c->kind = KVDB_V_FLOAT;
		if (len == 8) {
			uint64_t u = be64(v);
			memcpy(&c->f, &u, sizeof(c->f));
		} else if (len == 4) {
			uint32_t u = be32(v);
			float f;
			memcpy(&f, &u, sizeof(f));
			c->f = f;
		} else {
			c->kind = KVDB_V_INVALID;
		}
		return;
	case KVDB_T_DATE:
		if (len != 4) {
			c->kind = KVDB_V_INVALID;
			return;
		}
		{
			int32_t d = (int32_t)be32(v);
			if (d == INT32_MAX || d == INT32_MIN)
				c->kind = KVDB_V_INVALID;
			else
				date_cell(c, (int64_t)d + PG_EPOCH_DAYS);
		}
		return;
	case KVDB_T_TIMESTAMP:
		if (len != 8) {
			c->kind = KVDB_V_INVALID;
			return;
		}
		{
			int64_t us = (int64_t)be64(v);
			if (us == INT64_MAX || us == INT64_MIN) {
				c->kind = KVDB_V_INVALID;
				return;
			}
			int64_t days = us / USECS_PER_DAY;
			if (us % USECS_PER_DAY < 0)
				days--; /* floor: the date part of a time before 2000 */
			date_cell(c, days + PG_EPOCH_DAYS);
		}
		return;
	case KVDB_T_TEXT:
		c->kind = KVDB_V_TEXT;
		c->s = (const char *)v;
		c->len = (size_t)len;
		c->too_long = text_max > 0 && c->len > text_max;
		return;
	}
	c->kind = KVDB_V_INVALID;
}

/* ---- binary COPY stream ------------------------------------------------ */

#define COPY_MAX_COLS 64

struct copy_parse {
	struct pg_transport *p;
	const struct kvdb_select *s;
	kvdb_row_fn fn;
	void *arg;
	bool header_done;
	bool trailer_seen;
	bool stopped;     /* the callback asked to stop */
	bool failed;      /* a format error (kvdb_error called) */
	unsigned char *carry;
	size_t carry_len, carry_cap;
	struct kvdb_cell cells[COPY_MAX_COLS];
};

/* Parse complete units from data; return the bytes consumed (the rest is an
 * incomplete tuple), or SIZE_MAX after an error or a stop. */
static size_t copy_parse_units(struct copy_parse *cp, const unsigned char *data, size_t len)
{
	static const unsigned char sig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff,
					      '\r', '\n', '\0'};
	size_t pos = 0;
	if (!cp->header_done) {
		if (len < 19)
			return 0;
		if (memcmp(data, sig, sizeof(sig)) != 0) {
			kvdb_error(cp->p->base.rc, "%s \"%s\" over libpq failed: not a "
						   "binary COPY stream",
				   KVDB_ACTION(cp->s), cp->s->what);
			cp->failed = true;
			return SIZE_MAX;
		}
		uint32_t ext = be32(data + 15);
		if (len < 19 + (size_t)ext)
			return 0;
		pos = 19 + ext;
		cp->header_done = true;
	}
	while (pos < len && !cp->trailer_seen) {
		if (len - pos < 2)
			break;
		int16_t nf = (int16_t)be16(data + pos);
		if (nf == -1) {
			cp->trailer_seen = true;
			pos += 2;
			break;
		}
		if (nf < 0 || (size_t)nf != cp->s->n_cols) {
			kvdb_error(cp->p->base.rc, "%s \"%s\" over libpq failed: %d "
						   "columns where %zu were expected",
				   KVDB_ACTION(cp->s), cp->s->what, (int)nf, cp->s->n_cols);
			cp->failed = true;
			return SIZE_MAX;
		}
		/* find the end of the tuple first: only complete tuples are decoded */
		size_t q = pos + 2;
		bool complete = true;
		for (int16_t f = 0; f < nf; f++) {
			if (len - q < 4) {
				complete = false;
				break;
			}
			int32_t fl = (int32_t)be32(data + q);
			q += 4;
			if (fl > 0) {
				if (len - q < (size_t)fl) {
					complete = false;
					break;
				}
				q += (size_t)fl;
			}
		}
		if (!complete)
			break;
		q = pos + 2;
		for (int16_t f = 0; f < nf; f++) {
			int32_t fl = (int32_t)be32(data + q);
			q += 4;
			decode_field(&cp->cells[f], cp->s->types[f],
				     cp->s->text_max != NULL ? cp->s->text_max[f] : 0, data + q,
				     fl);
			if (fl > 0)
				q += (size_t)fl;
		}
		pos = q;
		if (cp->fn(cp->arg, cp->cells) != 0) {
			cp->stopped = true;
			return SIZE_MAX;
		}
	}
	return pos;
}

static int copy_feed(struct copy_parse *cp, const unsigned char *data, size_t len)
{
	struct kvdb_transport *t = &cp->p->base;
	if (cp->carry_len == 0) {
		size_t used = copy_parse_units(cp, data, len);
		if (used == SIZE_MAX)
			return -1;
		data += used;
		len -= used;
		if (len == 0)
			return 0;
	}
	/* a tuple split across messages: keep the pieces together */
	if (cp->carry_len + len > cp->carry_cap) {
		size_t cap = cp->carry_cap == 0 ? 4096 : cp->carry_cap;
		while (cap < cp->carry_len + len)
			cap *= 2;
		unsigned char *n =
			kvdb_realloc(t->rc, t->mem, cp->carry, cap, "reading over libpq");
		if (n == NULL) {
			cp->failed = true;
			return -1;
		}
		cp->carry = n;
		cp->carry_cap = cap;
	}
	memcpy(cp->carry + cp->carry_len, data, len);
	cp->carry_len += len;
	size_t used = copy_parse_units(cp, cp->carry, cp->carry_len);
	if (used == SIZE_MAX)
		return -1;
	memmove(cp->carry, cp->carry + used, cp->carry_len - used);
	cp->carry_len -= used;
	return 0;
}

/* Cancel the running statement and read everything that is still coming. */
static void pg_cancel_and_drain(struct pg_transport *p, bool copy)
{
	PGcancel *cancel = PQgetCancel(p->conn);
	if (cancel != NULL) {
		char err[256];
		(void)PQcancel(cancel, err, sizeof(err));
		PQfreeCancel(cancel);
	}
	if (copy) {
		char *buf;
		int n;
		while ((n = PQgetCopyData(p->conn, &buf, 0)) > 0)
			PQfreemem(buf);
	}
	PGresult *res;
	while ((res = PQgetResult(p->conn)) != NULL)
		PQclear(res);
}

static int pg_select_copy(struct pg_transport *p, const struct kvdb_select *s, kvdb_row_fn fn,
			  void *arg)
{
	struct kvdb_ctx *rc = p->base.rc;
	char sql[KVDB_SQL_MAX + 64];
	int ret = -1;
	struct copy_parse cp = {.p = p, .s = s, .fn = fn, .arg = arg};
	PGresult *res = NULL;

	if (s->n_cols > COPY_MAX_COLS)
		return kvdb_error(rc, "too many columns for table \"%s\"", s->what);
	int n = snprintf(sql, sizeof(sql), "COPY (%s) TO STDOUT (FORMAT binary)", s->sql);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return kvdb_error(rc, "the SQL text for table \"%s\" is too long", s->what);

	res = PQexec(p->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		kvdb_error(rc, "%s \"%s\" over libpq failed: %s", KVDB_ACTION(s), s->what,
			   pg_msg(res, p->conn));
		goto done;
	}
	PQclear(res);
	res = NULL;

	for (;;) {
		char *buf = NULL;
		int len = PQgetCopyData(p->conn, &buf, 0);
		if (len > 0) {
			int fr = copy_feed(&cp, (const unsigned char *)buf, (size_t)len);
			PQfreemem(buf);
			if (fr != 0) {
				pg_cancel_and_drain(p, true);
				goto done; /* kvdb_error already called */
			}
			continue;
		}
		if (len == -2) {
			kvdb_error(rc, "%s \"%s\" over libpq failed: %s", KVDB_ACTION(s), s->what,
				   PQerrorMessage(p->conn));
			pg_cancel_and_drain(p, false);
			goto done;
		}
		break; /* -1: the COPY is complete */
	}
	res = PQgetResult(p->conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		kvdb_error(rc, "%s \"%s\" over libpq failed: %s", KVDB_ACTION(s), s->what,
			   pg_msg(res, p->conn));
		goto done;
	}
	if (!cp.trailer_seen || cp.carry_len != 0) {
		kvdb_error(rc, "%s \"%s\" over libpq failed: the COPY data ended early",
			   KVDB_ACTION(s), s->what);
		goto done;
	}
	ret = 0;
done:
	if (res != NULL) {
		PQclear(res);
		while ((res = PQgetResult(p->conn)) != NULL)
			PQclear(res);
	}
	if (cp.carry != NULL)
		kvdb_free(p->base.mem, cp.carry);
	return ret;
}

static int pg_select_params(struct pg_transport *p, const struct kvdb_select *s, kvdb_row_fn fn,
			    void *arg)
{
	struct kvdb_ctx *rc = p->base.rc;
	struct kvdb_cell cells[COPY_MAX_COLS];
	bool failed = false, stopped = false;
	char err[1024] = "";

	if (s->n_cols > COPY_MAX_COLS)
		return kvdb_error(rc, "too many columns for table \"%s\"", s->what);
	if (s->n_params > INT32_MAX)
		return kvdb_error(rc, "too many parameters for table \"%s\"", s->what);
	if (!PQsendQueryParams(p->conn, s->sql, (int)s->n_params, NULL, s->params, NULL, NULL,
			       1))
		return kvdb_error(rc, "%s \"%s\" over libpq failed: %s", KVDB_ACTION(s), s->what,
				  PQerrorMessage(p->conn));
	if (!PQsetSingleRowMode(p->conn)) {
		pg_cancel_and_drain(p, false);
		return kvdb_error(rc, "%s \"%s\" over libpq failed: single-row mode "
				      "refused",
				  KVDB_ACTION(s), s->what);
	}
	PGresult *res;
	while ((res = PQgetResult(p->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE && !failed && !stopped) {
			if ((size_t)PQnfields(res) != s->n_cols) {
				snprintf(err, sizeof(err), "%d columns where %zu were expected",
					 PQnfields(res), s->n_cols);
				failed = true;
			} else {
				for (size_t f = 0; f < s->n_cols; f++) {
					int fl = PQgetisnull(res, 0, (int)f)
							 ? -1
							 : PQgetlength(res, 0, (int)f);
					decode_field(
						&cells[f], s->types[f],
						s->text_max != NULL ? s->text_max[f] : 0,
						(const unsigned char *)PQgetvalue(res, 0, (int)f),
						fl);
				}
				if (fn(arg, cells) != 0) {
					stopped = true;
					PQclear(res);
					pg_cancel_and_drain(p, false);
					return -1;
				}
			}
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !failed) {
			snprintf(err, sizeof(err), "%s", pg_msg(res, p->conn));
			failed = true;
		}
		PQclear(res);
	}
	if (failed)
		return kvdb_error(rc, "%s \"%s\" over libpq failed: %s", KVDB_ACTION(s), s->what,
				  err);
	if (PQstatus(p->conn) != CONNECTION_OK)
		return kvdb_error(rc, "%s \"%s\" over libpq failed: %s", KVDB_ACTION(s), s->what,
				  PQerrorMessage(p->conn));
	return 0;
}

/* ---- operations -------------------------------------------------------- */

static int pg_select(struct kvdb_transport *t, const struct kvdb_select *s, kvdb_row_fn fn,
		     void *arg)
{
	struct pg_transport *p = (struct pg_transport *)t;
	if (s->n_params == 0)
		return pg_select_copy(p, s, fn, arg);
	return pg_select_params(p, s, fn, arg);
}

static int pg_begin(struct kvdb_transport *t)
{
	struct pg_transport *p = (struct pg_transport *)t;
	if (PQstatus(p->conn) != CONNECTION_OK) {
		/* lost since the last read: connect again with the same parameters */
		PQreset(p->conn);
		if (PQstatus(p->conn) != CONNECTION_OK)
			return kvdb_error(t->rc, "could not reconnect to the EHR database over "
						 "libpq: %s",
					  PQerrorMessage(p->conn));
		if (pg_session_setup(p) != 0)
			return -1;
	}
	if (PQtransactionStatus(p->conn) != PQTRANS_IDLE) {
		PGresult *res = PQexec(p->conn, "ROLLBACK");
		PQclear(res);
	}
	return pg_exec(p, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
		       "starting a read-only transaction");
}

static int pg_end(struct kvdb_transport *t, bool report)
{
	struct pg_transport *p = (struct pg_transport *)t;
	if (!report) {
		if (PQstatus(p->conn) == CONNECTION_OK &&
		    PQtransactionStatus(p->conn) != PQTRANS_IDLE)
			PQclear(PQexec(p->conn, "ROLLBACK"));
		return 0;
	}
	if (PQstatus(p->conn) != CONNECTION_OK)
		return kvdb_error(t->rc, "ending the read-only transaction over libpq failed: %s",
				  PQerrorMessage(p->conn));
	return pg_exec(p, "ROLLBACK", "ending the read-only transaction");
}

/* A second connection with the same parameters inside this transaction's
 * snapshot (pg_export_snapshot / SET TRANSACTION SNAPSHOT), or NULL. Its
 * failures are not errors: the read then simply stays on one connection. */
static struct kvdb_transport *pg_twin(struct kvdb_transport *t)
{
	struct pg_transport *p = (struct pg_transport *)t;
	struct pg_transport *q = NULL;
	char snapshot[128];
	PGresult *res = PQexec(p->conn, "SELECT pg_export_snapshot()");
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		  PQgetlength(res, 0, 0) > 0 && PQgetlength(res, 0, 0) < (int)sizeof(snapshot);
	if (ok)
		snprintf(snapshot, sizeof(snapshot), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	PQconninfoOption *opts = ok ? PQconninfo(p->conn) : NULL;
	if (opts == NULL)
		return NULL;
	const char *keys[64], *vals[64];
	size_t k = 0;
	for (PQconninfoOption *o = opts; o->keyword != NULL && k + 1 < 64; o++)
		if (o->val != NULL && o->val[0] != '\0')
			keys[k] = o->keyword, vals[k++] = o->val;
	keys[k] = NULL, vals[k] = NULL;
	q = calloc(1, sizeof(*q));
	if (q != NULL) {
		q->base = p->base;
		q->conn = PQconnectdbParams(keys, vals, 0);
	}
	PQconninfoFree(opts);
	if (q == NULL || q->conn == NULL || PQstatus(q->conn) != CONNECTION_OK)
		goto fail;
	PQsetNoticeProcessor(q->conn, quiet_notices, NULL);
	char sql[192];
	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT '%s'", snapshot);
	const char *steps[] = {"BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", sql};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		res = PQexec(q->conn, steps[i]);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (!ok)
			goto fail;
	}
	return &q->base;
fail:
	if (q != NULL)
		PQfinish(q->conn);
	free(q);
	return NULL;
}

static size_t pg_buffer_bytes(struct kvdb_transport *t, size_t budget)
{
	(void)t;
	(void)budget;
	return 0; /* rows are parsed straight out of libpq's buffers */
}

static void pg_close(struct kvdb_transport *t)
{
	struct pg_transport *p = (struct pg_transport *)t;
	if (p == NULL)
		return;
	PQfinish(p->conn);
	free(p);
}

int kvdb_pg_open(struct kvdb_ctx *rc, const char *dsn, const char *password,
		 const char *application_name, struct kvdb_transport **out)
{
	struct pg_transport *p = NULL;
	int ret = -1;

	/* a password inside the dsn must never be echoed either */
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(dsn, &perr);
	PQfreemem(perr);
	if (opts != NULL) {
		for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
			if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
				(void)kvdb_ctx_add_secret(rc, o->val, strlen(o->val));
		PQconninfoFree(opts);
	}

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return kvdb_error(rc, "out of memory");
	p->base.name = "libpq";
	p->base.dialect = KVDB_DIALECT_POSTGRES;
	p->base.params = KVDB_PARAM_DOLLAR;
	p->base.rc = rc;
	p->base.begin = pg_begin;
	p->base.end = pg_end;
	p->base.select = pg_select;
	p->base.buffer_bytes = pg_buffer_bytes;
	p->base.twin = pg_twin;
	p->base.close = pg_close;

	/* Later entries override the expanded dsn, earlier ones are defaults it
	 * may override (PQconnectdbParams, expand_dbname). */
	const char *keys[8], *vals[8];
	size_t k = 0;
	keys[k] = "connect_timeout", vals[k++] = "10";
	keys[k] = "fallback_application_name", vals[k++] = application_name;
	keys[k] = "dbname", vals[k++] = dsn;
	if (password != NULL && password[0] != '\0')
		keys[k] = "password", vals[k++] = password;
	keys[k] = "client_encoding", vals[k++] = "UTF8";
	keys[k] = NULL, vals[k] = NULL;

	p->conn = PQconnectdbParams(keys, vals, 1);
	if (p->conn == NULL) {
		kvdb_error(rc, "could not connect to the EHR database over libpq: out of memory");
		goto done;
	}
	if (PQstatus(p->conn) != CONNECTION_OK) {
		kvdb_error(rc, "could not connect to the EHR database over libpq: %s",
			   PQerrorMessage(p->conn));
		goto done;
	}
	if (pg_session_setup(p) != 0)
		goto done;
	*out = &p->base;
	p = NULL;
	ret = 0;
done:
	pg_close(p != NULL ? &p->base : NULL);
	return ret;
}
