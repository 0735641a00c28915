/*
 * hub_server.c - the HTTPS receiver (libmicrohttpd over GnuTLS)
 *
 * One POST per extract, as core/push_https.c sends it: multipart/form-data
 * with the parts "manifest" and "data" and the header Idempotency-Key. Per
 * request, in this order:
 *
 *  1. the client certificate: MHD asks for one (MHD_OPTION_HTTPS_MEM_TRUST);
 *     its chain is verified here against the hub CA, for client use, and
 *     its CN is the participant id; the participant must be registered, not
 *     revoked, and this must be the certificate the hub issued to it
 *     (serial) - else 401 (403 when revoked), before any body is read;
 *  2. the request itself, before its body is read: POST (405) to /extracts
 *     (404); a well-formed Idempotency-Key, Content-Length and Content-Type
 *     each at most once (400); a body announced by Content-Length or chunked,
 *     never both (400), no other Transfer-Encoding (400), some body (411);
 *     at most max_request_kib (413, also while it arrives);
 *     multipart/form-data (415) with a valid boundary (400);
 *  3. the body, once it is in, parsed here (parse_multipart: strict, no
 *     preamble; libmicrohttpd's post processor is not used): exactly the
 *     parts manifest and data, each named, once, in binary, 7bit or 8bit
 *     transfer encoding (400), the manifest at most 64 KiB (413);
 *  4. the extract's content (hub_validate.c): any refusal is 422
 *     Unprocessable Content, its body the one-line reason;
 *  5. storage in one transaction (hub_db.c): 201 stored, 200 already stored,
 *     422 when the extract id is stored with other content; a database
 *     failure is 503, so the office tries again later. A 201 or 200 carries
 *     the receipt signed with the hub's TLS key (hub_receipt.h) after its
 *     one-line status.
 *
 * 422 means "this extract will never be accepted": the office keeps it as
 * refused. Every other refusal is about the request, the certificate or the
 * hub, and the office sends it again later. A refused request stores
 * nothing; its reply closes the connection.
 *
 * Connections. Before a client has shown a certificate the hub issued, it
 * holds only a connection slot: the TLS handshake and the request headers
 * arrive before the certificate can be checked. So the hub keeps its own
 * account of the open connections (admit(), on_connection()):
 *  - at most max_connections_per_address from one client address; more are
 *    closed as they are accepted;
 *  - a connection that has not made an authenticated request within
 *    handshake_timeout seconds of its start is cut (the watchdog);
 *  - when max_connections are open, a new connection replaces the oldest
 *    one not yet authenticated, taken from the address that holds the most
 *    such connections; only when every connection is authenticated is the
 *    new one refused. A client without a certificate can hold slots, never
 *    keep an office out.
 * libmicrohttpd's own connection limit is set well above max_connections
 * (it is split across the worker threads, and counts connections the hub
 * has cut but MHD not yet closed), so that the decisions are the hub's. Its
 * per-IP limit (MHD_OPTION_PER_IP_CONNECTION_LIMIT) is not used: it is
 * checked before the hub's policy callback, cannot be told apart in the
 * log, and counts cut connections too.
 *
 * Slow and hostile clients otherwise: a connection silent for [hub]
 * idle_timeout is closed by MHD (MHD_OPTION_CONNECTION_TIMEOUT); one that
 * keeps trickling bytes is cut by the watchdog thread once a request has
 * taken [hub] request_timeout (from the connection's start or the end of
 * its previous request): shutdown() of its socket, which MHD then sees as
 * closed. Each connection's memory is bounded by
 * MHD_OPTION_CONNECTION_MEMORY_LIMIT (headers) and max_request_kib (the
 * body). A slow client holds a connection slot, never a thread or a
 * database connection.
 *
 * Database: a pool (hub_db.c) of [database] writers for the push path and
 * [database] readers for the reports.
 *
 * Reports: GET (or HEAD) /reports/ (the index) and /reports/ID.html, to a
 * quality lead (certificate CN "lead:NAME", OU "lead", registered in leads,
 * not revoked, this serial: the offices of its groups named) or an office
 * (its push certificate: itself against the anonymous distribution). No or
 * an unknown certificate is 401, a revoked one 403. A page is made by one
 * of [database] readers report threads, each with its own database
 * connection, from one REPEATABLE READ READ ONLY snapshot; the request's
 * connection is suspended meanwhile, so MHD's threads go on serving pushes.
 * Pages are sent with a Content-Security-Policy that allows no script and
 * Cache-Control: no-store. A lead's certificate never pushes (403); an
 * office's never reads as a lead (a participant id has no ':').
 *
 * Built with -DKV_HUB_TEST_HOOKS (tests/fuzz/fuzz_hub_request.c only, never
 * the hub), hub_server_test.h starts the same request path without TLS on
 * connections the test adds, with the certificate step answered by
 * hub_test_peer.
 */
#include "hub.h"
#include "hub_receipt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#ifdef KV_HUB_TEST_HOOKS
#include "hub_server_test.h"
#endif

#define MANIFEST_MAX (64 * 1024)
#define BOUNDARY_MAX 70          /* RFC 2046 */
#define PART_HEADERS_MAX 16      /* header lines of one part */
#define PART_HEADER_LINE_MAX 1024
#define REPORT_QUEUE_MAX 64      /* report requests waiting for a reader */
#define ADDR_BUCKETS 1024

/* ---- the account of connections ---------------------------------------------- */

/* A client address: IPv4 or IPv6 bytes; len 0 for anything else (one key). */
struct addr_key {
	unsigned char b[16];
	unsigned char len;
};

struct addr_entry {
	struct addr_entry *next;
	struct addr_key key;
	unsigned live;     /* connections not cut */
	unsigned pending;  /* of them, not yet authenticated */
	unsigned refs;     /* slots pointing here, cut ones too */
};

/* A connection, as the watchdog and the admission see it. */
struct conn_slot {
	struct conn_slot *prev, *next;
	int fd;
	struct addr_entry *addr;
	time_t started; /* monotonic: accepted */
	time_t since;   /* monotonic: start, or the end of the previous request */
	bool pending;   /* no authenticated request on it yet */
	bool cut;       /* shut down by the hub; MHD closes it next */
};

struct request;

struct server {
	const struct hub_config *cfg;
	const struct hub_catalogue *cat;
	struct hub_db_pool *pool;
	const struct hub_signer *signer; /* receipts; NULL: none (the test hooks) */
	/* the open connections (conn_lock) */
	pthread_mutex_t conn_lock;
	pthread_cond_t conn_cond;
	struct conn_slot *conns;
	struct addr_entry *addrs[ADDR_BUCKETS];
	unsigned n_live, n_pending;
	bool stopping;
	/* what the watchdog reports, under conn_lock */
	unsigned long n_cut, n_handshake_cut, n_refused_address, n_refused_full, n_evicted;
	unsigned long logged_refused, logged_evicted, logged_handshake;
	char refused_from[INET6_ADDRSTRLEN];
	/* report pages: a queue served by the report threads (job_lock) */
	pthread_mutex_t job_lock;
	pthread_cond_t job_cond;
	struct request *jobs, *jobs_tail;
	unsigned n_jobs;
	bool jobs_stopping;
	pthread_t *report_threads;
	size_t n_report_threads;
#ifdef KV_HUB_TEST_HOOKS
	bool plain; /* no TLS: the identity comes from hub_test_peer */
#endif
};

static time_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void addr_key_of(const struct sockaddr *sa, socklen_t len, struct addr_key *k)
{
	memset(k, 0, sizeof *k);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		memcpy(k->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		k->len = 4;
	} else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		memcpy(k->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		k->len = 16;
	}
}

