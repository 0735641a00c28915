/*
 * push.c - reading [push] into a target, and handing a send to its transport
 * (push_https.c or push_dir.c)
 *
 * kv_push_open reports every problem it finds in [push] into d, naming the
 * configuration file, the line and the key; a target is returned only when
 * there is none. Files named by ca_file, client_cert and client_key are opened
 * once here so that a missing or unreadable one is a configuration error at
 * start-up rather than a failed push a month later.
 */
#include "push.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ini_store.h"
#include "push_private.h"
#include "util.h"

#define DEFAULT_CONNECT_TIMEOUT 30
#define DEFAULT_TIMEOUT 300
#define MAX_TIMEOUT 3600

/* "FILE:LINE" of a [push] key, or of the section, or just "FILE". */
static void where(const struct kv_config *cfg, const char *key, char *buf, size_t size)
{
	const struct kv_ini_entry *e = kv_ini_find(cfg->main, "push", key);
	int line = e != NULL ? e->line : kv_ini_section_line(cfg->main, "push");
	if (line > 0)
		kv_snprintf(buf, size, "%s:%d", cfg->main->path, line);
	else
		kv_snprintf(buf, size, "%s", cfg->main->path);
}

/* The resolved path of value v of [push] key, NULL when unset (or too long:
 * reported). */
static char *path_value(const struct kv_config *cfg, const char *key, const char *v,
			struct kv_diags *d)
{
	char path[KV_PUSH_PATH_MAX], at[KV_PUSH_PATH_MAX + 32];
	if (v == NULL || *v == '\0')
		return NULL;
	if (kv_config_resolve_path(cfg, v, path, sizeof path) != 0) {
		where(cfg, key, at, sizeof at);
		kv_diags_add(d, "%s: [push] %s: path is too long", at, key);
		return NULL;
	}
	return kv_xstrdup(path);
}

/* A regular file this process can open for reading; st gets its status. */
static bool check_readable(const struct kv_config *cfg, const char *key, const char *path,
			   struct stat *st, struct kv_diags *d)
{
	char at[KV_PUSH_PATH_MAX + 32];
	bool ok = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	where(cfg, key, at, sizeof at);
	if (fd < 0) {
		kv_diags_add(d, "%s: [push] %s \"%s\" cannot be read: %s", at, key, path,
			     strerror(errno));
		goto done;
	}
	if (fstat(fd, st) != 0) {
		kv_diags_add(d, "%s: [push] %s \"%s\" cannot be read: %s", at, key, path,
			     strerror(errno));
		goto done;
	}
	if (!S_ISREG(st->st_mode)) {
		kv_diags_add(d, "%s: [push] %s \"%s\" is not a regular file", at, key, path);
		goto done;
	}
	ok = true;
done:
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Copy url into buf with any "user:password@" replaced by "...@", for
 * messages about a URL that may carry a password. */
static void redact_url(const char *url, char *buf, size_t size)
{
	const char *sep = strstr(url, "://");
	const char *host = sep != NULL ? sep + 3 : url;
	size_t auth_len = strcspn(host, "/?#");
	const char *at = NULL;
	for (const char *p = host; p < host + auth_len; p++)
		if (*p == '@')
			at = p;
	if (at == NULL) {
		kv_snprintf(buf, size, "%s", url);
		return;
	}
	kv_snprintf(buf, size, "%.*s...%s", (int)(host - url), url, at);
}

static bool url_part_set(CURLU *u, CURLUPart part)
{
	char *s = NULL;
	bool set = curl_url_get(u, part, &s, 0) == CURLUE_OK && s != NULL;
	curl_free(s);
	return set;
}

/* Check url and store its normalised form in t->url. */
static void open_url(struct kv_push_target *t, const struct kv_config *cfg, struct kv_diags *d)
{
	char at[KV_PUSH_PATH_MAX + 32], shown[1024];
	const char *url = kv_core_settings(cfg)->push.url;
	CURLU *u = NULL;
	char *scheme = NULL, *full = NULL;

	where(cfg, "url", at, sizeof at);
	if (url == NULL || *url == '\0') {
		where(cfg, "transport", at, sizeof at);
		kv_diags_add(d,
			     "%s: [push] url is missing; transport = https needs the receiver's "
			     "https:// address",
			     at);
		goto done;
	}
	redact_url(url, shown, sizeof shown);
	u = curl_url();
	if (u == NULL) {
		kv_diags_add(d, "%s: [push] url: out of memory", at);
		goto done;
	}
	CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (rc != CURLUE_OK) {
		kv_diags_add(d, "%s: [push] url \"%s\" is not a valid URL: %s", at, shown,
			     curl_url_strerror(rc));
		goto done;
	}
	if (url_part_set(u, CURLUPART_USER) || url_part_set(u, CURLUPART_PASSWORD) ||
	    url_part_set(u, CURLUPART_OPTIONS)) {
		kv_diags_add(d,
			     "%s: [push] url \"%s\" contains a user name or password; kvalind "
			     "never sends passwords in URLs: remove \"user:password@\" and "
			     "authenticate with client_cert and client_key",
			     at, shown);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || scheme == NULL ||
	    strcmp(scheme, "https") != 0) {
		kv_diags_add(d,
			     "%s: [push] url \"%s\" is not an https:// address; kvalind sends "
			     "extracts over HTTPS only",
			     at, shown);
		goto done;
	}
	if (!url_part_set(u, CURLUPART_HOST)) {
		kv_diags_add(d, "%s: [push] url \"%s\" has no host", at, shown);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK || full == NULL) {
		kv_diags_add(d, "%s: [push] url \"%s\" is not a valid URL", at, shown);
		goto done;
	}
	t->url = kv_xstrdup(full);
	t->destination = kv_xstrdup(full);
done:
	curl_free(full);
	curl_free(scheme);
	curl_url_cleanup(u);
}

/* KVALIND_PUSH_TIMEOUT=SECONDS (tests) shortens both timeouts. */
static void open_timeouts(struct kv_push_target *t, struct kv_diags *d)
{
	const char *env = getenv("KVALIND_PUSH_TIMEOUT");
	long long s;
	t->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	t->timeout = DEFAULT_TIMEOUT;
	if (env == NULL || *env == '\0')
		return;
	if (!kv_parse_int64(env, &s) || s < 1 || s > MAX_TIMEOUT) {
		kv_diags_add(d, "KVALIND_PUSH_TIMEOUT=\"%s\" is not a number of seconds, 1 to %d",
			     env, MAX_TIMEOUT);
		return;
	}
	t->connect_timeout = s < DEFAULT_CONNECT_TIMEOUT ? (long)s : DEFAULT_CONNECT_TIMEOUT;
	t->timeout = (long)s;
}

static void open_https(struct kv_push_target *t, const struct kv_config *cfg,
		       struct kv_diags *d)
{
	char err[KV_PUSH_PATH_MAX + 256], at[KV_PUSH_PATH_MAX + 32];
	struct stat st;

