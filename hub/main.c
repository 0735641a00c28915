/*
 * main.c - kvalind-hub: the receiving side's commands
 *
 *   serve                 the HTTPS receiver
 *   init-ca DIR           a new hub CA and server certificate
 *   register ID ...       a participant and its client certificate
 *   revoke ID             refuse everything from a participant from now on
 *   group ID --add/--remove G
 *   list                  what arrived
 *   missing [ID]          months without an extract, per office
 *   check-config          check the configuration and say what is wrong
 *
 * Output for people goes to stdout, errors to stderr as
 * "kvalind-hub: error: ...". Exit codes as kvalind's (HUB_EXIT_*).
 */
#include "hub.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gsl/gsl_errno.h>

#include "log.h"
#include "privdrop.h"

#ifndef KV_VERSION
#define KV_VERSION "0.1.0"
#endif

static const char main_help[] =
    "Usage: kvalind-hub COMMAND [OPTIONS]\n"
    "\n"
    "The receiving side of kvalind: accepts the offices' extracts over HTTPS\n"
    "(client certificates from the hub's CA), checks them and stores them in\n"
    "PostgreSQL.\n"
    "\n"
    "Commands:\n"
    "  serve                  run the HTTPS receiver (and the reports) until SIGTERM\n"
    "  init-ca DIR            make a hub CA and server certificate in DIR\n"
    "  register ID            register an office and issue its client certificate\n"
    "  revoke ID              refuse everything from an office from now on\n"
    "  group ID --add G | --remove G   assign or remove a group (e.g. region:vest)\n"
    "  list                   what arrived: participant, month, extract, received, superseded\n"
    "  missing [ID]           months without an extract, per office\n"
    "  panel --indicator ID   the evaluation panel as CSV (office, group, period, counts)\n"
    "  did --indicator ID ... difference-in-differences, laid out like table 10\n"
    "  report --out DIR       the comparison report (HTML, SVG charts) into DIR\n"
    "  register-lead NAME     register a quality lead and issue its client certificate\n"
    "  revoke-lead NAME       refuse a quality lead from now on\n"
    "  check-config           check the configuration file\n"
    "  version                print the version\n"
    "\n"
    "Every command takes --help. The configuration is --config FILE, else\n"
    "$KVALIND_HUB_CONFIG, else " KV_HUB_DEFAULT_CONFIG ".\n"
    "\n" HUB_EXIT_CODES_HELP;

int hub_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: error: ", HUB_PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s: hint: see 'kvalind-hub %s%s--help'\n", HUB_PROG, command,
		*command ? " " : "");
	return HUB_EXIT_USAGE;
}

static void print_diags(const struct kv_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "%s: error: %s\n", HUB_PROG, d->msgs[i]);
}

int hub_load_config(const char *path, struct hub_config *cfg)
{
	struct kv_diags d = {0};
	int rc = hub_config_load(hub_config_path(path), cfg, &d);
	print_diags(&d);
	kv_diags_free(&d);
	if (rc != 0)
		return HUB_EXIT_CONFIG;
	hub_log_set_level(cfg->log_level);
	return 0;
}