static void addr_text(const struct addr_key *k, char *out, size_t size)
{
	if (k->len == 0 || inet_ntop(k->len == 4 ? AF_INET : AF_INET6, k->b, out, (socklen_t)size) ==
			       NULL)
		kv_strlcpy(out, "(local)", size);
}

static unsigned addr_hash(const struct addr_key *k)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < k->len; i++)
		h = (h ^ k->b[i]) * 16777619u;
	return h % ADDR_BUCKETS;
}

/* The entry of k, or NULL (create: a new one). Under conn_lock. */
static struct addr_entry *addr_find(struct server *s, const struct addr_key *k, bool create)
{
	unsigned h = addr_hash(k);
	for (struct addr_entry *e = s->addrs[h]; e != NULL; e = e->next)
		if (e->key.len == k->len && memcmp(e->key.b, k->b, k->len) == 0)
			return e;
	if (!create)
		return NULL;
	struct addr_entry *e = kv_xcalloc(1, sizeof *e);
	e->key = *k;
	e->next = s->addrs[h];
	s->addrs[h] = e;
	return e;
}

static void addr_unref(struct server *s, struct addr_entry *e)
{
	if (--e->refs > 0)
		return;
	struct addr_entry **pp = &s->addrs[addr_hash(&e->key)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	free(e);
}

/* Take slot out of the counts and shut its socket down (MHD then sees it
 * closed and closes it). Under conn_lock. */
static void cut(struct server *s, struct conn_slot *slot)
{
	if (slot->cut)
		return;
	slot->cut = true;
	if (slot->fd >= 0)
		shutdown(slot->fd, SHUT_RDWR);
	s->n_live--;
	slot->addr->live--;
	if (slot->pending) {
		s->n_pending--;
		slot->addr->pending--;
	}
}

/* The request on slot was authenticated: it no longer counts as pending. */
static void mark_authenticated(struct server *s, struct conn_slot *slot)
{
	if (slot == NULL)
		return;
	pthread_mutex_lock(&s->conn_lock);
	if (slot->pending && !slot->cut) {
		s->n_pending--;
		slot->addr->pending--;
	}
	slot->pending = false;
	pthread_mutex_unlock(&s->conn_lock);
}

/* MHD's accept policy: called for each connection accepted, before it is
 * set up. */
static enum MHD_Result admit(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct server *s = cls;
	struct addr_key k;
	addr_key_of(sa, len, &k);
	enum MHD_Result ok = MHD_YES;
	pthread_mutex_lock(&s->conn_lock);
	struct addr_entry *e = addr_find(s, &k, false);
	if (s->stopping) {
		ok = MHD_NO;
	} else if (e != NULL && e->live >= (unsigned)s->cfg->max_connections_per_address) {
		s->n_refused_address++;
		addr_text(&k, s->refused_from, sizeof s->refused_from);
		ok = MHD_NO;
	} else if (s->n_live >= (unsigned)s->cfg->max_connections) {
		/* make room: the oldest pending connection of the address that
		 * holds the most pending ones */
		struct conn_slot *victim = NULL;
		for (struct conn_slot *c = s->conns; c != NULL; c = c->next) {
			if (c->cut || !c->pending)
				continue;
			if (victim == NULL || c->addr->pending > victim->addr->pending ||
			    (c->addr->pending == victim->addr->pending && c->started < victim->started))
				victim = c;
		}
		if (victim != NULL) {
			cut(s, victim);
			s->n_evicted++;
		} else {
			s->n_refused_full++;
			ok = MHD_NO;
		}
	}
	pthread_mutex_unlock(&s->conn_lock);
	return ok;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		struct addr_key k;
		/* (the length is not given; the family says it) */
		addr_key_of(ad != NULL ? ad->client_addr : NULL,
			    ad != NULL && ad->client_addr != NULL &&
				    ad->client_addr->sa_family == AF_INET6
				? (socklen_t)sizeof(struct sockaddr_in6)
				: (socklen_t)sizeof(struct sockaddr_in),
			    &k);
		struct conn_slot *slot = kv_xcalloc(1, sizeof *slot);
		slot->fd = fd != NULL ? fd->connect_fd : -1;
		slot->started = slot->since = mono_now();
		slot->pending = true;
		pthread_mutex_lock(&s->conn_lock);
		slot->addr = addr_find(s, &k, true);
		slot->addr->refs++;
		slot->addr->live++;
		slot->addr->pending++;
		s->n_live++;
		s->n_pending++;
		slot->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = slot;
		s->conns = slot;
		pthread_mutex_unlock(&s->conn_lock);
		*socket_context = slot;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != NULL) {
		/* MHD closes the socket after this: the watchdog and admit(),
		 * holding the lock, never shut down a descriptor that was
		 * reused. */
		struct conn_slot *slot = *socket_context;
		pthread_mutex_lock(&s->conn_lock);
		if (!slot->cut) {
			s->n_live--;
			slot->addr->live--;
			if (slot->pending) {
				s->n_pending--;
				slot->addr->pending--;
			}
		}
		addr_unref(s, slot->addr);
		if (slot->prev != NULL)
			slot->prev->next = slot->next;
		else
			s->conns = slot->next;
		if (slot->next != NULL)
			slot->next->prev = slot->prev;
		pthread_mutex_unlock(&s->conn_lock);
		free(slot);
		*socket_context = NULL;
	}
}

static struct conn_slot *slot_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* ---- requests ------------------------------------------------------------------ */

struct request {
	bool refused;          /* status/reason set; the body is discarded */
	unsigned status;
	char reason[600];
	struct conn_slot *slot;
	char participant[KV_EXTRACT_ID_MAX + 1];
	char serial[80];
	char key[201];
	char boundary[BOUNDARY_MAX + 1];
	char *body;            /* the request body as received */
	size_t body_len, body_cap;
	char *receipt;         /* a stored extract's reply: status line and receipt */
	size_t receipt_len;
	size_t received;
	/* a report page */
	bool report, report_done, index;
	char page[128];
	char cn[KV_EXTRACT_ID_MAX + 16];
	bool lead_ou;
	char *page_body;
	size_t page_len;
	struct MHD_Connection *conn;
	struct request *next_job;
};

static void refuse(struct request *rq, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void refuse(struct request *rq, unsigned status, const char *fmt, ...)
{
	if (rq->refused)
		return; /* the first reason stands */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rq->reason, sizeof rq->reason, fmt, ap);
	va_end(ap);
	for (char *p = rq->reason; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	rq->refused = true;
	rq->status = status;
}

/* text and a newline as the body; a refusal closes the connection. */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	char body[700];
	snprintf(body, sizeof body, "%s\n", text);
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status >= 400)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A writer or reader connection from the pool, or NULL after a 503. */
static PGconn *db_acquire(struct server *s, enum hub_db_role role, struct request *rq)
{
	char err[600];
	PGconn *db = hub_db_pool_acquire(s->pool, role, err, sizeof err);
	if (db == NULL) {
		hub_log(KV_LOG_ERROR, "%s", err);
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub's database is unavailable; try later");
	}
	return db;
}

/* The verified client certificate's CN, whether its subject has OU "lead",
 * and its serial (hex). false after refuse(). */
