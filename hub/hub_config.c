/*
 * hub_config.c - the hub's INI file: its own key tables, checked by the
 * core's checker (kv_config_load_as: every problem as "FILE:LINE: ...",
 * unknown keys and sections are errors, secrets only in a private file)
 */
#include "hub.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* The hub's own copy of the indicator plugins (the Makefile sets it to
 * $(LIBDIR)/kvalind-hub/indicators): the hub does not need the office's
 * package, and its catalogue is the one built with it. */
#ifndef KV_HUB_INDICATOR_DIR
#define KV_HUB_INDICATOR_DIR "/usr/local/lib/kvalind-hub/indicators"
#endif

/* ---- logging -------------------------------------------------------------- */

static enum kv_log_level hub_level = KV_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void hub_log_set_level(enum kv_log_level level)
{
	hub_level = level;
}

void hub_log(enum kv_log_level level, const char *fmt, ...)
{
	if (level > hub_level)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++) /* one line per message */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s: %s: %s\n", HUB_PROG, kv_log_level_name(level), msg);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

/* ---- the key table, bound to struct hub_settings ---------------------------- */

struct hub_server_settings {
	const char *listen_address;
	int64_t port;
	int64_t threads;
	int64_t max_request_kib;
	int64_t max_connections;
	int64_t max_connections_per_address;
	int64_t handshake_timeout;
	int64_t idle_timeout;
	int64_t request_timeout;
	const char *user;
	const char *earliest_month;
	const char *indicator_dir;
	const char *data_dir;
	const char *log_level;
	const char *secrets_file;
};

struct hub_tls_settings {
	const char *cert;
	const char *key;
	const char *ca_cert;
	const char *ca_key;
	int64_t client_cert_days;
};

struct hub_database_settings {
	const char *dsn;
	const char *password;
	int64_t writers;
	int64_t readers;
};

struct hub_disclosure_settings {
	int64_t min_count;
	int64_t rounding_base;
};

struct hub_settings {
	struct hub_server_settings hub;
	struct hub_tls_settings tls;
	struct hub_database_settings database;
	struct hub_disclosure_settings disclosure;
};

#define HUB(f, ...) KV_SETTING(struct hub_server_settings, f, __VA_ARGS__)
#define TLS(f, ...) KV_SETTING(struct hub_tls_settings, f, __VA_ARGS__)
#define DATABASE(f, ...) KV_SETTING(struct hub_database_settings, f, __VA_ARGS__)
#define DISCLOSURE(f, ...) KV_SETTING(struct hub_disclosure_settings, f, __VA_ARGS__)

static const struct kv_setting hub_keys[] = {
    HUB(listen_address, KV_CONFIG_STRING, "0.0.0.0", false, NULL,
     "IPv4 address the HTTPS server listens on (0.0.0.0: every interface)"),
    HUB(port, KV_CONFIG_INT, "8443", false, "1..65535", "TCP port of the HTTPS server"),
    HUB(threads, KV_CONFIG_INT, "4", false, "1..64", "threads serving connections"),
    HUB(max_request_kib, KV_CONFIG_INT, "1024", false, "16..65536",
     "largest request body accepted, in KiB (refused with 413 while it arrives)"),
    HUB(max_connections, KV_CONFIG_INT, "256", false, "8..4096",
     "connections served at once; when all are taken, a new one replaces the oldest that has "
     "not yet made an authenticated request (from the address holding most of those), or is "
     "refused if there is none"),
    HUB(max_connections_per_address, KV_CONFIG_INT, "32", false, "1..4096",
     "connections one client address may hold at once; more are closed as they arrive (raise "
     "it when many offices reach the hub through one NAT address)"),
    HUB(handshake_timeout, KV_CONFIG_INT, "10", false, "1..600",
     "seconds from a connection's start to its first authenticated request (TLS handshake, "
     "client certificate and request headers); a connection that takes longer is closed"),
    HUB(idle_timeout, KV_CONFIG_INT, "30", false, "1..3600",
     "seconds a connection may stay silent before the hub closes it"),
    HUB(request_timeout, KV_CONFIG_INT, "120", false, "2..86400",
     "seconds one request may take from its first byte to its last (a client that trickles "
     "bytes is cut off after it)"),
    HUB(user, KV_CONFIG_STRING, NULL, false, NULL,
     "the user serve switches to when started as root, after reading the TLS files and "
     "binding the port (started as root without it, serve refuses)"),
    HUB(earliest_month, KV_CONFIG_MONTH, "2010-01", false, NULL,
     "first reference month an extract may be for"),
    HUB(indicator_dir, KV_CONFIG_PATH, KV_HUB_INDICATOR_DIR, false, NULL,
     "directory of the indicator plugins that define the catalogue (not writable by group "
     "or others)"),
    HUB(data_dir, KV_CONFIG_PATH, "/var/lib/kvalind-hub", false, NULL,
     "directory for the hub's own files (issued certificates are written under "
     "data_dir/issued unless register --out says otherwise)"),
    HUB(log_level, KV_CONFIG_ENUM, "info", false, "error|warning|info|debug",
     "how much to log"),
    HUB(secrets_file, KV_CONFIG_PATH, NULL, false, NULL,
     "INI file with the secret keys ([database] password), readable by its owner only"),
};

