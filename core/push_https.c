/*
 * push_https.c - one extract as one HTTPS POST through libcurl
 *
 * One easy handle per send (no connection is kept between sends), driven by
 * a multi handle in steps of at most POLL_MS so that the target's cancel
 * flag is looked at several times a second whatever the transfer is doing.
 * The receiver's certificate is always verified; only https is allowed, for
 * the request and for any redirect, and redirects are not followed. The
 * reply's body is kept up to REPLY_KEEP bytes (its first line for the
 * detail; on a 2xx the hub's receipt, checked here: receipt.h); the rest is
 * discarded. Errors never end the process: every failure is an outcome
 * (RETRY, REFUSED or CANCELLED) with a one-line detail and a status for
 * people (what the reply means and what to check). The payload is sent from
 * memory, never logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "extract_format.h"
#include "push_private.h"
#include "receipt.h"
#include "sha256.h"
#include "util.h"

#ifndef KV_VERSION
#define KV_VERSION "unknown"
#endif

/* bytes of the reply's body kept: a status line and a receipt */
#define REPLY_KEEP (KV_RECEIPT_MAX + 1024)
#define REPLY_LINE_MAX 200   /* printable characters of its first line shown */
#define POLL_MS 200          /* longest wait before the cancel flag is looked at */

static unsigned global_users;

int kv_push_https_global_init(char *err, size_t errlen)
{
	if (global_users == 0) {
		CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
		if (rc != CURLE_OK) {
			kv_snprintf(err, errlen, "could not initialise libcurl: %s",
				    curl_easy_strerror(rc));
			return -1;
		}
		const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
		if (v == NULL || !(v->features & CURL_VERSION_SSL)) {
			curl_global_cleanup();
			kv_snprintf(err, errlen, "libcurl was built without TLS; push over HTTPS "
						 "is not possible");
			return -1;
		}
	}
	global_users++;
	return 0;
}

void kv_push_https_global_cleanup(void)
{
	if (global_users > 0 && --global_users == 0)
		curl_global_cleanup();
}

struct reply {
	char buf[REPLY_KEEP];
	size_t len;
	bool cut; /* more arrived than was kept */
};

static size_t keep_reply(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct reply *r = userdata;
	size_t n = size * nmemb;
	size_t room = sizeof r->buf - r->len;
	size_t take = n < room ? n : room;
	memcpy(r->buf + r->len, data, take);
	r->len += take;
	if (take < n)
		r->cut = true;
	return n; /* the rest is read and dropped */
}

/* The first line of the reply, at most REPLY_LINE_MAX characters, anything
 * but printable ASCII shown as '?'. */
static void first_line(const struct reply *r, char *out, size_t size)
{
	size_t o = 0, i = 0;
	while (i < r->len && (r->buf[i] == ' ' || r->buf[i] == '\t'))
		i++;
	for (; i < r->len && o < REPLY_LINE_MAX && o + 1 < size; i++) {
		unsigned char c = (unsigned char)r->buf[i];
		if (c == '\r' || c == '\n')
			break;
		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	if (size > 0)
		out[o] = '\0';
}

/* The reply's meaning under the receiver's contract: 2xx delivered, 422 the
 * final refusal, everything else a retry; whether every other extract would
 * meet it too; and what a person should check. */
static void classify_status(long status, struct kv_push_result *r)
{
	const char *what = NULL, *check = "";
	r->http_status = status;
	if (status >= 200 && status <= 299) {
		r->outcome = KV_PUSH_DELIVERED;
		return;
	}
	if (status == 422) {
		r->outcome = KV_PUSH_REFUSED;
		kv_snprintf(r->status, sizeof r->status, "refused by the receiver as invalid (%s)",
			    r->detail);
		return;
	}
	r->outcome = KV_PUSH_RETRY;
	r->receiver_wide = true;
	if (status >= 300 && status <= 399) {
		what = "the receiver redirects elsewhere";
		check = " - check [push] url (redirects are never followed)";
	} else if (status == 401 || status == 403) {
		what = "the receiver refused our certificate";
		check = " - check [push] client_cert and client_key, and that the receiver has "
			"registered this office";
	} else if (status == 404 || status == 405) {
		what = "the receiver has no such address";
		check = " - check [push] url";
	} else if (status == 411 || status == 415) {
		what = "the receiver does not take this kind of request";
		check = " - check [push] url, and that the receiver is a kvalind hub";
	} else if (status == 408 || status == 425 || status == 429 || status == 502 ||
		   status == 503 || status == 504) {
		what = "the receiver is busy or unavailable";
	} else {
		r->receiver_wide = false;
		if (status == 413)
			what = "the receiver finds the extract too large";
		else if (status >= 500 && status <= 599)
			what = "the receiver failed";
		else
			what = "the receiver did not take the request";
	}
	kv_snprintf(r->status, sizeof r->status, "%s (%s)%s", what, r->detail, check);
}

/* A transfer that ended without a reply. */
static void classify_curl(CURLcode rc, struct kv_push_result *r)
{
	const char *what, *check = "";
	r->outcome = KV_PUSH_RETRY;
	r->receiver_wide = true;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		what = "the receiver's name cannot be resolved";
		check = " - check [push] url and the network";
		break;
	case CURLE_COULDNT_CONNECT:
		what = "the receiver cannot be reached";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		what = "the receiver did not answer in time";
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		what = "the receiver's certificate could not be verified";
		check = " - check [push] url and ca_file";
		break;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
		what = "our client certificate or key cannot be used";
		check = " - check [push] client_cert, client_key and key_passphrase";
		break;
	case CURLE_SSL_CONNECT_ERROR:
		what = "the TLS handshake with the receiver failed";
		check = " - if the receiver refused our certificate: check [push] client_cert "
			"and client_key";
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		what = "the connection broke before the receiver answered";
		break;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_READ_ERROR:
		what = "the request could not be made here";
		r->receiver_wide = false;
		break;
	default:
		what = "the request failed";
	}
	kv_snprintf(r->status, sizeof r->status, "%s (%s)%s", what, r->detail, check);
}

