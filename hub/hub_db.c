/*
 * hub_db.c - the hub's PostgreSQL database: schema migrations, the
 * catalogue, participants, and storing an extract in one transaction
 *
 * Every value goes in as a bound parameter (PQexecParams); no SQL is built
 * from received text. Schema (migration 1):
 *
 *   schema_version(version, applied_at)
 *   indicators(id, version, type, direction, title, title_nb, numerator,
 *              denominator, plugin, plugin_version, first_seen, last_seen)
 *   participants(id, team_start, cert_serial, cert_not_after, revoked,
 *                revoked_at, registered_at)
 *   participant_groups(participant, group_name)
 *   extracts(extract_id, idempotency_key, participant, month, manifest jsonb,
 *            csv, csv_sha256, cert_serial, received_at, superseded_by,
 *            superseded_at)    -- one current (not superseded) per office-month
 *   extract_values(extract_id, indicator, indicator_version, numerator,
 *            numerator_status, denominator, denominator_status, share, mean)
 *
 * ("values" is a reserved word in SQL, hence extract_values.) Migration 2:
 *
 *   leads(name, groups text[], serial, cert_not_after, revoked, revoked_at,
 *         registered_at)   -- quality leads: certificates "CN=lead:NAME, OU=lead"
 */
#include "hub.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE indicators ("
    " id text NOT NULL, version integer NOT NULL CHECK (version > 0),"
    " type text NOT NULL CHECK (type IN ('proportion', 'mean')),"
    " direction smallint NOT NULL CHECK (direction IN (-1, 0, 1)),"
    " title text NOT NULL, title_nb text NOT NULL, numerator text NOT NULL,"
    " denominator text NOT NULL, plugin text NOT NULL, plugin_version text NOT NULL,"
    " first_seen timestamptz NOT NULL DEFAULT now(),"
    " last_seen timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (id, version));"
    "CREATE TABLE participants ("
    " id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,100}$'),"
    " team_start date CHECK (team_start IS NULL OR extract(day FROM team_start) = 1),"
    " cert_serial text, cert_not_after timestamptz,"
    " revoked boolean NOT NULL DEFAULT false, revoked_at timestamptz,"
    " registered_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE participant_groups ("
    " participant text NOT NULL REFERENCES participants(id),"
    " group_name text NOT NULL CHECK (group_name ~ '^[A-Za-z0-9_.:=-]{1,100}$'),"
    " PRIMARY KEY (participant, group_name));"
    "CREATE TABLE extracts ("
    " extract_id text PRIMARY KEY,"
    " idempotency_key text NOT NULL UNIQUE CHECK (idempotency_key = extract_id),"
    " participant text NOT NULL REFERENCES participants(id),"
    " month date NOT NULL CHECK (extract(day FROM month) = 1),"
    " manifest jsonb NOT NULL, csv text NOT NULL,"
    " csv_sha256 text NOT NULL CHECK (csv_sha256 ~ '^[0-9a-f]{64}$'),"
    " cert_serial text NOT NULL,"
    " received_at timestamptz NOT NULL DEFAULT now(),"
    " superseded_by text REFERENCES extracts(extract_id) DEFERRABLE INITIALLY DEFERRED,"
    " superseded_at timestamptz,"
    " CHECK ((superseded_by IS NULL) = (superseded_at IS NULL)));"
    "CREATE UNIQUE INDEX extracts_current ON extracts (participant, month)"
    " WHERE superseded_by IS NULL;"
    "CREATE INDEX extracts_participant_month ON extracts (participant, month);"
    "CREATE TABLE extract_values ("
    " extract_id text NOT NULL REFERENCES extracts(extract_id),"
    " indicator text NOT NULL, indicator_version integer NOT NULL,"
    " numerator bigint, numerator_status text NOT NULL,"
    " denominator bigint, denominator_status text NOT NULL,"
    " share numeric(10,4), mean numeric(20,2),"
    " PRIMARY KEY (extract_id, indicator),"
    " CHECK ((numerator IS NULL) = (numerator_status <> 'published')),"
    " CHECK ((denominator IS NULL) = (denominator_status <> 'published')));",
    /* 2: quality leads, who read the reports (never push) */
    "CREATE TABLE leads ("
    " name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.-]{1,64}$'),"
    " groups text[] NOT NULL CHECK (cardinality(groups) > 0),"
    " serial text NOT NULL, cert_not_after timestamptz,"
    " revoked boolean NOT NULL DEFAULT false, revoked_at timestamptz,"
    " registered_at timestamptz NOT NULL DEFAULT now());"
    "CREATE INDEX extract_values_indicator ON extract_values (indicator);",
};

