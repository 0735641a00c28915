/*
 * fuzz_hub_request.c - the hub's whole request path: raw bytes on a
 * connection to the libmicrohttpd daemon of hub/hub_server.c, built with
 * -DKV_HUB_TEST_HOOKS (hub_server_test.h): the same callbacks as `serve`
 * (admission and the connection account, the request handler, the
 * request-level checks of headers, Content-Type, Transfer-Encoding and
 * Content-Length, the size limit while the body arrives, the multipart
 * parser, hub_validate, the store, the report path), without TLS, the
 * client certificate answered by hub_test_peer, the database by the stubs
 * below. MHD runs in this thread (MHD_run), so each input is one
 * deterministic exchange.
 *
 * Input: FLAGS CHUNK BYTES...
 *   FLAGS bits 0-2  who the client is: 0 and 7 office-a (registered), 1 no
 *                   certificate, 2 a revoked office, 3 an office whose
 *                   certificate is not the one issued, 4 a quality lead,
 *                   5 office-a with the database failing the check, 6 a CN
 *                   that is no participant id;
 *         bits 3-5  what storing returns: new, already, superseded,
 *                   conflict, database error, revoked meanwhile, another
 *                   certificate meanwhile, new;
 *         bit 6     no database connection to be had;
 *         bit 7     the report page fails.
 *   CHUNK           0: BYTES written at once; else CHUNK bytes per round of
 *                   MHD_run (requests that arrive in pieces).
 *   BYTES           what the client sends: one or more HTTP requests.
 * The catalogue is A_ONE, B_TWO (proportions) and C_MEAN (a mean), no
 * relations; min_count 5, rounding_base 5; max_request_kib 3 (so that the
 * size limit is within reach); the seeds (corpus/hub_request/, made by
 * hub_request_seeds.py) are a valid push of office-a for 2023-01 and the
 * HTTP-level refusals of tests/hub/hostile.sh.
 *
 * Beyond the sanitizers it checks what the hub promises: every reply is an
 * HTTP/1.x status line with a code of the hub's reply classes (or one MHD
 * itself sends for a malformed request); nothing after a reply of 400 or
 * more (the connection is closed); a 503 only when the database was made
 * to fail; no more 201 than the store was asked to store and stored; the
 * store is asked only for office-a's validated extract; the connection is
 * closed and accounted for when the client has gone.
 */
#include "../../hub/hub_server_test.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

static struct hub_config cfg;
static struct hub_indicator cat_ind[3];
static struct hub_catalogue cat;
static struct hub_test_server *server;
static bool verbose;

/* what this input asked the stubs to do, and what they did */
static unsigned flags;
static unsigned n_stored, n_store_calls, n_checks;
static bool db_failed; /* a stub answered with a database failure */

