/*
 * check_push.c - the push layer (core/push.h) against a real HTTPS receiver
 * on loopback (tests/push/https_server.py) and a real drop directory
 *
 * main() makes a fresh set of certificates with tests/push/make_certs.sh;
 * each HTTPS test starts its own receiver (fork, exec /usr/bin/python3) with
 * the misbehaviour it needs, and stops it at the end. The receiver dies with
 * the test process (PR_SET_PDEATHSIG), so a failed assertion leaves nothing
 * running. KVALIND_PUSH_TIMEOUT=5 keeps a hung exchange short.
 *
 * Receipts: the receiver signs them as the hub does (--receipt, WORK/receipt);
 * a valid one is VALID, one not matching what was sent, signed by another
 * certificate than the connection's or another CA's, garbage or too large
 * is INVALID with its reason, none is MISSING; through the outbox the good
 * one is kept as receipts/ID.receipt, the bad one as ID.invalid, and the
 * ledger's receipt check names it.
 *
 * Tests that need a file this process cannot read or a directory it cannot
 * write run the push in a child that drops to nobody (65534) when the tests
 * run as root, since root reads and writes regardless of modes.
 *
 * No test depends on the machine's speed: where time matters (a timeout, a
 * cancelled send) the bound asserted is many times what is needed, and the
 * time measured is printed.
 */
#define _GNU_SOURCE
#include "ck_aim.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/evp.h>

#include "config.h"
#include "diag.h"
#include "ledger.h"
#include "log.h"
#include "outbox.h"
#include "push.h"
#include "push_run.h"
#include "receipt.h"
#include "testutil.h"

#define PYTHON "/usr/bin/python3"
#define NOBODY 65534

static char *certs; /* made by main() */

static const char *cert(const char *name)
{
	return tu_path(certs, name);
}

/* ---- the receiver -------------------------------------------------------- */

struct server {
	pid_t pid;
	char *work;
	int port;
};

/* A port nothing listens on (just now). */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof a;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* Start the receiver on port (0: any) with extra flags (NULL-terminated, or
 * NULL), and wait until it listens. */
