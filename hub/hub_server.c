/*
 * hub_server.c - the HTTPS receiver (libmicrohttpd over GnuTLS)
 *
 * One POST per extract, as core/push_https.c sends it: multipart/form-data
 * with the parts "manifest" and "data" (parsed by MHD's post processor) and
 * the header Idempotency-Key. Per request, in this order:
 *
 *  1. the client certificate: MHD asks for one (MHD_OPTION_HTTPS_MEM_TRUST);
 *     its chain is verified here against the hub CA, for client use, and
 *     its CN is the participant id; the participant must be registered, not
 *     revoked, and this must be the certificate the hub issued to it
 *     (serial) - else 401 (403 when revoked), before any body is read;
 *  2. POST only (405), a well-formed Idempotency-Key (400), a body of at
 *     most max_request_kib (413, also while it arrives), multipart (415);
 *  3. the extract itself (hub_validate.c): any failure is a 4xx whose body
 *     is the one-line reason;
 *  4. storage in one transaction (hub_db.c): 201 stored, 200 already stored;
 *     a database failure is 503, so the office tries again later.
 *
 * A refused request stores nothing. The database connection is shared by
 * the server's threads under a mutex.
 *
 * Slow and hostile clients: a connection silent for [hub] idle_timeout is
 * closed by MHD (MHD_OPTION_CONNECTION_TIMEOUT); one that keeps trickling
 * bytes (a byte a second never looks idle, and the TLS handshake and the
 * headers never reach the request handler) is cut by a watchdog thread once
 * a request has taken [hub] request_timeout (from the connection's start or
 * the end of its previous request): shutdown() of its socket, which MHD
 * then sees as closed. Each connection's memory is bounded by
 * MHD_OPTION_CONNECTION_MEMORY_LIMIT (headers) and max_request_kib (the
 * body), their number by max_connections. A slow client holds a connection
 * slot, never a thread or the database lock.
 *
 * Reports: GET (or HEAD) /reports/ (the index) and /reports/ID.html, to a
 * quality lead (certificate CN "lead:NAME", OU "lead", registered in leads,
 * not revoked, this serial: the offices of its groups named) or an office
 * (its push certificate: itself against the anonymous distribution). No or
 * an unknown certificate is 401, a revoked one 403. Pages are made on each
 * request from the database (hub_analysis.c) under the database lock, and
 * sent with a Content-Security-Policy that allows no script and
 * Cache-Control: no-store. A lead's certificate never pushes (403); an
 * office's never reads as a lead (a participant id has no ':').
 */
#include "hub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#define MANIFEST_MAX (64 * 1024)
#define POST_BUFFER 16384

/* A connection, as the watchdog sees it. */
struct conn_slot {
	struct conn_slot *prev, *next;
	int fd;
	time_t since; /* monotonic: start, or the end of the previous request */
	bool cut;
};

struct server {
	const struct hub_config *cfg;
	const struct hub_catalogue *cat;
	PGconn *db;
	pthread_mutex_t db_lock;
	/* the watchdog's list of open connections */
	pthread_mutex_t conn_lock;
	pthread_cond_t conn_cond;
	struct conn_slot *conns;
	bool stopping;
	unsigned long n_cut;
};

static time_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

