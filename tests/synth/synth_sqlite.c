/*
 * synth_sqlite.c - the SQLite sink of kvalind-synth. Creates FILE.tmp
 * (refusing if FILE or FILE.tmp exists), creates the tables from the
 * embedded schema, inserts every row through one prepared statement per
 * table with bound parameters in a single transaction, builds the indexes
 * after loading, and publishes the file as FILE with link()+unlink() so an
 * existing FILE is never overwritten and a failed run leaves nothing.
 * Dates are ISO 'YYYY-MM-DD' text, timestamps 'YYYY-MM-DD HH:MM:SS'.
 */
#include "synth.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *ins[TB_COUNT];
    char *path, *tmp;
    int created;                /* this run created tmp: remove it on failure */
    int finished;
} sq_impl;

static int sq_exec(sink *s, sq_impl *q, const char *sql, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        sfmt(s->err, sizeof s->err, "sqlite %s: %s: %s", q->tmp, what,
             msg ? msg : sqlite3_errmsg(q->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int sq_row(sink *s, int table, const sval *v)
{
    sq_impl *q = s->impl;
    sqlite3_stmt *st = q->ins[table];
    char text[MAX_COLS][20];
    int rc = SQLITE_OK;
    for (int i = 0; i < synth_tables[table].ncol && rc == SQLITE_OK; i++) {
        int col = i + 1;
        switch (v[i].kind) {
        case SV_NULL:
            rc = sqlite3_bind_null(st, col);
            break;
        case SV_INT:
            rc = sqlite3_bind_int64(st, col, v[i].i);
            break;
        case SV_REAL:
            rc = sqlite3_bind_double(st, col, v[i].r);
            break;
        case SV_TEXT:
        case SV_BADDATE:
            rc = sqlite3_bind_text(st, col, v[i].s, -1, SQLITE_STATIC);
            break;
        case SV_DATE:
            fmt_date(text[i], (int32_t)v[i].i);
            rc = sqlite3_bind_text(st, col, text[i], -1, SQLITE_STATIC);
            break;
        case SV_TIME:
            fmt_time(text[i], (int32_t)(v[i].i / 86400), (int)(v[i].i % 86400));
            rc = sqlite3_bind_text(st, col, text[i], -1, SQLITE_STATIC);
            break;
        }
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        sfmt(s->err, sizeof s->err, "sqlite %s: insert into %s: %s", q->tmp,
             synth_tables[table].name, sqlite3_errmsg(q->db));
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    s->rows[table]++;
    return 0;
}

static void sq_close(sq_impl *q)
{
    for (int t = 0; t < TB_COUNT; t++) {
        sqlite3_finalize(q->ins[t]);
        q->ins[t] = NULL;
    }
    if (q->db)
        sqlite3_close(q->db);
    q->db = NULL;
}

static int sq_finish(sink *s)
{
    sq_impl *q = s->impl;
    sbuf tables = {0}, indexes = {0}, fks = {0};
    int rc = -1;
    if (schema_split(0, &tables, &indexes, &fks, s->err, sizeof s->err) != 0)
        goto done;
    if (sq_exec(s, q, indexes.p, "create indexes") != 0 || sq_exec(s, q, "COMMIT", "commit") != 0)
        goto done;
    for (int t = 0; t < TB_COUNT; t++) {
        sqlite3_finalize(q->ins[t]);
        q->ins[t] = NULL;
    }
    if (sqlite3_close(q->db) != SQLITE_OK) {
        sfmt(s->err, sizeof s->err, "sqlite %s: close: %s", q->tmp, sqlite3_errmsg(q->db));
        goto done;
    }
    q->db = NULL;
    if (link(q->tmp, q->path) != 0) {
        sfmt(s->err, sizeof s->err, "sqlite: cannot publish %s as %s: %s", q->tmp, q->path,
             strerror(errno));
        goto done;
    }
    unlink(q->tmp);
    q->finished = 1;
    rc = 0;
done:
    sbuf_free(&tables);
    sbuf_free(&indexes);
    sbuf_free(&fks);
    return rc;
}

static void sq_destroy(sink *s)
{
    if (!s)
        return;
    sq_impl *q = s->impl;
    if (q) {
        sq_close(q);
        if (q->created && !q->finished)
            unlink(q->tmp);
        free(q->path);
        free(q->tmp);
        free(q);
    }
    free(s);
}

static int sq_prepare(sink *s, sq_impl *q)
{
    for (int t = 0; t < TB_COUNT; t++) {
        char sql[512], marks[4 * MAX_COLS] = "?";
        int bad = 0;
        for (int i = 1; i < synth_tables[t].ncol; i++)
            bad |= sfmt(marks + strlen(marks), sizeof marks - strlen(marks), ", ?");
        if (bad || sfmt(sql, sizeof sql, "INSERT INTO %s (%s) VALUES (%s)", synth_tables[t].name,
                        synth_tables[t].cols, marks) != 0) {
            sfmt(s->err, sizeof s->err, "sqlite: insert statement for %s too long",
                 synth_tables[t].name);
            return -1;
        }
        if (sqlite3_prepare_v2(q->db, sql, -1, &q->ins[t], NULL) != SQLITE_OK) {
            sfmt(s->err, sizeof s->err, "sqlite %s: prepare insert into %s: %s", q->tmp,
                 synth_tables[t].name, sqlite3_errmsg(q->db));
            return -1;
        }
    }
    return 0;
}

sink *sqlite_sink_open(const char *path, char *err, size_t errlen)
{
    sink *s = calloc(1, sizeof *s);
    sq_impl *q = calloc(1, sizeof *q);
    sbuf tables = {0}, indexes = {0}, fks = {0};
    size_t n = strlen(path) + 5;
    int ok = 0;
    if (!s || !q) {
        sfmt(err, errlen, "sqlite: out of memory");
        goto done;
    }
    s->impl = q;
    s->row = sq_row;
    s->finish = sq_finish;
    s->destroy = sq_destroy;
    if (!(q->path = strdup(path)) || !(q->tmp = malloc(n))) {
        sfmt(err, errlen, "sqlite: out of memory");
        goto done;
    }
    sfmt(q->tmp, n, "%s.tmp", path);
    if (access(path, F_OK) == 0) {
        sfmt(err, errlen, "sqlite: %s already exists; refusing to overwrite it", path);
        goto done;
    }
    if (access(q->tmp, F_OK) == 0) {
        sfmt(err, errlen, "sqlite: %s exists (left by an earlier run?); remove it first", q->tmp);
        goto done;
    }
    q->created = 1;
    if (sqlite3_open_v2(q->tmp, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sfmt(err, errlen, "sqlite: cannot create %s: %s", q->tmp,
             q->db ? sqlite3_errmsg(q->db) : "out of memory");
        goto done;
    }
    if (schema_split(0, &tables, &indexes, &fks, err, errlen) != 0)
        goto done;
    if (sq_exec(s, q, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                      "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-65536; "
                      "PRAGMA temp_store=MEMORY", "pragmas") != 0 ||
        sq_exec(s, q, "BEGIN", "begin") != 0 ||
        sq_exec(s, q, tables.p, "create tables") != 0 || sq_prepare(s, q) != 0) {
        sfmt(err, errlen, "%s", s->err);
        goto done;
    }
    ok = 1;
done:
    sbuf_free(&tables);
    sbuf_free(&indexes);
    sbuf_free(&fks);
    if (!ok) {
        if (s && s->impl)
            sq_destroy(s);
        else {
            free(q);
            free(s);
        }
        s = NULL;
    }
    return s;
}