static void server_start(struct server *s, int port, const char *const *flags)
{
	char script[4096], portarg[16], portfile[4096];
	const char *argv[32];
	int argc = 0;

	memset(s, 0, sizeof *s);
	s->work = tu_mkdtemp();
	snprintf(script, sizeof script, "%s/tests/push/https_server.py", tu_source_dir());
	snprintf(portarg, sizeof portarg, "%d", port);
	snprintf(portfile, sizeof portfile, "%s/port", s->work);
	argv[argc++] = PYTHON;
	argv[argc++] = script;
	argv[argc++] = "--certs";
	argv[argc++] = certs;
	argv[argc++] = "--work";
	argv[argc++] = s->work;
	argv[argc++] = "--port";
	argv[argc++] = portarg;
	for (size_t i = 0; flags != NULL && flags[i] != NULL && argc < 31; i++)
		argv[argc++] = flags[i];
	argv[argc] = NULL;

	pid_t parent = getpid();
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execv(PYTHON, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 300; i++) {
		int status;
		FILE *f = fopen(portfile, "r");
		if (f != NULL) {
			int ok = fscanf(f, "%d", &s->port);
			fclose(f);
			ck_assert_int_eq(ok, 1);
			if (port != 0)
				ck_assert_int_eq(s->port, port);
			return;
		}
		ck_assert_msg(waitpid(s->pid, &status, WNOHANG) == 0,
			      "the test receiver exited at start (status %d)", status);
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	ck_abort_msg("the test receiver did not start within 15 s");
}

static void server_stop(struct server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	tu_rmtree(s->work);
	free(s->work);
	memset(s, 0, sizeof *s);
}

/* Files in dir not counting dot files when hidden is false. */
static int count_entries(const char *dir, bool hidden)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (hidden || e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* Every file the receiver stored, temporary ones included. */
static int stored(const struct server *s)
{
	return count_entries(tu_path(s->work, "store"), true);
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Lines of the receiver's requests.log (0 when it has none). */
static int requests(const struct server *s)
{
	const char *path = tu_path(s->work, "requests.log");
	if (!file_exists(path))
		return 0;
	char *text = tu_read_file(path);
	int n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

static char *stored_record(const struct server *s, const char *id)
{
	char name[256];
	snprintf(name, sizeof name, "store/%s.json", id);
	return tu_read_file(tu_path(s->work, name));
}

/* ---- an extract ---------------------------------------------------------- */

struct extract {
	char *dir;
	char id[64];
	char manifest[4096];
	char csv[4096];
};

static const char SAMPLE_CSV[] = "indicator,month,numerator,denominator\n"
				 "hba1c_measured,2024-05,35,40\n"
				 "statin_ckd,2024-05,10,15\n";

static void sha256_hex(const char *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	ck_assert_int_eq(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL), 1);
	ck_assert_uint_eq(n, 32);
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Write manifest.json and data.csv (csv_text, or the sample) for id. */
static void make_extract(struct extract *e, const char *id, const char *csv_text)
{
	char hex[65], manifest[2048];
	const char *csv = csv_text != NULL ? csv_text : SAMPLE_CSV;
	int rows = -1;
	for (const char *p = csv; *p; p++)
		rows += *p == '\n';
	memset(e, 0, sizeof *e);
	e->dir = tu_mkdtemp();
	snprintf(e->id, sizeof e->id, "%s", id);
	snprintf(e->manifest, sizeof e->manifest, "%s/manifest.json", e->dir);
	snprintf(e->csv, sizeof e->csv, "%s/data.csv", e->dir);
	sha256_hex(csv, strlen(csv), hex);
	snprintf(manifest, sizeof manifest,
		 "{\"extract_id\": \"%s\", \"participant\": \"test-office\", "
		 "\"months\": [\"2024-05\"], \"data\": {\"file\": \"data.csv\", "
		 "\"rows\": %d, \"bytes\": %zu, \"sha256\": \"%s\"}}\n",
		 id, rows, strlen(csv), hex);
	tu_write_file(e->manifest, manifest, 0644);
	tu_write_file(e->csv, csv, 0644);
}

static void free_extract(struct extract *e)
{
	tu_rmtree(e->dir);
	free(e->dir);
}

/* ---- configuration ------------------------------------------------------- */

/* [push] for https to port with the given client certificate name ("client",
 * "revoked", "stranger", or NULL for none) plus extra lines. */
static struct kv_config *https_config(int port, const char *client, const char *extra)
{
	char text[8192], cert_lines[2048] = "";
	struct kv_diags d = {0};
	if (client != NULL)
		snprintf(cert_lines, sizeof cert_lines, "client_cert = %s/%s.pem\n"
			 "client_key = %s/%s.key\n", certs, client, certs, client);
	snprintf(text, sizeof text,
		 "[office]\nid = test-office\n\n[push]\ntransport = https\n"
		 "url = https://127.0.0.1:%d/extracts\nca_file = %s/ca.pem\n%s%s",
		 port, certs, cert_lines, extra != NULL ? extra : "");
	struct kv_config *cfg = kv_config_from_string("test.ini", text, &d);
	ck_assert_ptr_nonnull(cfg);
	kv_diags_free(&d);
	return cfg;
}

static struct kv_config *text_config(const char *push_lines)
{
	char text[8192];
	struct kv_diags d = {0};
	snprintf(text, sizeof text, "[office]\nid = test-office\n\n[push]\n%s", push_lines);
	struct kv_config *cfg = kv_config_from_string("test.ini", text, &d);
	ck_assert_ptr_nonnull(cfg);
	kv_diags_free(&d);
	return cfg;
}

static void print_diags(const struct kv_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  diag: %s\n", d->msgs[i]);
}

static struct kv_push_target *must_open(const struct kv_config *cfg)
{
	struct kv_diags d = {0};
	struct kv_push_target *t = kv_push_open(cfg, &d);
	if (t == NULL)
		print_diags(&d);
	ck_assert_msg(t != NULL, "kv_push_open failed");
	ck_assert_uint_eq(d.n, 0);
	kv_diags_free(&d);
	return t;
}

/* kv_push_open must refuse; every needle must be in one message. */
static void must_refuse(const struct kv_config *cfg, const char *needle1, const char *needle2)
{
	struct kv_diags d = {0};
	struct kv_push_target *t = kv_push_open(cfg, &d);
	if (t != NULL || !kv_diags_contains(&d, needle1) ||
	    (needle2 != NULL && !kv_diags_contains(&d, needle2)))
		print_diags(&d);
	ck_assert_ptr_null(t);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_msg(kv_diags_contains(&d, needle1), "no message contains \"%s\"", needle1);
	if (needle2 != NULL)
		ck_assert_msg(kv_diags_contains(&d, needle2), "no message contains \"%s\"",
			      needle2);
	kv_diags_free(&d);
}

/* Send the extract's files as they are now; r (may be NULL) gets the result. */
static enum kv_push_outcome push_r(struct kv_push_target *t, const struct extract *e,
				   struct kv_push_result *r)
{
	struct kv_push_result local;
	if (r == NULL)
		r = &local;
	char *manifest = tu_read_file(e->manifest), *csv = tu_read_file(e->csv);
	struct kv_push_payload p = {manifest, strlen(manifest), csv, strlen(csv)};
	enum kv_push_outcome o = kv_push_send(t, e->id, &p, r);
	free(manifest);
	free(csv);
	return o;
}

static enum kv_push_outcome push(struct kv_push_target *t, const struct extract *e,
				 char *detail, size_t len)
{
	struct kv_push_result r;
	enum kv_push_outcome o = push_r(t, e, &r);
	if (len > 0) {
		size_t n = strlen(r.detail) < len - 1 ? strlen(r.detail) : len - 1;
		memcpy(detail, r.detail, n);
		detail[n] = '\0';
	}
	return o;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

#define ck_assert_contains(hay, needle)                                          \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"", \
		      (hay), (needle))

/* ---- a child that may drop privileges ------------------------------------ */

struct child_result {
	int opened;     /* kv_push_open returned a target */
	int outcome;
	char detail[1024];
	char diags[4096];
	char failure[256]; /* set-up in the child failed */
};

struct child_job {
	const struct kv_config *cfg;   /* open this, or */
	struct kv_push_target *target; /* send with this */
	const struct extract *extract;
	bool unprivileged;             /* as nobody when root; else as is */
	rlim_t fsize;                  /* RLIMIT_FSIZE in the child, 0: none */
};

static void child_work(const struct child_job *job, struct child_result *r)
{
	if (job->unprivileged && geteuid() == 0) {
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0) {
			snprintf(r->failure, sizeof r->failure, "dropping to nobody: %s",
				 strerror(errno));
			return;
		}
	}
	if (job->fsize != 0) {
		struct rlimit rl = {job->fsize, job->fsize};
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
			snprintf(r->failure, sizeof r->failure, "setrlimit: %s", strerror(errno));
			return;
		}
	}
	if (job->cfg != NULL) {
		struct kv_diags d = {0};
		struct kv_push_target *t = kv_push_open(job->cfg, &d);
		r->opened = t != NULL;
		size_t off = 0;
		for (size_t i = 0; i < d.n && off < sizeof r->diags; i++)
			off += (size_t)snprintf(r->diags + off, sizeof r->diags - off, "%s\n",
						d.msgs[i]);
		kv_diags_free(&d);
		kv_push_close(t);
	} else {
		r->outcome = (int)push(job->target, job->extract, r->detail, sizeof r->detail);
	}
}

static void run_child(const struct child_job *job, struct child_result *r)
{
	int fds[2];
	memset(r, 0, sizeof *r);
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		struct child_result cr;
		memset(&cr, 0, sizeof cr);
		child_work(job, &cr);
		ssize_t w = write(fds[1], &cr, sizeof cr);
		_exit(w == (ssize_t)sizeof cr ? 0 : 1);
	}
	close(fds[1]);
	size_t got = 0;
	while (got < sizeof *r) {
		ssize_t n = read(fds[0], (char *)r + got, sizeof *r - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == sizeof *r,
		      "the child failed");
	ck_assert_msg(r->failure[0] == '\0', "child: %s", r->failure);
}

/* ---- HTTPS: delivery ----------------------------------------------------- */

START_TEST(test_https_delivered)
{
	struct server s;
	struct extract e;
	char detail[512], url[128];
	server_start(&s, 0, NULL);
	make_extract(&e, "2024-05-test-office-1", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);
	snprintf(url, sizeof url, "https://127.0.0.1:%d/extracts", s.port);
	ck_assert_str_eq(kv_push_destination(t), url);

	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_str_eq(detail, "HTTP 201: stored");
	ck_assert_int_eq(stored(&s), 1);
	ck_assert_int_eq(requests(&s), 1);

	/* What arrived is what was sent, as two named, typed parts, from the
	 * office's certificate (the receiver also checked the SHA-256). */
	char *rec = stored_record(&s, e.id);
	ck_assert_contains(rec, "\"client\": \"kvalind test office\"");
	ck_assert_contains(rec, "\"user_agent\": \"kvalind/");
	ck_assert_contains(rec, "\"filename\": \"manifest.json\",\n   \"type\": \"application/json\"");
	ck_assert_contains(rec, "\"filename\": \"data.csv\",\n   \"type\": \"text/csv\"");
	ck_assert_contains(rec, "hba1c_measured,2024-05,35,40\\nstatin_ckd,2024-05,10,15\\n");
	ck_assert_contains(rec, "\\\"extract_id\\\": \\\"2024-05-test-office-1\\\"");
	free(rec);

	/* The same extract again: the receiver knows it by its key. */
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_str_eq(detail, "HTTP 200: already stored");
	ck_assert_int_eq(stored(&s), 1);
	ck_assert_int_eq(requests(&s), 2);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_server_down_then_up)
{
	struct server s;
	struct extract e;
	char detail[512];
	int port = free_port();
	make_extract(&e, "down-then-up", NULL);
	struct kv_config *cfg = https_config(port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_RETRY);
	ck_assert_contains(detail, "onnect");

	server_start(&s, port, NULL);
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_int_eq(stored(&s), 1);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_503_then_delivered)
{
	struct server s;
	struct extract e;
	char detail[512];
	const char *flags[] = {"--fail-503", "2", NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "busy", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_RETRY);
		ck_assert_str_eq(detail, "HTTP 503: busy, try again later");
		ck_assert_int_eq(stored(&s), 0);
	}
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_str_eq(detail, "HTTP 201: stored");
	ck_assert_int_eq(stored(&s), 1);
	ck_assert_int_eq(requests(&s), 3);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_lost_reply)
{
	struct server s;
	struct extract e;
	char detail[512];
	const char *flags[] = {"--lose-reply", "1", NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "lost-reply", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	/* The receiver stored it, but the office never heard. */
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_RETRY);
	ck_assert_int_eq(stored(&s), 1);

	/* The resend carries the same key: delivered, still one copy. */
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_str_eq(detail, "HTTP 200: already stored");
	ck_assert_int_eq(stored(&s), 1);
	ck_assert_int_eq(requests(&s), 2);
	char *log = tu_read_file(tu_path(s.work, "requests.log"));
	ck_assert_str_eq(log, "lost-reply lost\nlost-reply 200\n");
	free(log);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_422_refused)
{
	struct server s;
	struct extract e;
	char detail[512];
	const char *flags[] = {"--answer", "422", "--reason", "participant\tunknown\x01 ", NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "refused", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	/* The reason, first line only, control characters shown as '?'. */
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_REFUSED);
	ck_assert_str_eq(detail, "HTTP 422: participant?unknown?");
	ck_assert_int_eq(stored(&s), 0);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_long_reason_cut)
{
	struct server s;
	struct extract e;
	char detail[1024], reason[401];
	memset(reason, 'x', 400);
	reason[400] = '\0';
	const char *flags[] = {"--answer", "422", "--reason", reason, NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "long-reason", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_REFUSED);
	ck_assert_uint_eq(strlen(detail), strlen("HTTP 422: ") + 200);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

/* The receiver checks the data against the manifest's SHA-256, so the
 * delivered tests prove the bytes arrived intact. */
START_TEST(test_https_receiver_checks_sha256)
{
	struct server s;
	struct extract e;
	char detail[512];
	server_start(&s, 0, NULL);
	make_extract(&e, "tampered", NULL);
	tu_write_file(e.csv, "indicator,month,numerator,denominator\nx,2024-05,1,1\n", 0644);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_REFUSED);
	ck_assert_str_eq(detail, "HTTP 422: data sha256 does not match the manifest");
	ck_assert_int_eq(stored(&s), 0);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_redirect_not_followed)
{
	struct server s;
	struct extract e;
	
	const char *flags[] = {"--redirect", NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "redirected", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	/* Not followed, and not final: the extract waits for a fixed url. */
	struct kv_push_result r;
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_RETRY);
	ck_assert_str_eq(r.detail, "HTTP 302: moved");
	ck_assert(r.receiver_wide);
	ck_assert_contains(r.status, "the receiver redirects elsewhere (HTTP 302: moved) - check "
				     "[push] url");
	ck_assert_int_eq(requests(&s), 1); /* no second request to Location */

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_timeout)
{
	struct server s;
	struct extract e;
	
	const char *flags[] = {"--hang", NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "hung", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	setenv("KVALIND_PUSH_TIMEOUT", "2", 1);
	struct kv_push_target *t = must_open(cfg);
	setenv("KVALIND_PUSH_TIMEOUT", "5", 1);

	/* The receiver would hang for an hour: the 2 s timeout ends it (the
	 * bound is generous, for a loaded machine or valgrind). */
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct kv_push_result r;
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_RETRY);
	double took = seconds_since(&start);
	printf("push: a 2 s timeout against a hanging receiver returned after %.1f s\n", took);
	ck_assert_msg(took < 120, "took %.1f s", took);
	ck_assert_contains(r.detail, "Timeout");
	ck_assert(r.receiver_wide);
	ck_assert_contains(r.status, "the receiver did not answer in time");

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

/* The reply contract, class by class, against one receiver that is told
 * what to answer (WORK/answer): only a 2xx delivers, only a 422 is final;
 * everything else waits, receiver_wide when every extract would meet it,
 * with a status that says what to check. Then the receiver takes it. */
START_TEST(test_https_reply_classes)
{
	static const struct {
		int code;
		enum kv_push_outcome outcome;
		bool wide;
		const char *status;
	} cases[] = {
		{301, KV_PUSH_RETRY, true, "the receiver redirects elsewhere (HTTP 301: test answer) - "
					   "check [push] url"},
		{302, KV_PUSH_RETRY, true, "redirects elsewhere"},
		{307, KV_PUSH_RETRY, true, "redirects elsewhere"},
		{308, KV_PUSH_RETRY, true, "redirects elsewhere"},
		{400, KV_PUSH_RETRY, false, "the receiver did not take the request (HTTP 400: test "
					    "answer)"},
		{401, KV_PUSH_RETRY, true, "the receiver refused our certificate (HTTP 401: test "
					   "answer) - check [push] client_cert and client_key"},
		{403, KV_PUSH_RETRY, true, "the receiver refused our certificate (HTTP 403"},
		{404, KV_PUSH_RETRY, true, "the receiver has no such address (HTTP 404: test answer) "
					   "- check [push] url"},
		{405, KV_PUSH_RETRY, true, "no such address (HTTP 405"},
		{408, KV_PUSH_RETRY, true, "the receiver is busy or unavailable (HTTP 408"},
		{410, KV_PUSH_RETRY, false, "did not take the request (HTTP 410"},
		{411, KV_PUSH_RETRY, true, "does not take this kind of request (HTTP 411"},
		{413, KV_PUSH_RETRY, false, "the receiver finds the extract too large (HTTP 413"},
		{415, KV_PUSH_RETRY, true, "does not take this kind of request (HTTP 415"},
		{418, KV_PUSH_RETRY, false, "did not take the request (HTTP 418"},
		{425, KV_PUSH_RETRY, true, "busy or unavailable (HTTP 425"},
		{429, KV_PUSH_RETRY, true, "busy or unavailable (HTTP 429"},
		{500, KV_PUSH_RETRY, false, "the receiver failed (HTTP 500"},
		{501, KV_PUSH_RETRY, false, "the receiver failed (HTTP 501"},
		{502, KV_PUSH_RETRY, true, "busy or unavailable (HTTP 502"},
		{503, KV_PUSH_RETRY, true, "busy or unavailable (HTTP 503"},
		{504, KV_PUSH_RETRY, true, "busy or unavailable (HTTP 504"},
		{422, KV_PUSH_REFUSED, false, "refused by the receiver as invalid (HTTP 422: test "
					      "answer)"},
		{200, KV_PUSH_DELIVERED, false, ""},
		{201, KV_PUSH_DELIVERED, false, ""},
	};
	struct server s;
	struct extract e;
	server_start(&s, 0, NULL);
	make_extract(&e, "classes", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);
	const char *answer = strdup(tu_path(s.work, "answer"));

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[64], want_detail[64];
		struct kv_push_result r;
		snprintf(text, sizeof text, "%d test answer\n", cases[i].code);
		tu_write_file(answer, text, 0644);
		enum kv_push_outcome o = push_r(t, &e, &r);
		ck_assert_msg(o == cases[i].outcome, "HTTP %d: outcome %d, want %d (%s)",
			      cases[i].code, (int)o, (int)cases[i].outcome, r.status);
		ck_assert_msg(r.receiver_wide == cases[i].wide, "HTTP %d: receiver_wide %d",
			      cases[i].code, (int)r.receiver_wide);
		ck_assert_int_eq(r.http_status, cases[i].code);
		snprintf(want_detail, sizeof want_detail, "HTTP %d: test answer", cases[i].code);
		ck_assert_str_eq(r.detail, want_detail);
		ck_assert_msg(strstr(r.status, cases[i].status) != NULL, "HTTP %d: status \"%s\"",
			      cases[i].code, r.status);
		ck_assert_int_eq(stored(&s), 0);
		ck_assert_int_eq(requests(&s), (int)i + 1);
	}
	/* The cause fixed: the same extract is taken. */
	ck_assert_int_eq(unlink(answer), 0);
	struct kv_push_result r;
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_DELIVERED);
	ck_assert_str_eq(r.detail, "HTTP 201: stored");
	ck_assert_int_eq(stored(&s), 1);

	free((char *)answer);
	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

/* No reply at all: the receiver is down, or its name does not resolve. */
START_TEST(test_https_unreachable_is_receiver_wide)
{
	struct extract e;
	struct kv_push_result r;
	make_extract(&e, "unreachable", NULL);
	struct kv_config *cfg = https_config(free_port(), "client", NULL);
	struct kv_push_target *t = must_open(cfg);
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_RETRY);
	ck_assert(r.receiver_wide);
	ck_assert_int_eq(r.http_status, 0);
	ck_assert_contains(r.status, "the receiver cannot be reached (");
	kv_push_close(t);
	kv_config_free(cfg);

	char lines[2048];
	snprintf(lines, sizeof lines, "transport = https\nurl = https://no-such-host.invalid/x\n"
		 "ca_file = %s/ca.pem\n", certs);
	cfg = text_config(lines);
	t = must_open(cfg);
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_RETRY);
	ck_assert(r.receiver_wide);
	ck_assert_msg(strstr(r.status, "name cannot be resolved") != NULL ||
			      strstr(r.status, "did not answer in time") != NULL,
		      "%s", r.status);
	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
}
END_TEST

