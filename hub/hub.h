/*
 * hub.h - kvalind-hub, the receiving side: configuration, the indicator
 * catalogue, validation of an extract, storage in PostgreSQL, the hub CA and
 * the HTTPS server
 *
 * The hub shares the extract format with the office (core/extract_format.h)
 * and links the core's library for INI reading, the plugin loader, SHA-256
 * and small utilities. Functions that fail write a one-line, lower-case
 * reason into (err, errlen) and return -1 (or an error code), never print.
 */
#ifndef KVALIND_HUB_H
#define KVALIND_HUB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libpq-fe.h>

#include "config.h"
#include "diag.h"
#include "disclosure.h"
#include "extract_format.h"
#include "ini_store.h"
#include "sha256.h"
#include "kvalind/kv_plugin.h"
#include "util.h"

#define HUB_PROG "kvalind-hub"

#ifndef KV_HUB_DEFAULT_CONFIG
#define KV_HUB_DEFAULT_CONFIG "/etc/kvalind-hub/hub.ini"
#endif

/* Exit codes, as kvalind's. */
enum hub_exit {
	HUB_EXIT_OK = 0,
	HUB_EXIT_FAILURE = 1,
	HUB_EXIT_USAGE = 2,
	HUB_EXIT_CONFIG = 3,
	HUB_EXIT_PLUGIN = 4
};

#define HUB_EXIT_CODES_HELP                                                    \
	"Exit status:\n"                                                       \
	"  0  success\n"                                                       \
	"  1  the command failed (database, files, certificates)\n"            \
	"  2  bad command line\n"                                              \
	"  3  the configuration is invalid\n"                                  \
	"  4  an indicator plugin was refused or not found\n"

/* ---- logging: "kvalind-hub: LEVEL: message", one line, thread-safe ------ */

void hub_log_set_level(enum kv_log_level level);
void hub_log(enum kv_log_level level, const char *fmt, ...) KV_PRINTF(2, 3);

/* ---- configuration (hub_config.c) --------------------------------------- */

/* hub.ini's sections of keys, checked by the core's checker (config.h). */
extern const struct kv_config_section hub_sections[];
extern const size_t hub_n_sections;

struct hub_config {
	char path[4096];
	char listen_address[64];
	int port;
	int threads;
	size_t max_request_bytes;
	int max_connections;           /* connections served at once */
	int max_connections_per_address; /* of them from one client address */
	int handshake_timeout;         /* seconds from connect to an authenticated request */
	int idle_timeout;              /* seconds a connection may stay silent */
	int request_timeout;           /* seconds a request may take, first byte to last */
	char user[64];                 /* serve as root switches to it ("" : none) */
	int earliest_month;            /* month index */
	enum kv_log_level log_level;
	char indicator_dir[4096];
	char data_dir[4096];
	char tls_cert[4096];
	char tls_key[4096];
	char ca_cert[4096];
	char ca_key[4096];             /* "" when not configured */
	int client_cert_days;
	char *dsn;                     /* owned */
	char *password;                /* owned; NULL without one */
	int db_writers;                /* [database] writers: connections for pushes */
	int db_readers;                /* [database] readers: connections (and threads) for reports */
	struct kv_disclosure_params disclosure;
};

/* Read and check path (permissions, sections, keys, values, the secrets
 * file). 0, or -1 with every problem in d ("FILE:LINE: ..."). */
int hub_config_load(const char *path, struct hub_config *cfg, struct kv_diags *d);
void hub_config_free(struct hub_config *cfg);
/* The configuration path: the option, else $KVALIND_HUB_CONFIG, else the
 * built-in default. */
const char *hub_config_path(const char *from_option);

/* ---- the indicator catalogue (hub_catalogue.c) -------------------------- */

struct hub_indicator {
	char *id;
	uint32_t version;
	uint32_t type;                 /* enum kv_indicator_type */
	int32_t direction;             /* enum kv_direction */
	char *title;
	char *title_nb;
	char *numerator;
	char *denominator;
	char *plugin;
	char *plugin_version;
	/* The whole definition as the plugin declares it (the relation fields
	 * included: populations, part_of, relation_flags, the within lists,
	 * hide_priority), its strings owned by the catalogue; NULL stays NULL.
	 * What the relations are built from. */
	struct kv_indicator_def def;
};

struct hub_catalogue {
	struct hub_indicator *ind;     /* sorted by id */
	size_t n;
	/* Built by hub_catalogue_relate (hub_catalogue_load does it): one
	 * series per indicator, in ind's order (sorted by id, as an office's
	 * run sorts its series), and the relations between their counts, as
	 * the office builds them over its enabled indicators. What the informed
	 * audit of every extract reads. */
	struct kv_series *series;
	struct kv_relations rel;
};

