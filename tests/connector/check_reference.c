/*
 * check_reference.c - Check tests for the "reference" connector plugin
 *
 * dlopen()s build/connectors/reference.so (or $KV_REFERENCE_SO) and drives
 * it through the tests' fake struct kv_host (tests/lib/fake_host.c), which
 * collects logs, errors, row counts and bad-row counts. The program starts its own PostgreSQL (initdb into a
 * mkdtemp() directory, pg_ctl start on a free 127.0.0.1 port; as root the
 * server runs as the "postgres" user), loads plugins/reference/schema.sql (the
 * data contract, a verbatim copy of reference-ehr.sql) and fixture.sql into it
 * and into a SQLite file, and checks that libpq,
 * psqlODBC and the SQLite ODBC driver deliver identical canonical patients
 * (tests/connector/fixture.expected) and identical counts, plus the error
 * paths: unreachable server, wrong password, missing column or table,
 * connection killed mid-stream, tiny memory budgets, strict SQLite values.
 * A second suite, "omop connector", dlopen()s build/connectors/omop.so (or
 * $KV_OMOP_SO) and reads tests/connector/omop_origin.sql, loaded over
 * plugins/omop/schema/ into the same server and into SQLite, checking each
 * delivered person's origin over libpq, psqlODBC and SQLite ODBC. It runs
 * after the reference suite's server-log audit, which is about the
 * reference connector's statements only.
 *
 * The server and the temporary directory are removed at exit, on a failed
 * assertion and on a fatal signal (only by the process that created them,
 * never by Check's forked test children).
 *
 * Environment: KV_REFERENCE_SO (plugin path), KV_TEST_DIR (directory with
 * the .sql and .expected files, default tests/connector), KV_SCHEMA_SQL
 * (default plugins/reference/schema.sql), KV_OMOP_SO (the omop plugin),
 * KV_OMOP_SCHEMA_DIR (default plugins/omop/schema), KV_PG_BINDIR
 * (default /usr/lib/postgresql/15/bin), KV_ODBC_PG_DRIVER (default
 * "PostgreSQL Unicode"), KV_ODBC_SQLITE_DRIVER (default "SQLite3"),
 * KVREF_BENCH_ROWS (if set: also measure throughput on a table of that many
 * rows and print it), KV_KEEP_SERVER_LOG (copy the server's statement log
 * there before removing it), KV_NO_DLCLOSE (keep the plugin loaded at exit:
 * set it under valgrind, because unloading the plugin also unloads libodbc,
 * whose process-wide caches valgrind then reports as lost).
 *
 * Build (from the repository root, after building the plugin):
 *   gcc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O0 -g -Wall -Wextra \
 *       -Werror -Icore/include -o build/tests/check_reference \
 *       tests/connector/check_reference.c \
 *       $(pkg-config --cflags --libs check libpq sqlite3) -ldl -pthread
 * Run: build/tests/check_reference
 * Under valgrind: KV_NO_DLCLOSE=1 CK_FORK=no valgrind --error-exitcode=1 \
 *       --leak-check=full --suppressions=tests/connector/valgrind.supp \
 *       build/tests/check_reference
 */
#include "ck_aim.h"
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kvalind/kv_plugin.h>

#include "fake_host.h"

/* ---- the environment ---------------------------------------------------- */

static pid_t main_pid;
static char tmpdir[256];      /* mkdtemp; "" when none */
static char pgdata[512];
static char pglog[512];
static int pg_port;
static bool pg_running;
static uid_t pg_uid;
static gid_t pg_gid;
static bool as_other_user;
static const char *bindir = "/usr/lib/postgresql/15/bin";
static const char *testdir = "tests/connector";
static const char *schema_path = "plugins/reference/schema.sql";
static const char *odbc_pg_driver = "PostgreSQL Unicode";
static const char *odbc_sqlite_driver = "SQLite3";
static char sqlite_path[512];
static char sqlite_broken_path[512];
static char sqlite_strict_path[512];
static char sqlite_gen_path[512];
static char sqlite_omop_path[512];
static char sqlite_keys_path[512];
static const char *omop_schema_dir = "plugins/omop/schema";

static const struct kv_connector_plugin *plugin, *omop_plugin;
static void *plugin_handle, *omop_handle;

#define TEST_PASSWORD "S3cret-pw!"
#define WRONG_PASSWORD "Wr0ng-guess"

/* Run argv (as the postgres user when root); stdout/stderr to `log`. */
static int run(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (log != NULL) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		}
		if (as_other_user) {
			/* from /: postgres may not enter the checkout (under /root, 0700) */
			if (setgroups(0, NULL) != 0 || setgid(pg_gid) != 0 || setuid(pg_uid) != 0 ||
			    chdir("/") != 0)
				_exit(126);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void stop_server(void)
{
	if (!pg_running)
		return;
	char ctl[600];
	snprintf(ctl, sizeof(ctl), "%s/pg_ctl", bindir);
	char *argv[] = {ctl, "stop", "-D", pgdata, "-m", "fast", "-w", NULL};
	run(argv, pglog);
	pg_running = false;
}

/* psqlODBC writes /tmp/psqlodbc_<program>_<user><pid>.log when the system's
 * odbcinst.ini sets CommLog=1 (Debian's does), whatever the connection string
 * says; remove the ones this program (and its forked tests) left. */
static void remove_driver_logs(void)
{
	glob_t g;
	if (glob("/tmp/psqlodbc_check_reference_*.log", 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;
		if (lstat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid())
			unlink(g.gl_pathv[i]);
	}
	globfree(&g);
}

static void remove_tmpdir(void)
{
	if (tmpdir[0] == '\0')
		return;
	char *argv[] = {"/bin/rm", "-rf", tmpdir, NULL};
	bool other = as_other_user;
	as_other_user = false; /* rm as ourselves */
	run(argv, NULL);
	as_other_user = other;
	tmpdir[0] = '\0';
}

static void cleanup(void)
{
	if (getpid() != main_pid)
		return; /* a forked test child: the server is not its to stop */
	stop_server();
	const char *keep = getenv("KV_KEEP_SERVER_LOG");
	if (keep != NULL && pglog[0] != '\0' && tmpdir[0] != '\0') {
		char *argv[] = {"/bin/cp", pglog, (char *)keep, NULL};
		bool other = as_other_user;
		as_other_user = false;
		run(argv, NULL);
		as_other_user = other;
	}
	remove_tmpdir();
	remove_driver_logs();
}

static void on_fatal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf != NULL)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *test_file(const char *name)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", testdir, name);
	return read_file(path);
}

/* ---- admin connection ---------------------------------------------------- */

static void quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static PGconn *admin_connect(const char *db)
{
	char ci[256];
	snprintf(ci, sizeof(ci),
		 "host=127.0.0.1 port=%d dbname=%s user=postgres application_name=kvtest-admin",
		 pg_port, db);
	PGconn *c = PQconnectdb(ci);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "admin connection to %s failed: %s", db, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	return c;
}

static bool admin_exec(const char *db, const char *sql)
{
	PGconn *c = admin_connect(db);
	if (c == NULL)
		return false;
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "admin SQL on %s failed: %s", db, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok;
}

static bool sqlite_exec_file(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return false;
	bool ok = sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK;
	if (!ok)
		fprintf(stderr, "sqlite: %s\n", err != NULL ? err : "?");
	sqlite3_free(err);
	sqlite3_close(db);
	return ok;
}

/* Copy every table of PostgreSQL database `db` into the SQLite file, row by
 * row as text (SQLite's column affinities then store numbers as numbers and
 * dates as text, as an export to SQLite would). */