static CURLcode add_part(curl_mime *mime, const char *name, const char *data, size_t len,
			 const char *filename, const char *type)
{
	curl_mimepart *part = curl_mime_addpart(mime);
	if (part == NULL)
		return CURLE_OUT_OF_MEMORY;
	CURLcode rc = curl_mime_name(part, name);
	if (rc == CURLE_OK)
		rc = curl_mime_data(part, data, len); /* copied */
	if (rc == CURLE_OK)
		rc = curl_mime_filename(part, filename);
	if (rc == CURLE_OK)
		rc = curl_mime_type(part, type);
	return rc;
}

/* Run the transfer in steps of at most POLL_MS, looking at the cancel flag
 * between them. *cancelled is set when it stopped the transfer. */
static CURLcode perform(struct kv_push_target *t, CURL *curl, bool *cancelled)
{
	CURLcode rc = CURLE_OK;
	CURLM *multi = curl_multi_init();
	*cancelled = false;
	if (multi == NULL)
		return CURLE_OUT_OF_MEMORY;
	if (curl_multi_add_handle(multi, curl) != CURLM_OK) {
		curl_multi_cleanup(multi);
		return CURLE_OUT_OF_MEMORY;
	}
	int running = 1;
	for (;;) {
		if (kv_push_cancelled(t)) {
			*cancelled = true;
			break;
		}
		CURLMcode mc = curl_multi_perform(multi, &running);
		if (mc != CURLM_OK) {
			rc = CURLE_FAILED_INIT;
			break;
		}
		if (running == 0)
			break;
		/* returns early on activity and on a signal (EINTR) */
		mc = curl_multi_poll(multi, NULL, 0, POLL_MS, NULL);
		if (mc != CURLM_OK) {
			rc = CURLE_FAILED_INIT;
			break;
		}
	}
	if (!*cancelled && rc == CURLE_OK) {
		CURLMsg *msg;
		int left;
		rc = CURLE_GOT_NOTHING;
		while ((msg = curl_multi_info_read(multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == curl)
				rc = msg->data.result;
	}
	curl_multi_remove_handle(multi, curl);
	curl_multi_cleanup(multi);
	return rc;
}

/* The participant a receipt for extract_id must name: the one the id
 * names, else the client certificate's CN when it is a participant id, else
 * NULL (not checked). */
static const char *expected_participant(struct kv_push_target *t, const char *extract_id,
					char *buf, size_t size)
{
	if (kv_receipt_id_participant(extract_id, buf, size))
		return buf;
	if (!t->client_cn_read && t->client_cert != NULL) {
		char cn[sizeof t->client_cn], err[512];
		t->client_cn_read = true;
		if (kv_receipt_cert_cn(t->client_cert, cn, sizeof cn, err, sizeof err) == 0 &&
		    kv_extract_valid_participant(cn, strlen(cn)))
			kv_strlcpy(t->client_cn, cn, sizeof t->client_cn);
	}
	return t->client_cn[0] != '\0' ? t->client_cn : NULL;
}

/* The leaf certificate of the TLS connection (PEM, libcurl's), or NULL. */
static const char *connection_certificate(CURL *curl)
{
	struct curl_certinfo *ci = NULL;
	if (curl_easy_getinfo(curl, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
	    ci->num_of_certs < 1 || ci->certinfo == NULL)
		return NULL;
	for (struct curl_slist *l = ci->certinfo[0]; l != NULL; l = l->next)
		if (strncmp(l->data, "Cert:", 5) == 0)
			return l->data + 5;
	return NULL;
}

static void receipt_invalid(struct kv_push_result *r, const char *why)
{
	r->receipt = KV_PUSH_RECEIPT_INVALID;
	kv_snprintf(r->receipt_problem, sizeof r->receipt_problem, "%s", why);
}

/* The receipt in a 2xx reply (see push.h): r->receipt, and its bytes kept in
 * t->receipt when there is one. */
static void take_receipt(struct kv_push_target *t, CURL *curl, const char *extract_id,
			 const struct kv_push_payload *p, const struct reply *rep,
			 struct kv_push_result *r)
{
	const size_t ml = sizeof KV_RECEIPT_MAGIC - 1;
	const char *body = rep->buf, *start = NULL;
	size_t len = rep->len;
	char *type = NULL;
	if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) != CURLE_OK)
		type = NULL;
	size_t tl = strlen(KV_RECEIPT_MEDIA_TYPE);
	bool typed = type != NULL && strncasecmp(type, KV_RECEIPT_MEDIA_TYPE, tl) == 0 &&
		     (type[tl] == '\0' || type[tl] == ';' || type[tl] == ' ');
	const char *nl = memchr(body, '\n', len);
	if (len >= ml && memcmp(body, KV_RECEIPT_MAGIC, ml) == 0)
		start = body;
	else if (nl != NULL && (size_t)(body + len - (nl + 1)) >= ml &&
		 memcmp(nl + 1, KV_RECEIPT_MAGIC, ml) == 0)
		start = nl + 1;
	else if (typed)
		start = nl != NULL ? nl + 1 : body + len;
	if (start == NULL) {
		r->receipt = KV_PUSH_RECEIPT_MISSING;
		kv_snprintf(r->receipt_problem, sizeof r->receipt_problem,
			    "the receiver's reply (HTTP %ld, %s) has no receipt", r->http_status,
			    type != NULL ? "Content-Type not a receipt's" : "no Content-Type");
		return;
	}
	size_t rlen = (size_t)(body + len - start);
	size_t keep = rlen < KV_RECEIPT_MAX ? rlen : KV_RECEIPT_MAX;
	t->receipt = kv_xcalloc(keep + 1, 1);
	memcpy(t->receipt, start, keep);
	t->receipt_len = keep;
	if (rep->cut || rlen > KV_RECEIPT_MAX) {
		receipt_invalid(r, "the receipt is larger than 64 KiB");
		return;
	}
	char why[900], err[512], msha[KV_SHA256_HEX_SIZE], dsha[KV_SHA256_HEX_SIZE], pbuf[128];
	if (kv_sha256_hex(p->manifest, p->manifest_len, msha, err, sizeof err) != 0 ||
	    kv_sha256_hex(p->csv, p->csv_len, dsha, err, sizeof err) != 0) {
		kv_snprintf(why, sizeof why, "the receipt could not be checked: %s", err);
		receipt_invalid(r, why);
		return;
	}
	if (t->receipt_trust == NULL) {
		t->receipt_trust = kv_receipt_trust_open(t->ca_file, err, sizeof err);
		if (t->receipt_trust == NULL) {
			kv_snprintf(why, sizeof why, "the receipt could not be checked: %s", err);
			receipt_invalid(r, why);
			return;
		}
	}
	struct kv_receipt *rc = NULL;
	if (kv_receipt_parse(t->receipt, t->receipt_len, &rc, err, sizeof err) != 0) {
		kv_snprintf(why, sizeof why, "the receipt cannot be read: %s", err);
		receipt_invalid(r, why);
		return;
	}
	const char *participant = expected_participant(t, extract_id, pbuf, sizeof pbuf);
	const char *peer = connection_certificate(curl);
	if (kv_receipt_match(rc, extract_id, participant, msha, dsha, err, sizeof err) != 0 ||
	    kv_receipt_verify(rc, t->receipt_trust, err, sizeof err) != 0 ||
	    (peer != NULL && kv_receipt_signed_by(rc, peer, strlen(peer), err, sizeof err) != 0))
		receipt_invalid(r, err);
	else
		r->receipt = KV_PUSH_RECEIPT_VALID;
	kv_receipt_free(rc);
}

void kv_push_https_send(struct kv_push_target *t, const char *extract_id,
			const struct kv_push_payload *p, struct kv_push_result *r)
{
	CURL *curl = NULL;
	curl_mime *mime = NULL;
	struct curl_slist *headers = NULL, *h = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char header[64 + KV_PUSH_ID_MAX], line[REPLY_LINE_MAX + 1];
	struct reply *reply = kv_xcalloc(1, sizeof *reply);
	CURLcode rc = CURLE_OK;
	long status = 0;
	char *detail = r->detail;
	size_t detail_len = sizeof r->detail;

	r->outcome = KV_PUSH_RETRY;
	curl = curl_easy_init();
	if (curl == NULL) {
		kv_snprintf(detail, detail_len, "could not start libcurl");
		goto done;
	}
	mime = curl_mime_init(curl);
	if (mime == NULL) {
		rc = CURLE_OUT_OF_MEMORY;
	} else {
		rc = add_part(mime, "manifest", p->manifest, p->manifest_len, "manifest.json",
			      "application/json");
		if (rc == CURLE_OK)
			rc = add_part(mime, "data", p->csv, p->csv_len, "data.csv", "text/csv");
	}
	if (rc != CURLE_OK) {
		kv_snprintf(detail, detail_len, "could not build the request: %s",
			    curl_easy_strerror(rc));
		goto done;
	}
	/* "Expect:" off: no wait for a "100 Continue" the receiver may not send. */
	kv_snprintf(header, sizeof header, "Idempotency-Key: %s", extract_id);
	const char *header_lines[] = {header, "Expect:"};
	for (size_t i = 0; i < KV_ARRAY_SIZE(header_lines); i++) {
		h = curl_slist_append(headers, header_lines[i]);
		if (h == NULL) {
			kv_snprintf(detail, detail_len, "could not build the request: out of memory");
			goto done;
		}
		headers = h;
	}

/* Every option must take: a security option that silently failed to apply
 * would be worse than not sending. */
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(curl, opt, val);                 \
	} while (0)
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_URL, t->url);
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (t->ca_file != NULL)
		SET(CURLOPT_CAINFO, t->ca_file);
	if (t->client_cert != NULL) {
		SET(CURLOPT_SSLCERT, t->client_cert);
		SET(CURLOPT_SSLCERTTYPE, "PEM");
		SET(CURLOPT_SSLKEY, t->client_key);
		SET(CURLOPT_SSLKEYTYPE, "PEM");
		if (t->key_passphrase != NULL)
			SET(CURLOPT_KEYPASSWD, t->key_passphrase);
	}
	SET(CURLOPT_CONNECTTIMEOUT, t->connect_timeout);
	SET(CURLOPT_TIMEOUT, t->timeout);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, "kvalind/" KV_VERSION);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_MIMEPOST, mime);
	SET(CURLOPT_WRITEFUNCTION, keep_reply);
	SET(CURLOPT_WRITEDATA, reply);
