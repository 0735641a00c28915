/*
 * hub_config.c - the hub's INI file: its own key tables, checked by the
 * core's checker (kv_config_load_as: every problem as "FILE:LINE: ...",
 * unknown keys and sections are errors, secrets only in a private file)
 */
#include "hub.h"

#include <errno.h>
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

/* ---- the key table ---------------------------------------------------------- */

static const struct kv_config_key hub_keys[] = {
    {"listen_address", KV_CONFIG_STRING, "0.0.0.0", false, NULL,
     "IPv4 address the HTTPS server listens on (0.0.0.0: every interface)"},
    {"port", KV_CONFIG_INT, "8443", false, "1..65535", "TCP port of the HTTPS server"},
    {"threads", KV_CONFIG_INT, "4", false, "1..64", "threads serving connections"},
    {"max_request_kib", KV_CONFIG_INT, "1024", false, "16..65536",
     "largest request body accepted, in KiB (refused with 413 while it arrives)"},
    {"max_connections", KV_CONFIG_INT, "256", false, "8..4096",
     "connections served at once; when all are taken, a new one replaces the oldest that has "
     "not yet made an authenticated request (from the address holding most of those), or is "
     "refused if there is none"},
    {"max_connections_per_address", KV_CONFIG_INT, "32", false, "1..4096",
     "connections one client address may hold at once; more are closed as they arrive (raise "
     "it when many offices reach the hub through one NAT address)"},
    {"handshake_timeout", KV_CONFIG_INT, "10", false, "1..600",
     "seconds from a connection's start to its first authenticated request (TLS handshake, "
     "client certificate and request headers); a connection that takes longer is closed"},
    {"idle_timeout", KV_CONFIG_INT, "30", false, "1..3600",
     "seconds a connection may stay silent before the hub closes it"},
    {"request_timeout", KV_CONFIG_INT, "120", false, "2..86400",
     "seconds one request may take from its first byte to its last (a client that trickles "
     "bytes is cut off after it)"},
    {"user", KV_CONFIG_STRING, NULL, false, NULL,
     "the user serve switches to when started as root, after reading the TLS files and "
     "binding the port (started as root without it, serve refuses)"},
    {"earliest_month", KV_CONFIG_MONTH, "2010-01", false, NULL,
     "first reference month an extract may be for"},
    {"indicator_dir", KV_CONFIG_PATH, KV_HUB_INDICATOR_DIR, false, NULL,
     "directory of the indicator plugins that define the catalogue (not writable by group "
     "or others)"},
    {"data_dir", KV_CONFIG_PATH, "/var/lib/kvalind-hub", false, NULL,
     "directory for the hub's own files (issued certificates are written under "
     "data_dir/issued unless register --out says otherwise)"},
    {"log_level", KV_CONFIG_ENUM, "info", false, "error|warning|info|debug",
     "how much to log"},
    {"secrets_file", KV_CONFIG_PATH, NULL, false, NULL,
     "INI file with the secret keys ([database] password), readable by its owner only"},
};

static const struct kv_config_key tls_keys[] = {
    {"cert", KV_CONFIG_PATH, NULL, true, NULL, "the hub's server certificate (PEM)"},
    {"key", KV_CONFIG_PATH, NULL, true, NULL,
     "the server certificate's key (PEM, readable by its owner only)"},
    {"ca_cert", KV_CONFIG_PATH, NULL, true, NULL,
     "the hub CA's certificate: client certificates must chain to it"},
    {"ca_key", KV_CONFIG_PATH, NULL, false, NULL,
     "the hub CA's key, for register (only the admin needs it; readable by its owner only)"},
    {"client_cert_days", KV_CONFIG_INT, "825", false, "1..3650",
     "validity of the client certificates register issues, in days"},
};

static const struct kv_config_key database_keys[] = {
    {"dsn", KV_CONFIG_CONNSTR, NULL, true, NULL,
     "the hub's PostgreSQL database: a libpq URI or conninfo (host=... dbname=...)"},
    {"password", KV_CONFIG_SECRET, NULL, false, NULL,
     "the database password; never logged"},
    {"writers", KV_CONFIG_INT, "2", false, "1..32",
     "database connections serve opens for pushes (the participant check and storing)"},
    {"readers", KV_CONFIG_INT, "2", false, "1..32",
     "database connections serve opens for report pages, each with its own thread; a page is "
     "read from one snapshot and never holds up a push"},
};