static const struct kv_setting tls_keys[] = {
    TLS(cert, KV_CONFIG_PATH, NULL, true, NULL, "the hub's server certificate (PEM)"),
    TLS(key, KV_CONFIG_PATH, NULL, true, NULL,
     "the server certificate's key (PEM, readable by its owner only)"),
    TLS(ca_cert, KV_CONFIG_PATH, NULL, true, NULL,
     "the hub CA's certificate: client certificates must chain to it"),
    TLS(ca_key, KV_CONFIG_PATH, NULL, false, NULL,
     "the hub CA's key, for register (only the admin needs it; readable by its owner only)"),
    TLS(client_cert_days, KV_CONFIG_INT, "825", false, "1..3650",
     "validity of the client certificates register issues, in days"),
};

static const struct kv_setting database_keys[] = {
    DATABASE(dsn, KV_CONFIG_CONNSTR, NULL, true, NULL,
     "the hub's PostgreSQL database: a libpq URI or conninfo (host=... dbname=...)"),
    DATABASE(password, KV_CONFIG_SECRET, NULL, false, NULL,
     "the database password; never logged"),
    DATABASE(writers, KV_CONFIG_INT, "2", false, "1..32",
     "database connections serve opens for pushes (the participant check and storing)"),
    DATABASE(readers, KV_CONFIG_INT, "2", false, "1..32",
     "database connections serve opens for report pages, each with its own thread; a page is "
     "read from one snapshot and never holds up a push"),
};

static const struct kv_setting disclosure_keys[] = {
    DISCLOSURE(min_count, KV_CONFIG_INT, "5", false, "3..1000",
     "the agreed min_count: a published count below it is refused"),
    DISCLOSURE(rounding_base, KV_CONFIG_INT, "5", false, "3..100",
     "the agreed rounding_base: a published count that is not a multiple of it is refused"),
};

#define SECTION(name, desc, keys, field)                                       \
	{name, desc, keys, KV_ARRAY_SIZE(keys), offsetof(struct hub_settings, field)}

const struct kv_config_section hub_sections[] = {
    SECTION("hub", "the HTTPS server and the catalogue", hub_keys, hub),
    SECTION("tls", "certificates: the server's and the hub CA", tls_keys, tls),
    SECTION("database", "where extracts are stored", database_keys, database),
    SECTION("disclosure", "the disclosure rules the offices agreed to", disclosure_keys,
	    disclosure),
};
const size_t hub_n_sections = KV_ARRAY_SIZE(hub_sections);

const char *hub_config_path(const char *from_option)
{
	if (from_option != NULL)
		return from_option;
	const char *env = getenv("KVALIND_HUB_CONFIG");
	return env != NULL && *env ? env : KV_HUB_DEFAULT_CONFIG;
}

static const struct kv_config_schema hub_schema = {
	.sections = hub_sections,
	.n_sections = KV_ARRAY_SIZE(hub_sections),
	.secrets_section = "hub",
	.sections_allowed = "[hub], [tls], [database], [disclosure]",
	.settings_size = sizeof(struct hub_settings),
};