/* Every indicator plugin in dir, loaded with the core's secure loader (and
 * unloaded again: the hub keeps copies of the definitions), then related
 * (hub_catalogue_relate). -1 with err when a plugin is refused, two plugins
 * declare the same ID or the relations cannot be built (naming the
 * plugin). */
int hub_catalogue_load(const char *dir, struct hub_catalogue *cat, char *err, size_t errlen);
const struct hub_indicator *hub_catalogue_find(const struct hub_catalogue *cat, const char *id);
/* Frees what hub_catalogue_load made (the strings, the series, the
 * relations). */
void hub_catalogue_free(struct hub_catalogue *cat);

/* Sort cat->ind by id, refuse a duplicate id, and build cat->series (each
 * series' def points at ind[i].def; a def without an id gets ind[i].id) and
 * cat->rel with kv_relations_build. 0, or -1 with err naming the indicator
 * or plugin whose declarations do not fit. Pure (in hub_validate.c, so the
 * validator's tests and fuzz target can relate a catalogue of their own);
 * hub_catalogue_unrelate frees only what it made. */
int hub_catalogue_relate(struct hub_catalogue *cat, char *err, size_t errlen);
void hub_catalogue_unrelate(struct hub_catalogue *cat);

/* ---- validation of one extract (hub_validate.c) ------------------------- */

struct hub_policy {
	const struct hub_catalogue *catalogue;  /* related (hub_catalogue_relate) */
	struct kv_disclosure_params disclosure; /* agreed min_count, rounding_base */
	int earliest_month;                     /* month index */
	/* The current month by the hub's clock (month index, UTC): an extract
	 * must be of an earlier month, one that has ended; this month and later
	 * ones are refused. */
	int latest_month;
	/* The hub's clock, or 0. When set it replaces latest_month: a month
	 * counts as ended once it has ended anywhere on earth (UTC+14), since
	 * an office may export a month from its own local midnight on. */
	time_t now;
	size_t max_rows;
};

struct hub_extract {
	char extract_id[160];
	char participant[KV_EXTRACT_ID_MAX + 1];
	char month[8];
	char csv_sha256[KV_SHA256_HEX_SIZE];
	const char *manifest;          /* borrowed: the manifest as received */
	size_t manifest_len;
	const char *csv;               /* borrowed: data.csv as received */
	size_t csv_len;
	struct kv_extract_row *rows;   /* owned */
	size_t n_rows;
};

/*
 * Check an extract as received: key is the Idempotency-Key, participant the
 * authenticated office (the client certificate's CN). On success x is
 * filled (free with hub_extract_free); on failure -1 with the reason in err
 * (one line, for the 4xx reply's body).
 *
 * Beyond the format, the hub is the privacy backstop: it refuses any month
 * an office's own disclosure control would not have produced (a numerator
 * above its denominator or with a complement below min_count, cells of one
 * population published unequal, a mean off the published grid) and runs
 * the office's informed audit (kv_disclosure_audit_published) over the
 * catalogue's relations: a month whose published cells let a hidden count
 * be worked out, or that no counts fit, is refused naming the cell. And it
 * refuses what the database could not hold, so no valid-looking extract
 * fails at the insert (a 503 the office would retry for ever).
 *
 * Pure: no I/O, no database, no global state (the clock comes in pol), so
 * the unit tests (tests/hub/check_validate.c) and the fuzz target
 * (tests/fuzz/fuzz_hub_extract.c) call it directly. It links with
 * hub_validate.c and the core's extract format, disclosure audit and
 * relations (core/extract_format.c, disclosure.c, disclosure_audit.c,
 * relations.c, ...), not the plugin loader: hub_catalogue_find and
 * hub_catalogue_relate live in hub_validate.c for that reason.
 */
int hub_validate(const struct hub_policy *pol, const char *participant, const char *key,
		 const char *manifest, size_t manifest_len, const char *csv, size_t csv_len,
		 struct hub_extract *x, char *err, size_t errlen);
void hub_extract_free(struct hub_extract *x);

/* ---- PostgreSQL (hub_db.c) ---------------------------------------------- */

PGconn *hub_db_connect(const struct hub_config *cfg, char *err, size_t errlen);

