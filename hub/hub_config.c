/*
 * hub_config.c - the hub's INI file: its own key table, checked the way the
 * core checks kvalind.ini (every problem as "FILE:LINE: ...", unknown keys
 * and sections are errors, secrets only in a private file)
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

const struct hub_section hub_sections[] = {
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

static const struct hub_section *find_section(const char *name)
{
	for (size_t i = 0; i < hub_n_sections; i++)
		if (strcmp(hub_sections[i].name, name) == 0)
			return &hub_sections[i];
	return NULL;
}

static void check_file(struct kv_ini *ini, bool is_secrets, bool secrets_allowed,
		       struct kv_diags *d)
{
	char why[256];
	for (size_t i = 0; i < ini->n_sections; i++) {
		const char *name = ini->sections[i].name;
		for (size_t j = 0; j < i; j++)
			if (strcmp(ini->sections[j].name, name) == 0)
				kv_diags_add(d, "%s:%d: section [%s] appears twice", ini->path,
					     ini->sections[i].line, name);
		if (find_section(name) == NULL)
			kv_diags_add(d,
				     "%s:%d: unknown section [%s]; allowed: [hub], [tls], "
				     "[database], [disclosure]",
				     ini->path, ini->sections[i].line, name);
	}
	for (size_t i = 0; i < ini->n_entries; i++) {
		struct kv_ini_entry *e = &ini->entries[i];
		const struct hub_section *s = find_section(e->section);
		if (e->section[0] == '\0') {
			kv_diags_add(d, "%s:%d: key \"%s\" stands before any [section]", ini->path,
				     e->line, e->key);
			continue;
		}
		if (s == NULL)
			continue; /* reported with the section */
		const struct kv_config_key *k = kv_config_find_key(s->keys, s->n_keys, e->key);
		if (k == NULL) {
			char allowed[512] = "";
			size_t o = 0;
			for (size_t j = 0; j < s->n_keys && o < sizeof allowed; j++)
				o += (size_t)snprintf(allowed + o, sizeof allowed - o, "%s%s",
						      j ? ", " : "", s->keys[j].key);
			kv_diags_add(d, "%s:%d: unknown key \"%s\" in [%s]; allowed: %s", ini->path,
				     e->line, e->key, e->section, allowed);
			continue;
		}
		e->used = true;
		for (size_t j = 0; j < i; j++)
			if (strcmp(ini->entries[j].section, e->section) == 0 &&
			    strcmp(ini->entries[j].key, e->key) == 0) {
				kv_diags_add(d, "%s:%d: key \"%s\" in [%s] repeats line %d",
					     ini->path, e->line, e->key, e->section,
					     ini->entries[j].line);
				break;
			}
		if (is_secrets && k->type != KV_CONFIG_SECRET) {
			kv_diags_add(d,
				     "%s:%d: key \"%s\" is not a secret; only secret keys belong in "
				     "the secrets file",
				     ini->path, e->line, e->key);
			continue;
		}
		if (!is_secrets && k->type == KV_CONFIG_SECRET && !secrets_allowed) {
			kv_diags_add(d,
				     "%s:%d: key \"%s\" is a secret, but this file is readable by "
				     "group or others; move it to the secrets file (secrets_file in "
				     "[hub]) or chmod 600 this file",
				     ini->path, e->line, e->key);
			continue;
		}
		if (k->type != KV_CONFIG_CONNSTR && e->last_line != e->line) {
			kv_diags_add(d,
				     "%s:%d: line is indented, so it continues the value of \"%s\" "
				     "from line %d; only connection strings may continue over "
				     "lines: remove the indentation",
				     ini->path, e->line + 1, e->key, e->line);
			continue;
		}
		const char *v = k->type == KV_CONFIG_CONNSTR ? e->raw : e->value;
		if (kv_config_check_value(k, v, why, sizeof why) != 0)
			kv_diags_add(d, "%s:%d: bad value for key \"%s\" in [%s]: %s", ini->path,
				     e->line, e->key, e->section, why);
	}
}

struct files {
	struct kv_ini *main;
	struct kv_ini *secrets;
	char dir[4096];
};

static const char *value_of(const struct files *f, const char *section, const char *key)
{
	const struct hub_section *s = find_section(section);
	const struct kv_config_key *k = kv_config_find_key(s->keys, s->n_keys, key);
	const struct kv_ini_entry *e = kv_ini_find(f->main, section, key);
	if (e != NULL)
		return k->type == KV_CONFIG_CONNSTR ? e->raw : e->value;
	if (k->type == KV_CONFIG_SECRET && f->secrets != NULL) {
		e = kv_ini_find(f->secrets, section, key);
		if (e != NULL)
			return e->value;
	}
	return k->default_value;
}

static int resolve(const struct files *f, const char *value, char *buf, size_t size)
{
	if (value == NULL || *value == '\0') {
		buf[0] = '\0';
		return 0;
	}
	if (value[0] == '/' || strcmp(f->dir, ".") == 0)
		return kv_snprintf(buf, size, "%s", value);
	return kv_snprintf(buf, size, "%s/%s", f->dir, value);
}

static long long int_of(const struct files *f, const char *section, const char *key)
{
	long long v = 0;
	const char *s = value_of(f, section, key);
	if (s == NULL || !kv_parse_int64(s, &v))
		return 0;
	return v;
}

