/*
 * hub_cmd_common.c - what kvalind-hub's commands share: usage errors, the
 * --config/--help preamble, loading the configuration, opening the database
 */
#include "hub_cmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int hub_open_config_db(const char *path, struct hub_config *cfg, PGconn **db)
{
	int rc = hub_load_config(path, cfg);
	if (rc != 0)
		return rc;
	*db = hub_open_db(cfg);
	if (*db == NULL) {
		hub_config_free(cfg);
		return HUB_EXIT_FAILURE;
	}
	return 0;
}

int hub_open_participant(const char *path, const char *id, struct hub_config *cfg,
			 PGconn **db)
{
	int rc = hub_open_config_db(path, cfg, db);
	if (rc != 0)
		return rc;
	char err[1024];
	int exists = hub_db_participant_exists(*db, id, err, sizeof err);
	if (exists > 0)
		return 0;
	hub_log(KV_LOG_ERROR, "%s", exists < 0 ? err : "no such participant");
	PQfinish(*db);
	*db = NULL;
	hub_config_free(cfg);
	return HUB_EXIT_FAILURE;
}

int hub_open_issuer(const char *path, struct hub_config *cfg, PGconn **db)
{
	int rc = hub_load_config(path, cfg);
	if (rc != 0)
		return rc;
	if (cfg->ca_key[0] == '\0') {
		hub_log(KV_LOG_ERROR, "%s: [tls] ca_key is needed to issue certificates", cfg->path);
		hub_config_free(cfg);
		return HUB_EXIT_CONFIG;
	}
	*db = hub_open_db(cfg);
	if (*db == NULL) {
		hub_config_free(cfg);
		return HUB_EXIT_FAILURE;
	}
	return 0;
}

int hub_issue_dir(const struct hub_config *cfg, const char *out, const char *stem, char *dir,
		  size_t size)
{
	if (out != NULL)
		kv_snprintf(dir, size, "%s", out);
	else
		kv_snprintf(dir, size, "%s/issued/%s", cfg->data_dir, stem);
	return hub_mkdir_parents(dir);
}

int hub_cmd_options(int argc, char **argv, const char *help, void (*help_tail)(void),
		    const char **config, const char *operand)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS, {0}};
	const char *command = argv[0];
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			if (help_tail != NULL)
				help_tail();
			return HUB_EXIT_OK;
		}
		if (c == 'c')
			*config = optarg;
		else
			return hub_usage_error(command, "unknown option");
	}
	if (operand == NULL && optind != argc)
		return hub_usage_error(command, "%s takes no operand", command);
	if (operand != NULL && optind + 1 != argc)
		return hub_usage_error(command, "%s takes one operand, %s", command, operand);
	return -1;
}

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

int hub_registration_is(int exists, const char *err, bool reissue, const char *what,
			const char *name)
{
	if (exists < 0)
		hub_log(KV_LOG_ERROR, "%s", err);
	else if (exists && !reissue)
		hub_log(KV_LOG_ERROR,
			"%s %s is registered already (--reissue for a new certificate)", what,
			name);
	else if (!exists && reissue)
		hub_log(KV_LOG_ERROR, "%s %s is not registered", what, name);
	else
		return 0;
	return -1;
}