static bool copy_to_sqlite(const char *db, const char *path)
{
	static const char *const tables[] = {
		"practitioner", "patient", "list_period", "contact", "fee", "diagnosis",
		"medication", "prescription", "lab_result", "blood_pressure", "form",
		"journal_note",
	};
	PGconn *c = admin_connect(db);
	sqlite3 *lite = NULL;
	bool ok = c != NULL && sqlite3_open(path, &lite) == SQLITE_OK &&
		  sqlite3_exec(lite, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	for (size_t t = 0; ok && t < sizeof(tables) / sizeof(tables[0]); t++) {
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT * FROM %s", tables[t]);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			PQclear(r);
			ok = false;
			break;
		}
		int nf = PQnfields(r);
		size_t len = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (", tables[t]);
		for (int f = 0; f < nf; f++)
			len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?", f > 0 ? ", " : "");
		snprintf(sql + len, sizeof(sql) - len, ")");
		sqlite3_stmt *st = NULL;
		ok = sqlite3_prepare_v2(lite, sql, -1, &st, NULL) == SQLITE_OK;
		for (int row = 0; ok && row < PQntuples(r); row++) {
			sqlite3_reset(st);
			for (int f = 0; f < nf; f++) {
				if (PQgetisnull(r, row, f))
					sqlite3_bind_null(st, f + 1);
				else
					sqlite3_bind_text(st, f + 1, PQgetvalue(r, row, f), -1,
							  SQLITE_TRANSIENT);
			}
			ok = sqlite3_step(st) == SQLITE_DONE;
		}
		sqlite3_finalize(st);
		PQclear(r);
	}
	ok = ok && sqlite3_exec(lite, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	if (!ok && lite != NULL)
		fprintf(stderr, "copying %s to SQLite failed: %s\n", db, sqlite3_errmsg(lite));
	if (lite != NULL)
		sqlite3_close(lite);
	PQfinish(c);
	return ok;
}

/* ---- server setup -------------------------------------------------------- */

/* The omop suite's fixture: database omop in the server, omop.db in SQLite. */
static bool setup_omop(void)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/omop_postgresql.sql", omop_schema_dir);
	char *ddl_pg = read_file(path);
	snprintf(path, sizeof(path), "%s/omop_sqlite.sql", omop_schema_dir);
	char *ddl_lite = read_file(path);
	char *fixture = test_file("omop_origin.sql");
	bool ok = ddl_pg != NULL && ddl_lite != NULL && fixture != NULL;
	if (!ok)
		fprintf(stderr, "cannot read the OMOP DDL in %s or omop_origin.sql in %s\n",
			omop_schema_dir, testdir);
	ok = ok && admin_exec("postgres", "CREATE DATABASE omop") && admin_exec("omop", ddl_pg) &&
	     admin_exec("omop", fixture) && sqlite_exec_file(sqlite_omop_path, ddl_lite) &&
	     sqlite_exec_file(sqlite_omop_path, fixture);
	free(ddl_pg);
	free(ddl_lite);
	free(fixture);
	return ok;
}

#define BIG_BP_ROWS 400000

static bool setup_environment(void)
{
	const char *e;
	if ((e = getenv("KV_PG_BINDIR")) != NULL)
		bindir = e;
	if ((e = getenv("KV_TEST_DIR")) != NULL)
		testdir = e;
	if ((e = getenv("KV_SCHEMA_SQL")) != NULL)
		schema_path = e;
	if ((e = getenv("KV_ODBC_PG_DRIVER")) != NULL)
		odbc_pg_driver = e;
	if ((e = getenv("KV_ODBC_SQLITE_DRIVER")) != NULL)
		odbc_sqlite_driver = e;
	if ((e = getenv("KV_OMOP_SCHEMA_DIR")) != NULL)
		omop_schema_dir = e;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/kvref.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		tmpdir[0] = '\0';
		return false;
	}
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (pw == NULL) {
			fprintf(stderr, "running as root needs a \"postgres\" user for the server\n");
			return false;
		}
		pg_uid = pw->pw_uid;
		pg_gid = pw->pw_gid;
		as_other_user = true;
		if (chown(tmpdir, pg_uid, pg_gid) != 0) {
			perror("chown");
			return false;
		}
	}
	snprintf(pgdata, sizeof(pgdata), "%s/data", tmpdir);
	snprintf(pglog, sizeof(pglog), "%s/server.log", tmpdir);
	snprintf(sqlite_path, sizeof(sqlite_path), "%s/ehr.db", tmpdir);
	snprintf(sqlite_broken_path, sizeof(sqlite_broken_path), "%s/broken.db", tmpdir);
	snprintf(sqlite_strict_path, sizeof(sqlite_strict_path), "%s/strict.db", tmpdir);
	snprintf(sqlite_gen_path, sizeof(sqlite_gen_path), "%s/generated.db", tmpdir);
	snprintf(sqlite_omop_path, sizeof(sqlite_omop_path), "%s/omop.db", tmpdir);
	snprintf(sqlite_keys_path, sizeof(sqlite_keys_path), "%s/keys.db", tmpdir);
	int fd = open(pglog, O_WRONLY | O_CREAT, 0666);
	if (fd >= 0)
		close(fd);
	if (as_other_user && chown(pglog, pg_uid, pg_gid) != 0)
		return false;

	char initdb[600];
	snprintf(initdb, sizeof(initdb), "%s/initdb", bindir);
	char *iargv[] = {initdb, "-D", pgdata, "-E", "UTF8", "--no-locale", "-A", "trust",
			 "-U", "postgres", NULL};
	if (run(iargv, pglog) != 0) {
		fprintf(stderr, "initdb failed; see %s\n", pglog);
		return false;
	}
	char hba[600];
	snprintf(hba, sizeof(hba), "%s/pg_hba.conf", pgdata);
	FILE *f = fopen(hba, "w");
	if (f == NULL)
		return false;
	fprintf(f, "local all all trust\n"
		   "host all pwuser 127.0.0.1/32 scram-sha-256\n"
		   "host all all 127.0.0.1/32 trust\n");
	fclose(f);

	/* A free port; another one if something took it before the server bound
	 * it (another test suite running at once). -t: a bound for a hang, not a
	 * test of the machine's speed. */
	char opts[700], ctl[600];
	snprintf(ctl, sizeof(ctl), "%s/pg_ctl", bindir);
	for (int attempt = 0;; attempt++) {
		pg_port = free_port();
		if (pg_port <= 0)
			return false;
		snprintf(opts, sizeof(opts),
			 "-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off "
			 "-c log_statement=all -c log_line_prefix='[%%a] '",
			 pg_port, tmpdir);
		char *sargv[] = {ctl, "start", "-w", "-t", "600", "-D", pgdata, "-l", pglog,
				 "-o", opts, NULL};
		if (run(sargv, pglog) == 0)
			break;
		char *log = read_file(pglog);
		bool taken = log != NULL && strstr(log, "Address already in use") != NULL;
		free(log);
		if (!taken || attempt == 9) {
			fprintf(stderr, "pg_ctl start failed; see %s\n", pglog);
			return false;
		}
	}
	pg_running = true;

	char *schema = read_file(schema_path);
	char *fixture = test_file("fixture.sql");
	bool ok = schema != NULL && fixture != NULL;
	if (!ok)
		fprintf(stderr, "cannot read %s or the .sql files in %s\n", schema_path, testdir);
	ok = ok && admin_exec("postgres", "CREATE DATABASE ehr") &&
	     admin_exec("ehr", schema) && admin_exec("ehr", fixture) &&
	     admin_exec("ehr", "CREATE ROLE pwuser LOGIN PASSWORD '" TEST_PASSWORD "'; "
			       "GRANT SELECT ON ALL TABLES IN SCHEMA public TO pwuser") &&
	     /* a copy without lab_result.value_num, one without journal_note */
	     admin_exec("postgres", "CREATE DATABASE ehr_nocol TEMPLATE ehr") &&
	     admin_exec("ehr_nocol", "ALTER TABLE lab_result DROP COLUMN value_num") &&
	     admin_exec("postgres", "CREATE DATABASE ehr_snapshot TEMPLATE ehr") &&
	     admin_exec("postgres", "CREATE DATABASE ehr_notable TEMPLATE ehr") &&
	     admin_exec("ehr_notable", "DROP TABLE journal_note") &&
	     /* a bigger practice for the killed-connection tests */
	     admin_exec("postgres", "CREATE DATABASE big") && admin_exec("big", schema);
	char big[1024];
	snprintf(big, sizeof(big),
		 "INSERT INTO practitioner VALUES (1, NULL, 'x', 'gp');"
		 "INSERT INTO patient SELECT g, NULL, NULL, DATE '1950-01-01' + g %% 20000, "
		 "  CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, NULL "
		 "  FROM generate_series(1, %d) g;"
		 "INSERT INTO blood_pressure SELECT g %% %d + 1, DATE '2015-01-01' + g %% 3000, "
		 "  120 + g %% 40, 70 + g %% 20 FROM generate_series(1, %d) g;"
		 "ANALYZE",
		 BIG_BP_ROWS / 20, BIG_BP_ROWS / 20, BIG_BP_ROWS);
	ok = ok && admin_exec("big", big);

	/* the same practice in SQLite, a broken copy, and a strict-values file */
	ok = ok && sqlite_exec_file(sqlite_path, schema) && sqlite_exec_file(sqlite_path, fixture);
	ok = ok && sqlite_exec_file(sqlite_broken_path, schema) &&
	     sqlite_exec_file(sqlite_broken_path, fixture) &&
	     sqlite_exec_file(sqlite_broken_path, "ALTER TABLE contact DROP COLUMN kind");
	/* the generated practice, in PostgreSQL and copied into SQLite */
	char *gen = test_file("generated.sql");
	ok = ok && gen != NULL && admin_exec("postgres", "CREATE DATABASE generated") &&
	     admin_exec("generated", schema) && admin_exec("generated", gen) &&
	     sqlite_exec_file(sqlite_gen_path, schema) &&
	     copy_to_sqlite("generated", sqlite_gen_path);
	free(gen);
	/* ABI 2.1: the fixture with a second patient number and a few more rows */
	char *keys = test_file("keys.sql");
	ok = ok && keys != NULL && admin_exec("postgres", "CREATE DATABASE keys TEMPLATE ehr") &&
	     admin_exec("keys", keys) && sqlite_exec_file(sqlite_keys_path, schema) &&
	     sqlite_exec_file(sqlite_keys_path, fixture) && sqlite_exec_file(sqlite_keys_path, keys);
	free(keys);
	char *strict = test_file("strict.sql");
	ok = ok && strict != NULL && sqlite_exec_file(sqlite_strict_path, schema) &&
	     sqlite_exec_file(sqlite_strict_path, strict);
	free(strict);
	free(schema);
	free(fixture);
	return ok && setup_omop();
}

/* ---- the fake host (tests/lib/fake_host.c) -------------------------------- */

#define MAX_COUNTS FAKE_HOST_COUNTS

/* A fresh ctx with the connector's three settings; a NULL password is unset. */
static void ref_ctx(struct kv_ctx *ctx, const char *dsn, const char *password,
		    const char *row_array)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->config[0][0] = "dsn";
	ctx->config[0][1] = dsn;
	ctx->config[1][0] = "password";
	ctx->config[1][1] = password;
	ctx->config[2][0] = "odbc_row_array_size";
	ctx->config[2][1] = row_array;
}

/* open() as the core calls it: the connector's settings filled from ctx,
 * *call gets the host, ctx and the plugin's state; *provides (when not
 * NULL) the bits open() declared. */
static int conn_open_of(const struct kv_connector_plugin *pl, struct kv_call *call,
			struct kv_ctx *ctx, uint32_t *provides)
{
	struct kv_open_result res = {.struct_size = sizeof res};
	fake_host_fill_settings(ctx, (const struct kv_plugin_header *)pl);
	*call = fake_host_call(ctx, NULL);
	int rc = pl->open(call, &res);
	call->state = res.state;
	if (provides != NULL)
		*provides = res.provides;
	return rc;
}

/* ... of the reference connector */
static int conn_open(struct kv_call *call, struct kv_ctx *ctx, uint32_t *provides)
{
	return conn_open_of(plugin, call, ctx, provides);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "table rows=n" and "table bad reason=n" lines, sorted. Caller frees. */
static char *counts_text(const struct kv_ctx *ctx)
{
	char *lines[2 * MAX_COUNTS];
	size_t n = 0;
	for (size_t i = 0; i < ctx->n_rows; i++) {
		lines[n] = malloc(128);
		snprintf(lines[n++], 128, "%s rows=%" PRIu64, ctx->rows[i].table, ctx->rows[i].n);
	}
	for (size_t i = 0; i < ctx->n_bad; i++) {
		lines[n] = malloc(160);
		snprintf(lines[n++], 160, "%s bad %s=%" PRIu64, ctx->bad[i].table,
			 ctx->bad[i].reason, ctx->bad[i].n);
	}
	qsort(lines, n, sizeof(lines[0]), cmp_str);
	size_t total = 1;
	for (size_t i = 0; i < n; i++)
		total += strlen(lines[i]) + 1;
	char *out = malloc(total);
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(out + len, total - len, "%s\n", lines[i]);
		if (k > 0 && (size_t)k < total - len)
			len += (size_t)k;
		free(lines[i]);
	}
	return out;
}

/* ---- canonical dump ------------------------------------------------------ */

struct dump {
	char *buf;
	size_t len, cap;
	size_t patients;
	/* optional: called before each patient; non-zero stops the read */
	int (*hook)(struct dump *d);
};

static void dump_printf(struct dump *d, const char *fmt, ...) KV_PRINTF(2, 3);
static void dump_printf(struct dump *d, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(d->buf + d->len, d->cap - d->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < d->cap - d->len) {
			d->len += (size_t)n;
			return;
		}
		size_t cap = d->cap * 2 + (n > 0 ? (size_t)n : 0) + 4096;
		d->buf = realloc(d->buf, cap);
		d->cap = cap;
	}
}

static void fmt_date(char out[40], kv_date d)
{
	if (d == KV_DATE_OPEN) {
		snprintf(out, 40, "open");
		return;
	}
	int y, m, dd;
	kv_date_to_ymd(d, &y, &m, &dd);
	snprintf(out, 40, "%04d-%02d-%02d", y, m, dd);
}