struct request {
	bool refused;          /* status/reason set; the body is discarded */
	unsigned status;
	char reason[600];
	struct MHD_PostProcessor *pp;
	char participant[KV_EXTRACT_ID_MAX + 1];
	char serial[80];
	char key[201];
	char *manifest;
	size_t manifest_len;
	char *csv;
	size_t csv_len;
	size_t received;
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

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	char body[700];
	snprintf(body, sizeof body, "%s\n", text);
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A database call under the lock, reconnecting a broken connection first. */
static PGconn *db_acquire(struct server *s)
{
	pthread_mutex_lock(&s->db_lock);
	if (PQstatus(s->db) != CONNECTION_OK) {
		PQreset(s->db);
		if (PQstatus(s->db) != CONNECTION_OK) {
			hub_log(KV_LOG_ERROR, "database: connection lost and not restored");
			pthread_mutex_unlock(&s->db_lock);
			return NULL;
		}
		hub_log(KV_LOG_WARNING, "database: connection restored");
	}
	return s->db;
}

static void db_release(struct server *s)
{
	pthread_mutex_unlock(&s->db_lock);
}

/* The verified client certificate's CN, whether its subject has OU "lead",
 * and its serial (hex). false after refuse(). */
static bool peer_identity(struct MHD_Connection *c, struct request *rq, char *cn, size_t cn_len,
			  bool *lead_ou, char *serial_hex, size_t serial_len)
{
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
	if (!peer_identity(c, rq, cn, sizeof cn, &lead_ou, rq->serial, sizeof rq->serial))
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
	PGconn *db = db_acquire(s);
	if (db == NULL) {
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub's database is unavailable; try later");
		return;
	}
	enum hub_auth a = hub_db_check_participant(db, rq->participant, rq->serial, err, sizeof err);
	db_release(s);
	auth_result(rq, a, err);
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

static enum MHD_Result serve_report(struct server *s, struct MHD_Connection *c, const char *url,
				    struct request *rq)
{
	char cn[KV_EXTRACT_ID_MAX + 16], id[128], err[600];
	bool lead_ou = false, index;
	if (strcmp(url, "/reports") == 0 || strcmp(url, "/reports/") == 0 ||
	    strcmp(url, "/reports/index.html") == 0)
		index = true;
	else if (strncmp(url, "/reports/", 9) == 0 && page_id(url, id, sizeof id))
		index = false;
	else {
		refuse(rq, MHD_HTTP_NOT_FOUND, "no such page (reports are at /reports/)");
		return respond(c, rq);
	}
	if (!peer_identity(c, rq, cn, sizeof cn, &lead_ou, rq->serial, sizeof rq->serial))
		return respond(c, rq);
	kv_strlcpy(rq->participant, cn, sizeof rq->participant);
	PGconn *db = db_acquire(s);
	if (db == NULL) {
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub's database is unavailable; try later");
		return respond(c, rq);
	}
	struct hub_viewer v;
	hub_viewer_anonymous(&v);
	enum hub_auth a;
	if (is_lead_cn(cn)) {
		const char *name = cn + strlen(HUB_LEAD_CN_PREFIX);
		if (!lead_ou || !hub_valid_lead_name(name)) {
			snprintf(err, sizeof err, "not a quality lead's certificate");
			a = HUB_AUTH_UNKNOWN;
		} else {
			a = hub_viewer_lead(db, name, rq->serial, &v, err, sizeof err);
		}
	} else if (!lead_ou && kv_extract_valid_participant(cn, strlen(cn))) {
		a = hub_viewer_office(db, cn, rq->serial, &v, err, sizeof err);
	} else {
		snprintf(err, sizeof err, "the client certificate names neither an office nor a lead");
		a = HUB_AUTH_UNKNOWN;
	}
	auth_result(rq, a, err);
	char *body = NULL;
	size_t len = 0;
	struct hub_ind_info *inds = NULL;
	size_t n = 0;
	if (!rq->refused && hub_db_indicators(db, index ? NULL : id, &inds, &n, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub's database is unavailable; try later");
	}
	if (!rq->refused && !index && (n == 0 || inds[0].mean || inds[0].offices == 0))
		refuse(rq, MHD_HTTP_NOT_FOUND, "no report for %s (%s)", id,
		       n == 0 ? "unknown indicator" : inds[0].mean ? "a mean, not a share"
								     : "no data yet");
	if (!rq->refused) {
		FILE *f = open_memstream(&body, &len);
		int rc = f == NULL ? -1
			 : index   ? hub_report_index(f, inds, n, &v, "/reports/", err, sizeof err)
				   : hub_report_page(f, db, &inds[0], &v, "/reports/", err, sizeof err);
		if (f != NULL)
			fclose(f);
		if (rc == 1) {
			refuse(rq, MHD_HTTP_NOT_FOUND, "no report for %s (%s)", id, err);
		} else if (rc != 0) {
			hub_log(KV_LOG_ERROR, "report %s for %s: %s", index ? "index" : id, cn,
				f == NULL ? "out of memory" : err);
			refuse(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "the report could not be made");
		}
	}
	db_release(s);
	hub_ind_info_free(inds, n);
	hub_viewer_free(&v);
	if (rq->refused) {
		free(body);
		return respond(c, rq);
	}
	hub_log(KV_LOG_INFO, "%s GET %s 200 (%zu bytes)", cn, url, len);
	return send_page(c, body, len);
}

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

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	struct request *rq = cls;
	(void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
	char **buf;
	size_t *len, max;
	if (strcmp(key, "manifest") == 0) {
		buf = &rq->manifest;
		len = &rq->manifest_len;
		max = MANIFEST_MAX;
	} else if (strcmp(key, "data") == 0) {
		buf = &rq->csv;
		len = &rq->csv_len;
		max = SIZE_MAX;
	} else {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "unexpected part \"%.40s\" (only manifest and data)",
		       key);
		return MHD_YES;
	}
	if (off == 0 && *len > 0) {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "part %s appears twice", key);
		return MHD_YES;
	}
	if (off != *len || *len + size > max) {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "part %s is malformed or too large", key);
		return MHD_YES;
	}
	*buf = realloc(*buf, *len + size + 1);
	if (*buf == NULL) {
		refuse(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		return MHD_NO;
	}
	memcpy(*buf + *len, data, size);
	*len += size;
	(*buf)[*len] = '\0';
	return MHD_YES;
}

/* Step 3 and 4, once the whole body is in. */
static void finish(struct server *s, struct request *rq)
{
	char err[600];
	if (rq->pp != NULL && MHD_destroy_post_processor(rq->pp) != MHD_YES)
		refuse(rq, MHD_HTTP_BAD_REQUEST, "malformed multipart/form-data body");
	rq->pp = NULL;
	if (rq->refused)
		return;
	if (rq->manifest == NULL || rq->csv == NULL) {
		refuse(rq, MHD_HTTP_BAD_REQUEST, "missing part %s",
		       rq->manifest == NULL ? "manifest" : "data");
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
	    .max_rows = 10000,
	};
	struct hub_extract x;
	if (hub_validate(&pol, rq->participant, rq->key, rq->manifest, rq->manifest_len, rq->csv,
			 rq->csv_len, &x, err, sizeof err) != 0) {
		refuse(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "%s", err);
		return;
	}
	PGconn *db = db_acquire(s);
	enum hub_store st = db == NULL ? HUB_STORE_DB_ERROR
				       : hub_db_store_extract(db, &x, rq->serial, err, sizeof err);
	if (db != NULL)
		db_release(s);
	hub_extract_free(&x);
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
	case HUB_STORE_CONFLICT:
		refuse(rq, MHD_HTTP_CONFLICT, "%s", err);
		break;
	case HUB_STORE_DB_ERROR:
		hub_log(KV_LOG_ERROR, "%s: %s", rq->key, db == NULL ? "no database" : err);
		refuse(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub could not store it now; try later");
		break;
	}
}

static enum MHD_Result respond(struct MHD_Connection *c, struct request *rq)
{
	hub_log(rq->status >= 400 ? KV_LOG_WARNING : KV_LOG_INFO, "%s %s %u %s",
		rq->participant[0] ? rq->participant : "-", rq->key[0] ? rq->key : "-", rq->status,
		rq->reason);
	return reply(c, rq->status, rq->reason);
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
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
			return serve_report(s, c, url, rq);
		authenticate(s, c, rq);
		if (!rq->refused && strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			refuse(rq, MHD_HTTP_METHOD_NOT_ALLOWED,
			       "POST /extracts, or GET /reports/");
		if (!rq->refused && strcmp(url, "/") != 0 && strcmp(url, "/extracts") != 0)
			refuse(rq, MHD_HTTP_NOT_FOUND, "extracts are posted to /extracts");
		const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
		if (key != NULL && valid_key(key))
			kv_strlcpy(rq->key, key, sizeof rq->key);
		else if (!rq->refused)
			refuse(rq, MHD_HTTP_BAD_REQUEST, "missing or bad Idempotency-Key");
		const char *cl =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		long long n;
		if (!rq->refused && cl != NULL &&
		    (!kv_parse_int64(cl, &n) || n < 0 || (unsigned long long)n > s->cfg->max_request_bytes))
			refuse(rq, MHD_HTTP_CONTENT_TOO_LARGE, "the request is larger than %zu bytes",
			       s->cfg->max_request_bytes);
		if (!rq->refused) {
			rq->pp = MHD_create_post_processor(c, POST_BUFFER, on_part, rq);
			if (rq->pp == NULL)
				refuse(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				       "expected multipart/form-data");
		}
		if (rq->refused) /* answer before reading the body */
			return respond(c, rq);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		rq->received += n;
		if (rq->refused)
			return MHD_YES; /* discarded */
		if (rq->received > s->cfg->max_request_bytes) {
			refuse(rq, MHD_HTTP_CONTENT_TOO_LARGE, "the request is larger than %zu bytes",
			       s->cfg->max_request_bytes);
			return respond(c, rq);
		}
		if (MHD_post_process(rq->pp, upload_data, n) != MHD_YES)
			refuse(rq, MHD_HTTP_BAD_REQUEST, "malformed multipart/form-data body");
		return MHD_YES;
	}
	finish(s, rq);
	return respond(c, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct request *rq = *con_cls;
	(void)toe;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL) {
		struct conn_slot *slot = ci->socket_context;
		pthread_mutex_lock(&s->conn_lock);
		slot->since = mono_now(); /* the next request's clock starts now */
		pthread_mutex_unlock(&s->conn_lock);
	}
	if (rq == NULL)
		return;
	if (rq->pp != NULL)
		MHD_destroy_post_processor(rq->pp);
	free(rq->manifest);
	free(rq->csv);
	free(rq);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct conn_slot *slot = kv_xcalloc(1, sizeof *slot);
		slot->fd = ci != NULL ? ci->connect_fd : -1;
		slot->since = mono_now();
		pthread_mutex_lock(&s->conn_lock);
		slot->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = slot;
		s->conns = slot;
		pthread_mutex_unlock(&s->conn_lock);
		*socket_context = slot;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != NULL) {
		/* MHD closes the socket after this: the watchdog, holding the
		 * lock, never shuts down a descriptor that was reused. */
		struct conn_slot *slot = *socket_context;
		pthread_mutex_lock(&s->conn_lock);
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

/* Once a second: cut every connection whose request has taken longer than
 * request_timeout. */
static void *watchdog(void *arg)
{
	struct server *s = arg;
	pthread_mutex_lock(&s->conn_lock);
	while (!s->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&s->conn_cond, &s->conn_lock, &until);
		time_t now = mono_now();
		unsigned n = 0;
		for (struct conn_slot *c = s->conns; c != NULL; c = c->next)
			if (!c->cut && c->fd >= 0 && now - c->since > s->cfg->request_timeout) {
				shutdown(c->fd, SHUT_RDWR);
				c->cut = true;
				n++;
			}
		s->n_cut += n;
		if (n > 0)
			hub_log(KV_LOG_WARNING,
				"cut %u connection%s whose request took over %d s (request_timeout)", n,
				n == 1 ? "" : "s", s->cfg->request_timeout);
	}
	pthread_mutex_unlock(&s->conn_lock);
	return NULL;
}

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
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	if (inet_pton(AF_INET, cfg->listen_address, &addr.sin_addr) != 1) {
		hub_log(KV_LOG_ERROR, "listen_address %s is not an IPv4 address", cfg->listen_address);
		goto fail;
	}
	int one = 1;
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->fd < 0 || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(l->fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l->fd, 256) != 0) {
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
}