static volatile sig_atomic_t cancel_flag;

static void on_alarm(int sig)
{
	(void)sig;
	cancel_flag = 1;
}

/* A receiver that never answers (after the request, or before the TLS
 * handshake) with the push timeout at 300 s: the cancel flag, set by a
 * signal a second in, ends the send long before. */
static void cancel_against(const char *how)
{
	struct server s;
	struct extract e;
	const char *flags[] = {how, NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "cancelled", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	setenv("KVALIND_PUSH_TIMEOUT", "300", 1);
	struct kv_push_target *t = must_open(cfg);
	setenv("KVALIND_PUSH_TIMEOUT", "5", 1);
	cancel_flag = 0;
	kv_push_set_cancel(t, &cancel_flag);

	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, &old), 0);
	struct itimerval it = {{0, 0}, {1, 0}};
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	struct kv_push_result r;
	enum kv_push_outcome o = push_r(t, &e, &r);
	double took = seconds_since(&start);
	sigaction(SIGALRM, &old, NULL);
	printf("push: cancelled 1 s into a send to a receiver that %s, returned after %.1f s "
	       "(timeout 300 s)\n",
	       strcmp(how, "--hang") == 0 ? "never answers" : "never shakes hands", took);
	ck_assert_int_eq(o, KV_PUSH_CANCELLED);
	ck_assert(kv_push_cancelled(t));
	ck_assert_msg(took < 60, "took %.1f s", took);
	ck_assert_int_eq(stored(&s), 0);

	/* Once the flag is set, nothing more is sent. */
	int before = requests(&s);
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_CANCELLED);
	ck_assert_int_eq(requests(&s), before);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}

