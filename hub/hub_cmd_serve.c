/*
 * hub_cmd_serve.c - kvalind-hub serve: bind as root, drop to [hub] user, load
 * the catalogue, open the database and run the HTTPS receiver
 */
#include "hub_cmd.h"

#include <stdio.h>
#include <string.h>

#include "privdrop.h"


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

int hub_cmd_serve(int argc, char **argv)
{
	const char *config = NULL;
	int rc = hub_cmd_options(argc, argv, serve_help, NULL, &config, NULL);
	if (rc != -1)
		return rc;
	struct hub_config cfg;
	rc = hub_load_config(config, &cfg);
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