static bool peer_identity(struct server *s, struct MHD_Connection *c, struct request *rq,
			  char *cn, size_t cn_len, bool *lead_ou, char *serial_hex,
			  size_t serial_len)
{
#ifdef KV_HUB_TEST_HOOKS
	if (s->plain) {
		if (!hub_test_peer.present) {
			refuse(rq, MHD_HTTP_UNAUTHORIZED, "TLS with a client certificate is required");
			return false;
		}
		kv_strlcpy(cn, hub_test_peer.cn, cn_len);
		kv_strlcpy(serial_hex, hub_test_peer.serial, serial_len);
		*lead_ou = hub_test_peer.lead_ou;
		return true;
	}
#else
	(void)s;
#endif
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL) {
		refuse(rq, MHD_HTTP_UNAUTHORIZED, "TLS with a client certificate is required");
		return false;
	}
	gnutls_session_t session = (gnutls_session_t)ci->tls_session;
	unsigned list_size = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(session, &list_size);
	if (peers == NULL || list_size == 0) {
		refuse(rq, MHD_HTTP_UNAUTHORIZED, "a client certificate issued by the hub is required");
		return false;
	}
	gnutls_typed_vdata_st purpose = {
	    .type = GNUTLS_DT_KEY_PURPOSE_OID, .data = (void *)GNUTLS_KP_TLS_WWW_CLIENT, .size = 0};
	unsigned status = 0;
	int rc = gnutls_certificate_verify_peers(session, &purpose, 1, &status);
	if (rc < 0 || status != 0) {
		gnutls_datum_t why = {NULL, 0};
		if (rc >= 0)
			gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why,
								      0);
		refuse(rq, MHD_HTTP_UNAUTHORIZED, "client certificate refused: %s",
		       rc < 0 ? gnutls_strerror(rc) : why.data ? (const char *)why.data : "invalid");
		gnutls_free(why.data);
		return false;
	}
	gnutls_x509_crt_t crt;
	if (gnutls_x509_crt_init(&crt) < 0) {
		refuse(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		return false;
	}
	size_t cn_size = cn_len;
	unsigned char serial[40];
	size_t serial_size = sizeof serial;
	char ou[32];
	size_t ou_size = sizeof ou;
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) < 0 ||
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_size) < 0 ||
	    strlen(cn) != cn_size || gnutls_x509_crt_get_serial(crt, serial, &serial_size) < 0) {
		gnutls_x509_crt_deinit(crt);
		refuse(rq, MHD_HTTP_UNAUTHORIZED, "the client certificate has no usable subject CN");
		return false;
	}
	*lead_ou = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0,
						 0, ou, &ou_size) >= 0 &&
		   strcmp(ou, HUB_LEAD_OU) == 0;
	gnutls_x509_crt_deinit(crt);
	size_t o = 0;
	serial_hex[0] = '\0';
	for (size_t i = 0; i < serial_size && o + 3 <= serial_len; i++)
		o += (size_t)snprintf(serial_hex + o, serial_len - o, "%02x", serial[i]);
	return true;
}

static void auth_result(struct request *rq, enum hub_auth a, const char *err)
{
	switch (a) {
	case HUB_AUTH_OK:
		return;
	case HUB_AUTH_REVOKED:
		refuse(rq, MHD_HTTP_FORBIDDEN, "%s", err);
		return;
	case HUB_AUTH_UNKNOWN:
	case HUB_AUTH_OTHER_CERT:
		refuse(rq, MHD_HTTP_UNAUTHORIZED, "%s", err);
		return;
	case HUB_AUTH_DB_ERROR:
		hub_log(KV_LOG_ERROR, "%s", err);
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub's database is unavailable; try later");
		return;
	}
}

static bool is_lead_cn(const char *cn)
{
	return strncmp(cn, HUB_LEAD_CN_PREFIX, strlen(HUB_LEAD_CN_PREFIX)) == 0;
}

/* Step 1: the client certificate and the participant it names. */
static void authenticate(struct server *s, struct MHD_Connection *c, struct request *rq)
{
	char cn[KV_EXTRACT_ID_MAX + 16];
	bool lead_ou = false;
	if (!peer_identity(s, c, rq, cn, sizeof cn, &lead_ou, rq->serial, sizeof rq->serial))
		return;
	if (is_lead_cn(cn) || lead_ou) {
		refuse(rq, MHD_HTTP_FORBIDDEN, "a quality lead's certificate cannot push extracts");
		return;
	}
	if (!kv_extract_valid_participant(cn, strlen(cn))) {
		refuse(rq, MHD_HTTP_UNAUTHORIZED,
		       "the client certificate's subject CN is not a participant id");
		return;
	}
	kv_strlcpy(rq->participant, cn, sizeof rq->participant);

	char err[300];
	enum hub_auth a;
	for (int attempt = 0;; attempt++) {
		PGconn *db = db_acquire(s, HUB_DB_WRITER, rq);
		if (db == NULL)
			return;
		a = hub_db_check_participant(db, rq->participant, rq->serial, err, sizeof err);
		bool lost = a == HUB_AUTH_DB_ERROR && hub_db_connection_lost(db);
		hub_db_pool_release(s->pool, db);
		if (!lost || attempt > 0)
			break; /* else once more: a connection found lost is reset when taken */
	}
	auth_result(rq, a, err);
	if (!rq->refused)
		mark_authenticated(s, rq->slot);
}

/* ---- reports ---------------------------------------------------------------- */

static enum MHD_Result respond(struct MHD_Connection *c, struct request *rq);

static enum MHD_Result send_page(struct MHD_Connection *c, char *body, size_t len)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; style-src 'unsafe-inline'; img-src data:");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* "/reports/ID.html" -> ID (letters, digits, '_', '-'), or false. */
static bool page_id(const char *url, char *id, size_t len)
{
	const char *p = url + strlen("/reports/");
	size_t n = strlen(p);
	if (n <= 5 || n - 5 >= len || strcmp(p + n - 5, ".html") != 0)
		return false;
	for (size_t i = 0; i < n - 5; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '-'))
			return false;
	memcpy(id, p, n - 5);
	id[n - 5] = '\0';
	return true;
}

/* Make the page of rq (a report request whose certificate was read) on db,
 * a reader inside its snapshot: rq->page_body, or a refusal. */
static void report_make(struct server *s, PGconn *db, struct request *rq)
{
	char err[600];
	const char *cn = rq->cn, *id = rq->page;
	struct hub_viewer v;
	hub_viewer_anonymous(&v);
	enum hub_auth a;
	if (is_lead_cn(cn)) {
		const char *name = cn + strlen(HUB_LEAD_CN_PREFIX);
		if (!rq->lead_ou || !hub_valid_lead_name(name)) {
			snprintf(err, sizeof err, "not a quality lead's certificate");
			a = HUB_AUTH_UNKNOWN;
		} else {
			a = hub_viewer_lead(db, name, rq->serial, &v, err, sizeof err);
		}
	} else if (!rq->lead_ou && kv_extract_valid_participant(cn, strlen(cn))) {
		a = hub_viewer_office(db, cn, rq->serial, &v, err, sizeof err);
	} else {
		snprintf(err, sizeof err, "the client certificate names neither an office nor a lead");
		a = HUB_AUTH_UNKNOWN;
	}
	auth_result(rq, a, err);
	if (!rq->refused)
		mark_authenticated(s, rq->slot);
	struct hub_ind_info *inds = NULL;
	size_t n = 0;
	if (!rq->refused &&
	    hub_db_indicators(db, rq->index ? NULL : id, &inds, &n, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub's database is unavailable; try later");
	}
	if (!rq->refused && !rq->index && (n == 0 || inds[0].mean || inds[0].offices == 0))
		refuse(rq, MHD_HTTP_NOT_FOUND, "no report for %s (%s)", id,
		       n == 0 ? "unknown indicator" : inds[0].mean ? "a mean, not a share"
								     : "no data yet");
	if (!rq->refused) {
		char *body = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&body, &len);
		int rc = f == NULL    ? -1
			 : rq->index ? hub_report_index(f, inds, n, &v, "/reports/", err, sizeof err)
				     : hub_report_page(f, db, &inds[0], &v, "/reports/", err, sizeof err);
		if (f != NULL)
			fclose(f);
		if (rc == 1) {
			refuse(rq, MHD_HTTP_NOT_FOUND, "no report for %s (%s)", id, err);
		} else if (rc != 0) {
			hub_log(KV_LOG_ERROR, "report %s for %s: %s", rq->index ? "index" : id, cn,
				f == NULL ? "out of memory" : err);
			refuse(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "the report could not be made");
		}
		if (rq->refused) {
			free(body);
		} else {
			rq->page_body = body;
			rq->page_len = len;
		}
	}
	hub_ind_info_free(inds, n);
	hub_viewer_free(&v);
}