START_TEST(test_https_cancel_hanging_receiver)
{
	cancel_against("--hang");
}
END_TEST

START_TEST(test_https_cancel_silent_receiver)
{
	cancel_against("--silent");
}
END_TEST

START_TEST(test_https_key_passphrase)
{
	struct server s;
	struct extract e;
	char detail[512], extra[512];
	server_start(&s, 0, NULL);
	make_extract(&e, "passphrase", NULL);
	snprintf(extra, sizeof extra, "client_cert = %s/client.pem\nclient_key = %s/client-enc.key\n"
		 "key_passphrase = kv-test-passphrase\n", certs, certs);
	struct kv_config *cfg = https_config(s.port, NULL, extra);
	struct kv_push_target *t = must_open(cfg);
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_int_eq(stored(&s), 1);
	kv_push_close(t);
	kv_config_free(cfg);

	/* A wrong passphrase: the key cannot be used, nothing is sent. */
	free_extract(&e);
	make_extract(&e, "bad-passphrase", NULL);
	snprintf(extra, sizeof extra, "client_cert = %s/client.pem\nclient_key = %s/client-enc.key\n"
		 "key_passphrase = wrong\n", certs, certs);
	cfg = https_config(s.port, NULL, extra);
	t = must_open(cfg);
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_RETRY);
	ck_assert_int_eq(stored(&s), 1);
	kv_push_close(t);
	kv_config_free(cfg);

	free_extract(&e);
	server_stop(&s);
}
END_TEST

/* ---- HTTPS: certificates ------------------------------------------------- */