void hub_log(enum kv_log_level level, const char *fmt, ...)
{
	if (!verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "  hub %s: ", kv_log_level_name(level));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- the database, stubbed ---------------------------------------------------- */

static int fake_conn;

/* (hub_serve's, never called here) */
struct hub_db_pool *hub_db_pool_open(const struct hub_config *c, PGconn *first, char *err,
				     size_t errlen)
{
	(void)c, (void)first;
	kv_snprintf(err, errlen, "(fuzz) no pool");
	return NULL;
}

void hub_db_pool_close(struct hub_db_pool *p)
{
	(void)p;
}

PGconn *hub_db_pool_acquire(struct hub_db_pool *p, enum hub_db_role role, char *err,
			    size_t errlen)
{
	(void)p, (void)role;
	if (flags & 0x40) {
		db_failed = true;
		kv_snprintf(err, errlen, "database: (fuzz) no connection");
		return NULL;
	}
	return (PGconn *)&fake_conn;
}

void hub_db_pool_release(struct hub_db_pool *p, PGconn *db)
{
	(void)p;
	if (db != (PGconn *)&fake_conn)
		abort();
}

bool hub_db_connection_lost(PGconn *db)
{
	(void)db;
	return false;
}

static enum hub_auth who(const char *id, const char *serial, char *err, size_t errlen)
{
	unsigned w = flags & 7;
	if (w == 5) {
		db_failed = true;
		kv_snprintf(err, errlen, "database: (fuzz) the check failed");
		return HUB_AUTH_DB_ERROR;
	}
	if (w == 2) {
		kv_snprintf(err, errlen, "participant %s is revoked", id);
		return HUB_AUTH_REVOKED;
	}
	if (w == 3 || strcmp(serial, "01") != 0) {
		kv_snprintf(err, errlen, "this certificate is not the one the hub issued to %s", id);
		return HUB_AUTH_OTHER_CERT;
	}
	return HUB_AUTH_OK;
}

enum hub_auth hub_db_check_participant(PGconn *db, const char *participant,
				       const char *cert_serial, char *err, size_t errlen)
{
	(void)db;
	n_checks++;
	if ((flags & 7) == 1 || strcmp(participant, "office-a") != 0)
		abort(); /* no certificate, or not the certificate's CN */
	return who(participant, cert_serial, err, errlen);
}

enum hub_store hub_db_store_extract(PGconn *db, const struct hub_extract *x,
				    const char *cert_serial, char *err, size_t errlen)
{
	(void)db;
	n_store_calls++;
	if (strcmp(x->participant, "office-a") != 0 || strcmp(cert_serial, "01") != 0 ||
	    x->n_rows == 0 || ((flags & 7) >= 1 && (flags & 7) <= 6))
		abort(); /* only office-a's validated extract, after its check */
	static const enum hub_store results[8] = {
	    HUB_STORE_NEW,	HUB_STORE_ALREADY, HUB_STORE_SUPERSEDED,   HUB_STORE_CONFLICT,
	    HUB_STORE_DB_ERROR, HUB_STORE_REFUSED, HUB_STORE_UNAUTHORIZED, HUB_STORE_NEW};
	enum hub_store st = results[(flags >> 3) & 7];
	if (st == HUB_STORE_NEW || st == HUB_STORE_SUPERSEDED)
		n_stored++;
	if (st == HUB_STORE_DB_ERROR)
		db_failed = true;
	kv_snprintf(err, errlen, "(fuzz) store result %d", (int)st);
	return st;
}

bool hub_valid_lead_name(const char *name)
{
	return strcmp(name, "rfv") == 0;
}

enum hub_auth hub_viewer_lead(PGconn *db, const char *name, const char *serial,
			      struct hub_viewer *v, char *err, size_t errlen)
{
	(void)db;
	v->kind = HUB_VIEWER_LEAD;
	kv_strlcpy(v->name, name, sizeof v->name);
	return who(name, serial, err, errlen);
}

enum hub_auth hub_viewer_office(PGconn *db, const char *id, const char *serial,
				struct hub_viewer *v, char *err, size_t errlen)
{
	(void)db;
	v->kind = HUB_VIEWER_OFFICE;
	kv_strlcpy(v->name, id, sizeof v->name);
	return who(id, serial, err, errlen);
}

void hub_viewer_anonymous(struct hub_viewer *v)
{
	memset(v, 0, sizeof *v);
}

void hub_viewer_free(struct hub_viewer *v)
{
	memset(v, 0, sizeof *v);
}

int hub_db_indicators(PGconn *db, const char *only, struct hub_ind_info **out, size_t *n,
		      char *err, size_t errlen)
{
	(void)db, (void)err, (void)errlen;
	*out = NULL;
	*n = 0;
	static const char *const ids[] = {"A_ONE", "B_TWO", "C_MEAN"};
	for (size_t i = 0; i < 3; i++) {
		if (only != NULL && strcmp(only, ids[i]) != 0)
			continue;
		*out = kv_xrealloc(*out, *n + 1, sizeof **out);
		struct hub_ind_info *h = &(*out)[(*n)++];
		memset(h, 0, sizeof *h);
		h->id = kv_xstrdup(ids[i]);
		h->mean = i == 2;
		h->offices = 3;
	}
	return 0;
}

void hub_ind_info_free(struct hub_ind_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

int hub_report_index(FILE *out, const struct hub_ind_info *inds, size_t n,
		     const struct hub_viewer *v, const char *link_prefix, char *err, size_t errlen)
{
	(void)v;
	if (flags & 0x80) {
		kv_snprintf(err, errlen, "(fuzz) the index failed");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(out, "<a href=\"%s%s.html\">%s</a>\n", link_prefix, inds[i].id, inds[i].id);
	return 0;
}

int hub_report_page(FILE *out, PGconn *db, const struct hub_ind_info *ind,
		    const struct hub_viewer *v, const char *index_href, char *err, size_t errlen)
{
	(void)db, (void)v, (void)index_href;
	if (flags & 0x80) {
		kv_snprintf(err, errlen, "(fuzz) nothing published");
		return 1;
	}
	fprintf(out, "<h1>%s</h1>\n", ind->id);
	return 0;
}

/* ---- the exchange --------------------------------------------------------------- */

static void init(void)
{
	if (server != NULL)
		return;
	verbose = getenv("FUZZ_HUB_VERBOSE") != NULL;
	cfg.threads = 1;
	cfg.max_request_bytes = 3 * 1024;
	cfg.max_connections = 8;
	cfg.max_connections_per_address = 4;
	cfg.handshake_timeout = 10;
	cfg.idle_timeout = 30;
	cfg.request_timeout = 120;
	cfg.db_writers = cfg.db_readers = 1;
	kv_parse_month("2010-01", &cfg.earliest_month);
	cfg.disclosure.min_count = 5;
	cfg.disclosure.rounding_base = 5;
	static const char *const ids[] = {"A_ONE", "B_TWO", "C_MEAN"};
	for (size_t i = 0; i < 3; i++) {
		cat_ind[i].id = (char *)ids[i];
		cat_ind[i].version = 1;
		cat_ind[i].type = i == 2 ? KV_INDICATOR_MEAN : KV_INDICATOR_PROPORTION;
		cat_ind[i].def.id = ids[i];
		cat_ind[i].def.version = 1;
		cat_ind[i].def.type = cat_ind[i].type;
	}
	cat.ind = cat_ind;
	cat.n = 3;
	char err[600];
	if (hub_catalogue_relate(&cat, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz_hub_request: the catalogue: %s\n", err);
		abort();
	}
	server = hub_test_server_start(&cfg, &cat, NULL);
	if (server == NULL) {
		fprintf(stderr, "fuzz_hub_request: MHD did not start\n");
		abort();
	}
}

static void identity(void)
{
	static const struct {
		bool present;
		const char *cn, *serial;
		bool lead_ou;
	} ids[8] = {
	    {true, "office-a", "01", false},  {false, "", "", false},
	    {true, "office-a", "01", false},  {true, "office-a", "02", false},
	    {true, "lead:rfv", "01", true},   {true, "office-a", "01", false},
	    {true, "not an id!", "01", false}, {true, "office-a", "01", false},
	};
	unsigned w = flags & 7;
	hub_test_peer.present = ids[w].present;
	kv_strlcpy(hub_test_peer.cn, ids[w].cn, sizeof hub_test_peer.cn);
	kv_strlcpy(hub_test_peer.serial, ids[w].serial, sizeof hub_test_peer.serial);
	hub_test_peer.lead_ou = ids[w].lead_ou;
}

/* The status codes in what the hub sent back, checked. */
static void check_replies(const char *r, size_t n)
{
	unsigned n201 = 0;
	bool closed = false;
	size_t i = 0;
	while (i < n) {
		if (n - i < 12 || memcmp(r + i, "HTTP/1.", 7) != 0) {
			fprintf(stderr, "fuzz_hub_request: not a status line at byte %zu\n", i);
			abort();
		}
		if (closed) {
			fprintf(stderr, "fuzz_hub_request: a reply after a refusal\n");
			abort();
		}
		unsigned code = (unsigned)atoi(r + i + 9);
		switch (code) {
		case 100: case 200: case 201: case 400: case 401: case 403: case 404: case 405:
		case 411: case 413: case 414: case 415: case 422: case 431: case 500: case 501:
		case 505:
			break;
		case 503:
			if (!db_failed) {
				fprintf(stderr, "fuzz_hub_request: 503 without a database failure\n");
				abort();
			}
			break;
		default:
			fprintf(stderr, "fuzz_hub_request: status %u\n", code);
			abort();
		}
		n201 += code == 201;
		/* the end of this reply: its headers, then Content-Length bytes */
		const char *end = NULL;
		for (size_t k = i; k + 4 <= n && end == NULL; k++)
			if (memcmp(r + k, "\r\n\r\n", 4) == 0)
				end = r + k + 4;
		if (end == NULL)
			break; /* cut short: the connection went first */
		size_t body = 0;
		bool typed = false;
		for (const char *h = r + i; h < end; h++) {
			if ((size_t)(end - h) > 16 && strncasecmp(h, "\r\nContent-Length:", 17) == 0)
				body = (size_t)strtoull(h + 17, NULL, 10);
			typed |= (size_t)(end - h) > 15 && strncasecmp(h, "\r\nContent-Type:", 15) == 0;
		}
		/* a refusal of the hub's (MHD's own replies have no Content-Type:
		 * MHD 0.9.75 sends the headers of its 400 for a malformed
		 * Content-Length twice) closes the connection */
		closed = code >= 400 && typed;
		if (code == 100)
			body = 0;
		i = (size_t)(end - r) + body;
		/* a reply to HEAD has the Content-Length of the GET, no body */
		if (i < n && (n - i < 7 || memcmp(r + i, "HTTP/1.", 7) != 0) &&
		    (size_t)(end - r) + 7 <= n && memcmp(end, "HTTP/1.", 7) == 0)
			i = (size_t)(end - r);
	}
	if (n201 > n_stored) {
		fprintf(stderr, "fuzz_hub_request: %u times 201, %u stored\n", n201, n_stored);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	if (size < 2)
		return 0;
	flags = data[0];
	size_t chunk = data[1] ? data[1] : size;
	data += 2;
	size -= 2;
	n_stored = n_store_calls = n_checks = 0;
	db_failed = false;
	identity();

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if (hub_test_server_add(server, sv[0], "127.0.0.1") != 0)
		abort(); /* MHD takes the socket; one connection at a time is never refused */
	char *reply = NULL;
	size_t reply_len = 0, sent = 0;
	bool eof = false, shut = false;
	/* write, run, read until the hub has answered and closed, or nothing
	 * moves any more; then the client goes */
	for (unsigned idle = 0, round = 0; idle < 8 && !eof && round < 100000; round++) {
		bool moved = false;
		if (sent < size) {
			size_t k = size - sent < chunk ? size - sent : chunk;
			ssize_t w = send(sv[1], data + sent, k, MSG_NOSIGNAL);
			if (w > 0) {
				sent += (size_t)w;
				moved = true;
			} else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
				sent = size; /* the hub closed its end */
			}
		}
		hub_test_server_run(server);
		for (;;) {
			char buf[4096];
			ssize_t r = recv(sv[1], buf, sizeof buf, 0);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
				eof = true;
				break;
			}
			if (r < 0)
				break;
			reply = realloc(reply, reply_len + (size_t)r);
			if (reply == NULL)
				abort();
			memcpy(reply + reply_len, buf, (size_t)r);
			reply_len += (size_t)r;
			moved = true;
		}
		if (sent == size && !shut && !moved && idle >= 4) {
			shutdown(sv[1], SHUT_WR); /* the client has said all */
			shut = true;
			moved = true;
		}
		idle = moved ? 0 : idle + 1;
	}
	close(sv[1]);
	for (unsigned round = 0; hub_test_server_open(server) > 0; round++) {
		if (round == 100000) {
			fprintf(stderr, "fuzz_hub_request: the hub keeps a connection the client "
					"closed\n");
			abort();
		}
		hub_test_server_run(server);
	}
	if (verbose)
		fprintf(stderr, "  flags %02x: %zu bytes sent, %zu back: %.*s\n", flags, sent,
			reply_len, (int)(reply_len < 2000 ? reply_len : 2000), reply ? reply : "");
	check_replies(reply, reply_len);
	free(reply);
	return 0;
}
