/*
 * synth_pg.c - the PostgreSQL sink of kvalind-synth. Connects with libpq,
 * refuses if any table of the schema already exists, and loads everything
 * in one transaction: tables (foreign keys held back), rows through
 * COPY ... FROM STDIN in text format (buffered per table, flushed in
 * batches so memory stays bounded), then indexes, the foreign keys as
 * ALTER TABLE (validated in bulk), ANALYZE and COMMIT. Any failure rolls
 * back, leaving the database as it was.
 */
#include "synth.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_BYTES (8u << 20)
#define CHUNK_BYTES (1u << 20)

typedef struct {
    PGconn *conn;
    sbuf buf[TB_COUNT];
    size_t pending;
    int in_tx, finished;
} pg_impl;

static void pg_error(sink *s, const char *what, PGresult *res)
{
    pg_impl *g = s->impl;
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg || !msg[0])
        msg = PQerrorMessage(g->conn);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    sfmt(s->err, sizeof s->err, "pg: %s: %.*s", what, (int)n, msg);
}

static int pg_exec(sink *s, const char *sql, const char *what)
{
    pg_impl *g = s->impl;
    PGresult *res = PQexec(g->conn, sql);
    int rc = 0;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        pg_error(s, what, res);
        rc = -1;
    }
    PQclear(res);
    return rc;
}

/* Appends one value in COPY text format. */
static int copy_value(sbuf *b, const sval *v)
{
    char tmp[40];
    switch (v->kind) {
    case SV_NULL:
        return sbuf_add(b, "\\N", 2);
    case SV_INT:
        sfmt(tmp, sizeof tmp, "%lld", (long long)v->i);
        return sbuf_adds(b, tmp);
    case SV_REAL:
        sfmt(tmp, sizeof tmp, "%.17g", v->r);
        return sbuf_adds(b, tmp);
    case SV_DATE:
    case SV_BADDATE:    /* PostgreSQL's date type cannot hold a bad date */
        fmt_date(tmp, (int32_t)v->i);
        return sbuf_add(b, tmp, 10);
    case SV_TIME:
        fmt_time(tmp, (int32_t)(v->i / 86400), (int)(v->i % 86400));
        return sbuf_add(b, tmp, 19);
    case SV_TEXT:
        break;
    }
    const char *s = v->s, *run = s;
    for (; *s; s++) {
        const char *esc = *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r"
                        : *s == '\t' ? "\\t" : NULL;
        if (!esc)
            continue;
        if (sbuf_add(b, run, (size_t)(s - run)) != 0 || sbuf_add(b, esc, 2) != 0)
            return -1;
        run = s + 1;
    }
    return sbuf_add(b, run, (size_t)(s - run));
}

static int copy_table(sink *s, int t)
{
    pg_impl *g = s->impl;
    sbuf *b = &g->buf[t];
    char sql[512], what[64];
    PGresult *res = NULL;
    int rc = -1, copying = 0;
    sfmt(what, sizeof what, "COPY %s", synth_tables[t].name);
    if (sfmt(sql, sizeof sql, "COPY %s (%s) FROM STDIN", synth_tables[t].name,
             synth_tables[t].cols) != 0) {
        sfmt(s->err, sizeof s->err, "pg: COPY statement for %s too long", synth_tables[t].name);
        goto done;
    }
    res = PQexec(g->conn, sql);
    if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
        pg_error(s, what, res);
        goto done;
    }
    copying = 1;
    PQclear(res);
    res = NULL;
    for (size_t off = 0; off < b->len; off += CHUNK_BYTES) {
        size_t n = b->len - off < CHUNK_BYTES ? b->len - off : CHUNK_BYTES;
        if (PQputCopyData(g->conn, b->p + off, (int)n) != 1) {
            pg_error(s, what, NULL);
            PQputCopyEnd(g->conn, "kvalind-synth: send failed");
            goto done;
        }
    }
    if (PQputCopyEnd(g->conn, NULL) != 1) {
        pg_error(s, what, NULL);
        goto done;
    }
    res = PQgetResult(g->conn);
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
        pg_error(s, what, res);
        goto done;
    }
    rc = 0;
done:
    PQclear(res);
    if (copying)
        while ((res = PQgetResult(g->conn)) != NULL)
            PQclear(res);
    b->len = 0;
    return rc;
}

static int flush_all(sink *s)
{
    pg_impl *g = s->impl;
    for (int t = 0; t < TB_COUNT; t++)
        if (g->buf[t].len && copy_table(s, t) != 0)
            return -1;
    g->pending = 0;
    return 0;
}