START_TEST(test_https_wrong_server_certificate)
{
	struct server s;
	struct extract e;
	char detail[512];
	const char *flags[] = {"--cert", "wrong", NULL};
	server_start(&s, 0, flags);
	make_extract(&e, "wrong-server", NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	struct kv_push_result r;
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_RETRY);
	ck_assert_contains(r.detail, "certificate");
	ck_assert(r.receiver_wide);
	ck_assert_contains(r.status, "the receiver's certificate could not be verified");
	ck_assert_contains(r.status, "check [push] url and ca_file");
	ck_assert_int_eq(stored(&s), 0);
	ck_assert_int_eq(requests(&s), 0);
	(void)detail;

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

/* The office's certificate is refused: not delivered, nothing stored, and
 * the receiver's TLS log says why. Run for revoked, unrelated and none. */
static void client_refused(const char *client, const char *tls_reason)
{
	struct server s;
	struct extract e;
	char detail[512];
	server_start(&s, 0, NULL);
	make_extract(&e, "refused-client", NULL);
	struct kv_config *cfg = https_config(s.port, client, NULL);
	struct kv_push_target *t = must_open(cfg);

	struct kv_push_result r;
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_RETRY);
	ck_assert_msg(r.detail[0] != '\0', "no detail");
	ck_assert_msg(r.receiver_wide, "%s", r.status); /* every extract would meet it */
	ck_assert_int_eq(stored(&s), 0);
	ck_assert_int_eq(requests(&s), 0);
	(void)detail;
	/* The receiver logs the refusal in its own thread, maybe after curl
	 * has returned: wait for it. */
	const char *tls_log = tu_path(s.work, "tls.log");
	bool logged = false;
	for (int i = 0; i < 100 && !logged; i++) {
		if (file_exists(tls_log)) {
			char *log = tu_read_file(tls_log);
			logged = strstr(log, tls_reason) != NULL;
			free(log);
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		if (!logged)
			nanosleep(&ts, NULL);
	}
	ck_assert_msg(logged, "the receiver did not log \"%s\"", tls_reason);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}

START_TEST(test_https_revoked_client)
{
	client_refused("revoked", "certificate revoked");
}
END_TEST

START_TEST(test_https_unrelated_client)
{
	client_refused("stranger", "certificate verify failed");
}
END_TEST

START_TEST(test_https_no_client_certificate)
{
	client_refused(NULL, "certificate");
}
END_TEST

/* ---- kv_push_open -------------------------------------------------------- */

START_TEST(test_open_refuses_http)
{
	char lines[1024];
	snprintf(lines, sizeof lines, "transport = https\nurl = http://127.0.0.1:1/x\n");
	struct kv_config *cfg = text_config(lines);
	must_refuse(cfg, "[push] url \"http://127.0.0.1:1/x\" is not an https:// address", NULL);
	kv_config_free(cfg);

	cfg = text_config("transport = https\nurl = ftp://127.0.0.1/x\n");
	must_refuse(cfg, "is not an https:// address", NULL);
	kv_config_free(cfg);
}
END_TEST

START_TEST(test_open_missing_url)
{
	struct kv_config *cfg = text_config("transport = https\n");
	must_refuse(cfg, "test.ini:5: [push] url is missing", NULL);
	kv_config_free(cfg);
}
END_TEST

START_TEST(test_open_refuses_password_in_url)
{
	struct kv_config *cfg =
	    text_config("transport = https\nurl = https://office:s3cret@127.0.0.1:1/x\n");
	struct kv_diags d = {0};
	ck_assert_ptr_null(kv_push_open(cfg, &d));
	ck_assert(kv_diags_contains(&d, "contains a user name or password"));
	ck_assert(kv_diags_contains(&d, "https://...@127.0.0.1:1/x"));
	ck_assert(!kv_diags_contains(&d, "s3cret"));
	ck_assert(!kv_diags_contains(&d, "office:"));
	kv_diags_free(&d);
	kv_config_free(cfg);

	cfg = text_config("transport = https\nurl = https://office@127.0.0.1:1/x\n");
	must_refuse(cfg, "contains a user name or password", NULL);
	kv_config_free(cfg);
}
END_TEST

START_TEST(test_open_missing_files)
{
	char lines[2048];
	snprintf(lines, sizeof lines,
		 "transport = https\nurl = https://127.0.0.1:1/x\nca_file = %s/nope.pem\n"
		 "client_cert = %s/client.pem\nclient_key = %s/client.key\n",
		 certs, certs, certs);
	struct kv_config *cfg = text_config(lines);
	must_refuse(cfg, "[push] ca_file", "nope.pem\" cannot be read: No such file or directory");
	kv_config_free(cfg);

	snprintf(lines, sizeof lines,
		 "transport = https\nurl = https://127.0.0.1:1/x\nclient_cert = %s/client.pem\n",
		 certs);
	cfg = text_config(lines);
	must_refuse(cfg, "[push] client_cert is set but client_key is not", NULL);
	kv_config_free(cfg);
}
END_TEST

/* A certificate that exists but cannot be read (as nobody, if root). */
START_TEST(test_open_unreadable_cert)
{
	char *dir = tu_mkdtemp();
	char lines[2048], *cert_path = strdup(tu_path(dir, "client.pem"));
	char *pem = tu_read_file(cert("client.pem"));
	tu_write_file(cert_path, pem, 0644);
	free(pem);
	snprintf(lines, sizeof lines,
		 "transport = https\nurl = https://127.0.0.1:1/x\nclient_cert = %s\n"
		 "client_key = %s/client.key\n",
		 cert_path, certs);
	struct kv_config *cfg = text_config(lines);
	struct child_job job = {.cfg = cfg, .unprivileged = true};
	struct child_result r;

	/* Readable: the control (only the key is out of nobody's reach). */
	run_child(&job, &r);
	ck_assert_msg(strstr(r.diags, "client_cert") == NULL, "%s", r.diags);

	ck_assert_int_eq(chmod(cert_path, 0), 0);
	run_child(&job, &r);
	ck_assert_int_eq(r.opened, 0);
	char want[4200];
	snprintf(want, sizeof want, "[push] client_cert \"%s\" cannot be read: Permission denied",
		 cert_path);
	ck_assert_contains(r.diags, want);

	kv_config_free(cfg);
	free(cert_path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_open_group_readable_key)
{
	char *dir = tu_mkdtemp();
	char lines[2048], *key_path = strdup(tu_path(dir, "client.key"));
	char *key = tu_read_file(cert("client.key"));
	tu_write_file(key_path, key, 0600);
	free(key);
	snprintf(lines, sizeof lines,
		 "transport = https\nurl = https://127.0.0.1:1/x\nclient_cert = %s/client.pem\n"
		 "client_key = %s\n",
		 certs, key_path);
	struct kv_config *cfg = text_config(lines);

	struct kv_push_target *t = must_open(cfg); /* 0600: fine */
	kv_push_close(t);

	ck_assert_int_eq(chmod(key_path, 0640), 0);
	char want[4200];
	snprintf(want, sizeof want, "[push] client_key \"%s\" is accessible by group or others "
		 "(mode 0640)", key_path);
	must_refuse(cfg, "test.ini:8: ", want);

	ck_assert_int_eq(chmod(key_path, 0604), 0);
	must_refuse(cfg, "(mode 0604)", NULL);

	kv_config_free(cfg);
	free(key_path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_open_transport_none)
{
	struct kv_config *cfg = text_config("approval = automatic\n");
	must_refuse(cfg, "push is not configured", NULL);
	/* check-config: push not configured is not a mistake */
	struct kv_diags d = {0};
	kv_push_check(cfg, &d);
	ck_assert_uint_eq(d.n, 0);
	kv_diags_free(&d);
	kv_config_free(cfg);
}
END_TEST

/* check-config and push apply one set of rules: kv_push_check reports
 * exactly what kv_push_open refuses, and nothing when it opens. */
START_TEST(test_check_is_open)
{
	char *dir = tu_mkdtemp();
	char *key_path = strdup(tu_path(dir, "client.key"));
	char *key = tu_read_file(cert("client.key"));
	tu_write_file(key_path, key, 0644);
	free(key);
	char lines[4][2048];
	snprintf(lines[0], sizeof lines[0], "transport = https\nurl = http://127.0.0.1:1/x\n");
	snprintf(lines[1], sizeof lines[1],
		 "transport = https\nurl = https://127.0.0.1:1/x\nclient_cert = %s/client.pem\n"
		 "client_key = %s\n",
		 certs, key_path);
	snprintf(lines[2], sizeof lines[2], "transport = directory\ndrop_dir = %s/none\n", dir);
	snprintf(lines[3], sizeof lines[3],
		 "transport = https\nurl = https://127.0.0.1:1/x\nclient_cert = %s/client.pem\n"
		 "client_key = %s/client.key\nca_file = %s/ca.pem\n",
		 certs, certs, certs);
	for (int i = 0; i < 4; i++) {
		struct kv_config *cfg = text_config(lines[i]);
		struct kv_diags opened = {0}, checked = {0};
		struct kv_push_target *t = kv_push_open(cfg, &opened);
		kv_push_check(cfg, &checked);
		ck_assert_uint_eq(opened.n, checked.n);
		for (size_t k = 0; k < opened.n; k++)
			ck_assert_str_eq(opened.msgs[k], checked.msgs[k]);
		ck_assert_msg((t != NULL) == (i == 3), "case %d", i);
		ck_assert_msg((checked.n == 0) == (i == 3), "case %d", i);
		kv_push_close(t);
		kv_diags_free(&opened);
		kv_diags_free(&checked);
		kv_config_free(cfg);
	}
	free(key_path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_open_directory_errors)
{
	char lines[2048];
	struct kv_config *cfg = text_config("transport = directory\n");
	must_refuse(cfg, "[push] drop_dir is missing", NULL);
	kv_config_free(cfg);

	char *dir = tu_mkdtemp();
	snprintf(lines, sizeof lines, "transport = directory\ndrop_dir = %s/none\n", dir);
	cfg = text_config(lines);
	must_refuse(cfg, "/none\": No such file or directory", NULL);
	kv_config_free(cfg);

	tu_write_file(tu_path(dir, "file"), "x", 0644);
	snprintf(lines, sizeof lines, "transport = directory\ndrop_dir = %s/file\n", dir);
	cfg = text_config(lines);
	must_refuse(cfg, "/file\" is not a directory", NULL);
	kv_config_free(cfg);

	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- directory ----------------------------------------------------------- */

static struct kv_config *dir_config(const char *drop)
{
	char lines[4200];
	snprintf(lines, sizeof lines, "transport = directory\ndrop_dir = %s\n", drop);
	return text_config(lines);
}

START_TEST(test_dir_delivered_once)
{
	char *drop = tu_mkdtemp(), detail[4200], dest[4200], json[4200], csv[4200];
	struct extract e;
	struct stat st1, st2, sc1, sc2;
	make_extract(&e, "2024-05-test-office-7", NULL);
	struct kv_config *cfg = dir_config(drop);
	struct kv_push_target *t = must_open(cfg);
	snprintf(dest, sizeof dest, "directory:%s", drop);
	ck_assert_str_eq(kv_push_destination(t), dest);
	snprintf(json, sizeof json, "%s/%s.json", drop, e.id);
	snprintf(csv, sizeof csv, "%s/%s.csv", drop, e.id);

	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_contains(detail, json);
	ck_assert_int_eq(count_entries(drop, true), 2); /* no temporary files */
	char *got = tu_read_file(csv), *want = tu_read_file(e.csv);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	got = tu_read_file(json);
	want = tu_read_file(e.manifest);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	ck_assert_int_eq(stat(json, &st1), 0);
	ck_assert_int_eq(stat(csv, &sc1), 0);

	/* Again, with the outbox's CSV changed: nothing is written. */
	tu_write_file(e.csv, "changed\n", 0644);
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_contains(detail, "already there");
	ck_assert_int_eq(count_entries(drop, true), 2);
	ck_assert_int_eq(stat(json, &st2), 0);
	ck_assert_int_eq(stat(csv, &sc2), 0);
	ck_assert(st1.st_ino == st2.st_ino && sc1.st_ino == sc2.st_ino);
	got = tu_read_file(csv);
	ck_assert_str_eq(got, SAMPLE_CSV);
	free(got);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	tu_rmtree(drop);
	free(drop);
}
END_TEST

/* The manifest goes last: when the CSV cannot be delivered (here its name is
 * taken by a directory), no manifest appears (a pickup waiting for *.json
 * never sees half an extract). */
START_TEST(test_dir_manifest_last)
{
	char *drop = tu_mkdtemp(), detail[4200];
	struct extract e;
	make_extract(&e, "no-csv", NULL);
	ck_assert_int_eq(mkdir(tu_path(drop, "no-csv.csv"), 0755), 0);
	struct kv_config *cfg = dir_config(drop);
	struct kv_push_target *t = must_open(cfg);

	struct kv_push_result r;
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_RETRY);
	snprintf(detail, sizeof detail, "%s/no-csv.csv", drop);
	ck_assert_contains(r.detail, detail);
	ck_assert(r.receiver_wide);
	ck_assert_contains(r.status, "the drop directory cannot be written");
	ck_assert_int_eq(count_entries(drop, true), 1); /* the directory only */

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	tu_rmtree(drop);
	free(drop);
}
END_TEST

START_TEST(test_dir_unwritable)
{
	char *drop = tu_mkdtemp(), want[4200];
	struct extract e;
	struct child_result r;
	make_extract(&e, "unwritable", NULL);
	struct kv_config *cfg = dir_config(drop);
	struct kv_push_target *t = must_open(cfg);
	/* Root's tests write as nobody into root's 0755 directory. */
	if (geteuid() != 0)
		ck_assert_int_eq(chmod(drop, 0555), 0);
	struct child_job job = {.target = t, .extract = &e, .unprivileged = true};

	run_child(&job, &r);
	ck_assert_int_eq(r.outcome, KV_PUSH_RETRY);
	snprintf(want, sizeof want, "%s/.unwritable.csv.", drop);
	ck_assert_contains(r.detail, want);
	ck_assert_contains(r.detail, "Permission denied");
	ck_assert_int_eq(count_entries(drop, true), 0);

	chmod(drop, 0755);
	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	tu_rmtree(drop);
	free(drop);
}
END_TEST

/* A write that fails half-way (here: the file size limit, as a full disk
 * would) leaves no temporary file; the manifest is not written. */
START_TEST(test_dir_write_fails)
{
	char *drop = tu_mkdtemp(), *csv_text = calloc(1, 65536);
	struct extract e;
	struct child_result r;
	size_t len = (size_t)snprintf(csv_text, 65536, "indicator,month,numerator,denominator\n");
	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(csv_text + len, 65536 - len, "indicator_%03d,2024-05,%d,%d\n",
					i, i, i + 10);
	make_extract(&e, "too-big", csv_text);
	free(csv_text);
	struct kv_config *cfg = dir_config(drop);
	struct kv_push_target *t = must_open(cfg);

	/* The CSV (30 kB) cannot be written: a write fails past 1000 bytes. */
	struct child_job job = {.target = t, .extract = &e, .fsize = 1000};
	run_child(&job, &r);
	ck_assert_int_eq(r.outcome, KV_PUSH_RETRY);
	ck_assert_contains(r.detail, "too-big.csv");
	ck_assert_contains(r.detail, "File too large");
	ck_assert_int_eq(count_entries(drop, true), 0);

	/* The CSV fits, the manifest (about 250 bytes) does not. */
	free_extract(&e);
	make_extract(&e, "big-manifest", "indicator,month\nx,2024-05\n");
	job.fsize = 100;
	run_child(&job, &r);
	ck_assert_int_eq(r.outcome, KV_PUSH_RETRY);
	ck_assert_contains(r.detail, "big-manifest.json");
	ck_assert_int_eq(count_entries(drop, true), 1);
	ck_assert(file_exists(tu_path(drop, "big-manifest.csv")));

	/* Without the limit the retry completes. */
	char detail[4200];
	ck_assert_int_eq(push(t, &e, detail, sizeof detail), KV_PUSH_DELIVERED);
	ck_assert_int_eq(count_entries(drop, true), 2);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	tu_rmtree(drop);
	free(drop);
}
END_TEST

START_TEST(test_bad_extract_id)
{
	char *drop = tu_mkdtemp(), detail[4200];
	struct extract e;
	make_extract(&e, "ok", NULL);
	struct kv_config *cfg = dir_config(drop);
	struct kv_push_target *t = must_open(cfg);
	const char *bad[] = {"", ".hidden", "../escape", "a/b", "with space", "a\nb"};
	struct kv_push_payload p = {"{}", 2, "a\n", 2};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct kv_push_result r;
		ck_assert_int_eq(kv_push_send(t, bad[i], &p, &r), KV_PUSH_REFUSED);
		ck_assert_contains(r.detail, "extract id");
	}
	(void)detail;
	ck_assert_int_eq(count_entries(drop, true), 0);
	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	tu_rmtree(drop);
	free(drop);
}
END_TEST

/* ---- HTTPS: receipts ------------------------------------------------------ */

#define RID "test-office_2024-05_0123456789abcdef"

/* Send e to a receiver whose receipts are mode; r gets the result. */
static void push_with_receipt(struct server *s, struct kv_push_target *t,
			      const struct extract *e, const char *mode,
			      struct kv_push_result *r)
{
	char line[64];
	snprintf(line, sizeof line, "* %s\n", mode);
	tu_write_file(tu_path(s->work, "receipt"), line, 0644);
	ck_assert_int_eq(push_r(t, e, r), KV_PUSH_DELIVERED);
}

START_TEST(test_https_receipt_valid)
{
	struct server s;
	struct extract e;
	struct kv_push_result r;
	const char *flags[] = {"--receipt", "good", NULL};
	server_start(&s, 0, flags);
	make_extract(&e, RID, NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_DELIVERED);
	ck_assert_str_eq(r.detail, "HTTP 201: stored"); /* the status line, as before */
	ck_assert_msg(r.receipt == KV_PUSH_RECEIPT_VALID, "%d: %s", r.receipt, r.receipt_problem);
	size_t len;
	const char *bytes = kv_push_receipt(t, &len);
	ck_assert_ptr_nonnull(bytes);
	ck_assert(strncmp(bytes, KV_RECEIPT_MAGIC "participant: test-office\nextract: " RID "\n",
			  strlen(KV_RECEIPT_MAGIC) + 48) == 0);
	ck_assert(strstr(bytes, "-----END CERTIFICATE-----\n") == bytes + len - 26);

	/* sent again: 200 already stored, with a receipt all the same */
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_DELIVERED);
	ck_assert_str_eq(r.detail, "HTTP 200: already stored");
	ck_assert_msg(r.receipt == KV_PUSH_RECEIPT_VALID, "%s", r.receipt_problem);
	ck_assert_int_eq(stored(&s), 1);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

START_TEST(test_https_receipt_invalid_or_missing)
{
	struct server s;
	struct extract e;
	struct kv_push_result r;
	size_t len;
	server_start(&s, 0, NULL);
	make_extract(&e, RID, NULL);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	/* a receiver from before receipts: delivered, none */
	ck_assert_int_eq(push_r(t, &e, &r), KV_PUSH_DELIVERED);
	ck_assert_int_eq(r.receipt, KV_PUSH_RECEIPT_MISSING);
	ck_assert_contains(r.receipt_problem, "HTTP 201");
	ck_assert_contains(r.receipt_problem, "has no receipt");
	ck_assert_ptr_null(kv_push_receipt(t, &len));

	static const struct {
		const char *mode, *why;
	} bad[] = {
		{"bad-data", "its data-sha256 is not that of the data sent"},
		{"other-server", "not signed with the certificate the connection was made to"},
		{"other-ca", "unable to get local issuer certificate"},
		{"garbage", "the receipt cannot be read: line 2 is not \"participant: ...\""},
		{"huge", "the receipt is larger than 64 KiB"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		push_with_receipt(&s, t, &e, bad[i].mode, &r); /* 200: stored before */
		ck_assert_str_eq(r.detail, "HTTP 200: already stored");
		ck_assert_msg(r.receipt == KV_PUSH_RECEIPT_INVALID, "%s: %d", bad[i].mode,
			      r.receipt);
		ck_assert_msg(strstr(r.receipt_problem, bad[i].why) != NULL, "%s: \"%s\"",
			      bad[i].mode, r.receipt_problem);
		ck_assert_ptr_nonnull(kv_push_receipt(t, &len)); /* kept for a person */
		ck_assert_uint_le(len, KV_RECEIPT_MAX);
	}
	/* and a good one again: valid */
	push_with_receipt(&s, t, &e, "good", &r);
	ck_assert_msg(r.receipt == KV_PUSH_RECEIPT_VALID, "%s", r.receipt_problem);

	kv_push_close(t);
	kv_config_free(cfg);
	free_extract(&e);
	server_stop(&s);
}
END_TEST

/*
 * Through the outbox as `kvalind push` does it: the good receipt is kept as
 * receipts/ID.receipt, the one that does not match as receipts/ID.invalid,
 * both extracts are delivered (ledger, sent/), and the ledger's receipt
 * check finds one valid and names the other.
 */
START_TEST(test_push_outbox_keeps_receipts)
{
	struct server s;
	struct kv_outbox ob;
	char e1[160], e2[160], err[1024], sha[KV_SHA256_HEX_SIZE];
	const char *csv[2] = {"participant\ntest-office\n", "participant\ntest-office\n\n"};
	char *ids[2] = {e1, e2};
	server_start(&s, 0, NULL);
	char *state = tu_mkdtemp();
	ck_assert_msg(kv_outbox_open(&ob, state, err, sizeof err) == 0, "%s", err);
	for (int i = 0; i < 2; i++) {
		char manifest[512];
		ck_assert_int_eq(kv_sha256_hex(csv[i], strlen(csv[i]), sha, err, sizeof err), 0);
		ck_assert_int_eq(kv_outbox_make_id("test-office", i == 0 ? "2024-05" : "2024-06", sha,
						   ids[i], 160),
				 0);
		snprintf(manifest, sizeof manifest,
			 "{\"extract_id\": \"%s\", \"data\": {\"sha256\": \"%s\"}}\n", ids[i],
			 sha);
		ck_assert_msg(kv_outbox_add(&ob, ids[i], KV_OUTBOX_READY, manifest, strlen(manifest),
					    csv[i], strlen(csv[i]), err, sizeof err) == 0,
			      "%s", err);
	}
	char lines[512];
	snprintf(lines, sizeof lines, "%s good\n%s bad-data\n", e1, e2);
	tu_write_file(tu_path(s.work, "receipt"), lines, 0644);
	struct kv_config *cfg = https_config(s.port, "client", NULL);
	struct kv_push_target *t = must_open(cfg);

	char ledger[4200], rdir[4300];
	snprintf(ledger, sizeof ledger, "%s/ledger", state);
	ck_assert_int_eq(kv_receipt_dir(ledger, rdir, sizeof rdir), 0);
	struct kv_push_summary sum;
	char *logtext = NULL;
	size_t loglen = 0;
	FILE *log = open_memstream(&logtext, &loglen);
	kv_log_set_stream(log);
	int rc = kv_push_outbox(&ob, t, ledger, true, time(NULL), NULL, &sum, err, sizeof err);
	kv_log_set_stream(NULL);
	fclose(log);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(sum.delivered, 2);
	ck_assert_msg(strstr(logtext, e2) != NULL &&
			      strstr(logtext, "its receipt is not valid: its data-sha256 is not "
					      "that of the data sent") != NULL,
		      "%s", logtext);
	ck_assert_msg(strstr(logtext, e1) == NULL, "%s", logtext); /* nothing to say */
	free(logtext);

	char *bytes;
	size_t n;
	ck_assert_int_eq(kv_receipt_load(rdir, e1, KV_RECEIPT_FILE_VALID, &bytes, &n, err,
					 sizeof err),
			 0);
	free(bytes);
	ck_assert_int_eq(kv_receipt_load(rdir, e2, KV_RECEIPT_FILE_VALID, &bytes, &n, err,
					 sizeof err),
			 1);
	ck_assert_int_eq(kv_receipt_load(rdir, e2, KV_RECEIPT_FILE_INVALID, &bytes, &n, err,
					 sizeof err),
			 0);
	free(bytes);

	/* the ledger records both with the data's SHA-256; verify sorts them */
	char *report = NULL;
	size_t rlen = 0;
	FILE *rep = open_memstream(&report, &rlen);
	struct kv_receipt_tally tally;
	ck_assert_msg(kv_receipts_verify(ledger, rdir, cert("ca.pem"), NULL, rep, &tally, err,
					 sizeof err) == 0,
		      "%s", err);
	fclose(rep);
	ck_assert_uint_eq(tally.sent, 2);
	ck_assert_uint_eq(tally.valid, 1);
	ck_assert_uint_eq(tally.invalid, 1);
	ck_assert_uint_eq(tally.missing, 0);
	ck_assert_msg(strstr(report, e2) == report &&
			      strstr(report, "the receiver's receipt was invalid when it arrived: "
					     "its data-sha256") != NULL,
		      "%s", report);
	ck_assert_msg(strstr(report, e1) == NULL, "%s", report);
	free(report);

	kv_push_close(t);
	kv_config_free(cfg);
	kv_outbox_close(&ob);
	tu_rmtree(state);
	free(state);
	server_stop(&s);
}
END_TEST

static Suite *push_suite(void)
{
	Suite *s = suite_create("push");
	TCase *tc = tcase_create("https");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_https_delivered);
	tcase_add_test(tc, test_https_server_down_then_up);
	tcase_add_test(tc, test_https_503_then_delivered);
	tcase_add_test(tc, test_https_lost_reply);
	tcase_add_test(tc, test_https_422_refused);
	tcase_add_test(tc, test_https_reply_classes);
	tcase_add_test(tc, test_https_unreachable_is_receiver_wide);
	tcase_add_test(tc, test_https_cancel_hanging_receiver);
	tcase_add_test(tc, test_https_cancel_silent_receiver);
	tcase_add_test(tc, test_https_long_reason_cut);
	tcase_add_test(tc, test_https_receiver_checks_sha256);
	tcase_add_test(tc, test_https_redirect_not_followed);
	tcase_add_test(tc, test_https_timeout);
	tcase_add_test(tc, test_https_key_passphrase);
	tcase_add_test(tc, test_https_wrong_server_certificate);
	tcase_add_test(tc, test_https_revoked_client);
	tcase_add_test(tc, test_https_unrelated_client);
	tcase_add_test(tc, test_https_no_client_certificate);
	tcase_add_test(tc, test_https_receipt_valid);
	tcase_add_test(tc, test_https_receipt_invalid_or_missing);
	tcase_add_test(tc, test_push_outbox_keeps_receipts);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_open_refuses_http);
	tcase_add_test(tc, test_open_missing_url);
	tcase_add_test(tc, test_open_refuses_password_in_url);
	tcase_add_test(tc, test_open_missing_files);
	tcase_add_test(tc, test_open_unreadable_cert);
	tcase_add_test(tc, test_open_group_readable_key);
	tcase_add_test(tc, test_open_transport_none);
	tcase_add_test(tc, test_check_is_open);
	tcase_add_test(tc, test_open_directory_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("directory");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_dir_delivered_once);
	tcase_add_test(tc, test_dir_manifest_last);
	tcase_add_test(tc, test_dir_unwritable);
	tcase_add_test(tc, test_dir_write_fails);
	tcase_add_test(tc, test_bad_extract_id);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	char script[4096], command[8300];
	SRunner *sr = srunner_create(push_suite());
	int rc = ck_aim(sr, argc, argv, "check_push");
	if (rc >= 0) {
		srunner_free(sr);
		return rc;
	}
	/* Loopback only, whatever proxy the environment names. */
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	setenv("KVALIND_PUSH_TIMEOUT", "5", 1);

	/* Not tu_mkdtemp: its checks work only inside a test. */
	char tmpl[] = "/tmp/kvpush-certs.XXXXXX";
	if (mkdtemp(tmpl) == NULL || chmod(tmpl, 0755) != 0) {
		fprintf(stderr, "check_push: %s: %s\n", tmpl, strerror(errno));
		srunner_free(sr);
		return 1;
	}
	certs = strdup(tmpl);
	snprintf(script, sizeof script, "%s/tests/push/make_certs.sh", tu_source_dir());
	snprintf(command, sizeof command, "sh '%s' '%s'", script, certs);
	if (system(command) != 0) {
		fprintf(stderr, "check_push: %s failed\n", command);
		tu_rmtree(certs);
		free(certs);
		srunner_free(sr);
		return 1;
	}

	rc = ck_aim_run(sr);
	srunner_free(sr);
	tu_rmtree(certs);
	free(certs);
	return rc;
}