static void report_run(struct server *s, struct request *rq)
{
	PGconn *db = db_acquire(s, HUB_DB_READER, rq);
	if (db != NULL) {
		report_make(s, db, rq);
		hub_db_pool_release(s->pool, db);
	}
	rq->report_done = true;
}

/* A report thread: takes the queued requests one by one, makes each page
 * on a reader, resumes the request's connection. */
static void *report_thread(void *arg)
{
	struct server *s = arg;
	pthread_mutex_lock(&s->job_lock);
	for (;;) {
		while (s->jobs == NULL && !s->jobs_stopping)
			pthread_cond_wait(&s->job_cond, &s->job_lock);
		struct request *rq = s->jobs;
		if (rq == NULL)
			break; /* stopping, and nothing is waiting */
		s->jobs = rq->next_job;
		if (s->jobs == NULL)
			s->jobs_tail = NULL;
		s->n_jobs--;
		bool stopping = s->jobs_stopping;
		pthread_mutex_unlock(&s->job_lock);
		if (stopping) {
			refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub is stopping; try later");
			rq->report_done = true;
		} else {
			report_run(s, rq);
		}
		MHD_resume_connection(rq->conn);
		pthread_mutex_lock(&s->job_lock);
	}
	pthread_mutex_unlock(&s->job_lock);
	return NULL;
}

/* The first call of a report request: the page named, the certificate read,
 * then the page made by a report thread while the connection waits
 * (suspended), or at once without report threads (the test build). */
static enum MHD_Result serve_report(struct server *s, struct MHD_Connection *c, const char *url,
				    struct request *rq)
{
	rq->report = true;
	if (strcmp(url, "/reports") == 0 || strcmp(url, "/reports/") == 0 ||
	    strcmp(url, "/reports/index.html") == 0)
		rq->index = true;
	else if (!(strncmp(url, "/reports/", 9) == 0 && page_id(url, rq->page, sizeof rq->page)))
		refuse(rq, MHD_HTTP_NOT_FOUND, "no such page (reports are at /reports/)");
	if (rq->refused ||
	    !peer_identity(s, c, rq, rq->cn, sizeof rq->cn, &rq->lead_ou, rq->serial,
			   sizeof rq->serial))
		return respond(c, rq);
	kv_strlcpy(rq->participant, rq->cn, sizeof rq->participant);
	if (s->n_report_threads == 0) {
		report_run(s, rq);
		return MHD_YES; /* answered by the next call */
	}
	rq->conn = c;
	pthread_mutex_lock(&s->job_lock);
	if (s->jobs_stopping || s->n_jobs >= REPORT_QUEUE_MAX) {
		pthread_mutex_unlock(&s->job_lock);
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
		       s->jobs_stopping ? "the hub is stopping; try later"
					: "too many report pages are being made; try later");
		return respond(c, rq);
	}
	MHD_suspend_connection(c);
	if (s->jobs_tail != NULL)
		s->jobs_tail->next_job = rq;
	else
		s->jobs = rq;
	s->jobs_tail = rq;
	s->n_jobs++;
	pthread_cond_signal(&s->job_cond);
	pthread_mutex_unlock(&s->job_lock);
	return MHD_YES;
}

/* The calls after the first one of a report request. */
static enum MHD_Result report_continue(struct MHD_Connection *c, struct request *rq,
				       size_t *upload_data_size)
{
	if (*upload_data_size > 0) { /* a body with a GET: ignored */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!rq->report_done)
		return MHD_YES;
	if (rq->refused)
		return respond(c, rq);
	hub_log(KV_LOG_INFO, "%s GET %s 200 (%zu bytes)", rq->cn,
		rq->index ? "/reports/" : rq->page, rq->page_len);
	char *body = rq->page_body;
	rq->page_body = NULL;
	return send_page(c, body, rq->page_len);
}

/* ---- the request before its body ------------------------------------------------- */

static bool valid_key(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 200 || k[0] == '.' || k[0] == '-')
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

/* The headers the hub reads, each counted. */
struct headers {
	const char *content_length, *transfer_encoding, *content_type, *key;
	unsigned n_content_length, n_transfer_encoding, n_content_type, n_key;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	struct headers *h = cls;
	(void)kind;
	if (key == NULL)
		return MHD_YES;
	if (value == NULL)
		value = "";
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		h->content_length = value;
		h->n_content_length++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		h->transfer_encoding = value;
		h->n_transfer_encoding++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_TYPE) == 0) {
		h->content_type = value;
		h->n_content_type++;
	} else if (strcasecmp(key, "Idempotency-Key") == 0) {
		h->key = value;
		h->n_key++;
	}
	return MHD_YES;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* value, less the spaces around it, equals word (case-insensitive)? */
static bool word_is(const char *value, const char *word)
{
	while (is_space(*value))
		value++;
	size_t n = strlen(word);
	if (strncasecmp(value, word, n) != 0)
		return false;
	for (value += n; is_space(*value);)
		value++;
	return *value == '\0';
}

static bool tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* One parameter "; name=value" of a header value at *pp (RFC 7231 3.1.1.1:
 * value a token or a quoted-string). The name and the unquoted value into
 * the buffers (truncated beyond them: *long_value set). 1 read, 0 at the
 * end, -1 malformed. */
static int next_param(const char **pp, char *name, size_t name_size, char *value,
		      size_t value_size, bool *long_value)
{
	const char *p = *pp;
	while (is_space(*p))
		p++;
	if (*p == '\0')
		return 0;
	if (*p++ != ';')
		return -1;
	while (is_space(*p))
		p++;
	size_t n = 0;
	while (tchar(*p)) {
		if (n + 1 >= name_size)
			return -1;
		name[n++] = *p++;
	}
	name[n] = '\0';
	if (n == 0 || *p++ != '=')
		return -1;
	size_t v = 0;
	*long_value = false;
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return -1;
			if (*p == '\\' && *++p == '\0')
				return -1;
			if (v + 1 < value_size)
				value[v++] = *p;
			else
				*long_value = true;
		}
		p++;
	} else {
		if (!tchar(*p))
			return -1;
		for (; tchar(*p); p++) {
			if (v + 1 < value_size)
				value[v++] = *p;
			else
				*long_value = true;
		}
	}
	value[v] = '\0';
	*pp = p;
	return 1;
}

/* A boundary of RFC 2046: 1..70 of its characters, not ending in a space. */
static bool valid_boundary(const char *b)
{
	size_t n = strlen(b);
	if (n == 0 || n > BOUNDARY_MAX || b[n - 1] == ' ')
		return false;
	for (const char *p = b; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("'()+_,-./:=? ", *p) != NULL))
			return false;
	return true;
}