int hub_serve(const struct hub_config *cfg, const struct hub_catalogue *cat, PGconn *db,
	      struct hub_listener *l)
{
	struct server s = {.cfg = cfg, .cat = cat, .db = db};
	pthread_mutex_init(&s.db_lock, NULL);
	pthread_mutex_init(&s.conn_lock, NULL);
	pthread_cond_init(&s.conn_cond, NULL);
	int rc = HUB_EXIT_FAILURE;
	struct MHD_Daemon *d = NULL;
	pthread_t dog;
	bool dog_started = false;

	/* The signals are taken by sigwait below; MHD's threads inherit the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(
	    MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t)cfg->port,
	    NULL, NULL, on_request, &s, MHD_OPTION_LISTEN_SOCKET, l->fd,
	    MHD_OPTION_HTTPS_MEM_CERT, l->cert, MHD_OPTION_HTTPS_MEM_KEY, l->key,
	    MHD_OPTION_HTTPS_MEM_TRUST, l->trust, MHD_OPTION_HTTPS_PRIORITIES,
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
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
			     "rounding_base %u)",
		cfg->listen_address, cfg->port, cat->n, (unsigned)cfg->disclosure.min_count,
		(unsigned)cfg->disclosure.rounding_base);
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
	pthread_cond_destroy(&s.conn_cond);
	pthread_mutex_destroy(&s.conn_lock);
	pthread_mutex_destroy(&s.db_lock);
	return rc;
}