/* A path value resolved against the file's directory; "" when not set. */
static int resolve(const struct kv_config *f, const char *value, char *buf, size_t size)
{
	if (value == NULL || *value == '\0') {
		buf[0] = '\0';
		return 0;
	}
	return kv_config_resolve_path(f, value, buf, size);
}

int hub_config_load(const char *path, struct hub_config *cfg, struct kv_diags *d)
{
	size_t before = d->n;
	memset(cfg, 0, sizeof *cfg);
	kv_strlcpy(cfg->path, path, sizeof cfg->path);

	struct kv_config *f = kv_config_load_as(path, &hub_schema, d);
	if (f == NULL) {
		kv_diags_add(d, "%s: cannot read the configuration: %s", path, strerror(errno));
		return -1;
	}
	if (d->n > before)
		goto out;

	const struct hub_settings *set = f->settings;
	kv_strlcpy(cfg->listen_address, set->hub.listen_address, sizeof cfg->listen_address);
	cfg->port = (int)set->hub.port;
	cfg->threads = (int)set->hub.threads;
	cfg->max_request_bytes = (size_t)set->hub.max_request_kib * 1024;
	cfg->max_connections = (int)set->hub.max_connections;
	cfg->max_connections_per_address = (int)set->hub.max_connections_per_address;
	cfg->handshake_timeout = (int)set->hub.handshake_timeout;
	cfg->idle_timeout = (int)set->hub.idle_timeout;
	cfg->request_timeout = (int)set->hub.request_timeout;
	{
		const char *u = set->hub.user;
		if (u != NULL && kv_snprintf(cfg->user, sizeof cfg->user, "%s", u) != 0)
			kv_diags_add(d, "%s: [hub] user is too long", path);
	}
	kv_parse_month(set->hub.earliest_month, &cfg->earliest_month);
	kv_log_level_parse(set->hub.log_level, &cfg->log_level);
	if (resolve(f, set->hub.indicator_dir, cfg->indicator_dir, sizeof cfg->indicator_dir) != 0 ||
	    resolve(f, set->hub.data_dir, cfg->data_dir, sizeof cfg->data_dir) != 0 ||
	    resolve(f, set->tls.cert, cfg->tls_cert, sizeof cfg->tls_cert) != 0 ||
	    resolve(f, set->tls.key, cfg->tls_key, sizeof cfg->tls_key) != 0 ||
	    resolve(f, set->tls.ca_cert, cfg->ca_cert, sizeof cfg->ca_cert) != 0 ||
	    resolve(f, set->tls.ca_key, cfg->ca_key, sizeof cfg->ca_key) != 0)
		kv_diags_add(d, "%s: a path is too long", path);
	cfg->client_cert_days = (int)set->tls.client_cert_days;
	cfg->dsn = kv_xstrdup(kv_trim((char *)set->database.dsn));
	cfg->db_writers = (int)set->database.writers;
	cfg->db_readers = (int)set->database.readers;
	cfg->password = set->database.password != NULL ? kv_xstrdup(set->database.password) : NULL;
	cfg->disclosure.min_count = (uint32_t)set->disclosure.min_count;
	cfg->disclosure.rounding_base = (uint32_t)set->disclosure.rounding_base;
	{
		unsigned a, b, c, e;
		char tail;
		if (sscanf(cfg->listen_address, "%u.%u.%u.%u%c", &a, &b, &c, &e, &tail) != 4 ||
		    a > 255 || b > 255 || c > 255 || e > 255) {
			const struct kv_ini_entry *le = kv_ini_find(f->main, "hub", "listen_address");
			kv_diags_add(d,
				     "%s:%d: bad value for key \"listen_address\" in [hub]: expected "
				     "an IPv4 address such as 0.0.0.0 or 127.0.0.1",
				     path, le ? le->line : 0);
		}
	}
out:
	kv_config_free(f);
	if (d->n > before) {
		hub_config_free(cfg);
		return -1;
	}
	return 0;
}

void hub_config_free(struct hub_config *cfg)
{
	if (cfg->password != NULL) {
		memset(cfg->password, 0, strlen(cfg->password));
		KV_FREE(cfg->password);
	}
	KV_FREE(cfg->dsn);
}