static const char *enum_name(const char *const *names, size_t n, unsigned v)
{
	return v < n && names[v] != NULL ? names[v] : "?";
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int dump_sink(void *arg, const struct kv_patient *p, const struct kv_patient_origin *origin)
{
	(void)origin;
	static const char *const sex[] = {"?", "F", "M", "U"};
	static const char *const kind[] = {"?", "consultation", "home_visit", "video",
					   "e_consultation", "phone", "letter", "meeting",
					   "admin"};
	static const char *const role[] = {"unknown", "gp", "nurse", "secretary", "psychologist",
					   "other"};
	static const char *const sys[] = {"?", "ICPC-2", "ICD-10"};
	static const char *const use[] = {"?", "regular", "as_needed", "course"};
	static const char *const grp[] = {"unknown", "A", "B", "C", "F"};
	struct dump *d = arg;
	char a[40], b[40];

	if (d->hook != NULL && d->hook(d) != 0)
		return 1;
	d->patients++;
	fmt_date(a, p->birth);
	fmt_date(b, p->death);
	dump_printf(d, "patient birth=%s death=%s sex=%s\n", a, b,
		    enum_name(sex, N_OF(sex), p->sex));
	for (size_t i = 0; i < p->n_periods; i++) {
		fmt_date(a, p->periods[i].from);
		fmt_date(b, p->periods[i].to);
		dump_printf(d, "  period %s %s\n", a, b);
	}
	for (size_t i = 0; i < p->n_contacts; i++) {
		fmt_date(a, p->contacts[i].date);
		dump_printf(d, "  contact %zu %s %s %s\n", i, a,
			    enum_name(kind, N_OF(kind), p->contacts[i].kind),
			    enum_name(role, N_OF(role), p->contacts[i].role));
	}
	for (size_t i = 0; i < p->n_fees; i++) {
		fmt_date(a, p->fees[i].date);
		dump_printf(d, "  fee %s contact=%d %s\n", a, (int)p->fees[i].contact,
			    p->fees[i].code);
	}
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		fmt_date(a, p->diagnoses[i].date);
		dump_printf(d, "  dx %s contact=%d %s %s\n", a, (int)p->diagnoses[i].contact,
			    enum_name(sys, N_OF(sys), p->diagnoses[i].system),
			    p->diagnoses[i].code);
	}
	for (size_t i = 0; i < p->n_medications; i++) {
		fmt_date(a, p->medications[i].start);
		fmt_date(b, p->medications[i].stop);
		dump_printf(d, "  med %s %s %s atc=%s\n", a, b,
			    enum_name(use, N_OF(use), p->medications[i].use_type),
			    p->medications[i].atc);
	}
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *r = &p->prescriptions[i];
		fmt_date(a, r->date);
		if (r->has_ddd)
			dump_printf(d, "  rx %s group=%s ddd=%.17g atc=%s\n", a,
				    enum_name(grp, N_OF(grp), r->group), r->ddd, r->atc);
		else
			dump_printf(d, "  rx %s group=%s ddd=null atc=%s\n", a,
				    enum_name(grp, N_OF(grp), r->group), r->atc);
	}
	for (size_t i = 0; i < p->n_labs; i++) {
		fmt_date(a, p->labs[i].date);
		if (p->labs[i].has_value)
			dump_printf(d, "  lab %s %s %.17g\n", a, p->labs[i].code, p->labs[i].value);
		else
			dump_printf(d, "  lab %s %s text-only\n", a, p->labs[i].code);
	}
	for (size_t i = 0; i < p->n_bps; i++) {
		fmt_date(a, p->bps[i].date);
		dump_printf(d, "  bp %s %d/%d\n", a, p->bps[i].systolic, p->bps[i].diastolic);
	}
	for (size_t i = 0; i < p->n_forms; i++) {
		fmt_date(a, p->forms[i].date);
		dump_printf(d, "  form %s %s\n", a, p->forms[i].type);
	}
	for (size_t i = 0; i < p->n_notes; i++) {
		fmt_date(a, p->notes[i].date);
		dump_printf(d, "  note %s rule=%u\n", a, (unsigned)p->notes[i].pattern);
	}
	/* the model's promise: every array sorted by date */
	for (size_t i = 1; i < p->n_contacts; i++)
		if (p->contacts[i].date < p->contacts[i - 1].date)
			dump_printf(d, "  UNSORTED contacts\n");
	for (size_t i = 1; i < p->n_diagnoses; i++)
		if (p->diagnoses[i].date < p->diagnoses[i - 1].date)
			dump_printf(d, "  UNSORTED diagnoses\n");
	for (size_t i = 0; i < p->n_fees; i++)
		if (p->fees[i].contact < 0 || (size_t)p->fees[i].contact >= p->n_contacts ||
		    p->contacts[p->fees[i].contact].date != p->fees[i].date)
			dump_printf(d, "  BAD fee contact\n");
	return 0;
}

/* ---- driving the plugin -------------------------------------------------- */

static const char *const rules[] = {"legemiddelgjennomgang|lmg", "lmg", "gjennomgått"};

struct result {
	struct kv_ctx ctx;
	char row_array[24]; /* the ctx's odbc_row_array_size */
	int open_rc;
	int read_rc;
	uint32_t provides;
	struct dump dump;
	char *counts;
};

static void result_free(struct result *r)
{
	free(r->dump.buf);
	free(r->counts);
	memset(r, 0, sizeof(*r));
}

/* kv_read_request.events_from of the reads below (0: none). */
static kv_date read_events_from;

/* open, provides, read (and again if `twice`), close */
static void run_read_ex(struct result *res, const char *dsn, const char *password,
			size_t budget, const char *const *pats, size_t npats, int64_t row_array,
			int (*hook)(struct dump *))
{
	struct kv_call call;
	memset(res, 0, sizeof(*res));
	snprintf(res->row_array, sizeof(res->row_array), "%lld",
		 (long long)(row_array > 0 ? row_array : 1024));
	ref_ctx(&res->ctx, dsn, password, res->row_array);
	res->dump.hook = hook;
	res->read_rc = -99;
	res->open_rc = conn_open(&call, &res->ctx, &res->provides);
	if (res->open_rc == KV_OK) {
		struct kv_read_request req = {
			.to = kv_date_from_ymd(2024, 12, 31),
			.events_from = read_events_from,
			.note_patterns = pats,
			.n_note_patterns = npats,
			.memory_budget = budget,
		};
		res->read_rc = plugin->read(&call, &req, dump_sink, &res->dump);
		plugin->close(&call);
	}
	res->counts = counts_text(&res->ctx);
	if (res->dump.buf == NULL)
		res->dump.buf = strdup("");
}

static void run_read(struct result *res, const char *dsn, const char *password, size_t budget)
{
	run_read_ex(res, dsn, password, budget, rules, N_OF(rules), 0, NULL);
}

static char dsn_pg[256], dsn_pg_uri[256], dsn_odbc_pg[512], dsn_sqlite[1024];
/* The generated practice over libpq, psqlODBC and SQLite ODBC. */
static char dsn_gen_buf[3][1024];
static const char *const dsn_gen[3] = {dsn_gen_buf[0], dsn_gen_buf[1], dsn_gen_buf[2]};

static void make_dsns(void)
{
	snprintf(dsn_pg, sizeof(dsn_pg), "host=127.0.0.1 port=%d dbname=ehr user=postgres",
		 pg_port);
	snprintf(dsn_pg_uri, sizeof(dsn_pg_uri), "postgresql://postgres@127.0.0.1:%d/ehr",
		 pg_port);
	snprintf(dsn_odbc_pg, sizeof(dsn_odbc_pg),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=ehr;Uid=postgres;CommLog=0", odbc_pg_driver,
		 pg_port);
	snprintf(dsn_sqlite, sizeof(dsn_sqlite), "Driver=%s;Database=%s", odbc_sqlite_driver,
		 sqlite_path);
	snprintf(dsn_gen_buf[0], sizeof(dsn_gen_buf[0]),
		 "host=127.0.0.1 port=%d dbname=generated user=postgres", pg_port);
	snprintf(dsn_gen_buf[1], sizeof(dsn_gen_buf[1]),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=generated;Uid=postgres;CommLog=0",
		 odbc_pg_driver, pg_port);
	snprintf(dsn_gen_buf[2], sizeof(dsn_gen_buf[2]), "Driver=%s;Database=%s",
		 odbc_sqlite_driver, sqlite_gen_path);
}

/* The number in "read plan: N patient_id range" of the log. */
static long planned_ranges(const struct kv_ctx *ctx)
{
	const char *p = strstr(ctx->log, "read plan: ");
	return p != NULL ? strtol(p + 11, NULL, 10) : -1;
}

#define BIG_BUDGET ((size_t)1 << 30)

/* What the fixture must give (with the three rules above, to 2024-12-31). */
static const char expected_counts[] =
	"blood_pressure bad value out of range=1\n"
	"blood_pressure rows=5\n"
	"contact bad patient is a bad row=1\n"
	"contact bad unknown contact kind=2\n"
	"contact rows=13\n"
	"diagnosis bad code too long=1\n"
	"diagnosis bad empty code=1\n"
	"diagnosis bad patient is a bad row=1\n"
	"diagnosis bad unknown code system=1\n"
	"diagnosis rows=13\n"
	"fee bad code too long=1\n"
	"fee bad contact is a bad row=2\n"
	"fee bad empty code=1\n"
	"fee rows=12\n"
	"form bad form type too long=1\n"
	"form rows=4\n"
	"journal_note bad patient is a bad row=1\n"
	"journal_note rows=14\n"
	"lab_result bad empty code=1\n"
	"lab_result rows=7\n"
	"list_period bad patient is a bad row=2\n"
	"list_period rows=9\n"
	"medication bad code too long=1\n"
	"medication bad unknown use type=2\n"
	"medication rows=9\n"
	"patient bad unknown sex=2\n"
	"patient rows=9\n"
	"practitioner bad unknown role=1\n"
	"practitioner rows=6\n"
	"prescription bad negative ddd=1\n"
	"prescription bad unknown prescription group=2\n"
	"prescription rows=9\n";

static const uint32_t all_provides =
	KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_CONTACTS | KV_PROVIDES_FEES |
	KV_PROVIDES_DIAGNOSES | KV_PROVIDES_DIAGNOSIS_CONTACT | KV_PROVIDES_MEDICATIONS |
	KV_PROVIDES_PRESCRIPTIONS | KV_PROVIDES_PRESCRIPTION_GROUP | KV_PROVIDES_DDD |
	KV_PROVIDES_LABS | KV_PROVIDES_BLOOD_PRESSURE | KV_PROVIDES_FORMS |
	KV_PROVIDES_NOTE_MATCHES;

static void assert_no_secrets(const struct kv_ctx *ctx)
{
	ck_assert_msg(strstr(ctx->log, TEST_PASSWORD) == NULL, "password in the log");
	ck_assert_msg(strstr(ctx->error, TEST_PASSWORD) == NULL, "password in the error");
	ck_assert_msg(strstr(ctx->log, WRONG_PASSWORD) == NULL, "password in the log");
	ck_assert_msg(strstr(ctx->error, WRONG_PASSWORD) == NULL, "password in the error");
	ck_assert_msg(strstr(ctx->log, "127.0.0.1") == NULL, "the dsn went into the log");
	ck_assert_msg(ctx->config_errors == 0, "an undeclared config key was asked for");
}

static void assert_fixture(struct result *res, const char *label)
{
	char *expected = test_file("fixture.expected");
	ck_assert_msg(expected != NULL, "cannot read fixture.expected");
	ck_assert_msg(res->open_rc == KV_OK, "%s: open failed: %s", label, res->ctx.error);
	ck_assert_msg(res->read_rc == KV_OK, "%s: read failed: %s", label, res->ctx.error);
	ck_assert_int_eq(res->ctx.n_errors, 0);
	ck_assert_uint_eq(res->provides, all_provides);
	if (strcmp(res->dump.buf, expected) != 0) {
		char path[600];
		snprintf(path, sizeof(path), "/tmp/kvref-%d-%s.dump", (int)getpid(), label);
		FILE *f = fopen(path, "w");
		if (f != NULL) {
			fputs(res->dump.buf, f);
			fclose(f);
		}
		ck_abort_msg("%s: the patients differ from fixture.expected (got %s)", label, path);
	}
	ck_assert_str_eq(res->counts, expected_counts);
	ck_assert_uint_eq(res->dump.patients, 7);
	assert_no_secrets(&res->ctx);
	free(expected);
}

/* ---- tests: descriptor ---------------------------------------------------- */

START_TEST(test_descriptor)
{
	ck_assert_uint_eq(plugin->abi_major, KV_ABI_MAJOR);
	ck_assert_uint_eq(plugin->abi_minor, KV_ABI_MINOR);
	ck_assert_uint_eq(plugin->struct_size, sizeof(struct kv_connector_plugin));
	ck_assert_uint_eq(plugin->kind, KV_PLUGIN_CONNECTOR);
	ck_assert_str_eq(plugin->name, "reference");
	ck_assert_ptr_nonnull(plugin->open);
	ck_assert_ptr_nonnull(plugin->read);
	ck_assert_ptr_nonnull(plugin->close);
	ck_assert_ptr_nonnull(plugin->names); /* ABI 2.1 */
	ck_assert_uint_eq(plugin->n_settings, 4);
	ck_assert_str_eq(plugin->settings[0].key.key, "dsn");
	ck_assert_int_eq(plugin->settings[0].key.type, KV_CONFIG_CONNSTR);
	ck_assert(plugin->settings[0].key.required);
	ck_assert_str_eq(plugin->settings[1].key.key, "password");
	ck_assert_int_eq(plugin->settings[1].key.type, KV_CONFIG_SECRET);
	ck_assert_str_eq(plugin->settings[2].key.key, "odbc_row_array_size");
	ck_assert_int_eq(plugin->settings[2].key.type, KV_CONFIG_INT);
	ck_assert_str_eq(plugin->settings[2].key.default_value, "1024");
	ck_assert_str_eq(plugin->settings[2].key.allowed, "1..65536");
	ck_assert_str_eq(plugin->settings[3].key.key, "patient_key");
	ck_assert_int_eq(plugin->settings[3].key.type, KV_CONFIG_STRING);
	ck_assert_str_eq(plugin->settings[3].key.default_value, "patient_id");
	ck_assert(!plugin->settings[3].key.required);
	for (size_t i = 0; i < plugin->n_settings; i++)
		ck_assert(plugin->settings[i].key.description != NULL &&
			  plugin->settings[i].key.description[0] != '\0');
}
END_TEST