/* Connect and bring the schema up to date. */
PGconn *hub_open_db(const struct hub_config *cfg)
{
	char err[1024];
	PGconn *db = hub_db_connect(cfg, err, sizeof err);
	if (db == NULL) {
		hub_log(KV_LOG_ERROR, "%s", err);
		return NULL;
	}
	if (hub_db_migrate(db, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		PQfinish(db);
		return NULL;
	}
	return db;
}

/* --help and --config, the options every configured command has. */
#define COMMON_LONGOPTS {"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}

/* ---- serve ---------------------------------------------------------------- */

/* The core's privilege drop speaks of [core] user and kvalind; say [hub]
 * user and kvalind-hub instead (in place). */
static const char *hub_privdrop_reason(char *err)
{
	static const struct {
		const char *from, *to;
	} words[] = {{"[core] user", "[hub] user"}, {"kvalind does not", "kvalind-hub does not"},
		     {"start kvalind as", "start kvalind-hub as"}};
	char out[1024];
	size_t o = 0;
	for (const char *p = err; *p && o + 1 < sizeof out;) {
		size_t k;
		for (k = 0; k < KV_ARRAY_SIZE(words); k++)
			if (strncmp(p, words[k].from, strlen(words[k].from)) == 0)
				break;
		const char *w = k < KV_ARRAY_SIZE(words) ? words[k].to : NULL;
		if (w != NULL && o + strlen(w) + 1 < sizeof out) {
			memcpy(out + o, w, strlen(w));
			o += strlen(w);
			p += strlen(words[k].from);
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	kv_strlcpy(err, out, 1024);
	return err;
}

static const char serve_help[] =
    "Usage: kvalind-hub serve [--config FILE]\n"
    "\n"
    "Run the HTTPS receiver in the foreground until SIGTERM or SIGINT. At start\n"
    "it loads the indicator catalogue from [hub] indicator_dir (the core's secure\n"
    "plugin loader), creates or migrates the database schema, records the\n"
    "catalogue, then listens on [hub] listen_address:port. Offices POST their\n"
    "extracts to https://HUB:PORT/extracts with their client certificates.\n"
    "Started as root it reads the TLS files and binds the port, then switches\n"
    "to [hub] user (and refuses to run as root without one).\n"
    "\n" HUB_EXIT_CODES_HELP;

static int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_LONGOPTS, {0}};
	const char *config = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(serve_help, stdout);
			return HUB_EXIT_OK;
		}
		if (c == 'c')
			config = optarg;
		else
			return hub_usage_error("serve", "unknown option");
	}
	if (optind != argc)
		return hub_usage_error("serve", "serve takes no operand");
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	/* As root: read the TLS files and bind the port, then switch to [hub]
	 * user before any plugin is loaded or a byte is received. */
	struct hub_listener l;
	if (hub_listen(&cfg, &l) != 0) {
		hub_config_free(&cfg);
		return HUB_EXIT_FAILURE;
	}
	char err[1024];
	if (kv_drop_privileges(cfg.user[0] ? cfg.user : NULL, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", hub_privdrop_reason(err));
		hub_listener_free(&l);
		hub_config_free(&cfg);
		return HUB_EXIT_FAILURE;
	}
	struct hub_catalogue cat;
	if (hub_catalogue_load(cfg.indicator_dir, &cat, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "indicator catalogue: %s", err);
		hub_listener_free(&l);
		hub_config_free(&cfg);
		return HUB_EXIT_PLUGIN;
	}
	PGconn *db = hub_open_db(&cfg);
	rc = HUB_EXIT_FAILURE;
	if (db != NULL && hub_db_store_catalogue(db, &cat, err, sizeof err) != 0)
		hub_log(KV_LOG_ERROR, "%s", err);
	else if (db != NULL)
		rc = hub_serve(&cfg, &cat, db, &l);
	hub_listener_free(&l);
	PQfinish(db);
	hub_catalogue_free(&cat);
	hub_config_free(&cfg);
	return rc;
}

/* ---- init-ca ------------------------------------------------------------------ */

static const char init_ca_help[] =
    "Usage: kvalind-hub init-ca DIR [--server-name NAME ...] [--days N]\n"
    "\n"
    "Make a new hub CA in DIR: ca.pem and ca.key (0600), and the hub's server\n"
    "certificate signed by it, server.pem and server.key (0600), valid for each\n"
    "--server-name (a DNS name or IPv4 address; the first is also its CN;\n"
    "default: localhost and 127.0.0.1). Never overwrites a file. Point [tls]\n"
    "ca_cert, ca_key, cert and key of the hub's configuration at them; offices\n"
    "get ca.pem as their [push] ca_file from 'register'. Keep ca.key offline\n"
    "or at least readable by the administrator only.\n"
    "\n"
    "  --days N   validity of both certificates (default 3650)\n"
    "\n" HUB_EXIT_CODES_HELP;