static int pg_row(sink *s, int table, const sval *v)
{
    pg_impl *g = s->impl;
    sbuf *b = &g->buf[table];
    size_t before = b->len;
    for (int i = 0; i < synth_tables[table].ncol; i++) {
        if ((i && sbuf_add(b, "\t", 1) != 0) || copy_value(b, &v[i]) != 0) {
            sfmt(s->err, sizeof s->err, "pg: out of memory buffering %s", synth_tables[table].name);
            return -1;
        }
    }
    if (sbuf_add(b, "\n", 1) != 0) {
        sfmt(s->err, sizeof s->err, "pg: out of memory buffering %s", synth_tables[table].name);
        return -1;
    }
    g->pending += b->len - before;
    s->rows[table]++;
    return g->pending >= FLUSH_BYTES ? flush_all(s) : 0;
}

static int pg_finish(sink *s)
{
    pg_impl *g = s->impl;
    sbuf tables = {0}, indexes = {0}, fks = {0};
    int rc = -1;
    if (flush_all(s) != 0)
        goto done;
    if (schema_split(1, &tables, &indexes, &fks, s->err, sizeof s->err) != 0)
        goto done;
    if (pg_exec(s, indexes.p, "create indexes") != 0 ||
        pg_exec(s, fks.p, "add foreign keys") != 0 ||
        pg_exec(s, "ANALYZE practitioner, patient, list_period, contact, fee, diagnosis, "
                   "medication, prescription, lab_result, blood_pressure, form, journal_note",
                "analyze") != 0 ||
        pg_exec(s, "COMMIT", "commit") != 0)
        goto done;
    g->in_tx = 0;
    g->finished = 1;
    rc = 0;
done:
    sbuf_free(&tables);
    sbuf_free(&indexes);
    sbuf_free(&fks);
    return rc;
}

static void pg_destroy(sink *s)
{
    if (!s)
        return;
    pg_impl *g = s->impl;
    if (g) {
        if (g->conn && g->in_tx) {
            PGresult *res = PQexec(g->conn, "ROLLBACK");
            PQclear(res);
        }
        if (g->conn)
            PQfinish(g->conn);
        for (int t = 0; t < TB_COUNT; t++)
            sbuf_free(&g->buf[t]);
        free(g);
    }
    free(s);
}

/* Names of schema tables that already exist, via one bound parameter. */
static int check_absent(sink *s)
{
    pg_impl *g = s->impl;
    char list[512] = "{";
    for (int t = 0; t < TB_COUNT; t++) {
        size_t n = strlen(list);
        if (sfmt(list + n, sizeof list - n, "%s%s%s", t ? "," : "", synth_tables[t].name,
                 t + 1 == TB_COUNT ? "}" : "") != 0) {
            sfmt(s->err, sizeof s->err, "pg: table list too long");
            return -1;
        }
    }
    const char *params[1] = {list};
    PGresult *res = PQexecParams(g->conn,
        "SELECT string_agg(t, ', ') FROM unnest($1::text[]) AS t "
        "WHERE to_regclass(quote_ident(t)) IS NOT NULL",
        1, NULL, params, NULL, NULL, 0);
    int rc = 0;
    if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_error(s, "check for existing tables", res);
        rc = -1;
    } else if (!PQgetisnull(res, 0, 0)) {
        sfmt(s->err, sizeof s->err, "pg: tables already exist: %s; refusing to write",
             PQgetvalue(res, 0, 0));
        rc = -1;
    }
    PQclear(res);
    return rc;
}

sink *pg_sink_open(const char *conninfo, char *err, size_t errlen)
{
    sink *s = calloc(1, sizeof *s);
    pg_impl *g = calloc(1, sizeof *g);
    sbuf tables = {0}, indexes = {0}, fks = {0};
    int ok = 0;
    if (!s || !g) {
        sfmt(err, errlen, "pg: out of memory");
        goto done;
    }
    s->impl = g;
    s->row = pg_row;
    s->finish = pg_finish;
    s->destroy = pg_destroy;
    g->conn = PQconnectdb(conninfo);
    if (!g->conn || PQstatus(g->conn) != CONNECTION_OK) {
        pg_error(s, "connect", NULL);
        goto done;
    }
    if (PQsetClientEncoding(g->conn, "UTF8") != 0) {
        pg_error(s, "set client encoding UTF8", NULL);
        goto done;
    }
    if (check_absent(s) != 0 ||
        schema_split(1, &tables, &indexes, &fks, s->err, sizeof s->err) != 0 ||
        pg_exec(s, "BEGIN", "begin") != 0)
        goto done;
    g->in_tx = 1;
    if (pg_exec(s, "SET LOCAL maintenance_work_mem = '256MB'", "set maintenance_work_mem") != 0 ||
        pg_exec(s, tables.p, "create tables") != 0)
        goto done;
    ok = 1;
done:
    sbuf_free(&tables);
    sbuf_free(&indexes);
    sbuf_free(&fks);
    if (!ok) {
        if (s && s->err[0])
            sfmt(err, errlen, "%s", s->err);
        if (s && s->impl)
            pg_destroy(s);
        else {
            free(g);
            free(s);
        }
        s = NULL;
    }
    return s;
}