static const struct kv_config_key disclosure_keys[] = {
    {"min_count", KV_CONFIG_INT, "5", false, "3..1000",
     "the agreed min_count: a published count below it is refused"},
    {"rounding_base", KV_CONFIG_INT, "5", false, "3..100",
     "the agreed rounding_base: a published count that is not a multiple of it is refused"},
};

const struct kv_config_section hub_sections[] = {
    {"hub", "the HTTPS server and the catalogue", hub_keys, KV_ARRAY_SIZE(hub_keys)},
    {"tls", "certificates: the server's and the hub CA", tls_keys, KV_ARRAY_SIZE(tls_keys)},
    {"database", "where extracts are stored", database_keys, KV_ARRAY_SIZE(database_keys)},
    {"disclosure", "the disclosure rules the offices agreed to", disclosure_keys,
     KV_ARRAY_SIZE(disclosure_keys)},
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
};

/* [section] key, a path, resolved against the file's directory; "" when
 * not set. */
static int resolve(const struct kv_config *f, const char *section, const char *key, char *buf,
		   size_t size)
{
	const char *value = kv_config_core_value(f, section, key);
	if (value == NULL || *value == '\0') {
		buf[0] = '\0';
		return 0;
	}
	return kv_config_resolve_path(f, value, buf, size);
}

static long long int_of(const struct kv_config *f, const char *section, const char *key)
{
	long long v = 0;
	const char *s = kv_config_core_value(f, section, key);
	if (s == NULL || !kv_parse_int64(s, &v))
		return 0;
	return v;
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

	kv_strlcpy(cfg->listen_address, kv_config_core_value(f, "hub", "listen_address"),
		   sizeof cfg->listen_address);
	cfg->port = (int)int_of(f, "hub", "port");
	cfg->threads = (int)int_of(f, "hub", "threads");
	cfg->max_request_bytes = (size_t)int_of(f, "hub", "max_request_kib") * 1024;
	cfg->max_connections = (int)int_of(f, "hub", "max_connections");
	cfg->max_connections_per_address = (int)int_of(f, "hub", "max_connections_per_address");
	cfg->handshake_timeout = (int)int_of(f, "hub", "handshake_timeout");
	cfg->idle_timeout = (int)int_of(f, "hub", "idle_timeout");
	cfg->request_timeout = (int)int_of(f, "hub", "request_timeout");
	{
		const char *u = kv_config_core_value(f, "hub", "user");
		if (u != NULL && kv_snprintf(cfg->user, sizeof cfg->user, "%s", u) != 0)
			kv_diags_add(d, "%s: [hub] user is too long", path);
	}
	kv_parse_month(kv_config_core_value(f, "hub", "earliest_month"), &cfg->earliest_month);
	kv_log_level_parse(kv_config_core_value(f, "hub", "log_level"), &cfg->log_level);
	if (resolve(f, "hub", "indicator_dir", cfg->indicator_dir, sizeof cfg->indicator_dir) != 0 ||
	    resolve(f, "hub", "data_dir", cfg->data_dir, sizeof cfg->data_dir) != 0 ||
	    resolve(f, "tls", "cert", cfg->tls_cert, sizeof cfg->tls_cert) != 0 ||
	    resolve(f, "tls", "key", cfg->tls_key, sizeof cfg->tls_key) != 0 ||
	    resolve(f, "tls", "ca_cert", cfg->ca_cert, sizeof cfg->ca_cert) != 0 ||
	    resolve(f, "tls", "ca_key", cfg->ca_key, sizeof cfg->ca_key) != 0)
		kv_diags_add(d, "%s: a path is too long", path);
	cfg->client_cert_days = (int)int_of(f, "tls", "client_cert_days");
	cfg->dsn = kv_xstrdup(kv_trim((char *)kv_config_core_value(f, "database", "dsn")));
	cfg->db_writers = (int)int_of(f, "database", "writers");
	cfg->db_readers = (int)int_of(f, "database", "readers");
	const char *pw = kv_config_core_value(f, "database", "password");
	cfg->password = pw != NULL ? kv_xstrdup(pw) : NULL;
	cfg->disclosure.min_count = (uint32_t)int_of(f, "disclosure", "min_count");
	cfg->disclosure.rounding_base = (uint32_t)int_of(f, "disclosure", "rounding_base");
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