/* ---- tests: the fixture through the three transports --------------------- */

START_TEST(test_fixture_libpq)
{
	struct result r;
	run_read(&r, dsn_pg, NULL, BIG_BUDGET);
	assert_fixture(&r, "libpq");
	ck_assert_int_eq(planned_ranges(&r.ctx), 1);
	ck_assert_ptr_nonnull(strstr(r.ctx.log, "over libpq"));
	result_free(&r);

	run_read(&r, dsn_pg_uri, NULL, BIG_BUDGET); /* the URI form selects libpq too */
	assert_fixture(&r, "libpq-uri");
	result_free(&r);
}
END_TEST

START_TEST(test_fixture_psqlodbc)
{
	struct result r;
	run_read(&r, dsn_odbc_pg, NULL, BIG_BUDGET);
	assert_fixture(&r, "psqlodbc");
	ck_assert_ptr_nonnull(strstr(r.ctx.log, "over ODBC"));
	ck_assert_ptr_nonnull(strstr(r.ctx.log, "PostgreSQL"));
	result_free(&r);

	/* one row per fetch still works */
	run_read_ex(&r, dsn_odbc_pg, NULL, BIG_BUDGET, rules, N_OF(rules), 1, NULL);
	assert_fixture(&r, "psqlodbc-1row");
	result_free(&r);
}
END_TEST

START_TEST(test_fixture_sqlite)
{
	struct result r;
	run_read(&r, dsn_sqlite, NULL, BIG_BUDGET);
	assert_fixture(&r, "sqlite");
	ck_assert_ptr_nonnull(strstr(r.ctx.log, "SQLite"));
	result_free(&r);

	run_read_ex(&r, dsn_sqlite, NULL, BIG_BUDGET, rules, N_OF(rules), 3, NULL);
	assert_fixture(&r, "sqlite-3rows");
	result_free(&r);
}
END_TEST

/* A tiny budget forces many patient_id ranges; nothing may change. */
static void tiny_budget(const char *dsn, const char *label)
{
	struct result r;
	run_read(&r, dsn, NULL, 5120);
	assert_fixture(&r, label);
	long ranges = planned_ranges(&r.ctx);
	ck_assert_msg(ranges >= 3, "%s: %ld ranges: the budget did not force splitting", label,
		      ranges);
	result_free(&r);
}

START_TEST(test_tiny_budget_libpq)
{
	tiny_budget(dsn_pg, "tiny-libpq");
}
END_TEST

START_TEST(test_tiny_budget_psqlodbc)
{
	tiny_budget(dsn_odbc_pg, "tiny-psqlodbc");
}
END_TEST

START_TEST(test_tiny_budget_sqlite)
{
	tiny_budget(dsn_sqlite, "tiny-sqlite");
}
END_TEST

/* The generated practice: every transport, large and small budgets, the
 * same patients and counts. */
START_TEST(test_generated)
{
	const char *const *dsn = dsn_gen;
	const char *label[3] = {"gen-libpq", "gen-psqlodbc", "gen-sqlite"};
	struct result ref, r;

	run_read(&ref, dsn[0], NULL, BIG_BUDGET);
	ck_assert_msg(ref.read_rc == KV_OK, "%s", ref.ctx.error);
	ck_assert_int_eq(planned_ranges(&ref.ctx), 1);
	/* patients n = 1..1500 with n % 11 == 1 have sex 'X' */
	ck_assert_uint_eq(ref.dump.patients, 1500 - 137);
	ck_assert_ptr_nonnull(strstr(ref.counts, "patient bad unknown sex=137\n"));
	ck_assert_ptr_nonnull(strstr(ref.counts, "journal_note rows="));
	for (int i = 0; i < 3; i++) {
		for (int small = 0; small < 2; small++) {
			if (i == 0 && !small)
				continue;
			run_read(&r, dsn[i], NULL, small ? 128 * 1024 : BIG_BUDGET);
			ck_assert_msg(r.read_rc == KV_OK, "%s: %s", label[i], r.ctx.error);
			if (small)
				ck_assert_msg(planned_ranges(&r.ctx) >= 8, "%s: only %ld ranges",
					      label[i], planned_ranges(&r.ctx));
			if (strcmp(r.dump.buf, ref.dump.buf) != 0) {
				char gref[64], gen[64];
				snprintf(gref, sizeof(gref), "/tmp/kvref-%d-gen-ref.dump", (int)getpid());
				snprintf(gen, sizeof(gen), "/tmp/kvref-%d-gen.dump", (int)getpid());
				FILE *f = fopen(gref, "w");
				if (f != NULL) {
					fputs(ref.dump.buf, f);
					fclose(f);
				}
				f = fopen(gen, "w");
				if (f != NULL) {
					fputs(r.dump.buf, f);
					fclose(f);
				}
				ck_abort_msg("%s (%s budget): patients differ from libpq's (%s, %s)",
					     label[i], small ? "small" : "large", gref, gen);
			}
			ck_assert_str_eq(r.counts, ref.counts);
			result_free(&r);
		}
	}
	result_free(&ref);
}
END_TEST

/* With events_from the fee totals (counted whole) exceed the fees the
 * histograms count (cut through their contact): a small budget still plans
 * ranges that fit and delivers what a large one does, on every transport. */
START_TEST(test_events_from_small_budget)
{
	const char *const *dsn = dsn_gen;
	read_events_from = kv_date_from_ymd(2020, 1, 1);
	for (int i = 0; i < 3; i++) {
		struct result big, small;
		run_read(&big, dsn[i], NULL, BIG_BUDGET);
		run_read(&small, dsn[i], NULL, 128 * 1024);
		ck_assert_msg(big.read_rc == KV_OK, "%d: %s", i, big.ctx.error);
		ck_assert_msg(small.read_rc == KV_OK, "%d: %s", i, small.ctx.error);
		ck_assert_int_eq(planned_ranges(&big.ctx), 1);
		ck_assert_msg(planned_ranges(&small.ctx) >= 8, "%d: only %ld ranges", i,
			      planned_ranges(&small.ctx));
		ck_assert_str_eq(small.dump.buf, big.dump.buf);
		ck_assert_str_eq(small.counts, big.counts);
		result_free(&big);
		result_free(&small);
	}
	read_events_from = 0;
}
END_TEST

START_TEST(test_budget_too_small)
{
	struct result r;
	run_read(&r, dsn_pg, NULL, 100);
	ck_assert_int_eq(r.open_rc, KV_OK);
	ck_assert_int_eq(r.read_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "memory budget"));
	ck_assert_uint_eq(r.dump.patients, 0);
	result_free(&r);

	/* big enough to start, too small for the largest patient */
	run_read(&r, dsn_sqlite, NULL, 4096);
	ck_assert_int_eq(r.read_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "memory budget"));
	result_free(&r);
}
END_TEST

/* Without keyword rules journal_note is not read and no notes come back. */
START_TEST(test_no_rules)
{
	struct result a, b;
	run_read_ex(&a, dsn_pg, NULL, BIG_BUDGET, NULL, 0, 0, NULL);
	run_read_ex(&b, dsn_sqlite, NULL, BIG_BUDGET, NULL, 0, 0, NULL);
	ck_assert_int_eq(a.read_rc, KV_OK);
	ck_assert_int_eq(b.read_rc, KV_OK);
	ck_assert_ptr_null(strstr(a.dump.buf, " note "));
	ck_assert_ptr_null(strstr(a.counts, "journal_note"));
	ck_assert_str_eq(a.dump.buf, b.dump.buf);
	ck_assert_str_eq(a.counts, b.counts);
	result_free(&a);
	result_free(&b);
}
END_TEST

START_TEST(test_bad_rules)
{
	static const char *const bad1[] = {"lmg*"};
	static const char *const bad2[] = {"lmg|"};
	static const char *const bad3[] = {"legemiddel gjennomgang"};
	const char *const *sets[] = {bad1, bad2, bad3};
	for (size_t i = 0; i < N_OF(sets); i++) {
		struct result r;
		run_read_ex(&r, i == 1 ? dsn_sqlite : dsn_pg, NULL, BIG_BUDGET, sets[i], 1, 0, NULL);
		ck_assert_int_eq(r.read_rc, KV_ERROR);
		ck_assert_ptr_nonnull(strstr(r.ctx.error, "keyword rule 1"));
		result_free(&r);
	}
}
END_TEST

static int stop_at_third(struct dump *d)
{
	return d->patients == 2;
}

START_TEST(test_sink_stops)
{
	struct result r;
	run_read_ex(&r, dsn_pg, NULL, BIG_BUDGET, rules, N_OF(rules), 0, stop_at_third);
	ck_assert_int_eq(r.read_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "stopped"));
	ck_assert_uint_eq(r.dump.patients, 2);
	result_free(&r);
}
END_TEST

/* The same state reads twice, with the same result. */
START_TEST(test_read_twice)
{
	struct kv_ctx ctx;
	struct kv_call call;
	ref_ctx(&ctx, dsn_odbc_pg, NULL, "1024");
	ck_assert_int_eq(conn_open(&call, &ctx, NULL), KV_OK);
	struct kv_read_request req = {
		.to = kv_date_from_ymd(2024, 12, 31), .note_patterns = rules,
		.n_note_patterns = N_OF(rules), .memory_budget = BIG_BUDGET,
	};
	struct dump d1 = {0}, d2 = {0};
	ck_assert_int_eq(plugin->read(&call, &req, dump_sink, &d1), KV_OK);
	ck_assert_int_eq(plugin->read(&call, &req, dump_sink, &d2), KV_OK);
	ck_assert_str_eq(d1.buf, d2.buf);
	plugin->close(&call);
	free(d1.buf);
	free(d2.buf);
}
END_TEST

/* ---- tests: each patient's origin (kv_patient_origin) ------------------- */

/* What the sink was given besides the patient, in delivery order. */
struct origins {
	size_t n;
	uint32_t size[16];
	uint64_t local_ref[16];
	uint64_t list_holder[16];
	bool missing; /* an origin was NULL */
};

static int origin_sink(void *arg, const struct kv_patient *p,
		       const struct kv_patient_origin *origin)
{
	struct origins *o = arg;
	(void)p;
	if (origin == NULL) {
		o->missing = true;
		return 0;
	}
	if (o->n < N_OF(o->size)) {
		o->size[o->n] = origin->struct_size;
		o->local_ref[o->n] = origin->local_ref;
		o->list_holder[o->n] = origin->list_holder;
	}
	o->n++;
	return 0;
}

/* Read connector pl's fixture up to `to` with `budget` and compare every
 * delivered patient's origin with want[] = {local_ref, list_holder}: for the
 * reference connector {patient_id, gp_id of its list at to}. pl's other
 * settings keep their defaults. The read's ctx stays in origin_ctx. */
static struct kv_ctx origin_ctx;

static void assert_origins(const struct kv_connector_plugin *pl, const char *dsn,
			   const char *label, kv_date to, size_t budget, const uint64_t (*want)[2],
			   size_t n_want)
{
	struct kv_ctx *ctx = &origin_ctx;
	struct kv_call call;
	struct origins o = {0};
	ref_ctx(ctx, dsn, NULL, "1024");
	ck_assert_msg(conn_open_of(pl, &call, ctx, NULL) == KV_OK, "%s: %s", label, ctx->error);
	struct kv_read_request req = {.to = to, .memory_budget = budget};
	int rc = pl->read(&call, &req, origin_sink, &o);
	pl->close(&call);
	ck_assert_msg(rc == KV_OK, "%s: %s", label, ctx->error);
	ck_assert_msg(!o.missing, "%s: a patient without its origin", label);
	ck_assert_msg(o.n == n_want, "%s: %zu patients, want %zu", label, o.n, n_want);
	for (size_t i = 0; i < n_want; i++) {
		ck_assert_msg(o.size[i] == sizeof(struct kv_patient_origin),
			      "%s: origin %zu has struct_size %u", label, i, (unsigned)o.size[i]);
		ck_assert_msg(o.local_ref[i] == want[i][0],
			      "%s: patient %zu has local_ref %" PRIu64 ", want %" PRIu64, label, i,
			      o.local_ref[i], want[i][0]);
		ck_assert_msg(o.list_holder[i] == want[i][1],
			      "%s: patient %" PRIu64 " has list_holder %" PRIu64 ", want %" PRIu64,
			      label, want[i][0], o.list_holder[i], want[i][1]);
	}
}