#undef SET
	/* The receiver's certificate, to compare with its receipt's; a libcurl
	 * without it skips that comparison (push.h). */
	if (rc == CURLE_OK)
		(void)curl_easy_setopt(curl, CURLOPT_CERTINFO, 1L);
	if (rc != CURLE_OK) {
		kv_snprintf(detail, detail_len, "could not set up the request: %s",
			    errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto done;
	}

	bool cancelled;
	rc = perform(t, curl, &cancelled);
	if (cancelled) {
		kv_snprintf(detail, detail_len, "stopped while sending (kvalind is stopping)");
		r->outcome = KV_PUSH_CANCELLED;
		goto done;
	}
	if (rc != CURLE_OK) {
		/* No reply, or no connection, or TLS failed: try again later. */
		if (errbuf[0] != '\0')
			kv_snprintf(detail, detail_len, "%s: %s", curl_easy_strerror(rc), errbuf);
		else
			kv_snprintf(detail, detail_len, "%s", curl_easy_strerror(rc));
		classify_curl(rc, r);
		goto done;
	}
	if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	first_line(reply, line, sizeof line);
	if (line[0] != '\0')
		kv_snprintf(detail, detail_len, "HTTP %ld: %s", status, line);
	else
		kv_snprintf(detail, detail_len, "HTTP %ld", status);
	classify_status(status, r);
	if (r->outcome == KV_PUSH_DELIVERED)
		take_receipt(t, curl, extract_id, p, reply, r);
done:
	curl_easy_cleanup(curl);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	free(reply);
}