/* Content-Type: multipart/form-data with one valid boundary, into
 * rq->boundary; else a refusal (415 another type, 400 a bad boundary). */
static void check_content_type(struct request *rq, const char *ct)
{
	static const char type[] = "multipart/form-data";
	const char *p = ct;
	while (is_space(*p))
		p++;
	if (strncasecmp(p, type, strlen(type)) != 0 ||
	    (p[strlen(type)] != '\0' && p[strlen(type)] != ';' && !is_space(p[strlen(type)]))) {
		refuse(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		       "expected multipart/form-data, not \"%.60s\"", ct);
		return;
	}
	p += strlen(type);
	char name[32], value[BOUNDARY_MAX + 2];
	bool long_value, have = false;
	int r;
	while ((r = next_param(&p, name, sizeof name, value, sizeof value, &long_value)) == 1) {
		if (strcasecmp(name, "boundary") != 0)
			continue;
		if (have) {
			refuse(rq, MHD_HTTP_BAD_REQUEST, "Content-Type names two boundaries");
			return;
		}
		if (long_value || !valid_boundary(value)) {
			refuse(rq, MHD_HTTP_BAD_REQUEST,
			       "the multipart boundary is not 1 to 70 characters of RFC 2046");
			return;
		}
		kv_strlcpy(rq->boundary, value, sizeof rq->boundary);
		have = true;
	}
	if (r < 0)
		refuse(rq, MHD_HTTP_BAD_REQUEST, "malformed Content-Type parameters");
	else if (!have)
		refuse(rq, MHD_HTTP_BAD_REQUEST, "multipart/form-data without a boundary");
}

/* Step 2: everything about a POST that can be told before its body. */
static void check_post(struct server *s, struct MHD_Connection *c, const char *url,
		       struct request *rq)
{
	if (strcmp(url, "/") != 0 && strcmp(url, "/extracts") != 0) {
		refuse(rq, MHD_HTTP_NOT_FOUND, "extracts are posted to /extracts");
		return;
	}
	struct headers h = {0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &h);
	if (h.n_key > 1 || h.n_content_length > 1 || h.n_transfer_encoding > 1 ||
	    h.n_content_type > 1) {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "the header %s appears more than once",
		       h.n_key > 1		 ? "Idempotency-Key"
		       : h.n_content_length > 1	 ? "Content-Length"
		       : h.n_transfer_encoding > 1 ? "Transfer-Encoding"
						   : "Content-Type");
		return;
	}
	if (h.key != NULL && valid_key(h.key))
		kv_strlcpy(rq->key, h.key, sizeof rq->key);
	else {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "missing or bad Idempotency-Key");
		return;
	}
	if (h.transfer_encoding != NULL && h.content_length != NULL) {
		refuse(rq, MHD_HTTP_BAD_REQUEST,
		       "both Transfer-Encoding and Content-Length: send one of them");
		return;
	}
	if (h.transfer_encoding != NULL && !word_is(h.transfer_encoding, "chunked")) {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "Transfer-Encoding \"%.40s\" (only chunked)",
		       h.transfer_encoding);
		return;
	}
	if (h.transfer_encoding == NULL && h.content_length == NULL) {
		refuse(rq, MHD_HTTP_LENGTH_REQUIRED,
		       "a body with a Content-Length, or chunked, is required");
		return;
	}
	long long n;
	if (h.content_length != NULL &&
	    (!kv_parse_int64(h.content_length, &n) || n < 0 ||
	     (unsigned long long)n > s->cfg->max_request_bytes)) {
		refuse(rq, MHD_HTTP_CONTENT_TOO_LARGE, "the request is larger than %zu bytes",
		       s->cfg->max_request_bytes);
		return;
	}
	if (h.content_type == NULL)
		refuse(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "expected multipart/form-data");
	else
		check_content_type(rq, h.content_type);
}

/* ---- the body ------------------------------------------------------------------- */

/* The first n bytes of p equal word, ignoring case? */
static bool starts_ci(const char *p, size_t n, const char *word)
{
	size_t w = strlen(word);
	return n >= w && strncasecmp(p, word, w) == 0;
}