static int cmd_init_ca(int argc, char **argv)
{
	static const struct option opts[] = {{"server-name", required_argument, NULL, 'n'},
					     {"days", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *names[32];
	size_t n_names = 0;
	long long days = 3650;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(init_ca_help, stdout);
			return HUB_EXIT_OK;
		case 'n':
			if (n_names == KV_ARRAY_SIZE(names))
				return hub_usage_error("init-ca", "too many --server-name");
			names[n_names++] = optarg;
			break;
		case 'd':
			if (!kv_parse_int64(optarg, &days) || days < 1 || days > 36500)
				return hub_usage_error("init-ca", "--days: expected 1..36500");
			break;
		default:
			return hub_usage_error("init-ca", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return hub_usage_error("init-ca", "init-ca takes one operand, the directory");
	if (n_names == 0) {
		names[n_names++] = "localhost";
		names[n_names++] = "127.0.0.1";
	}
	char err[1024];
	if (hub_ca_init(argv[optind], names, n_names, (int)days, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		return HUB_EXIT_FAILURE;
	}
	printf("init-ca: %s/ca.pem, ca.key, server.pem, server.key\n", argv[optind]);
	return HUB_EXIT_OK;
}

/* ---- register, revoke, group ---------------------------------------------- */

static const char register_help[] =
    "Usage: kvalind-hub register ID [--group G ...] [--team-start YYYY-MM]\n"
    "                           [--out DIR] [--reissue] [--config FILE]\n"
    "\n"
    "Register the office with participant id ID (its [office] id) and issue its\n"
    "client certificate from the hub CA ([tls] ca_cert and ca_key): DIR/ID.key\n"
    "(0600), DIR/ID.pem and DIR/ca.pem, for the office's [push] client_key,\n"
    "client_cert and ca_file. DIR defaults to [hub] data_dir/issued/ID.\n"
    "\n"
    "  --group G            a group, e.g. financing:rfv or region:vest (repeatable)\n"
    "  --team-start YYYY-MM the first month of its primary-care-team period\n"
    "  --reissue            a new certificate for a registered office (its old\n"
    "                       certificate is refused from then on)\n"
    "\n" HUB_EXIT_CODES_HELP;

bool hub_valid_group(const char *g)
{
	size_t n = strlen(g);
	if (n == 0 || n > 100)
		return false;
	for (const char *p = g; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_.:=-", *p)))
			return false;
	return true;
}

/* mkdir -p: every missing parent of path (not path itself), 0700. */
int hub_mkdir_parents(const char *path)
{
	char dir[4200];
	kv_strlcpy(dir, path, sizeof dir);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			hub_log(KV_LOG_ERROR, "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int cmd_register(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_LONGOPTS,
					     {"group", required_argument, NULL, 'g'},
					     {"team-start", required_argument, NULL, 't'},
					     {"out", required_argument, NULL, 'o'},
					     {"reissue", no_argument, NULL, 'r'},
					     {0}};
	const char *config = NULL, *team = NULL, *out = NULL, *groups[64];
	size_t n_groups = 0;
	bool reissue = false;
	int c, month;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(register_help, stdout);
			return HUB_EXIT_OK;
		case 'c':
			config = optarg;
			break;
		case 'g':
			if (!hub_valid_group(optarg))
				return hub_usage_error("register", "--group: 1 to 100 letters, digits, "
							       "'_', '.', ':', '=' or '-'");
			if (n_groups == KV_ARRAY_SIZE(groups))
				return hub_usage_error("register", "too many --group");
			groups[n_groups++] = optarg;
			break;
		case 't':
			if (strlen(optarg) != 7 || !kv_parse_month(optarg, &month))
				return hub_usage_error("register", "--team-start: expected YYYY-MM");
			team = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			reissue = true;
			break;
		default:
			return hub_usage_error("register", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return hub_usage_error("register", "register takes one operand, the participant id");
	const char *id = argv[optind];
	if (!kv_extract_valid_participant(id, strlen(id)))
		return hub_usage_error("register", "\"%s\" is not a participant id (1 to %d letters, "
					       "digits, '-' or '_')",
				   id, KV_EXTRACT_ID_MAX);
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024], outdir[4200], serial[80];
	time_t not_after;
	PGconn *db = NULL;
	if (cfg.ca_key[0] == '\0') {
		hub_log(KV_LOG_ERROR, "%s: [tls] ca_key is needed to issue certificates", cfg.path);
		rc = HUB_EXIT_CONFIG;
		goto out;
	}
	if ((db = hub_open_db(&cfg)) == NULL)
		goto out;
	int exists = hub_db_participant_exists(db, id, err, sizeof err);
	if (exists < 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	if (exists && !reissue) {
		hub_log(KV_LOG_ERROR, "participant %s is registered already (--reissue for a new "
				      "certificate)",
			id);
		goto out;
	}
	if (!exists && reissue) {
		hub_log(KV_LOG_ERROR, "participant %s is not registered", id);
		goto out;
	}
	if (out != NULL)
		kv_snprintf(outdir, sizeof outdir, "%s", out);
	else
		kv_snprintf(outdir, sizeof outdir, "%s/issued/%s", cfg.data_dir, id);
	if (hub_mkdir_parents(outdir) != 0)
		goto out;
	if (hub_ca_issue_client(cfg.ca_cert, cfg.ca_key, id, cfg.client_cert_days, outdir, serial,
				sizeof serial, &not_after, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	if (hub_db_register(db, id, team, serial, not_after, reissue, err, sizeof err) != 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	for (size_t i = 0; i < n_groups; i++)
		if (hub_db_group(db, id, groups[i], true, err, sizeof err) < 0) {
			hub_log(KV_LOG_ERROR, "%s", err);
			goto out;
		}
	printf("register: %s %s; certificate serial %s\n", id, reissue ? "reissued" : "registered",
	       serial);
	printf("  for its [push]: client_cert = %s/%s.pem, client_key = %s/%s.key, ca_file = "
	       "%s/ca.pem\n",
	       outdir, id, outdir, id, outdir);
	rc = HUB_EXIT_OK;
out:
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}

static const char revoke_help[] =
    "Usage: kvalind-hub revoke ID [--config FILE]\n"
    "\n"
    "Refuse everything from the office ID from now on (checked per request, so\n"
    "without a restart). What it sent before stays stored.\n"
    "\n" HUB_EXIT_CODES_HELP;

static const char group_help[] =
    "Usage: kvalind-hub group ID --add G | --remove G [--config FILE]\n"
    "\n"
    "Assign the office ID to group G, or remove it (groups such as financing\n"
    "model or region, e.g. financing:rfv, region:vest).\n"
    "\n" HUB_EXIT_CODES_HELP;

static int cmd_revoke_group(int argc, char **argv, bool is_group)
{
	static const struct option opts[] = {COMMON_LONGOPTS,
					     {"add", required_argument, NULL, 'a'},
					     {"remove", required_argument, NULL, 'r'},
					     {0}};
	const char *cmd = is_group ? "group" : "revoke";
	const char *config = NULL, *group = NULL;
	bool add = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(is_group ? group_help : revoke_help, stdout);
			return HUB_EXIT_OK;
		} else if (c == 'c') {
			config = optarg;
		} else if (is_group && (c == 'a' || c == 'r') && group == NULL) {
			if (!hub_valid_group(optarg))
				return hub_usage_error(cmd, "a group is 1 to 100 letters, digits, '_', "
							"'.', ':', '=' or '-'");
			group = optarg;
			add = c == 'a';
		} else {
			return hub_usage_error(cmd, "unknown or repeated option");
		}
	}
	if (optind + 1 != argc)
		return hub_usage_error(cmd, "%s takes one operand, the participant id", cmd);
	if (is_group && group == NULL)
		return hub_usage_error(cmd, "group needs --add G or --remove G");
	const char *id = argv[optind];
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char err[1024];
	PGconn *db = hub_open_db(&cfg);
	if (db == NULL)
		goto out;
	int exists = hub_db_participant_exists(db, id, err, sizeof err);
	if (exists <= 0) {
		hub_log(KV_LOG_ERROR, "%s", exists < 0 ? err : "no such participant");
		goto out;
	}
	int n = is_group ? hub_db_group(db, id, group, add, err, sizeof err)
			 : hub_db_set_revoked(db, id, err, sizeof err);
	if (n < 0) {
		hub_log(KV_LOG_ERROR, "%s", err);
		goto out;
	}
	if (is_group)
		printf("group: %s %s %s%s\n", id, add ? "added to" : "removed from", group,
		       n == 0 ? " (no change)" : "");
	else
		printf("revoke: %s %s\n", id, n == 0 ? "was revoked already" : "revoked");
	rc = HUB_EXIT_OK;
out:
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}

/* ---- list, missing ------------------------------------------------------------ */

static const char list_help[] =
    "Usage: kvalind-hub list [--participant ID] [--config FILE]\n"
    "\n"
    "What arrived, one line per extract: participant, month, extract id, when\n"
    "it was received (UTC) and the extract that superseded it (\"-\": current).\n"
    "\n" HUB_EXIT_CODES_HELP;

static const char missing_help[] =
    "Usage: kvalind-hub missing [ID] [--from YYYY-MM] [--to YYYY-MM] [--config FILE]\n"
    "\n"
    "Months without an extract, per office (or only ID): from the office's first\n"
    "month received (or --from) to the latest month any office delivered (or\n"
    "--to). Exit status 0 also when months are missing.\n"
    "\n" HUB_EXIT_CODES_HELP;

static void print_months(const char *id, char **months, size_t n)
{
	printf("%s: %zu missing", id, n);
	/* ranges of consecutive months */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int a, b;
		while (j + 1 < n && kv_parse_month(months[j], &a) && kv_parse_month(months[j + 1], &b) &&
		       b == a + 1)
			j++;
		if (j == i)
			printf("%s %s", i ? "," : ":", months[i]);
		else
			printf("%s %s..%s", i ? "," : ":", months[i], months[j]);
		i = j + 1;
	}
	putchar('\n');
}

static int cmd_list_missing(int argc, char **argv, bool missing)
{
	static const struct option opts[] = {COMMON_LONGOPTS,
					     {"participant", required_argument, NULL, 'p'},
					     {"from", required_argument, NULL, 'f'},
					     {"to", required_argument, NULL, 't'},
					     {0}};
	const char *cmd = missing ? "missing" : "list";
	const char *config = NULL, *id = NULL, *from = NULL, *to = NULL;
	int c, m;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(missing ? missing_help : list_help, stdout);
			return HUB_EXIT_OK;
		} else if (c == 'c') {
			config = optarg;
		} else if (c == 'p' && !missing) {
			id = optarg;
		} else if ((c == 'f' || c == 't') && missing) {
			if (strlen(optarg) != 7 || !kv_parse_month(optarg, &m))
				return hub_usage_error(cmd, "--%s: expected YYYY-MM", c == 'f' ? "from" : "to");
			*(c == 'f' ? &from : &to) = optarg;
		} else {
			return hub_usage_error(cmd, "unknown option");
		}
	}
	if (missing && optind < argc)
		id = argv[optind++];
	if (optind != argc)
		return hub_usage_error(cmd, "too many operands");
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	PGconn *db = hub_open_db(&cfg);
	PGresult *r = NULL;
	if (db == NULL)
		goto out;
	char f[16], t[16];
	if (from)
		snprintf(f, sizeof f, "%s-01", from);
	if (to)
		snprintf(t, sizeof t, "%s-01", to);
	const char *p[] = {id, from ? f : NULL, to ? t : NULL};
	if (!missing)
		r = PQexecParams(db,
				 "SELECT participant, to_char(month, 'YYYY-MM'), extract_id,"
				 " to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),"
				 " coalesce(superseded_by, '-')"
				 " FROM extracts WHERE $1::text IS NULL OR participant = $1"
				 " ORDER BY participant, month, received_at",
				 1, NULL, p, NULL, NULL, 0);
	else
		r = PQexecParams(
		    db,
		    "WITH b AS (SELECT p.id, coalesce($2::date, min(e.month)) AS first,"
		    "  coalesce($3::date, (SELECT max(month) FROM extracts"
		    "   WHERE superseded_by IS NULL)) AS last"
		    "  FROM participants p LEFT JOIN extracts e ON e.participant = p.id"
		    "   AND e.superseded_by IS NULL"
		    "  WHERE $1::text IS NULL OR p.id = $1 GROUP BY p.id)"
		    " SELECT b.id, to_char(m, 'YYYY-MM'), b.first IS NULL,"
		    "  to_char(b.first, 'YYYY-MM'), to_char(b.last, 'YYYY-MM')"
		    " FROM b LEFT JOIN LATERAL (SELECT m::date AS m FROM"
		    "  generate_series(b.first, b.last, interval '1 month') m"
		    "  WHERE NOT EXISTS (SELECT 1 FROM extracts e WHERE e.participant = b.id"
		    "   AND e.month = m::date AND e.superseded_by IS NULL)) g ON true"
		    " ORDER BY b.id, g.m",
		    3, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		hub_log(KV_LOG_ERROR, "database: %s", PQresultErrorMessage(r));
		goto out;
	}
	int n = PQntuples(r);
	if (!missing) {
		printf("%-20s %-7s  %-45s %-19s  %s\n", "participant", "month", "extract",
		       "received (UTC)", "superseded by");
		for (int i = 0; i < n; i++)
			printf("%-20s %-7s  %-45s %-19s  %s\n", PQgetvalue(r, i, 0),
			       PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
			       PQgetvalue(r, i, 4));
		printf("list: %d extract%s\n", n, n == 1 ? "" : "s");
	} else {
		if (n == 0 && id != NULL) {
			hub_log(KV_LOG_ERROR, "no such participant: %s", id);
			goto out;
		}
		for (int i = 0; i < n;) {
			int j = i;
			char *months[2000];
			size_t k = 0;
			while (j < n && strcmp(PQgetvalue(r, j, 0), PQgetvalue(r, i, 0)) == 0) {
				if (!PQgetisnull(r, j, 1) && k < KV_ARRAY_SIZE(months))
					months[k++] = PQgetvalue(r, j, 1);
				j++;
			}
			if (strcmp(PQgetvalue(r, i, 2), "t") == 0)
				printf("%s: nothing received\n", PQgetvalue(r, i, 0));
			else if (k == 0)
				printf("%s: none missing (%s..%s)\n", PQgetvalue(r, i, 0),
				       PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
			else
				print_months(PQgetvalue(r, i, 0), months, k);
			i = j;
		}
	}
	rc = HUB_EXIT_OK;
out:
	PQclear(r);
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}

/* ---- check-config ----------------------------------------------------------- */

static const char check_config_help[] =
    "Usage: kvalind-hub check-config [--config FILE]\n"
    "\n"
    "Check the configuration: every unknown section or key, missing required\n"
    "key and bad value, as FILE:LINE: message. Keys:\n";

static int cmd_check_config(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_LONGOPTS, {0}};
	const char *config = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(check_config_help, stdout);
			for (size_t i = 0; i < hub_n_sections; i++) {
				const struct hub_section *s = &hub_sections[i];
				printf("\n  [%s] %s\n", s->name, s->description);
				for (size_t j = 0; j < s->n_keys; j++)
					printf("    %-18s %s%s%s%s\n", s->keys[j].key,
					       s->keys[j].description,
					       s->keys[j].default_value ? " (default " : "",
					       s->keys[j].default_value ? s->keys[j].default_value : "",
					       s->keys[j].default_value ? ")" : "");
			}
			printf("\n%s", HUB_EXIT_CODES_HELP);
			return HUB_EXIT_OK;
		}
		if (c == 'c')
			config = optarg;
		else
			return hub_usage_error("check-config", "unknown option");
	}
	if (optind != argc)
		return hub_usage_error("check-config", "check-config takes no operand");
	struct hub_config cfg;
	int rc = hub_load_config(config, &cfg);
	if (rc != 0)
		return rc;
	printf("%s: ok\n", cfg.path);
	hub_config_free(&cfg);
	return HUB_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return hub_usage_error("", "a command is needed");
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(main_help, stdout);
		return HUB_EXIT_OK;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("kvalind-hub %s (extract format %s %d)\n", KV_VERSION, KV_EXTRACT_FORMAT_NAME,
		       KV_EXTRACT_FORMAT_VERSION);
		return HUB_EXIT_OK;
	}
	/* GSL's default handler aborts; the analysis library checks its inputs and
	 * GSL's return values instead. */
	gsl_set_error_handler_off();
	if (gnutls_global_init() < 0) {
		fprintf(stderr, "%s: error: cannot initialise GnuTLS\n", HUB_PROG);
		return HUB_EXIT_FAILURE;
	}
	int sub_argc = argc - 1;
	char **sub_argv = argv + 1;
	int rc;
	if (strcmp(cmd, "serve") == 0)
		rc = cmd_serve(sub_argc, sub_argv);
	else if (strcmp(cmd, "init-ca") == 0)
		rc = cmd_init_ca(sub_argc, sub_argv);
	else if (strcmp(cmd, "register") == 0)
		rc = cmd_register(sub_argc, sub_argv);
	else if (strcmp(cmd, "revoke") == 0)
		rc = cmd_revoke_group(sub_argc, sub_argv, false);
	else if (strcmp(cmd, "group") == 0)
		rc = cmd_revoke_group(sub_argc, sub_argv, true);
	else if (strcmp(cmd, "list") == 0)
		rc = cmd_list_missing(sub_argc, sub_argv, false);
	else if (strcmp(cmd, "missing") == 0)
		rc = cmd_list_missing(sub_argc, sub_argv, true);
	else if (strcmp(cmd, "panel") == 0)
		rc = hub_cmd_panel(sub_argc, sub_argv);
	else if (strcmp(cmd, "did") == 0)
		rc = hub_cmd_did(sub_argc, sub_argv);
	else if (strcmp(cmd, "report") == 0)
		rc = hub_cmd_report(sub_argc, sub_argv);
	else if (strcmp(cmd, "register-lead") == 0)
		rc = hub_cmd_register_lead(sub_argc, sub_argv);
	else if (strcmp(cmd, "revoke-lead") == 0)
		rc = hub_cmd_revoke_lead(sub_argc, sub_argv);
	else if (strcmp(cmd, "check-config") == 0)
		rc = cmd_check_config(sub_argc, sub_argv);
	else
		rc = hub_usage_error("", "unknown command \"%s\"", cmd);
	gnutls_global_deinit();
	return rc;
}