	if (kv_push_https_global_init(err, sizeof err) != 0) {
		kv_diags_add(d, "%s", err);
		return;
	}
	t->curl_initialised = true;
	open_url(t, cfg, d);
	open_timeouts(t, d);

	t->ca_file = path_value(cfg, "ca_file", kv_core_settings(cfg)->push.ca_file, d);
	if (t->ca_file != NULL)
		check_readable(cfg, "ca_file", t->ca_file, &st, d);

	t->client_cert = path_value(cfg, "client_cert", kv_core_settings(cfg)->push.client_cert, d);
	t->client_key = path_value(cfg, "client_key", kv_core_settings(cfg)->push.client_key, d);
	if ((t->client_cert == NULL) != (t->client_key == NULL)) {
		const char *set = t->client_cert != NULL ? "client_cert" : "client_key";
		where(cfg, set, at, sizeof at);
		kv_diags_add(d, "%s: [push] %s is set but %s is not; set both or neither", at,
			     set, t->client_cert != NULL ? "client_key" : "client_cert");
	}
	if (t->client_cert != NULL)
		check_readable(cfg, "client_cert", t->client_cert, &st, d);
	if (t->client_key != NULL && check_readable(cfg, "client_key", t->client_key, &st, d) &&
	    kv_check_private(&st, t->client_key, "[push] client_key", err, sizeof err) != 0) {
		where(cfg, "client_key", at, sizeof at);
		kv_diags_add(d, "%s: %s", at, err);
	}
	const char *pass = kv_core_settings(cfg)->push.key_passphrase;
	if (pass != NULL && *pass != '\0')
		t->key_passphrase = kv_xstrdup(pass);
}

static void open_directory(struct kv_push_target *t, const struct kv_config *cfg,
			   struct kv_diags *d)
{
	char at[KV_PUSH_PATH_MAX + 32], dest[KV_PUSH_PATH_MAX + 16];
	struct stat st;

	t->drop_dir = path_value(cfg, "drop_dir", kv_core_settings(cfg)->push.drop_dir, d);
	if (t->drop_dir == NULL) {
		if (kv_core_settings(cfg)->push.drop_dir == NULL) {
			where(cfg, "transport", at, sizeof at);
			kv_diags_add(d,
				     "%s: [push] drop_dir is missing; transport = directory needs "
				     "the directory extracts are written to",
				     at);
		}
		return;
	}
	where(cfg, "drop_dir", at, sizeof at);
	if (stat(t->drop_dir, &st) != 0) {
		kv_diags_add(d, "%s: [push] drop_dir \"%s\": %s", at, t->drop_dir, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		kv_diags_add(d, "%s: [push] drop_dir \"%s\" is not a directory", at, t->drop_dir);
		return;
	}
	kv_snprintf(dest, sizeof dest, "directory:%s", t->drop_dir);
	t->destination = kv_xstrdup(dest);
}

struct kv_push_target *kv_push_open(const struct kv_config *cfg, struct kv_diags *d)
{
	char at[KV_PUSH_PATH_MAX + 32];
	size_t errors_before = d->n;
	struct kv_push_target *t = NULL;
	const char *transport = kv_core_settings(cfg)->push.transport;