/*
 * The server's connections (hub_db.c): [database] writers for the push path
 * (the participant check, storing), [database] readers for the report
 * pages, all opened at start. A reader is handed out inside a REPEATABLE
 * READ READ ONLY transaction (one consistent snapshot per page, never a
 * lock a writer waits for), ended when it is released. A broken connection
 * is reset when it is next taken; NULL (err) when that fails. Acquiring
 * waits for a free connection of the role; thread-safe.
 */
enum hub_db_role { HUB_DB_WRITER = 0, HUB_DB_READER = 1 };
struct hub_db_pool;
/* first (may be NULL) becomes the first writer; the pool does not close it. */
struct hub_db_pool *hub_db_pool_open(const struct hub_config *cfg, PGconn *first, char *err,
				     size_t errlen);
PGconn *hub_db_pool_acquire(struct hub_db_pool *p, enum hub_db_role role, char *err,
			    size_t errlen);
void hub_db_pool_release(struct hub_db_pool *p, PGconn *db);
void hub_db_pool_close(struct hub_db_pool *p);
/* After a failed call: was it the connection (worth once more, on a
 * connection the pool resets when it is next taken)? */
bool hub_db_connection_lost(PGconn *db);
/* Create or migrate the schema (schema_version), in order, each migration in
 * its own transaction. */
int hub_db_migrate(PGconn *db, char *err, size_t errlen);
/* Record the catalogue (indicators by ID and version). */
int hub_db_store_catalogue(PGconn *db, const struct hub_catalogue *cat, char *err,
			   size_t errlen);

enum hub_auth {
	HUB_AUTH_OK = 0,
	HUB_AUTH_UNKNOWN,        /* not registered */
	HUB_AUTH_REVOKED,
	HUB_AUTH_OTHER_CERT,     /* not the certificate the hub issued to it */
	HUB_AUTH_DB_ERROR
};
/* Is participant registered, not revoked, with this certificate serial? */
enum hub_auth hub_db_check_participant(PGconn *db, const char *participant,
				       const char *cert_serial, char *err, size_t errlen);

enum hub_store {
	HUB_STORE_NEW = 0,       /* stored (first for its month) */
	HUB_STORE_SUPERSEDED,    /* stored; an earlier extract of its month superseded */
	HUB_STORE_ALREADY,       /* the same extract was stored before; nothing new */
	HUB_STORE_REFUSED,       /* participant revoked meanwhile (err) */
	HUB_STORE_UNAUTHORIZED,  /* not registered, or its certificate changed meanwhile (err) */
	HUB_STORE_CONFLICT,      /* the key is stored with other content (err) */
	HUB_STORE_DB_ERROR
};
/* Store a validated extract in one transaction. */
enum hub_store hub_db_store_extract(PGconn *db, const struct hub_extract *x,
				    const char *cert_serial, char *err, size_t errlen);

/* Admin: participants and what arrived. */
int hub_db_register(PGconn *db, const char *id, const char *team_start, const char *serial,
		    time_t not_after, bool reissue, char *err, size_t errlen);
int hub_db_participant_exists(PGconn *db, const char *id, char *err, size_t errlen);
int hub_db_set_revoked(PGconn *db, const char *id, char *err, size_t errlen);
int hub_db_group(PGconn *db, const char *id, const char *group, bool add, char *err,
		 size_t errlen);

/* ---- the hub CA (hub_ca.c) ---------------------------------------------- */

/* A new CA in dir (ca.pem, ca.key 0600) and a server certificate for the
 * given names (server.pem, server.key 0600); refuses to overwrite. */
int hub_ca_init(const char *dir, const char *const *names, size_t n_names, int days, char *err,
		size_t errlen);
/* Issue a client certificate with subject CN = cn: out_dir/CN.key (0600),
 * out_dir/CN.pem and out_dir/ca.pem. serial gets its serial as lower-case
 * hex, *not_after its expiry. */
int hub_ca_issue_client(const char *ca_cert, const char *ca_key, const char *cn, int days,
			const char *out_dir, char *serial, size_t serial_size, time_t *not_after,
			char *err, size_t errlen);
/* The same with a subject OU (or NULL) and the files named out_dir/STEM.key
 * and STEM.pem (STEM NULL: the CN). */
int hub_ca_issue(const char *ca_cert, const char *ca_key, const char *cn, const char *ou,
		 const char *stem, int days, const char *out_dir, char *serial,
		 size_t serial_size, time_t *not_after, char *err, size_t errlen);

/* Quality leads (migration 2): a certificate with subject CN "lead:NAME" and
 * OU "lead", never a participant (a participant id has no ':'). */