/* fixture.sql's delivered patients (104 and 109 are bad rows) and their
 * list holders at the read's end, valid_to exclusive. */
static const uint64_t origins_2024[][2] = {
	{101, 5}, /* GP 1 until 2020-01-01, GP 5 from 2019-06-01 on: the later GP */
	{102, 1}, /* open period */
	{103, 0}, /* no list period */
	{105, 0}, /* an empty period in 2018: ended before req->to */
	{106, 0}, /* a period from 2025-06-01 on: after req->to */
	{107, 1},
	{108, 1},
};
/* to 2019-03-01: 101 only on GP 1's list; 105's empty period long over */
static const uint64_t origins_2019[][2] = {
	{101, 1}, {102, 1}, {103, 0}, {105, 0}, {106, 0}, {107, 1}, {108, 1},
};
/* to 2020-01-01, the end of GP 1's period (exclusive): 101 on GP 5's */
static const uint64_t origins_2020[][2] = {
	{101, 5}, {102, 1}, {103, 0}, {105, 0}, {106, 0}, {107, 1}, {108, 1},
};

static void origins_over(const char *dsn, const char *label)
{
	assert_origins(plugin, dsn, label, kv_date_from_ymd(2024, 12, 31), BIG_BUDGET, origins_2024,
		       N_OF(origins_2024));
	/* many patient_id ranges (and the twin over libpq): the same */
	assert_origins(plugin, dsn, label, kv_date_from_ymd(2024, 12, 31), 5120, origins_2024,
		       N_OF(origins_2024));
	assert_origins(plugin, dsn, label, kv_date_from_ymd(2019, 3, 1), BIG_BUDGET, origins_2019,
		       N_OF(origins_2019));
	assert_origins(plugin, dsn, label, kv_date_from_ymd(2020, 1, 1), BIG_BUDGET, origins_2020,
		       N_OF(origins_2020));
}

START_TEST(test_origin_libpq)
{
	origins_over(dsn_pg, "origin-libpq");
}
END_TEST

START_TEST(test_origin_psqlodbc)
{
	origins_over(dsn_odbc_pg, "origin-psqlodbc");
}
END_TEST

START_TEST(test_origin_sqlite)
{
	origins_over(dsn_sqlite, "origin-sqlite");
}
END_TEST

/* omop_origin.sql's delivered persons: {person_id, provider_id or 0}, in
 * person_id order (16 is a bad row). The holder is the person's provider
 * whatever the read's end and the observation periods. (The fake host has
 * no value sets loaded: the default ancestor_value_sets find none.) */
static const uint64_t omop_origins[][2] = {
	{11, 7},
	{12, 0}, /* provider_id NULL */
	{14, 8}, /* a nurse, no care site, no observation period */
	{18, 99}, /* a provider_id with no provider row */
	{2147483000, 2147483001},
};

static void omop_origins_over(const char *dsn, const char *label)
{
	assert_origins(omop_plugin, dsn, label, kv_date_from_ymd(2024, 12, 31), BIG_BUDGET,
		       omop_origins, N_OF(omop_origins));
	/* several person_id ranges: the same */
	assert_origins(omop_plugin, dsn, label, kv_date_from_ymd(2024, 12, 31), 65536, omop_origins,
		       N_OF(omop_origins));
	const char *in = strstr(origin_ctx.log, " persons in ");
	long ranges = in != NULL ? strtol(in + 12, NULL, 10) : -1;
	ck_assert_msg(ranges >= 2, "%s: %ld person_id ranges: the budget did not force splitting",
		      label, ranges);
	assert_origins(omop_plugin, dsn, label, kv_date_from_ymd(2019, 3, 1), BIG_BUDGET,
		       omop_origins, N_OF(omop_origins));
}

START_TEST(test_omop_origin_libpq)
{
	char dsn[256];
	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d dbname=omop user=postgres", pg_port);
	omop_origins_over(dsn, "omop-origin-libpq");
}
END_TEST

START_TEST(test_omop_origin_psqlodbc)
{
	char dsn[1024];
	snprintf(dsn, sizeof(dsn),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=omop;Uid=postgres;CommLog=0",
		 odbc_pg_driver, pg_port);
	omop_origins_over(dsn, "omop-origin-psqlodbc");
}
END_TEST

START_TEST(test_omop_origin_sqlite)
{
	char dsn[1024];
	snprintf(dsn, sizeof(dsn), "Driver=%s;Database=%s", odbc_sqlite_driver, sqlite_omop_path);
	omop_origins_over(dsn, "omop-origin-sqlite");
}
END_TEST

/* ---- tests: ABI 2.1, the patient key, the period holders, names() ------- */

#define KEYED_MAX 16
#define KEYED_HOLDERS 4

/* What the sink was given of each patient's ABI 2.1 origin. */
struct keyed {
	size_t n;
	uint64_t ref[KEYED_MAX];
	bool has_key[KEYED_MAX];
	char key[KEYED_MAX][KV_PATIENT_KEY_MAX];
	size_t n_periods[KEYED_MAX];
	bool has_holders[KEYED_MAX];
	uint64_t holders[KEYED_MAX][KEYED_HOLDERS];
	bool bad; /* an origin missing, too small, or a key not shorter than the limit */
};

static int keyed_sink(void *arg, const struct kv_patient *p,
		      const struct kv_patient_origin *origin)
{
	struct keyed *k = arg;
	if (origin == NULL || origin->struct_size != sizeof(struct kv_patient_origin)) {
		k->bad = true;
		return 0;
	}
	if (k->n < KEYED_MAX) {
		size_t i = k->n;
		k->ref[i] = origin->local_ref;
		k->n_periods[i] = p->n_periods;
		if (origin->key != NULL) {
			size_t len = strnlen(origin->key, KV_PATIENT_KEY_MAX);
			if (len == KV_PATIENT_KEY_MAX)
				k->bad = true;
			else
				memcpy(k->key[i], origin->key, len + 1);
			k->has_key[i] = true;
		}
		if (origin->period_holders != NULL) {
			k->has_holders[i] = true;
			for (size_t j = 0; j < p->n_periods && j < KEYED_HOLDERS; j++)
				k->holders[i][j] = origin->period_holders[j];
		}
	}
	k->n++;
	return 0;
}

/* Display names a names() call gave, in order. */
struct named {
	size_t n;
	uint64_t ref[32];
	char name[32][64];
};

static void name_sink(void *arg, uint64_t ref, const char *name)
{
	struct named *nm = arg;
	if (nm->n < N_OF(nm->ref)) {
		nm->ref[nm->n] = ref;
		snprintf(nm->name[nm->n], sizeof(nm->name[nm->n]), "%s", name);
	}
	nm->n++;
}

/* The name given for ref, or NULL; fails when it was given twice. */
static const char *named_get(const struct named *nm, uint64_t ref)
{
	const char *found = NULL;
	for (size_t i = 0; i < nm->n && i < N_OF(nm->ref); i++) {
		if (nm->ref[i] != ref)
			continue;
		ck_assert_msg(found == NULL, "a name for %" PRIu64 " came twice", ref);
		found = nm->name[i];
	}
	return found;
}

/* The ABI 2.1 reads' context: dsn with setting patient_key = key_setting
 * (NULL: the connector's default). */
static struct kv_ctx keyed_ctx;

static void keyed_ctx_set(const char *dsn, const char *key_setting)
{
	ref_ctx(&keyed_ctx, dsn, NULL, "1024");
	keyed_ctx.config[3][0] = "patient_key";
	keyed_ctx.config[3][1] = key_setting;
}

/* open, read to 2024-12-31 asking for `origin`, then (names != NULL) the
 * names of refs of kind, close. */
static void keyed_read(const struct kv_connector_plugin *pl, const char *dsn,
		       const char *key_setting, uint32_t origin, size_t budget, struct keyed *k,
		       enum kv_name_kind kind, const uint64_t *refs, size_t n_refs,
		       struct named *names)
{
	struct kv_call call;
	memset(k, 0, sizeof(*k));
	keyed_ctx_set(dsn, key_setting);
	ck_assert_msg(conn_open_of(pl, &call, &keyed_ctx, NULL) == KV_OK, "%s: %s", dsn,
		      keyed_ctx.error);
	struct kv_read_request req = {.struct_size = sizeof req,
				      .to = kv_date_from_ymd(2024, 12, 31),
				      .memory_budget = budget,
				      .origin = origin};
	int rc = pl->read(&call, &req, keyed_sink, k);
	int nrc = KV_OK;
	if (rc == KV_OK && names != NULL)
		nrc = pl->names(&call, kind, refs, n_refs, name_sink, names);
	pl->close(&call);
	ck_assert_msg(rc == KV_OK, "%s: read: %s", dsn, keyed_ctx.error);
	ck_assert_msg(nrc == KV_OK, "%s: names: %s", dsn, keyed_ctx.error);
	ck_assert_msg(!k->bad, "%s: an origin was missing or malformed", dsn);
}

static size_t keyed_find(const struct keyed *k, uint64_t ref)
{
	for (size_t i = 0; i < k->n && i < KEYED_MAX; i++)
		if (k->ref[i] == ref)
			return i;
	ck_abort_msg("patient %" PRIu64 " was not delivered", ref);
	return 0;
}

static void assert_key(const struct keyed *k, uint64_t ref, const char *want, const char *label)
{
	size_t i = keyed_find(k, ref);
	if (want == NULL)
		ck_assert_msg(!k->has_key[i], "%s: patient %" PRIu64 " has key \"%s\", want none",
			      label, ref, k->key[i]);
	else
		ck_assert_msg(k->has_key[i] && strcmp(k->key[i], want) == 0,
			      "%s: patient %" PRIu64 " has key \"%s\", want \"%s\"", label, ref,
			      k->has_key[i] ? k->key[i] : "(none)", want);
}

/* keys.sql's patients, delivered (104 and 109 are bad rows). */
static const uint64_t keys_patients[] = {101, 102, 103, 105, 106, 107, 108, 700, 1100};

/* The default patient_key, patient_id, as text; every list period's GP,
 * parallel to the periods: 101 is on GP 1's list, then (overlapping) on
 * GP 5's. One range, then many (the twin over libpq). */
static void key_default_over(const struct kv_connector_plugin *pl, const char *dsn,
			     const char *label)
{
	static const size_t budgets[] = {BIG_BUDGET, 6144};
	struct keyed k;
	for (size_t b = 0; b < N_OF(budgets); b++) {
		keyed_read(pl, dsn, NULL, KV_ORIGIN_KEY | KV_ORIGIN_HOLDERS, budgets[b], &k, 0, NULL,
			   0, NULL);
		ck_assert_uint_eq(k.n, N_OF(keys_patients));
		for (size_t i = 0; i < N_OF(keys_patients); i++) {
			char want[24];
			snprintf(want, sizeof(want), "%" PRIu64, keys_patients[i]);
			assert_key(&k, keys_patients[i], want, label);
		}
		size_t i = keyed_find(&k, 101);
		ck_assert_uint_eq(k.n_periods[i], 2);
		ck_assert_msg(k.has_holders[i] && k.holders[i][0] == 1 && k.holders[i][1] == 5,
			      "%s: 101's period holders are not {1, 5}", label);
		i = keyed_find(&k, 700);
		ck_assert_uint_eq(k.n_periods[i], 1);
		ck_assert(k.has_holders[i] && k.holders[i][0] == 900);
		i = keyed_find(&k, 107);
		ck_assert(k.n_periods[i] == 1 && k.has_holders[i] && k.holders[i][0] == 1);
		/* no list period (103), or none left by the read's end (106): none */
		ck_assert_uint_eq(k.n_periods[keyed_find(&k, 103)], 0);
		ck_assert(!k.has_holders[keyed_find(&k, 103)]);
		ck_assert(!k.has_holders[keyed_find(&k, 106)]);
	}
}