static int exec_ok(PGconn *db, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(db, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
	if (rc != 0)
		kv_snprintf(err, errlen, "database: %s", PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

/* PQexecParams with text parameters; NULL on failure (err filled). */
static PGresult *query(PGconn *db, const char *sql, int n, const char *const *params,
		       char *err, size_t errlen)
{
	PGresult *r = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		kv_snprintf(err, errlen, "database: %s", PQresultErrorMessage(r));
		/* PostgreSQL's messages end with a newline */
		size_t len = strlen(err);
		while (len > 0 && (err[len - 1] == '\n' || err[len - 1] == ' '))
			err[--len] = '\0';
		PQclear(r);
		return NULL;
	}
	return r;
}

static int command(PGconn *db, const char *sql, int n, const char *const *params, char *err,
		   size_t errlen)
{
	PGresult *r = query(db, sql, n, params, err, errlen);
	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

static void rollback(PGconn *db)
{
	PGresult *r = PQexec(db, "ROLLBACK");
	PQclear(r);
}

PGconn *hub_db_connect(const struct hub_config *cfg, char *err, size_t errlen)
{
	const char *keys[] = {"dbname", "password", "application_name", NULL};
	const char *vals[] = {cfg->dsn, cfg->password, HUB_PROG, NULL};
	if (cfg->password == NULL) {
		keys[1] = "application_name";
		vals[1] = HUB_PROG;
		keys[2] = vals[2] = NULL;
	}
	PGconn *db = PQconnectdbParams(keys, vals, 1);
	if (db == NULL || PQstatus(db) != CONNECTION_OK) {
		kv_snprintf(err, errlen, "cannot connect to the database: %s",
			    db ? PQerrorMessage(db) : "out of memory");
		size_t len = strlen(err);
		while (len > 0 && err[len - 1] == '\n')
			err[--len] = '\0';
		PQfinish(db);
		return NULL;
	}
	PGresult *r = PQexec(db, "SET client_min_messages = warning");
	PQclear(r);
	return db;
}

/* ---- the server's pool -------------------------------------------------------- */

struct pool_conn {
	PGconn *db;
	enum hub_db_role role;
	bool busy;
	bool borrowed; /* the caller's: not closed with the pool */
};

struct hub_db_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct pool_conn *c;
	size_t n;
};

struct hub_db_pool *hub_db_pool_open(const struct hub_config *cfg, PGconn *first, char *err,
				     size_t errlen)
{
	struct hub_db_pool *p = kv_xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	size_t writers = cfg->db_writers > 0 ? (size_t)cfg->db_writers : 1;
	size_t readers = cfg->db_readers > 0 ? (size_t)cfg->db_readers : 1;
	p->c = kv_xcalloc(writers + readers, sizeof *p->c);
	for (size_t i = 0; i < writers + readers; i++) {
		struct pool_conn *pc = &p->c[i];
		pc->role = i < writers ? HUB_DB_WRITER : HUB_DB_READER;
		if (i == 0 && first != NULL) {
			pc->db = first;
			pc->borrowed = true;
		} else if ((pc->db = hub_db_connect(cfg, err, errlen)) == NULL) {
			hub_db_pool_close(p);
			return NULL;
		}
		p->n = i + 1;
	}
	return p;
}

/* A connection that works, reset once if it does not; false with err. */
static bool pool_usable(PGconn *db, char *err, size_t errlen)
{
	if (PQstatus(db) == CONNECTION_OK)
		return true;
	PQreset(db);
	if (PQstatus(db) != CONNECTION_OK) {
		kv_snprintf(err, errlen, "database: connection lost and not restored: %s",
			    PQerrorMessage(db));
		size_t len = strlen(err);
		while (len > 0 && err[len - 1] == '\n')
			err[--len] = '\0';
		return false;
	}
	PGresult *r = PQexec(db, "SET client_min_messages = warning");
	PQclear(r);
	hub_log(KV_LOG_WARNING, "database: connection restored");
	return true;
}

PGconn *hub_db_pool_acquire(struct hub_db_pool *p, enum hub_db_role role, char *err,
			    size_t errlen)
{
	struct pool_conn *pc = NULL;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (size_t i = 0; i < p->n && pc == NULL; i++)
			if (p->c[i].role == role && !p->c[i].busy)
				pc = &p->c[i];
		if (pc != NULL)
			break;
		pthread_cond_wait(&p->freed, &p->lock);
	}
	pc->busy = true;
	pthread_mutex_unlock(&p->lock);
	/* A connection that broke in the meantime is reset; a reader's
	 * snapshot that cannot begin on a connection that looks fine is
	 * retried once on a reset one. */
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!pool_usable(pc->db, err, errlen))
			break;
		if (role == HUB_DB_WRITER)
			return pc->db;
		if (exec_ok(pc->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err,
			    errlen) == 0)
			return pc->db;
		if (PQstatus(pc->db) == CONNECTION_OK)
			break; /* not a lost connection: say why */
	}
	hub_db_pool_release(p, pc->db);
	return NULL;
}