/* needle in [p, end), or NULL. */
static char *find(char *p, const char *end, const char *needle, size_t len)
{
	while ((size_t)(end - p) >= len) {
		char *q = memchr(p, needle[0], (size_t)(end - p) - len + 1);
		if (q == NULL)
			return NULL;
		if (memcmp(q, needle, len) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

struct part {
	const char *name;
	char *data;
	size_t len;
	bool seen;
};

/* The parameters of one part's Content-Disposition (value NUL-terminated):
 * form-data, its name into name (at most size - 1 bytes: longer is refused).
 * 0, or -1 with why. */
static int parse_disposition(const char *value, char *name, size_t size, bool *has_name,
			     char *why, size_t whylen)
{
	const char *p = value;
	while (is_space(*p))
		p++;
	if (strncasecmp(p, "form-data", 9) != 0 ||
	    (p[9] != '\0' && p[9] != ';' && !is_space(p[9]))) {
		kv_snprintf(why, whylen, "a part's Content-Disposition is not form-data");
		return -1;
	}
	p += 9;
	char pname[32], pvalue[72];
	bool long_value, have_filename = false;
	int r;
	*has_name = false;
	while ((r = next_param(&p, pname, sizeof pname, pvalue, sizeof pvalue, &long_value)) ==
	       1) {
		if (strcasecmp(pname, "name") == 0) {
			if (*has_name) {
				kv_snprintf(why, whylen, "a part's Content-Disposition names it twice");
				return -1;
			}
			if (long_value || strlen(pvalue) >= size) {
				kv_snprintf(why, whylen, "unexpected part \"%.40s...\" (only manifest "
							 "and data)", pvalue);
				return -1;
			}
			kv_strlcpy(name, pvalue, size);
			*has_name = true;
		} else if (strcasecmp(pname, "filename") == 0) {
			if (have_filename) {
				kv_snprintf(why, whylen,
					    "a part's Content-Disposition has two filenames");
				return -1;
			}
			have_filename = true; /* not used: the part's name says what it is */
		}
	}
	if (r < 0) {
		kv_snprintf(why, whylen, "a part's Content-Disposition is malformed");
		return -1;
	}
	return 0;
}

/*
 * Parse body (len bytes; the parts are NUL-terminated in place) as
 * multipart/form-data with boundary (RFC 2046 5.1.1, RFC 7578): it starts
 * with the boundary (no preamble), each part has a Content-Disposition:
 * form-data with a name, at most one Content-Type and Content-Transfer-
 * Encoding (binary, 7bit or 8bit: nothing is decoded), and the close
 * delimiter ends the last (an epilogue is ignored). Each of parts[] is
 * filled from the part of its name, which must appear exactly once; any
 * other name is refused. 0, or -1 with why.
 */
static int parse_multipart(char *body, size_t len, const char *boundary, struct part *parts,
			   size_t n_parts, char *why, size_t whylen)
{
	char *p = body, *end = body + len;
	size_t blen = strlen(boundary);
	char delim[BOUNDARY_MAX + 5];
	snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	size_t dlen = blen + 4;
	if (len < blen + 2 || memcmp(p, delim + 2, dlen - 2) != 0) {
		kv_snprintf(why, whylen, "the body does not start with its multipart boundary");
		return -1;
	}
	p += dlen - 2;
	for (;;) {
		/* after a boundary: "--" closes, else padding and CRLF */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		while (p < end && is_space(*p))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			kv_snprintf(why, whylen, "%s",
				    p == end ? "the multipart body ends without its closing boundary"
					     : "a multipart boundary line is malformed");
			return -1;
		}
		p += 2;
		/* the part's headers */
		char name[64] = "";
		bool has_name = false, disposition = false, type = false, encoding = false;
		for (unsigned lines = 0;; lines++) {
			char *eol = find(p, end, "\r\n", 2);
			if (eol == NULL) {
				kv_snprintf(why, whylen, "a part's headers do not end");
				return -1;
			}
			if (eol == p) {
				p += 2;
				break;
			}
			size_t n = (size_t)(eol - p);
			if (lines >= PART_HEADERS_MAX || n > PART_HEADER_LINE_MAX) {
				kv_snprintf(why, whylen, "a part has too many or too long header lines");
				return -1;
			}
			*eol = '\0'; /* the line as a string; a NUL in it ends it early */
			if (starts_ci(p, n, "Content-Disposition:")) {
				if (disposition) {
					kv_snprintf(why, whylen,
						    "a part has two Content-Disposition headers");
					return -1;
				}
				disposition = true;
				if (parse_disposition(p + 20, name, sizeof name, &has_name, why,
						      whylen) != 0)
					return -1;
			} else if (starts_ci(p, n, "Content-Type:")) {
				if (type) {
					kv_snprintf(why, whylen, "a part has two Content-Type headers");
					return -1;
				}
				type = true;
			} else if (starts_ci(p, n, "Content-Transfer-Encoding:")) {
				const char *v = p + 26;
				if (encoding) {
					kv_snprintf(why, whylen,
						    "a part has two Content-Transfer-Encoding headers");
					return -1;
				}
				encoding = true;
				if (!word_is(v, "binary") && !word_is(v, "8bit") && !word_is(v, "7bit")) {
					kv_snprintf(why, whylen,
						    "Content-Transfer-Encoding \"%.30s\" (only binary, "
						    "8bit or 7bit)",
						    v);
					return -1;
				}
			} else if (memchr(p, ':', n) == NULL) {
				kv_snprintf(why, whylen, "a part's header line has no colon");
				return -1;
			}
			p = eol + 2;
		}
		if (!disposition || !has_name) {
			kv_snprintf(why, whylen, "%s",
				    disposition ? "a part without a name (Content-Disposition: "
						  "form-data; name=...)"
						: "a part without Content-Disposition");
			return -1;
		}
		/* its content, to the next delimiter */
		char *d = find(p, end, delim, dlen);
		if (d == NULL) {
			kv_snprintf(why, whylen, "part %.40s does not end with the boundary "
						 "(the body is cut short?)", name);
			return -1;
		}
		struct part *part = NULL;
		for (size_t i = 0; i < n_parts; i++)
			if (strcmp(parts[i].name, name) == 0)
				part = &parts[i];
		if (part == NULL) {
			kv_snprintf(why, whylen, "unexpected part \"%.40s\" (only manifest and data)",
				    name);
			return -1;
		}
		if (part->seen) {
			kv_snprintf(why, whylen, "part %s appears twice", part->name);
			return -1;
		}
		part->seen = true;
		part->data = p;
		part->len = (size_t)(d - p);
		p = d + dlen;
		*d = '\0';
	}
	for (size_t i = 0; i < n_parts; i++)
		if (!parts[i].seen) {
			kv_snprintf(why, whylen, "missing part %s", parts[i].name);
			return -1;
		}
	return 0;
}

/* Steps 3 to 5, once the whole body is in. */
static void finish(struct server *s, struct request *rq)
{
	char err[600];
	if (rq->refused)
		return;
	struct part parts[] = {{.name = "manifest"}, {.name = "data"}};
	if (rq->body == NULL) {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "an empty body (expected the parts manifest and data)");
		return;
	}
	if (parse_multipart(rq->body, rq->body_len, rq->boundary, parts, 2, err, sizeof err) != 0) {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "%s", err);
		return;
	}
	if (parts[0].len > MANIFEST_MAX) {
		refuse(rq, MHD_HTTP_CONTENT_TOO_LARGE, "the manifest part is larger than %d KiB",
		       MANIFEST_MAX / 1024);
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	struct hub_policy pol = {
	    .catalogue = s->cat,
	    .disclosure = s->cfg->disclosure,
	    .earliest_month = s->cfg->earliest_month,
	    .latest_month = (tm.tm_year + 1900) * 12 + tm.tm_mon,
	    .now = now,
	    .max_rows = 10000,
	};
	struct hub_extract x;
	if (hub_validate(&pol, rq->participant, rq->key, parts[0].data, parts[0].len, parts[1].data,
			 parts[1].len, &x, err, sizeof err) != 0) {
		refuse(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "%s", err);
		return;
	}
	enum hub_store st = HUB_STORE_DB_ERROR;
	PGconn *db = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((db = db_acquire(s, HUB_DB_WRITER, rq)) == NULL)
			break;
		st = hub_db_store_extract(db, &x, rq->serial, err, sizeof err);
		bool lost = st == HUB_STORE_DB_ERROR && hub_db_connection_lost(db);
		hub_db_pool_release(s->pool, db);
		/* a connection lost (the database restarted since it was last
		 * used): once more on a reset one; if the first did commit, the
		 * second finds it already stored */
		if (!lost)
			break;
	}
	hub_extract_free(&x);
	bool holds = st == HUB_STORE_NEW || st == HUB_STORE_SUPERSEDED || st == HUB_STORE_ALREADY;
	switch (st) {
	case HUB_STORE_NEW:
		rq->status = MHD_HTTP_CREATED;
		kv_strlcpy(rq->reason, "stored", sizeof rq->reason);
		break;
	case HUB_STORE_SUPERSEDED:
		rq->status = MHD_HTTP_CREATED;
		kv_strlcpy(rq->reason, "stored; it supersedes the earlier extract of its month",
			   sizeof rq->reason);
		break;
	case HUB_STORE_ALREADY:
		rq->status = MHD_HTTP_OK;
		kv_strlcpy(rq->reason, "already stored", sizeof rq->reason);
		break;
	case HUB_STORE_REFUSED:
		refuse(rq, MHD_HTTP_FORBIDDEN, "%s", err);
		break;
	case HUB_STORE_UNAUTHORIZED:
		refuse(rq, MHD_HTTP_UNAUTHORIZED, "%s", err);
		break;
	case HUB_STORE_CONFLICT: /* the extract's content: it will never be stored */
		refuse(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "%s", err);
		break;
	case HUB_STORE_DB_ERROR:
		if (db != NULL)
			hub_log(KV_LOG_ERROR, "%s: %s", rq->key, err);
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub could not store it now; try later");
		break;
	}
	/* The receipt: what it holds, signed; without one the office still
	 * counts the extract delivered (and reports it). */
	if (holds && s->signer != NULL &&
	    hub_receipt_make(s->signer, rq->reason, rq->participant, rq->key, parts[0].data,
			     parts[0].len, parts[1].data, parts[1].len, time(NULL), &rq->receipt,
			     &rq->receipt_len, err, sizeof err) != 0)
		hub_log(KV_LOG_ERROR, "%s %s: no receipt: %s", rq->participant, rq->key, err);
}