/* patient_key = record_no, a text column of keys.sql; only the key asked. */
static void key_column_over(const struct kv_connector_plugin *pl, const char *dsn,
			    const char *label)
{
	struct keyed k;
	keyed_read(pl, dsn, "record_no", KV_ORIGIN_KEY, BIG_BUDGET, &k, 0, NULL, 0, NULL);
	ck_assert_uint_eq(k.n, N_OF(keys_patients)); /* 105 still delivered */
	assert_key(&k, 101, "J-101", label);
	assert_key(&k, 102, NULL, label); /* empty */
	assert_key(&k, 103, NULL, label); /* NULL */
	assert_key(&k, 105, NULL, label); /* too long */
	assert_key(&k, 106, "K23456789012345678901234567890123456789012345678901234567890123",
		   label);
	assert_key(&k, 107, "J-107", label);
	assert_key(&k, 108, "\xc3\x98-108", label);
	assert_key(&k, 700, "J-700", label);
	assert_key(&k, 1100, "J-1100", label);
	for (size_t i = 0; i < k.n; i++)
		ck_assert_msg(!k.has_holders[i], "%s: holders without being asked", label);
	char *counts = counts_text(&keyed_ctx);
	ck_assert_msg(strstr(counts, "patient bad patient key too long=1\n") != NULL,
		      "%s: the long key was not counted: %s", label, counts);
	free(counts);

	/* a plain compute run: nothing of either, nothing counted */
	keyed_read(pl, dsn, "record_no", 0, BIG_BUDGET, &k, 0, NULL, 0, NULL);
	ck_assert_uint_eq(k.n, N_OF(keys_patients));
	for (size_t i = 0; i < k.n; i++)
		ck_assert_msg(!k.has_key[i] && !k.has_holders[i], "%s: origin read unasked", label);
	counts = counts_text(&keyed_ctx);
	ck_assert_msg(strstr(counts, "key too long") == NULL, "%s: %s", label, counts);
	free(counts);
}

/* Names of patients and practitioners: ids 1..1200 (three chunks), each
 * twice, with a 0; an id with no row or no name is left out. */
static void names_over(const char *dsn, const char *label)
{
	static uint64_t refs[2 * 1200 + 1];
	struct keyed k;
	struct named nm = {0};
	for (size_t i = 0; i < 1200; i++)
		refs[i] = refs[1200 + i] = 1200 - i;
	refs[2400] = 0;
	keyed_read(plugin, dsn, NULL, 0, BIG_BUDGET, &k, KV_NAME_PATIENT, refs, N_OF(refs), &nm);
	ck_assert_msg(nm.n == 10, "%s: %zu patient names, want 10", label, nm.n);
	ck_assert_str_eq(named_get(&nm, 101), "Kari Nordmann");
	ck_assert_str_eq(named_get(&nm, 104), "Xena Feil"); /* a bad row has its name */
	ck_assert_str_eq(named_get(&nm, 700), "Siri Sjuhundre");
	ck_assert_ptr_null(named_get(&nm, 1100)); /* NULL name */
	ck_assert_ptr_null(named_get(&nm, 1));    /* no row */
	ck_assert_msg(strstr(keyed_ctx.log, "Nordmann") == NULL, "%s: a name was logged", label);

	memset(&nm, 0, sizeof(nm));
	keyed_read(plugin, dsn, NULL, 0, BIG_BUDGET, &k, KV_NAME_PRACTITIONER, refs, N_OF(refs),
		   &nm);
	ck_assert_msg(nm.n == 7, "%s: %zu practitioner names, want 7", label, nm.n);
	ck_assert_str_eq(named_get(&nm, 1), "Dr Ada Lege");
	ck_assert_str_eq(named_get(&nm, 3), "Sam Sekret\xc3\xa6r");
	ck_assert_str_eq(named_get(&nm, 900), "Dr Nihundre");
	ck_assert_ptr_null(named_get(&nm, 7));
	ck_assert_msg(strstr(keyed_ctx.log, "Lege") == NULL, "%s: a name was logged", label);

	/* none asked: none looked up */
	memset(&nm, 0, sizeof(nm));
	keyed_read(plugin, dsn, NULL, 0, BIG_BUDGET, &k, KV_NAME_PATIENT, refs, 0, &nm);
	ck_assert_uint_eq(nm.n, 0);
}

/* A patient_key that is no column, or no plain identifier: open fails
 * naming the setting and the column. */
static void bad_key_over(const char *dsn, const char *label)
{
	struct kv_call call;
	keyed_ctx_set(dsn, "no_such_col");
	ck_assert_int_eq(conn_open_of(plugin, &call, &keyed_ctx, NULL), KV_ERROR);
	ck_assert_msg(strstr(keyed_ctx.error, "\"patient_key\"") != NULL &&
			      strstr(keyed_ctx.error, "no_such_col") != NULL,
		      "%s: %s", label, keyed_ctx.error);
	keyed_ctx_set(dsn, "Record-No");
	ck_assert_int_eq(conn_open_of(plugin, &call, &keyed_ctx, NULL), KV_ERROR);
	ck_assert_msg(strstr(keyed_ctx.error, "\"patient_key\"") != NULL &&
			      strstr(keyed_ctx.error, "identifier") != NULL,
		      "%s: %s", label, keyed_ctx.error);
	keyed_ctx_set(dsn, "x\" OR 1=1 --");
	ck_assert_int_eq(conn_open_of(plugin, &call, &keyed_ctx, NULL), KV_ERROR);
	ck_assert_msg(strstr(keyed_ctx.error, "identifier") != NULL, "%s: %s", label,
		      keyed_ctx.error);
}

static char dsn_keys[3][1024];

static void make_keys_dsns(void)
{
	snprintf(dsn_keys[0], sizeof(dsn_keys[0]),
		 "host=127.0.0.1 port=%d dbname=keys user=postgres", pg_port);
	snprintf(dsn_keys[1], sizeof(dsn_keys[1]),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=keys;Uid=postgres;CommLog=0",
		 odbc_pg_driver, pg_port);
	snprintf(dsn_keys[2], sizeof(dsn_keys[2]), "Driver=%s;Database=%s", odbc_sqlite_driver,
		 sqlite_keys_path);
}

static const char *const keys_labels[3] = {"libpq", "psqlodbc", "sqlite"};

START_TEST(test_key_default)
{
	make_keys_dsns();
	key_default_over(plugin, dsn_keys[_i], keys_labels[_i]);
}
END_TEST

START_TEST(test_key_column)
{
	make_keys_dsns();
	key_column_over(plugin, dsn_keys[_i], keys_labels[_i]);
}
END_TEST

START_TEST(test_key_bad_column)
{
	make_keys_dsns();
	bad_key_over(dsn_keys[_i], keys_labels[_i]);
}
END_TEST

START_TEST(test_names)
{
	make_keys_dsns();
	names_over(dsn_keys[_i], keys_labels[_i]);
}
END_TEST

/* omop: the key from person_source_value (default) or person_id; every
 * period's holder is the person's provider; provider names, no patient
 * names. */
static void omop_keys_over(const char *dsn, const char *label)
{
	static uint64_t refs[1001];
	struct keyed k;
	struct named nm = {0};
	for (size_t i = 0; i < 1000; i++)
		refs[i] = i + 1;
	refs[1000] = 2147483001;
	keyed_read(omop_plugin, dsn, NULL, KV_ORIGIN_KEY | KV_ORIGIN_HOLDERS, BIG_BUDGET, &k,
		   KV_NAME_PRACTITIONER, refs, N_OF(refs), &nm);
	ck_assert_uint_eq(k.n, 5);
	assert_key(&k, 11, "P-11", label);
	assert_key(&k, 12, NULL, label); /* NULL */
	assert_key(&k, 14, NULL, label); /* empty */
	assert_key(&k, 18, "\xc3\x98-18", label);
	assert_key(&k, 2147483000, "P-2147483000", label);
	size_t i = keyed_find(&k, 11);
	ck_assert(k.n_periods[i] == 1 && k.has_holders[i] && k.holders[i][0] == 7);
	i = keyed_find(&k, 12);
	ck_assert(k.n_periods[i] == 1 && k.has_holders[i] && k.holders[i][0] == 0);
	i = keyed_find(&k, 2147483000);
	ck_assert(k.n_periods[i] == 1 && k.has_holders[i] && k.holders[i][0] == 2147483001);
	ck_assert(!k.has_holders[keyed_find(&k, 14)]); /* no observation period */
	ck_assert_msg(nm.n == 3, "%s: %zu provider names, want 3", label, nm.n);
	ck_assert_str_eq(named_get(&nm, 7), "GP seven");
	ck_assert_str_eq(named_get(&nm, 8), "a nurse");
	ck_assert_str_eq(named_get(&nm, 2147483001), "GP with a large key");
	ck_assert_ptr_null(named_get(&nm, 99));

	/* several person ranges: the same holders */
	keyed_read(omop_plugin, dsn, NULL, KV_ORIGIN_HOLDERS, 65536, &k, 0, NULL, 0, NULL);
	ck_assert_uint_eq(k.n, 5);
	i = keyed_find(&k, 11);
	ck_assert(!k.has_key[i] && k.has_holders[i] && k.holders[i][0] == 7);

	memset(&nm, 0, sizeof(nm));
	keyed_read(omop_plugin, dsn, "person_id", KV_ORIGIN_KEY, BIG_BUDGET, &k, KV_NAME_PATIENT,
		   refs, N_OF(refs), &nm);
	ck_assert_uint_eq(nm.n, 0); /* the CDM has no patient names */
	assert_key(&k, 11, "11", label);
	assert_key(&k, 12, "12", label);
	assert_key(&k, 2147483000, "2147483000", label);
	ck_assert(!k.has_holders[keyed_find(&k, 11)]);

	keyed_read(omop_plugin, dsn, NULL, 0, BIG_BUDGET, &k, 0, NULL, 0, NULL);
	for (i = 0; i < k.n; i++)
		ck_assert_msg(!k.has_key[i] && !k.has_holders[i], "%s: origin read unasked", label);
}

START_TEST(test_omop_keys)
{
	char dsn[3][1024];
	snprintf(dsn[0], sizeof(dsn[0]), "host=127.0.0.1 port=%d dbname=omop user=postgres",
		 pg_port);
	snprintf(dsn[1], sizeof(dsn[1]),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=omop;Uid=postgres;CommLog=0",
		 odbc_pg_driver, pg_port);
	snprintf(dsn[2], sizeof(dsn[2]), "Driver=%s;Database=%s", odbc_sqlite_driver,
		 sqlite_omop_path);
	omop_keys_over(dsn[_i], keys_labels[_i]);
}
END_TEST

/* While a read is in progress (between two ranges) another connection
 * cannot change the SQLite file: the whole read is one transaction, so every
 * range sees the same snapshot. */
static int sqlite_write_rc;

static int write_from_sink(struct dump *d)
{
	if (d->patients == 0) {
		sqlite3 *db;
		if (sqlite3_open(sqlite_path, &db) == SQLITE_OK) {
			sqlite3_busy_timeout(db, 0);
			sqlite_write_rc = sqlite3_exec(db, "UPDATE practitioner SET role = 'gp' "
							   "WHERE practitioner_id = 1",
						       NULL, NULL, NULL);
			sqlite3_close(db);
		}
	}
	return 0;
}

START_TEST(test_sqlite_snapshot)
{
	struct result r;
	sqlite_write_rc = -1;
	run_read_ex(&r, dsn_sqlite, NULL, 5120, rules, N_OF(rules), 0, write_from_sink);
	assert_fixture(&r, "sqlite-snapshot");
	ck_assert_int_ge(planned_ranges(&r.ctx), 3);
	ck_assert_msg(sqlite_write_rc == SQLITE_BUSY, "a writer got in during the read (rc %d)",
		      sqlite_write_rc);
	result_free(&r);
}
END_TEST