#define HUB_LEAD_CN_PREFIX "lead:"
#define HUB_LEAD_OU "lead"
/* A lead's name: 1 to 64 letters, digits, '_', '.' or '-'. */
bool hub_valid_lead_name(const char *name);
int hub_db_register_lead(PGconn *db, const char *name, const char *groups_literal,
			 const char *serial, time_t not_after, bool reissue, char *err,
			 size_t errlen);
/* 1 when NAME is a registered lead, 0 when not, -1 on a database error. */
int hub_db_lead_exists(PGconn *db, const char *name, char *err, size_t errlen);
/* Rows changed (0: was revoked already), or -1. */
int hub_db_revoke_lead(PGconn *db, const char *name, char *err, size_t errlen);

/* ---- analysis: panels, viewers, report pages (hub_analysis.c) ------------ */

struct kv_month_row;

/* An indicator as the database's catalogue has it (its latest version), and
 * what arrived for it. */
struct hub_ind_info {
	char *id, *title, *title_nb, *numerator, *denominator;
	int direction;
	bool mean;                     /* a mean-type indicator (no share) */
	int offices;                   /* offices with a current extract value */
	char latest[8];                /* latest month with one, "YYYY-MM" or "" */
	bool no_page;                  /* set by `report`: nothing to show */
};
/* Every indicator, or only the one named `only` (then 0 or 1 of them). */
int hub_db_indicators(PGconn *db, const char *only, struct hub_ind_info **out, size_t *n,
		      char *err, size_t errlen);
void hub_ind_info_free(struct hub_ind_info *v, size_t n);

/* The month rows of one indicator from the current extracts, one per office
 * x group x month ("(none)" for an office in no group); only the groups
 * named (n_groups > 0) and/or starting with prefix (non-NULL). The rows'
 * strings belong to res. */
struct hub_rows {
	PGresult *res;
	struct kv_month_row *rows;
	size_t n;
};
int hub_rows_load(PGconn *db, const char *indicator, const char *const *groups, size_t n_groups,
		  const char *prefix, struct hub_rows *out, char *err, size_t errlen);
void hub_rows_free(struct hub_rows *rows);

/* Who looks at a report, and which offices they may see by name. */
enum hub_viewer_kind { HUB_VIEWER_NONE = 0, HUB_VIEWER_LEAD, HUB_VIEWER_OFFICE };
struct hub_viewer {
	enum hub_viewer_kind kind;
	char name[128];                /* lead name or office id */
	char label[512];               /* shown in the page */
	char **named;                  /* offices shown by name (owned) */
	size_t n_named;
};
/* A lead sees the offices of its groups by name. With serial (from its
 * certificate) the certificate is checked too. */
enum hub_auth hub_viewer_lead(PGconn *db, const char *name, const char *serial,
			      struct hub_viewer *v, char *err, size_t errlen);
/* An office sees itself, highlighted, against the anonymous distribution. */
enum hub_auth hub_viewer_office(PGconn *db, const char *id, const char *serial,
				struct hub_viewer *v, char *err, size_t errlen);
void hub_viewer_anonymous(struct hub_viewer *v);
void hub_viewer_free(struct hub_viewer *v);

/* The index page (links are link_prefix + ID + ".html") and one
 * indicator's page (funnel with the mean monthly denominator as x, the
 * series of the offices the viewer may see). 0, or -1 with err; the page
 * is 1 (with err, nothing written) when no office has a published share
 * in the indicator's latest 12 months. */
int hub_report_index(FILE *out, const struct hub_ind_info *inds, size_t n,
		     const struct hub_viewer *v, const char *link_prefix, char *err, size_t errlen);
int hub_report_page(FILE *out, PGconn *db, const struct hub_ind_info *ind,
		    const struct hub_viewer *v, const char *index_href, char *err, size_t errlen);

/* ---- the server (hub_server.c) ------------------------------------------ */

/* What serve needs from root before it switches to [hub] user: the TLS
 * files read, the receipt signer made from them, and the listening socket
 * bound (so a port below 1024 works). */
struct hub_signer; /* hub_receipt.h */
struct hub_listener {
	int fd;
	char *cert, *key, *trust;
	struct hub_signer *signer; /* signs receipts with the TLS key (hub_receipt.h) */
};
/* 0, or -1 after logging why. */
int hub_listen(const struct hub_config *cfg, struct hub_listener *l);
void hub_listener_free(struct hub_listener *l);
/* Serve on l (taken over: freed when it returns) until SIGTERM or SIGINT. */
int hub_serve(const struct hub_config *cfg, const struct hub_catalogue *cat, PGconn *db,
	      struct hub_listener *l);

#endif /* KVALIND_HUB_H */