static enum MHD_Result respond(struct MHD_Connection *c, struct request *rq)
{
	hub_log(rq->status >= 400 ? KV_LOG_WARNING : KV_LOG_INFO, "%s %s %u %s",
		rq->participant[0] ? rq->participant : "-", rq->key[0] ? rq->key : "-", rq->status,
		rq->reason);
	if (rq->receipt == NULL || rq->refused)
		return reply(c, rq->status, rq->reason);
	struct MHD_Response *r = MHD_create_response_from_buffer(rq->receipt_len, rq->receipt,
								 MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, HUB_RECEIPT_MEDIA_TYPE);
	enum MHD_Result ret = MHD_queue_response(c, rq->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Append n bytes of the body, within max_request_bytes (else 413). */
static void take_body(struct server *s, struct request *rq, const char *data, size_t n)
{
	rq->received += n;
	if (rq->refused)
		return; /* discarded */
	if (rq->received > s->cfg->max_request_bytes) {
		refuse(rq, MHD_HTTP_CONTENT_TOO_LARGE, "the request is larger than %zu bytes",
		       s->cfg->max_request_bytes);
		return;
	}
	if (rq->body_len + n > rq->body_cap) {
		size_t cap = rq->body_cap ? rq->body_cap : 16384;
		while (cap < rq->body_len + n)
			cap *= 2;
		if (cap > s->cfg->max_request_bytes)
			cap = s->cfg->max_request_bytes;
		char *b = realloc(rq->body, cap);
		if (b == NULL) {
			refuse(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
			return;
		}
		rq->body = b;
		rq->body_cap = cap;
	}
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct request *rq = *con_cls;
	(void)version;
	if (rq == NULL) {
		rq = kv_xcalloc(1, sizeof *rq);
		*con_cls = rq;
		rq->slot = slot_of(c);
		if (url == NULL)
			url = "";
		if (method != NULL && (strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
				       strcmp(method, MHD_HTTP_METHOD_HEAD) == 0))
			return serve_report(s, c, url, rq);
		authenticate(s, c, rq);
		if (!rq->refused && (method == NULL || strcmp(method, MHD_HTTP_METHOD_POST) != 0))
			refuse(rq, MHD_HTTP_METHOD_NOT_ALLOWED, "POST /extracts, or GET /reports/");
		if (!rq->refused)
			check_post(s, c, url, rq);
		if (rq->refused) /* answer before reading the body */
			return respond(c, rq);
		return MHD_YES;
	}
	if (rq->report)
		return report_continue(c, rq, upload_data_size);
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		bool was_refused = rq->refused;
		take_body(s, rq, upload_data, n);
		if (rq->refused && !was_refused) /* over the limit: answer, then close */
			return respond(c, rq);
		return MHD_YES;
	}
	if (rq->refused) /* answered already */
		return MHD_YES;
	finish(s, rq);
	return respond(c, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct request *rq = *con_cls;
	(void)toe;
	struct conn_slot *slot = slot_of(c);
	if (slot != NULL) {
		pthread_mutex_lock(&s->conn_lock);
		slot->since = mono_now(); /* the next request's clock starts now */
		pthread_mutex_unlock(&s->conn_lock);
	}
	if (rq == NULL)
		return;
	free(rq->body);
	free(rq->receipt);
	free(rq->page_body);
	free(rq);
	*con_cls = NULL;
}

/* Once a second: cut every connection not authenticated within
 * handshake_timeout, and every one whose request has taken longer than
 * request_timeout; every 10 s, say what was refused, evicted or cut. */
static void *watchdog(void *arg)
{
	struct server *s = arg;
	time_t last_report = mono_now();
	pthread_mutex_lock(&s->conn_lock);
	while (!s->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&s->conn_cond, &s->conn_lock, &until);
		time_t now = mono_now();
		unsigned n = 0, hs = 0;
		for (struct conn_slot *c = s->conns; c != NULL; c = c->next) {
			if (c->cut || c->fd < 0)
				continue;
			if (c->pending && now - c->started > s->cfg->handshake_timeout) {
				cut(s, c);
				hs++;
			} else if (now - c->since > s->cfg->request_timeout) {
				cut(s, c);
				n++;
			}
		}
		s->n_cut += n;
		s->n_handshake_cut += hs;
		if (n > 0)
			hub_log(KV_LOG_WARNING,
				"cut %u connection%s whose request took over %d s (request_timeout)", n,
				n == 1 ? "" : "s", s->cfg->request_timeout);
		if (now - last_report < 10 && !s->stopping)
			continue;
		last_report = now;
		unsigned long refused = s->n_refused_address + s->n_refused_full;
		if (refused != s->logged_refused || s->n_evicted != s->logged_evicted ||
		    s->n_handshake_cut != s->logged_handshake)
			hub_log(KV_LOG_WARNING,
				"connections so far: %lu refused at max_connections_per_address %d "
				"(the last from %s), %lu refused with all %d authenticated, %lu "
				"unauthenticated evicted to make room, %lu cut at handshake_timeout "
				"%d s; %u open, %u of them not yet authenticated",
				s->n_refused_address, s->cfg->max_connections_per_address,
				s->refused_from[0] ? s->refused_from : "-", s->n_refused_full,
				s->cfg->max_connections, s->n_evicted, s->n_handshake_cut,
				s->cfg->handshake_timeout, s->n_live, s->n_pending);
		s->logged_refused = refused;
		s->logged_evicted = s->n_evicted;
		s->logged_handshake = s->n_handshake_cut;
	}
	pthread_mutex_unlock(&s->conn_lock);
	return NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[1024];
	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	hub_log(KV_LOG_DEBUG, "tls/http: %s", msg);
}

static char *load_pem(const char *path, const char *what, bool secret)
{
	struct stat st;
	char err[512];
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		hub_log(KV_LOG_ERROR, "cannot read the %s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || st.st_size > 1024 * 1024 ||
	    (secret && kv_check_private(&st, path, what, err, sizeof err) != 0)) {
		hub_log(KV_LOG_ERROR, "%s", secret ? err : "certificate file too large");
		fclose(f);
		return NULL;
	}
	char *buf = kv_xcalloc(1, (size_t)st.st_size + 1);
	size_t n = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

int hub_listen(const struct hub_config *cfg, struct hub_listener *l)
{
	memset(l, 0, sizeof *l);
	l->fd = -1;
	l->cert = load_pem(cfg->tls_cert, "server certificate", false);
	l->key = load_pem(cfg->tls_key, "server key", true);
	l->trust = load_pem(cfg->ca_cert, "CA certificate", false);
	if (l->cert == NULL || l->key == NULL || l->trust == NULL)
		goto fail;
	char err[600];
	l->signer = hub_signer_new(l->key, l->cert, err, sizeof err);
	if (l->signer == NULL) {
		hub_log(KV_LOG_ERROR, "[tls] key %s and cert %s: %s", cfg->tls_key, cfg->tls_cert,
			err);
		goto fail;
	}
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	if (inet_pton(AF_INET, cfg->listen_address, &addr.sin_addr) != 1) {
		hub_log(KV_LOG_ERROR, "listen_address %s is not an IPv4 address", cfg->listen_address);
		goto fail;
	}
	int one = 1;
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->fd < 0 || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(l->fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l->fd, 1024) != 0) {
		hub_log(KV_LOG_ERROR, "cannot listen on %s:%d: %s", cfg->listen_address, cfg->port,
			strerror(errno));
		goto fail;
	}
	return 0;
fail:
	hub_listener_free(l);
	return -1;
}

void hub_listener_free(struct hub_listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	KV_FREE(l->cert);
	if (l->key != NULL) {
		memset(l->key, 0, strlen(l->key));
		KV_FREE(l->key);
	}
	KV_FREE(l->trust);
	hub_signer_free(l->signer);
	l->signer = NULL;
}

/* ---- the server ------------------------------------------------------------------ */

static void server_init(struct server *s, const struct hub_config *cfg,
			const struct hub_catalogue *cat, struct hub_db_pool *pool)
{
	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->cat = cat;
	s->pool = pool;
	pthread_mutex_init(&s->conn_lock, NULL);
	pthread_cond_init(&s->conn_cond, NULL);
	pthread_mutex_init(&s->job_lock, NULL);
	pthread_cond_init(&s->job_cond, NULL);
}

static void server_fini(struct server *s)
{
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		while (s->addrs[i] != NULL) { /* none is left once MHD has stopped */
			struct addr_entry *e = s->addrs[i];
			s->addrs[i] = e->next;
			free(e);
		}
	pthread_cond_destroy(&s->job_cond);
	pthread_mutex_destroy(&s->job_lock);
	pthread_cond_destroy(&s->conn_cond);
	pthread_mutex_destroy(&s->conn_lock);
}

/* MHD's own connection limit: well above max_connections (see the top). */
static unsigned mhd_connection_limit(const struct hub_config *cfg)
{
	return (unsigned)(2 * cfg->max_connections + 4 * cfg->threads + 16);
}

/* Enough descriptors for MHD's limit and the database (the soft limit is
 * often 1024): raised up to the hard limit. */
static void raise_fd_limit(const struct hub_config *cfg)
{
	struct rlimit rl;
	rlim_t want = mhd_connection_limit(cfg) + (rlim_t)(cfg->db_writers + cfg->db_readers) + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		hub_log(KV_LOG_WARNING,
			"only %llu file descriptors (ulimit -n); max_connections %d may need %llu",
			(unsigned long long)rl.rlim_cur, cfg->max_connections,
			(unsigned long long)want);
}

static void stop_report_threads(struct server *s)
{
	pthread_mutex_lock(&s->job_lock);
	s->jobs_stopping = true;
	pthread_cond_broadcast(&s->job_cond);
	pthread_mutex_unlock(&s->job_lock);
	for (size_t i = 0; i < s->n_report_threads; i++)
		pthread_join(s->report_threads[i], NULL);
	free(s->report_threads);
	s->report_threads = NULL;
	s->n_report_threads = 0;
}

int hub_serve(const struct hub_config *cfg, const struct hub_catalogue *cat, PGconn *db,
	      struct hub_listener *l)
{
	struct server s;
	char err[1024];
	int rc = HUB_EXIT_FAILURE;
	struct MHD_Daemon *d = NULL;
	pthread_t dog;
	bool dog_started = false;
	struct hub_db_pool *pool = hub_db_pool_open(cfg, db, err, sizeof err);
	if (pool == NULL) {
		hub_log(KV_LOG_ERROR, "%s", err);
		hub_listener_free(l);
		return HUB_EXIT_FAILURE;
	}
	server_init(&s, cfg, cat, pool);
	s.signer = l->signer;

	/* The signals are taken by sigwait below; MHD's threads inherit the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(cfg);

	size_t readers = cfg->db_readers > 0 ? (size_t)cfg->db_readers : 1;
	s.report_threads = kv_xcalloc(readers, sizeof *s.report_threads);
	for (; s.n_report_threads < readers; s.n_report_threads++)
		if (pthread_create(&s.report_threads[s.n_report_threads], NULL, report_thread, &s) !=
		    0) {
			hub_log(KV_LOG_ERROR, "cannot start the report threads");
			goto out;
		}

	d = MHD_start_daemon(
	    MHD_USE_TLS | MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_ERROR_LOG,
	    (uint16_t)cfg->port, admit, &s, on_request, &s, MHD_OPTION_LISTEN_SOCKET, l->fd,
	    MHD_OPTION_HTTPS_MEM_CERT, l->cert, MHD_OPTION_HTTPS_MEM_KEY, l->key,
	    MHD_OPTION_HTTPS_MEM_TRUST, l->trust, MHD_OPTION_HTTPS_PRIORITIES,
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, mhd_connection_limit(cfg),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, &s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (d == NULL) {
		hub_log(KV_LOG_ERROR, "cannot serve on %s:%d (bad TLS files?)", cfg->listen_address,
			cfg->port);
		goto out;
	}
	l->fd = -1; /* MHD_stop_daemon closes it */
	if (pthread_create(&dog, NULL, watchdog, &s) != 0) {
		hub_log(KV_LOG_ERROR, "cannot start the connection watchdog");
		goto out;
	}
	dog_started = true;
	hub_log(KV_LOG_INFO, "listening on https://%s:%d/extracts (%zu indicators, min_count %u, "
			     "rounding_base %u; %d connections, %d per address; %d database writers, "
			     "%d readers)",
		cfg->listen_address, cfg->port, cat->n, (unsigned)cfg->disclosure.min_count,
		(unsigned)cfg->disclosure.rounding_base, cfg->max_connections,
		cfg->max_connections_per_address, cfg->db_writers, cfg->db_readers);
	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			hub_log(KV_LOG_INFO, "SIGHUP: the hub reads its configuration only at start; "
					     "restart it to apply changes");
			continue;
		}
		hub_log(KV_LOG_INFO, "signal %d: stopping", sig);
		break;
	}
	rc = HUB_EXIT_OK;
out:
	/* the suspended report requests are answered (503 if not yet made)
	 * before MHD stops: it must not stop with a connection suspended */
	stop_report_threads(&s);
	if (dog_started) {
		pthread_mutex_lock(&s.conn_lock);
		s.stopping = true;
		pthread_cond_signal(&s.conn_cond);
		pthread_mutex_unlock(&s.conn_lock);
		pthread_join(dog, NULL);
	}
	if (d != NULL)
		MHD_stop_daemon(d);
	hub_listener_free(l);
	server_fini(&s);
	hub_db_pool_close(pool);
	return rc;
}