/* The same for PostgreSQL: rows committed between two ranges are not seen
 * (one REPEATABLE READ transaction), over libpq and psqlODBC. */
static int pg_write_n;

static int pg_write_from_sink(struct dump *d)
{
	if (d->patients == 0) {
		char sql[256];
		pg_write_n++;
		snprintf(sql, sizeof(sql),
			 "INSERT INTO patient VALUES (%d, NULL, NULL, '1999-01-01', 'F', NULL);"
			 "INSERT INTO contact VALUES (%d, 108, 1, '2023-01-01 10:00', 'phone')",
			 900 + pg_write_n, 90000 + pg_write_n);
		admin_exec("ehr_snapshot", sql);
	}
	return 0;
}

START_TEST(test_pg_snapshot)
{
	char dsn[2][1024];
	snprintf(dsn[0], sizeof(dsn[0]), "host=127.0.0.1 port=%d dbname=ehr_snapshot user=postgres",
		 pg_port);
	snprintf(dsn[1], sizeof(dsn[1]),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=ehr_snapshot;Uid=postgres;CommLog=0",
		 odbc_pg_driver, pg_port);
	for (int i = 0; i < 2; i++) {
		struct result r;
		run_read_ex(&r, dsn[i], NULL, 5120, rules, N_OF(rules), 0, pg_write_from_sink);
		/* what the sink wrote is there now, for the next reader */
		ck_assert(admin_exec("ehr_snapshot", "DELETE FROM contact WHERE contact_id >= 90000;"
						     "DELETE FROM patient WHERE patient_id >= 900"));
		assert_fixture(&r, i == 0 ? "libpq-snapshot" : "psqlodbc-snapshot");
		ck_assert_int_ge(planned_ranges(&r.ctx), 3);
		result_free(&r);
	}
	ck_assert_int_eq(pg_write_n, 2);
}
END_TEST

/* ---- tests: errors -------------------------------------------------------- */

START_TEST(test_unreachable)
{
	int port = free_port(); /* nothing listens there */
	char dsn[1024];
	struct result r;

	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d dbname=ehr user=postgres", port);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "could not connect"));
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "libpq"));
	ck_assert_ptr_null(strchr(r.ctx.error, '\n'));
	result_free(&r);

	snprintf(dsn, sizeof(dsn), "Driver=%s;Server=127.0.0.1;Port=%d;Database=ehr;Uid=postgres;CommLog=0",
		 odbc_pg_driver, port);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "could not connect"));
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "ODBC"));
	result_free(&r);

	/* a SQLite path that does not exist must not be created */
	snprintf(dsn, sizeof(dsn), "Driver=%s;Database=%s/missing.db", odbc_sqlite_driver, tmpdir);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	char missing[600];
	snprintf(missing, sizeof(missing), "%s/missing.db", tmpdir);
	ck_assert_int_ne(access(missing, F_OK), 0);
	result_free(&r);

	/* an ODBC driver that does not exist */
	run_read(&r, "Driver=NoSuchDriver;Database=x", NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "ODBC"));
	result_free(&r);
}
END_TEST

START_TEST(test_password)
{
	char dsn[1024];
	struct result r;

	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d dbname=ehr user=pwuser", pg_port);
	run_read(&r, dsn, WRONG_PASSWORD, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "password authentication failed"));
	assert_no_secrets(&r.ctx);
	result_free(&r);

	run_read(&r, dsn, TEST_PASSWORD, BIG_BUDGET);
	assert_fixture(&r, "libpq-password");
	result_free(&r);

	/* a password inside the dsn is scrubbed too */
	snprintf(dsn, sizeof(dsn), "postgresql://pwuser:%s@127.0.0.1:%d/ehr", WRONG_PASSWORD,
		 pg_port);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	assert_no_secrets(&r.ctx);
	result_free(&r);

	snprintf(dsn, sizeof(dsn), "Driver=%s;Server=127.0.0.1;Port=%d;Database=ehr;Uid=pwuser;CommLog=0",
		 odbc_pg_driver, pg_port);
	run_read(&r, dsn, WRONG_PASSWORD, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "password authentication failed"));
	assert_no_secrets(&r.ctx);
	result_free(&r);

	run_read(&r, dsn, TEST_PASSWORD, BIG_BUDGET);
	assert_fixture(&r, "psqlodbc-password");
	result_free(&r);
}
END_TEST

START_TEST(test_missing_column)
{
	char dsn[1024];
	struct result r;

	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d dbname=ehr_nocol user=postgres",
		 pg_port);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_msg(strstr(r.ctx.error, "\"lab_result\"") != NULL &&
			      strstr(r.ctx.error, "value_num") != NULL,
		      "unclear: %s", r.ctx.error);
	result_free(&r);

	snprintf(dsn, sizeof(dsn),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=ehr_nocol;Uid=postgres;CommLog=0",
		 odbc_pg_driver, pg_port);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_msg(strstr(r.ctx.error, "\"lab_result\"") != NULL &&
			      strstr(r.ctx.error, "value_num") != NULL,
		      "unclear: %s", r.ctx.error);
	result_free(&r);

	snprintf(dsn, sizeof(dsn), "Driver=%s;Database=%s", odbc_sqlite_driver,
		 sqlite_broken_path);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_msg(strstr(r.ctx.error, "\"contact\"") != NULL &&
			      strstr(r.ctx.error, "kind") != NULL,
		      "unclear: %s", r.ctx.error);
	result_free(&r);

	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d dbname=ehr_notable user=postgres",
		 pg_port);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_int_eq(r.open_rc, KV_ERROR);
	ck_assert_msg(strstr(r.ctx.error, "\"journal_note\"") != NULL &&
			      strstr(r.ctx.error, "does not exist") != NULL,
		      "unclear: %s", r.ctx.error);
	result_free(&r);
}
END_TEST

/* SQLite keeps what it is given: strict dates and numbers, orphans. */
START_TEST(test_sqlite_strict)
{
	char dsn[1024];
	struct result r;
	snprintf(dsn, sizeof(dsn), "Driver=%s;Database=%s", odbc_sqlite_driver,
		 sqlite_strict_path);
	run_read(&r, dsn, NULL, BIG_BUDGET);
	ck_assert_msg(r.read_rc == KV_OK, "read failed: %s", r.ctx.error);
	char *expected = test_file("strict.expected");
	ck_assert_ptr_nonnull(expected);
	if (strcmp(r.dump.buf, expected) != 0) {
		char path[64];
		snprintf(path, sizeof(path), "/tmp/kvref-%d-strict.dump", (int)getpid());
		FILE *f = fopen(path, "w");
		if (f != NULL) {
			fputs(r.dump.buf, f);
			fclose(f);
		}
		ck_abort_msg("strict: the patients differ from strict.expected (got %s)", path);
	}
	ck_assert_str_eq(r.counts, "blood_pressure bad unparseable number=1\n"
				   "blood_pressure rows=2\n"
				   "contact bad unknown patient=1\n"
				   "contact bad unparseable date=3\n"
				   "contact rows=6\n"
				   "diagnosis rows=0\n"
				   "fee bad unknown contact=1\n"
				   "fee rows=2\n"
				   "form rows=0\n"
				   "journal_note rows=0\n"
				   "lab_result bad unknown patient=1\n"
				   "lab_result bad unparseable number=1\n"
				   "lab_result rows=3\n"
				   "list_period bad unparseable date=1\n"
				   "list_period rows=2\n"
				   "medication rows=0\n"
				   "patient bad unparseable date=5\n"
				   "patient bad unparseable number=1\n"
				   "patient rows=8\n"
				   "practitioner rows=1\n"
				   "prescription bad non-finite number=1\n"
				   "prescription bad unparseable number=1\n"
				   "prescription rows=3\n");
	free(expected);
	result_free(&r);
}
END_TEST

/* ---- tests: a connection killed while reading ----------------------------- */

struct killer {
	pthread_t thread;
	volatile int stop;
	int killed;
	const char *db;
};

/* Terminate the plugin's backend once it is busy with the big table. */
static void *killer_main(void *arg)
{
	struct killer *k = arg;
	PGconn *c = admin_connect("postgres");
	if (c == NULL)
		return NULL;
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		 "WHERE datname = '%s' AND pid <> pg_backend_pid() AND "
		 "(query ILIKE 'COPY%%blood_pressure%%' OR query ILIKE '%%fetch%%' OR "
		 " query ILIKE '%%blood_pressure%%measured_on%%')",
		 k->db);
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 2000000};
	while (!k->stop && !k->killed) {
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			k->killed = 1;
		PQclear(r);
		nanosleep(&ts, NULL);
	}
	PQfinish(c);
	return NULL;
}

static void killed_midstream(const char *dsn, const char *transport)
{
	struct kv_ctx ctx;
	struct kv_call call;
	ref_ctx(&ctx, dsn, NULL, "1024");
	ck_assert_int_eq(conn_open(&call, &ctx, NULL), KV_OK);

	struct killer k = {.db = "big"};
	ck_assert_int_eq(pthread_create(&k.thread, NULL, killer_main, &k), 0);
	struct kv_read_request req = {.to = kv_date_from_ymd(2024, 12, 31),
				      .memory_budget = BIG_BUDGET};
	struct dump d = {0};
	int rc = plugin->read(&call, &req, dump_sink, &d);
	k.stop = 1;
	pthread_join(k.thread, NULL);
	ck_assert_msg(k.killed, "the backend was never seen reading");
	ck_assert_int_eq(rc, KV_ERROR);
	ck_assert_msg(strstr(ctx.error, transport) != NULL, "unclear: %s", ctx.error);
	ck_assert_msg(strstr(ctx.error, "blood_pressure") != NULL || strstr(ctx.error, "table") != NULL,
		      "names no table: %s", ctx.error);
	ck_assert_uint_eq(d.patients, 0);
	free(d.buf);

	/* the next read connects again */
	memset(&d, 0, sizeof(d));
	ctx.error[0] = '\0';
	rc = plugin->read(&call, &req, dump_sink, &d);
	ck_assert_msg(rc == KV_OK, "the read after a lost connection failed: %s", ctx.error);
	ck_assert_uint_eq(d.patients, BIG_BP_ROWS / 20);
	free(d.buf);
	plugin->close(&call);
}

START_TEST(test_killed_libpq)
{
	char dsn[256];
	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d dbname=big user=postgres", pg_port);
	killed_midstream(dsn, "libpq");
}
END_TEST

START_TEST(test_killed_psqlodbc)
{
	char dsn[1024];
	snprintf(dsn, sizeof(dsn), "Driver=%s;Server=127.0.0.1;Port=%d;Database=big;Uid=postgres;CommLog=0",
		 odbc_pg_driver, pg_port);
	killed_midstream(dsn, "ODBC");
}
END_TEST

/* The sink kills the backend between two ranges. */
static int kill_from_sink(struct dump *d)
{
	if (d->patients == 0)
		admin_exec("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
				       "WHERE datname = 'ehr' AND pid <> pg_backend_pid()");
	return 0;
}

START_TEST(test_killed_between_ranges)
{
	struct result r;
	run_read_ex(&r, dsn_pg, NULL, 6144, rules, N_OF(rules), 0, kill_from_sink);
	ck_assert_int_eq(r.read_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "libpq"));
	result_free(&r);
	run_read_ex(&r, dsn_odbc_pg, NULL, 6144, rules, N_OF(rules), 0, kill_from_sink);
	ck_assert_int_eq(r.read_rc, KV_ERROR);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "ODBC"));
	result_free(&r);
}
END_TEST

/* ---- the server's view: what the connector actually asked ---------------- */

static bool has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; *p != '\0'; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return false;
}

