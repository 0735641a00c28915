/*
 * push_https.c - one extract as one HTTPS POST through libcurl
 *
 * One easy handle per send (no connection is kept between sends). The
 * receiver's certificate is always verified; only https is allowed, for the
 * request and for any redirect, and redirects are not followed. The reply's
 * body is read into a small buffer only for its first line; the rest is
 * discarded. Errors never end the process: every failure is an outcome
 * (RETRY or REFUSED) with a one-line detail. The payload is never logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "push_private.h"
#include "util.h"

#ifndef KV_VERSION
#define KV_VERSION "unknown"
#endif

#define REPLY_KEEP 1024      /* bytes of the reply's body kept for the detail */
#define REPLY_LINE_MAX 200   /* printable characters of its first line shown */

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
};

static size_t keep_reply(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct reply *r = userdata;
	size_t n = size * nmemb;
	size_t room = sizeof r->buf - r->len;
	size_t take = n < room ? n : room;
	memcpy(r->buf + r->len, data, take);
	r->len += take;
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

static enum kv_push_outcome classify(long status)
{
	if (status >= 200 && status <= 299)
		return KV_PUSH_DELIVERED;
	if (status == 408 || status == 425 || status == 429 || (status >= 500 && status <= 599))
		return KV_PUSH_RETRY;
	return KV_PUSH_REFUSED;
}

/* A readable file now, so a vanished outbox file is named in the detail
 * rather than reported as libcurl's "read error". */
static bool readable(const char *path, char *detail, size_t detail_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		kv_snprintf(detail, detail_len, "cannot read \"%s\": %s", path, strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

static CURLcode add_part(curl_mime *mime, const char *name, const char *path,
			 const char *filename, const char *type)
{
	curl_mimepart *part = curl_mime_addpart(mime);
	if (part == NULL)
		return CURLE_OUT_OF_MEMORY;
	CURLcode rc = curl_mime_name(part, name);
	if (rc == CURLE_OK)
		rc = curl_mime_filedata(part, path);
	if (rc == CURLE_OK)
		rc = curl_mime_filename(part, filename);
	if (rc == CURLE_OK)
		rc = curl_mime_type(part, type);
	return rc;
}

enum kv_push_outcome kv_push_https_send(struct kv_push_target *t, const char *extract_id,
					const char *manifest, const char *csv, char *detail,
					size_t detail_len)
{
	enum kv_push_outcome outcome = KV_PUSH_RETRY;
	CURL *curl = NULL;
	curl_mime *mime = NULL;
	struct curl_slist *headers = NULL, *h = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char header[64 + KV_PUSH_ID_MAX], line[REPLY_LINE_MAX + 1];
	struct reply *reply = kv_xcalloc(1, sizeof *reply);
	CURLcode rc = CURLE_OK;
	long status = 0;

	if (!readable(manifest, detail, detail_len) || !readable(csv, detail, detail_len))
		goto done;
	curl = curl_easy_init();
	if (curl == NULL) {
		kv_snprintf(detail, detail_len, "could not start libcurl");
		goto done;
	}
	mime = curl_mime_init(curl);
	if (mime == NULL) {
		rc = CURLE_OUT_OF_MEMORY;
	} else {
		rc = add_part(mime, "manifest", manifest, "manifest.json", "application/json");
		if (rc == CURLE_OK)
			rc = add_part(mime, "data", csv, "data.csv", "text/csv");
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
	if (rc != CURLE_OK) {
		kv_snprintf(detail, detail_len, "could not set up the request: %s",
			    errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto done;
	}

	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		/* No reply, or no connection, or TLS failed: try again later. */
		if (errbuf[0] != '\0')
			kv_snprintf(detail, detail_len, "%s: %s", curl_easy_strerror(rc), errbuf);
		else
			kv_snprintf(detail, detail_len, "%s", curl_easy_strerror(rc));
		goto done;
	}
	if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	outcome = classify(status);
	first_line(reply, line, sizeof line);
	if (line[0] != '\0')
		kv_snprintf(detail, detail_len, "HTTP %ld: %s", status, line);
	else
		kv_snprintf(detail, detail_len, "HTTP %ld", status);
done:
	curl_easy_cleanup(curl);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	free(reply);
	return outcome;
}