#ifdef KV_HUB_TEST_HOOKS
/* ---- the request path without TLS (hub_server_test.h) ------------------------------ */

struct hub_test_peer hub_test_peer;

struct hub_test_server {
	struct server s;
	struct MHD_Daemon *d;
};

struct hub_test_server *hub_test_server_start(const struct hub_config *cfg,
					      const struct hub_catalogue *cat,
					      struct hub_db_pool *pool)
{
	struct hub_test_server *t = kv_xcalloc(1, sizeof *t);
	server_init(&t->s, cfg, cat, pool);
	t->s.plain = true;
	t->d = MHD_start_daemon(
	    MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME, 0, admit, &t->s, on_request, &t->s,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout, MHD_OPTION_CONNECTION_LIMIT,
	    mhd_connection_limit(cfg), MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, &t->s, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, &t->s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (t->d == NULL) {
		server_fini(&t->s);
		free(t);
		return NULL;
	}
	return t;
}

int hub_test_server_add(struct hub_test_server *t, int fd, const char *ipv4)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(40000)};
	inet_pton(AF_INET, ipv4, &a.sin_addr);
	return MHD_add_connection(t->d, fd, (struct sockaddr *)&a, sizeof a) == MHD_YES ? 0 : -1;
}

void hub_test_server_run(struct hub_test_server *t)
{
	MHD_run(t->d);
}

unsigned hub_test_server_open(struct hub_test_server *t)
{
	pthread_mutex_lock(&t->s.conn_lock);
	unsigned n = 0;
	for (struct conn_slot *c = t->s.conns; c != NULL; c = c->next)
		n++;
	pthread_mutex_unlock(&t->s.conn_lock);
	return n;
}

void hub_test_server_stop(struct hub_test_server *t)
{
	if (t == NULL)
		return;
	MHD_stop_daemon(t->d);
	server_fini(&t->s);
	free(t);
}
#endif /* KV_HUB_TEST_HOOKS */