int hub_config_load(const char *path, struct hub_config *cfg, struct kv_diags *d)
{
	struct files f = {0};
	struct stat st;
	char err[512];
	size_t before = d->n;
	memset(cfg, 0, sizeof *cfg);
	kv_strlcpy(cfg->path, path, sizeof cfg->path);

	f.main = kv_ini_read(path, d, &st);
	if (f.main == NULL) {
		kv_diags_add(d, "%s: cannot read the configuration: %s", path, strerror(errno));
		return -1;
	}
	if (kv_check_not_writable_by_others(&st, path, "configuration file", err, sizeof err) != 0)
		kv_diags_add(d, "%s", err);
	bool main_private = (st.st_mode & (S_IRWXG | S_IRWXO)) == 0;
	kv_dirname(path, f.dir, sizeof f.dir);
	check_file(f.main, false, main_private, d);

	const char *secrets = value_of(&f, "hub", "secrets_file");
	if (secrets != NULL) {
		char spath[4096];
		if (resolve(&f, secrets, spath, sizeof spath) != 0) {
			kv_diags_add(d, "%s: secrets_file path is too long", path);
		} else if ((f.secrets = kv_ini_read(spath, d, &st)) == NULL) {
			kv_diags_add(d, "%s: cannot read the secrets file: %s", spath, strerror(errno));
		} else if (kv_check_private(&st, spath, "secrets file", err, sizeof err) != 0) {
			kv_diags_add(d, "%s", err);
		} else {
			check_file(f.secrets, true, true, d);
		}
	}
	for (size_t i = 0; i < hub_n_sections; i++) {
		const struct hub_section *s = &hub_sections[i];
		for (size_t j = 0; j < s->n_keys; j++) {
			if (!s->keys[j].required || value_of(&f, s->name, s->keys[j].key) != NULL)
				continue;
			int line = kv_ini_section_line(f.main, s->name);
			if (line > 0)
				kv_diags_add(d, "%s:%d: missing required key \"%s\" in [%s] (%s)", path,
					     line, s->keys[j].key, s->name, s->keys[j].description);
			else
				kv_diags_add(d, "%s: missing section [%s] with required key \"%s\" (%s)",
					     path, s->name, s->keys[j].key, s->keys[j].description);
		}
	}
	if (d->n > before)
		goto out;

	kv_strlcpy(cfg->listen_address, value_of(&f, "hub", "listen_address"),
		   sizeof cfg->listen_address);
	cfg->port = (int)int_of(&f, "hub", "port");
	cfg->threads = (int)int_of(&f, "hub", "threads");
	cfg->max_request_bytes = (size_t)int_of(&f, "hub", "max_request_kib") * 1024;
	cfg->max_connections = (int)int_of(&f, "hub", "max_connections");
	cfg->max_connections_per_address = (int)int_of(&f, "hub", "max_connections_per_address");
	cfg->handshake_timeout = (int)int_of(&f, "hub", "handshake_timeout");
	cfg->idle_timeout = (int)int_of(&f, "hub", "idle_timeout");
	cfg->request_timeout = (int)int_of(&f, "hub", "request_timeout");
	{
		const char *u = value_of(&f, "hub", "user");
		if (u != NULL && kv_snprintf(cfg->user, sizeof cfg->user, "%s", u) != 0)
			kv_diags_add(d, "%s: [hub] user is too long", path);
	}
	kv_parse_month(value_of(&f, "hub", "earliest_month"), &cfg->earliest_month);
	kv_log_level_parse(value_of(&f, "hub", "log_level"), &cfg->log_level);
	if (resolve(&f, value_of(&f, "hub", "indicator_dir"), cfg->indicator_dir,
		    sizeof cfg->indicator_dir) != 0 ||
	    resolve(&f, value_of(&f, "hub", "data_dir"), cfg->data_dir, sizeof cfg->data_dir) !=
		0 ||
	    resolve(&f, value_of(&f, "tls", "cert"), cfg->tls_cert, sizeof cfg->tls_cert) != 0 ||
	    resolve(&f, value_of(&f, "tls", "key"), cfg->tls_key, sizeof cfg->tls_key) != 0 ||
	    resolve(&f, value_of(&f, "tls", "ca_cert"), cfg->ca_cert, sizeof cfg->ca_cert) != 0 ||
	    resolve(&f, value_of(&f, "tls", "ca_key"), cfg->ca_key, sizeof cfg->ca_key) != 0)
		kv_diags_add(d, "%s: a path is too long", path);
	cfg->client_cert_days = (int)int_of(&f, "tls", "client_cert_days");
	cfg->dsn = kv_xstrdup(kv_trim((char *)value_of(&f, "database", "dsn")));
	cfg->db_writers = (int)int_of(&f, "database", "writers");
	cfg->db_readers = (int)int_of(&f, "database", "readers");
	const char *pw = value_of(&f, "database", "password");
	cfg->password = pw != NULL ? kv_xstrdup(pw) : NULL;
	cfg->disclosure.min_count = (uint32_t)int_of(&f, "disclosure", "min_count");
	cfg->disclosure.rounding_base = (uint32_t)int_of(&f, "disclosure", "rounding_base");
	{
		unsigned a, b, c, e;
		char tail;
		if (sscanf(cfg->listen_address, "%u.%u.%u.%u%c", &a, &b, &c, &e, &tail) != 4 ||
		    a > 255 || b > 255 || c > 255 || e > 255) {
			const struct kv_ini_entry *le = kv_ini_find(f.main, "hub", "listen_address");
			kv_diags_add(d,
				     "%s:%d: bad value for key \"listen_address\" in [hub]: expected "
				     "an IPv4 address such as 0.0.0.0 or 127.0.0.1",
				     path, le ? le->line : 0);
		}
	}
out:
	kv_ini_free(f.main);
	kv_ini_free(f.secrets);
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