void hub_db_pool_release(struct hub_db_pool *p, PGconn *db)
{
	if (db == NULL)
		return;
	/* whatever the holder left open ends here: a reader's snapshot, or a
	 * writer's transaction cut short */
	if (PQstatus(db) == CONNECTION_OK && PQtransactionStatus(db) != PQTRANS_IDLE)
		rollback(db);
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->n; i++)
		if (p->c[i].db == db)
			p->c[i].busy = false;
	pthread_cond_broadcast(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

bool hub_db_connection_lost(PGconn *db)
{
	return PQstatus(db) != CONNECTION_OK;
}

void hub_db_pool_close(struct hub_db_pool *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (!p->c[i].borrowed)
			PQfinish(p->c[i].db);
	free(p->c);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

int hub_db_migrate(PGconn *db, char *err, size_t errlen)
{
	if (exec_ok(db,
		    "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < KV_ARRAY_SIZE(migrations); i++) {
		char v[16];
		snprintf(v, sizeof v, "%zu", i + 1);
		const char *p[] = {v};
		if (exec_ok(db, "BEGIN", err, errlen) != 0)
			return -1;
		/* Serialise concurrent starts: the second waits, then sees it done. */
		if (exec_ok(db, "LOCK TABLE schema_version IN EXCLUSIVE MODE", err, errlen) != 0)
			goto fail;
		PGresult *r = query(db, "SELECT 1 FROM schema_version WHERE version = $1", 1, p, err,
				    errlen);
		if (r == NULL)
			goto fail;
		int done = PQntuples(r) > 0;
		PQclear(r);
		if (!done) {
			if (exec_ok(db, migrations[i], err, errlen) != 0 ||
			    command(db, "INSERT INTO schema_version (version) VALUES ($1)", 1, p, err,
				    errlen) != 0)
				goto fail;
			hub_log(KV_LOG_INFO, "database: schema migrated to version %s", v);
		}
		if (exec_ok(db, "COMMIT", err, errlen) != 0)
			return -1;
	}
	return 0;
fail:
	rollback(db);
	return -1;
}

int hub_db_store_catalogue(PGconn *db, const struct hub_catalogue *cat, char *err,
			   size_t errlen)
{
	if (exec_ok(db, "BEGIN", err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < cat->n; i++) {
		const struct hub_indicator *h = &cat->ind[i];
		char version[16], direction[8];
		snprintf(version, sizeof version, "%u", (unsigned)h->version);
		snprintf(direction, sizeof direction, "%d", (int)h->direction);
		const char *p[] = {h->id,        version,       h->type == KV_INDICATOR_MEAN ? "mean" : "proportion",
				   direction,    h->title,      h->title_nb,
				   h->numerator, h->denominator, h->plugin,
				   h->plugin_version};
		if (command(db,
			    "INSERT INTO indicators (id, version, type, direction, title, title_nb,"
			    " numerator, denominator, plugin, plugin_version)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
			    " ON CONFLICT (id, version) DO UPDATE SET type = EXCLUDED.type,"
			    " direction = EXCLUDED.direction, title = EXCLUDED.title,"
			    " title_nb = EXCLUDED.title_nb, numerator = EXCLUDED.numerator,"
			    " denominator = EXCLUDED.denominator, plugin = EXCLUDED.plugin,"
			    " plugin_version = EXCLUDED.plugin_version, last_seen = now()",
			    10, p, err, errlen) != 0) {
			rollback(db);
			return -1;
		}
	}
	return exec_ok(db, "COMMIT", err, errlen);
}

static enum hub_auth check_row(PGresult *r, const char *cert_serial, const char *id, char *err,
			       size_t errlen)
{
	if (PQntuples(r) == 0) {
		kv_snprintf(err, errlen, "participant %s is not registered", id);
		return HUB_AUTH_UNKNOWN;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
		kv_snprintf(err, errlen, "participant %s is revoked", id);
		return HUB_AUTH_REVOKED;
	}
	if (PQgetisnull(r, 0, 1) || strcmp(PQgetvalue(r, 0, 1), cert_serial) != 0) {
		kv_snprintf(err, errlen,
			    "this certificate is not the one the hub issued to participant %s", id);
		return HUB_AUTH_OTHER_CERT;
	}
	return HUB_AUTH_OK;
}

enum hub_auth hub_db_check_participant(PGconn *db, const char *participant,
				       const char *cert_serial, char *err, size_t errlen)
{
	const char *p[] = {participant};
	PGresult *r = query(db, "SELECT revoked, cert_serial FROM participants WHERE id = $1", 1, p,
			    err, errlen);
	if (r == NULL)
		return HUB_AUTH_DB_ERROR;
	enum hub_auth a = check_row(r, cert_serial, participant, err, errlen);
	PQclear(r);
	return a;
}

/* Append a row's value to an array literal: validated content only (ids of
 * [A-Z0-9_], numbers, status names), so nothing needs quoting; NULL for a
 * missing value. */
static void array_add(FILE *f, size_t i, const char *v)
{
	fputs(i == 0 ? "{" : ",", f);
	fputs(v != NULL ? v : "NULL", f);
}

/* Every value row of x in one statement (one round trip, not one per
 * indicator): arrays as bound parameters, unnest()ed by the server. */
static int store_values(PGconn *db, const struct hub_extract *x, char *err, size_t errlen)
{
	char *buf[8] = {0};
	size_t len[8] = {0};
	FILE *f[8];
	int rc = -1;
	for (int k = 0; k < 8; k++)
		if ((f[k] = open_memstream(&buf[k], &len[k])) == NULL) {
			for (int j = 0; j < k; j++) {
				fclose(f[j]);
				free(buf[j]);
			}
			kv_snprintf(err, errlen, "out of memory");
			return -1;
		}
	for (size_t i = 0; i < x->n_rows; i++) {
		const struct kv_extract_row *row = &x->rows[i];
		char ver[16], num[24], den[24];
		snprintf(ver, sizeof ver, "%u", (unsigned)row->indicator_version);
		snprintf(num, sizeof num, "%llu", (unsigned long long)row->numerator);
		snprintf(den, sizeof den, "%llu", (unsigned long long)row->denominator);
		array_add(f[0], i, row->indicator);
		array_add(f[1], i, ver);
		array_add(f[2], i, row->has_numerator ? num : NULL);
		array_add(f[3], i, kv_extract_status_name(row->numerator_status));
		array_add(f[4], i, row->has_denominator ? den : NULL);
		array_add(f[5], i, kv_extract_status_name(row->denominator_status));
		array_add(f[6], i, row->has_share ? row->share : NULL);
		array_add(f[7], i, row->has_mean ? row->mean : NULL);
	}
	bool bad = false;
	for (int k = 0; k < 8; k++) {
		fputc('}', f[k]);
		bad |= ferror(f[k]) != 0;
		bad |= fclose(f[k]) != 0;
	}
	if (bad) {
		kv_snprintf(err, errlen, "out of memory");
		goto out;
	}
	const char *pv[] = {x->extract_id, buf[0], buf[1], buf[2], buf[3],
			    buf[4],        buf[5], buf[6], buf[7]};
	rc = command(db,
		     "INSERT INTO extract_values (extract_id, indicator, indicator_version,"
		     " numerator, numerator_status, denominator, denominator_status, share, mean)"
		     " SELECT $1, * FROM unnest($2::text[], $3::integer[], $4::bigint[], $5::text[],"
		     " $6::bigint[], $7::text[], $8::numeric[], $9::numeric[])",
		     9, pv, err, errlen);
out:
	for (int k = 0; k < 8; k++)
		free(buf[k]);
	return rc;
}

enum hub_store hub_db_store_extract(PGconn *db, const struct hub_extract *x,
				    const char *cert_serial, char *err, size_t errlen)
{
	char month[16];
	snprintf(month, sizeof month, "%s-01", x->month);
	enum hub_store result = HUB_STORE_DB_ERROR;
	PGresult *r = NULL;
	if (exec_ok(db, "BEGIN", err, errlen) != 0)
		return HUB_STORE_DB_ERROR;
	/* The participant's row lock orders this office's stores. */
	const char *pp[] = {x->participant};
	r = query(db, "SELECT revoked, cert_serial FROM participants WHERE id = $1 FOR UPDATE", 1,
		  pp, err, errlen);
	if (r == NULL)
		goto fail;
	enum hub_auth a = check_row(r, cert_serial, x->participant, err, errlen);
	if (a != HUB_AUTH_OK) {
		result = a == HUB_AUTH_REVOKED ? HUB_STORE_REFUSED : HUB_STORE_UNAUTHORIZED;
		goto fail;
	}
	PQclear(r);
	const char *pk[] = {x->extract_id};
	r = query(db, "SELECT csv_sha256 FROM extracts WHERE extract_id = $1", 1, pk, err, errlen);
	if (r == NULL)
		goto fail;
	if (PQntuples(r) > 0) {
		if (strcmp(PQgetvalue(r, 0, 0), x->csv_sha256) != 0) {
			kv_snprintf(err, errlen, "extract %s is stored with other data", x->extract_id);
			result = HUB_STORE_CONFLICT;
			goto fail;
		}
		PQclear(r);
		rollback(db);
		return HUB_STORE_ALREADY;
	}
	PQclear(r);
	const char *pc[] = {x->participant, month};
	r = query(db,
		  "SELECT extract_id FROM extracts WHERE participant = $1 AND month = $2"
		  " AND superseded_by IS NULL",
		  2, pc, err, errlen);
	if (r == NULL)
		goto fail;
	char old[160] = "";
	if (PQntuples(r) > 0)
		kv_strlcpy(old, PQgetvalue(r, 0, 0), sizeof old);
	PQclear(r);
	r = NULL;
	if (old[0] != '\0') {
		const char *ps[] = {old, x->extract_id};
		if (command(db,
			    "UPDATE extracts SET superseded_by = $2, superseded_at = now()"
			    " WHERE extract_id = $1",
			    2, ps, err, errlen) != 0)
			goto fail;
	}
	char *manifest = kv_xcalloc(1, x->manifest_len + 1);
	char *csv = kv_xcalloc(1, x->csv_len + 1);
	memcpy(manifest, x->manifest, x->manifest_len);
	memcpy(csv, x->csv, x->csv_len);
	const char *pi[] = {x->extract_id, x->participant, month, manifest, csv, x->csv_sha256,
			    cert_serial};
	int rc = command(db,
			 "INSERT INTO extracts (extract_id, idempotency_key, participant, month,"
			 " manifest, csv, csv_sha256, cert_serial)"
			 " VALUES ($1, $1, $2, $3, $4::jsonb, $5, $6, $7)",
			 7, pi, err, errlen);
	free(manifest);
	free(csv);
	if (rc != 0)
		goto fail;
	if (x->n_rows > 0 && store_values(db, x, err, errlen) != 0)
		goto fail;
	if (exec_ok(db, "COMMIT", err, errlen) != 0)
		return HUB_STORE_DB_ERROR;
	return old[0] != '\0' ? HUB_STORE_SUPERSEDED : HUB_STORE_NEW;
fail:
	PQclear(r);
	rollback(db);
	return result;
}

int hub_db_participant_exists(PGconn *db, const char *id, char *err, size_t errlen)
{
	const char *p[] = {id};
	PGresult *r = query(db, "SELECT 1 FROM participants WHERE id = $1", 1, p, err, errlen);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	PQclear(r);
	return n > 0 ? 1 : 0;
}

int hub_db_register(PGconn *db, const char *id, const char *team_start, const char *serial,
		    time_t not_after, bool reissue, char *err, size_t errlen)
{
	char ts[32], na[32];
	struct tm tm;
	gmtime_r(&not_after, &tm);
	strftime(na, sizeof na, "%Y-%m-%d %H:%M:%S+00", &tm);
	if (team_start != NULL)
		snprintf(ts, sizeof ts, "%s-01", team_start);
	const char *p[] = {id, team_start != NULL ? ts : NULL, serial, na};
	if (reissue)
		return command(db,
			       "UPDATE participants SET cert_serial = $3, cert_not_after = $4,"
			       " team_start = COALESCE($2::date, team_start) WHERE id = $1",
			       4, p, err, errlen);
	return command(db,
		       "INSERT INTO participants (id, team_start, cert_serial, cert_not_after)"
		       " VALUES ($1, $2, $3, $4)",
		       4, p, err, errlen);
}

int hub_db_set_revoked(PGconn *db, const char *id, char *err, size_t errlen)
{
	const char *p[] = {id};
	PGresult *r = query(db,
			    "UPDATE participants SET revoked = true, revoked_at = now()"
			    " WHERE id = $1 AND NOT revoked RETURNING id",
			    1, p, err, errlen);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	PQclear(r);
	return n;
}

int hub_db_group(PGconn *db, const char *id, const char *group, bool add, char *err,
		 size_t errlen)
{
	const char *p[] = {id, group};
	PGresult *r = query(db,
			    add ? "INSERT INTO participant_groups (participant, group_name)"
				  " VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING participant"
				: "DELETE FROM participant_groups WHERE participant = $1"
				  " AND group_name = $2 RETURNING participant",
			    2, p, err, errlen);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	PQclear(r);
	return n;
}

bool hub_valid_lead_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return true;
}

int hub_db_register_lead(PGconn *db, const char *name, const char *groups_literal,
			 const char *serial, time_t not_after, bool reissue, char *err,
			 size_t errlen)
{
	char na[32];
	struct tm tm;
	gmtime_r(&not_after, &tm);
	strftime(na, sizeof na, "%Y-%m-%d %H:%M:%S+00", &tm);
	const char *p[] = {name, groups_literal, serial, na};
	if (reissue)
		return command(db,
			       "UPDATE leads SET serial = $3, cert_not_after = $4,"
			       " groups = COALESCE($2::text[], groups) WHERE name = $1",
			       4, p, err, errlen);
	return command(db,
		       "INSERT INTO leads (name, groups, serial, cert_not_after)"
		       " VALUES ($1, $2::text[], $3, $4)",
		       4, p, err, errlen);
}

int hub_db_lead_exists(PGconn *db, const char *name, char *err, size_t errlen)
{
	const char *p[] = {name};
	PGresult *r = query(db, "SELECT 1 FROM leads WHERE name = $1", 1, p, err, errlen);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	PQclear(r);
	return n > 0 ? 1 : 0;
}

int hub_db_revoke_lead(PGconn *db, const char *name, char *err, size_t errlen)
{
	const char *p[] = {name};
	PGresult *r = query(db,
			    "UPDATE leads SET revoked = true, revoked_at = now()"
			    " WHERE name = $1 AND NOT revoked RETURNING name",
			    1, p, err, errlen);
	if (r == NULL)
		return -1;
	int n = PQntuples(r);
	PQclear(r);
	return n;
}