	if (transport == NULL || strcmp(transport, "none") == 0) {
		where(cfg, "transport", at, sizeof at);
		kv_diags_add(d,
			     "%s: push is not configured: [push] transport is \"none\"; set it to "
			     "https or directory",
			     at);
		goto done;
	}
	t = kv_xcalloc(1, sizeof *t);
	if (strcmp(transport, "https") == 0) {
		t->kind = KV_PUSH_HTTPS;
		open_https(t, cfg, d);
	} else if (strcmp(transport, "directory") == 0) {
		t->kind = KV_PUSH_DIRECTORY;
		open_directory(t, cfg, d);
	} else {
		where(cfg, "transport", at, sizeof at);
		kv_diags_add(d, "%s: [push] transport \"%s\" is not none, https or directory", at,
			     transport);
	}
done:
	if (t != NULL && (d->n > errors_before || t->destination == NULL)) {
		kv_push_close(t);
		t = NULL;
	}
	return t;
}

void kv_push_check(const struct kv_config *cfg, struct kv_diags *d)
{
	const char *transport = kv_core_settings(cfg)->push.transport;
	if (transport == NULL || strcmp(transport, "none") == 0)
		return;
	kv_push_close(kv_push_open(cfg, d));
}

const char *kv_push_destination(const struct kv_push_target *t)
{
	return t->destination;
}

/* An extract id becomes a file name and a header value: letters, digits,
 * '-', '_' and '.', not starting with '.', at most KV_PUSH_ID_MAX. */
static bool valid_extract_id(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > KV_PUSH_ID_MAX || id[0] == '.')
		return false;
	for (const char *p = id; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
		if (!ok)
			return false;
	}
	return true;
}

void kv_push_set_cancel(struct kv_push_target *t, volatile sig_atomic_t *cancel)
{
	t->cancel = cancel;
}

bool kv_push_cancelled(const struct kv_push_target *t)
{
	return t->cancel != NULL && *t->cancel != 0;
}

enum kv_push_outcome kv_push_send(struct kv_push_target *t, const char *extract_id,
				  const struct kv_push_payload *p, struct kv_push_result *r)
{
	memset(r, 0, sizeof *r);
	r->outcome = KV_PUSH_RETRY;
	KV_FREE(t->receipt);
	t->receipt_len = 0;
	if (!valid_extract_id(extract_id)) {
		kv_snprintf(r->detail, sizeof r->detail,
			    "extract id is not 1 to %d letters, digits, '-', '_' or '.' (not "
			    "starting with '.')",
			    KV_PUSH_ID_MAX);
		kv_strlcpy(r->status, r->detail, sizeof r->status);
		r->outcome = KV_PUSH_REFUSED;
		return r->outcome;
	}
	if (kv_push_cancelled(t)) {
		kv_strlcpy(r->detail, "stopped before sending (kvalind is stopping)",
			   sizeof r->detail);
		kv_strlcpy(r->status, r->detail, sizeof r->status);
		r->outcome = KV_PUSH_CANCELLED;
		return r->outcome;
	}
	if (t->kind == KV_PUSH_DIRECTORY)
		kv_push_dir_send(t, extract_id, p, r);
	else
		kv_push_https_send(t, extract_id, p, r);
	if (r->status[0] == '\0')
		kv_strlcpy(r->status, r->detail, sizeof r->status);
	return r->outcome;
}

const char *kv_push_receipt(const struct kv_push_target *t, size_t *len)
{
	*len = t->receipt != NULL ? t->receipt_len : 0;
	return t->receipt;
}

static void wipe_free(char *s)
{
	if (s == NULL)
		return;
	volatile char *p = s;
	while (*p != '\0')
		*p++ = '\0';
	free(s);
}

void kv_push_close(struct kv_push_target *t)
{
	if (t == NULL)
		return;
	free(t->destination);
	free(t->url);
	free(t->ca_file);
	free(t->client_cert);
	free(t->client_key);
	wipe_free(t->key_passphrase);
	free(t->drop_dir);
	free(t->receipt);
	kv_receipt_trust_close(t->receipt_trust);
	if (t->curl_initialised)
		kv_push_https_global_cleanup();
	free(t);
}