/* Runs last. With log_statement=all the server logged every statement of
 * every connection the plugin made (application_name kvalind-reference for
 * libpq, psqlODBC's own for ODBC; the test's own connections are
 * kvtest-admin): no identifying column or note text may have been selected,
 * nothing may have been written, and both transports must have made their
 * sessions read-only. The one exception: names() (ABI 2.1, test_names)
 * selects patient.name and practitioner.name, by bound ids only, in a
 * statement of its own; a read never does. */
START_TEST(test_server_log_audit)
{
	char *log = read_file(pglog);
	ck_assert_ptr_nonnull(log);
	static const char *const forbidden[] = {
		"national_id", "hpr_number", "drug_name", "value_text", "x.name", "x.unit",
		"SELECT x.body", ", x.body,", ", x.body FROM", "FROM STDIN",
	};
	static const char *const writes[] = {
		"insert ", "update ", "delete ", "create ", "drop ", "alter ", "truncate ",
		"grant ", "vacuum", "lock ",
	};
	static const char *const names_lookups[] = {
		" FROM patient x WHERE x.patient_id IN (CAST($1 AS BIGINT), ",
		" FROM practitioner x WHERE x.practitioner_id IN (CAST($1 AS BIGINT), ",
		" FROM patient x WHERE x.patient_id IN (CAST(",
		" FROM practitioner x WHERE x.practitioner_id IN (CAST(",
	};
	bool admin = true;
	bool ro_libpq = false, ro_odbc = false, begin_ro = false;
	size_t plugin_lines = 0, names_libpq = 0, names_odbc = 0;
	for (char *line = strtok(log, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (line[0] == '[')
			admin = strncmp(line, "[kvtest-admin]", 14) == 0;
		if (admin)
			continue;
		plugin_lines++;
		bool names = false;
		for (size_t i = 0; i < N_OF(names_lookups); i++)
			names = names || strstr(line, names_lookups[i]) != NULL;
		if (names && strncmp(line, "[kvalind-reference]", 19) == 0)
			names_libpq++;
		else if (names)
			names_odbc++;
		for (size_t i = 0; i < N_OF(forbidden); i++)
			ck_assert_msg(!has_ci(line, forbidden[i]) ||
					      (names && strcmp(forbidden[i], "x.name") == 0),
				      "the connector sent: %.300s", line);
		const char *st = strstr(line, "statement: ");
		if (st == NULL)
			st = strstr(line, "execute <unnamed>: ");
		if (st != NULL) {
			st = strchr(st, ':') + 2;
			for (size_t i = 0; i < N_OF(writes); i++)
				ck_assert_msg(strncasecmp(st, writes[i], strlen(writes[i])) != 0,
					      "the connector wrote: %s", line);
		}
		if (strstr(line, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
				 "REPEATABLE READ, READ ONLY") != NULL) {
			if (strncmp(line, "[kvalind-reference]", 19) == 0)
				ro_libpq = true;
			else
				ro_odbc = true;
		}
		if (strstr(line, "[kvalind-reference] LOG:  statement: BEGIN ISOLATION LEVEL "
				 "REPEATABLE READ, READ ONLY") != NULL)
			begin_ro = true;
	}
	ck_assert_uint_gt(plugin_lines, 100);
	/* names(): three chunks of ids, for patients and practitioners */
	ck_assert_uint_ge(names_libpq, 6);
	ck_assert_uint_ge(names_odbc, 6);
	ck_assert(ro_libpq);
	ck_assert(ro_odbc);
	ck_assert(begin_ro);
	free(log);
}
END_TEST

/* ---- throughput (KVREF_BENCH_ROWS) ---------------------------------------- */

static int count_only(void *arg, const struct kv_patient *p,
		      const struct kv_patient_origin *origin)
{
	(void)origin;
	uint64_t *n = arg;
	*n += p->n_bps;
	return 0;
}

static void bench_one(const char *label, const char *dsn, size_t budget)
{
	struct kv_ctx ctx;
	struct kv_call call;
	ref_ctx(&ctx, dsn, NULL, "1024");
	if (conn_open(&call, &ctx, NULL) != KV_OK) {
		printf("bench %s: open failed: %s\n", label, ctx.error);
		return;
	}
	struct kv_read_request req = {.to = kv_date_from_ymd(2024, 12, 31),
				      .memory_budget = budget};
	uint64_t n = 0;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int rc = plugin->read(&call, &req, count_only, &n);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("bench %-22s %s %10" PRIu64 " bp rows in %6.2f s = %9.0f rows/s (%ld ranges)\n",
	       label, rc == KV_OK ? "ok " : "ERR", n, s, (double)n / s, planned_ranges(&ctx));
	plugin->close(&call);
}

static void bench(long rows)
{
	char sql[1024], dsn[1024];
	snprintf(sql, sizeof(sql),
		 "CREATE DATABASE bench TEMPLATE template0");
	if (!admin_exec("postgres", sql))
		return;
	char *schema = read_file(schema_path);
	admin_exec("bench", schema);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO practitioner VALUES (1, NULL, 'x', 'gp');"
		 "INSERT INTO patient SELECT g, NULL, NULL, DATE '1950-01-01' + g %% 20000, "
		 "  CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END, NULL FROM generate_series(1, %ld) g;"
		 "INSERT INTO blood_pressure SELECT g %% %ld + 1, DATE '2015-01-01' + g %% 3000, "
		 "  120 + g %% 40, 70 + g %% 20 FROM generate_series(1, %ld) g",
		 rows / 50, rows / 50, rows);
	admin_exec("bench", sql);
	admin_exec("bench", "VACUUM ANALYZE");
	char sqlite_bench[600];
	snprintf(sqlite_bench, sizeof(sqlite_bench), "%s/bench.db", tmpdir);
	sqlite_exec_file(sqlite_bench, schema);
	snprintf(sql, sizeof(sql),
		 "BEGIN; INSERT INTO practitioner VALUES (1, NULL, 'x', 'gp');"
		 "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %ld) "
		 "INSERT INTO patient SELECT n, NULL, NULL, date('1950-01-01', '+' || (n %% 20000) || "
		 "' days'), CASE WHEN n %% 2 = 0 THEN 'F' ELSE 'M' END, NULL FROM g;"
		 "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %ld) "
		 "INSERT INTO blood_pressure SELECT n %% %ld + 1, date('2015-01-01', '+' || (n %% "
		 "3000) || ' days'), 120 + n %% 40, 70 + n %% 20 FROM g; COMMIT",
		 rows / 50, rows, rows / 50);
	sqlite_exec_file(sqlite_bench, sql);
	free(schema);

	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d dbname=bench user=postgres", pg_port);
	bench_one("libpq", dsn, BIG_BUDGET);
	bench_one("libpq 64MiB budget", dsn, (size_t)64 << 20);
	snprintf(dsn, sizeof(dsn),
		 "Driver=%s;Server=127.0.0.1;Port=%d;Database=bench;Uid=postgres;CommLog=0", odbc_pg_driver,
		 pg_port);
	bench_one("psqlODBC", dsn, BIG_BUDGET);
	snprintf(dsn, sizeof(dsn), "Driver=%s;Database=%s", odbc_sqlite_driver, sqlite_bench);
	bench_one("SQLite ODBC", dsn, BIG_BUDGET);
}

/* ---- main ----------------------------------------------------------------- */

static Suite *reference_suite(void)
{
	Suite *s = suite_create("reference connector");
	TCase *tc = tcase_create("fixture");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_fixture_libpq);
	tcase_add_test(tc, test_fixture_psqlodbc);
	tcase_add_test(tc, test_fixture_sqlite);
	tcase_add_test(tc, test_tiny_budget_libpq);
	tcase_add_test(tc, test_tiny_budget_psqlodbc);
	tcase_add_test(tc, test_tiny_budget_sqlite);
	tcase_add_test(tc, test_generated);
	tcase_add_test(tc, test_events_from_small_budget);
	tcase_add_test(tc, test_budget_too_small);
	tcase_add_test(tc, test_no_rules);
	tcase_add_test(tc, test_bad_rules);
	tcase_add_test(tc, test_sink_stops);
	tcase_add_test(tc, test_read_twice);
	tcase_add_test(tc, test_origin_libpq);
	tcase_add_test(tc, test_origin_psqlodbc);
	tcase_add_test(tc, test_origin_sqlite);
	/* ABI 2.1, over libpq, psqlODBC and SQLite ODBC (_i 0, 1, 2) */
	tcase_add_loop_test(tc, test_key_default, 0, 3);
	tcase_add_loop_test(tc, test_key_column, 0, 3);
	tcase_add_loop_test(tc, test_key_bad_column, 0, 3);
	tcase_add_loop_test(tc, test_names, 0, 3);
	tcase_add_test(tc, test_sqlite_strict);
	tcase_add_test(tc, test_sqlite_snapshot);
	tcase_add_test(tc, test_pg_snapshot);
	suite_add_tcase(s, tc);

	TCase *te = tcase_create("errors");
	tcase_set_timeout(te, 600);
	tcase_add_test(te, test_unreachable);
	tcase_add_test(te, test_password);
	tcase_add_test(te, test_missing_column);
	tcase_add_test(te, test_killed_libpq);
	tcase_add_test(te, test_killed_psqlodbc);
	tcase_add_test(te, test_killed_between_ranges);
	suite_add_tcase(s, te);

	TCase *ta = tcase_create("audit");
	tcase_add_test(ta, test_server_log_audit);
	suite_add_tcase(s, ta);
	return s;
}

/* After reference_suite(): its audit reads only the reference's statements. */
static Suite *omop_suite(void)
{
	Suite *s = suite_create("omop connector");
	TCase *tc = tcase_create("omop origin");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_omop_origin_libpq);
	tcase_add_test(tc, test_omop_origin_psqlodbc);
	tcase_add_test(tc, test_omop_origin_sqlite);
	tcase_add_loop_test(tc, test_omop_keys, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

/* dlopen() the connector at $env, else at def; NULL (said why) if it is none. */
static const struct kv_connector_plugin *load_connector(const char *env, const char *def,
							void **handle)
{
	const char *so = getenv(env);
	if (so == NULL)
		so = def;
	*handle = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (*handle == NULL) {
		fprintf(stderr, "cannot load %s: %s\n", so, dlerror());
		return NULL;
	}
	const struct kv_connector_plugin *pl = dlsym(*handle, "kv_connector_plugin");
	if (pl == NULL) {
		fprintf(stderr, "%s exports no kv_connector_plugin\n", so);
		dlclose(*handle);
		*handle = NULL;
	}
	return pl;
}

int main(int argc, char **argv)
{
	int failed = 1;
	SRunner *sr = srunner_create(reference_suite());
	srunner_add_suite(sr, omop_suite());
	int rc = ck_aim(sr, argc, argv, "check_reference");
	if (rc >= 0) {
		srunner_free(sr);
		return rc;
	}
	main_pid = getpid();
	atexit(cleanup);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE};
	for (size_t i = 0; i < N_OF(sigs); i++)
		sigaction(sigs[i], &sa, NULL);

	plugin = load_connector("KV_REFERENCE_SO", "build/connectors/reference.so", &plugin_handle);
	omop_plugin = load_connector("KV_OMOP_SO", "build/connectors/omop.so", &omop_handle);
	if (plugin == NULL || omop_plugin == NULL || !setup_environment()) {
		if (plugin != NULL && omop_plugin != NULL)
			fprintf(stderr, "could not set up the test server and databases\n");
		cleanup();
		if (plugin_handle != NULL)
			dlclose(plugin_handle);
		if (omop_handle != NULL)
			dlclose(omop_handle);
		srunner_free(sr);
		return 1;
	}
	make_dsns();

	failed = ck_aim_run(sr);
	srunner_free(sr);

	const char *bench_rows = getenv("KVREF_BENCH_ROWS");
	if (bench_rows != NULL && atol(bench_rows) > 0)
		bench(atol(bench_rows));

	cleanup();
	/* KV_NO_DLCLOSE keeps the plugin's symbols for valgrind's stack traces */
	if (getenv("KV_NO_DLCLOSE") == NULL) {
		dlclose(plugin_handle);
		dlclose(omop_handle);
	}
	return failed == 0 ? 0 : 1;
}
