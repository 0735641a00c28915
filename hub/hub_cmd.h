/*
 * hub_cmd.h - kvalind-hub's commands, one file each (hub_cmd_NAME.c; the
 * evaluation commands in hub_cmd_analysis.c), and what they share
 * (hub_cmd_common.c); main.c dispatches
 *
 * Each command takes the arguments after "kvalind-hub" (argv[0] is the
 * command's name) and returns an enum hub_exit code. Output for people goes
 * to stdout, errors to stderr as "kvalind-hub: error: ...".
 */
#ifndef KVALIND_HUB_CMD_H
#define KVALIND_HUB_CMD_H

#include <getopt.h>

#include "hub.h"

int hub_cmd_serve(int argc, char **argv);
int hub_cmd_init_ca(int argc, char **argv);
int hub_cmd_register(int argc, char **argv);
int hub_cmd_revoke(int argc, char **argv);
int hub_cmd_group(int argc, char **argv);
int hub_cmd_list(int argc, char **argv);
int hub_cmd_missing(int argc, char **argv);
int hub_cmd_check_config(int argc, char **argv);
int hub_cmd_panel(int argc, char **argv);
int hub_cmd_did(int argc, char **argv);
int hub_cmd_report(int argc, char **argv);
int hub_cmd_register_lead(int argc, char **argv);
int hub_cmd_revoke_lead(int argc, char **argv);

/* --help and --config, the options every configured command has. */
#define HUB_COMMON_LONGOPTS                                                    \
	{"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}

/* Print "kvalind-hub: error: ..." and the hint to see the command's --help;
 * returns HUB_EXIT_USAGE. */
int hub_usage_error(const char *command, const char *fmt, ...) KV_PRINTF(2, 3);

/*
 * The options of a command that has only --config FILE and --help, and no
 * operand, or exactly one when `operand` names it ("the participant id"); it
 * is left at argv[optind]. --help prints help, then help_tail() when not
 * NULL. Returns -1 to go on, else the exit code to return.
 */
int hub_cmd_options(int argc, char **argv, const char *help, void (*help_tail)(void),
		    const char **config, const char *operand);

/* Load the configuration (and set the log level): 0, or an exit code. */
int hub_load_config(const char *path, struct hub_config *cfg);
/* Connect and bring the schema up to date; NULL after logging why. */
PGconn *hub_open_db(const struct hub_config *cfg);
/* Both: 0 with cfg loaded and *db open (the caller frees both), or an exit
 * code after saying why (nothing to free). */
int hub_open_config_db(const char *path, struct hub_config *cfg, PGconn **db);
/* hub_open_config_db, then the participant id must be registered: 0, or
 * HUB_EXIT_FAILURE after "no such participant" (nothing to free). */
int hub_open_participant(const char *path, const char *id, struct hub_config *cfg,
			 PGconn **db);

/* For the commands that issue certificates: hub_open_config_db, but first
 * [tls] ca_key must be set (else HUB_EXIT_CONFIG). 0, or an exit code after
 * saying why (nothing to free). */
int hub_open_issuer(const char *path, struct hub_config *cfg, PGconn **db);
/* Whether a registration is as the command needs: `exists` (1, 0, or -1
 * with err) of `what` NAME must be 0 for a first registration and 1 with
 * --reissue. 0, or -1 after logging why. */
int hub_registration_is(int exists, const char *err, bool reissue, const char *what,
			const char *name);
/* Where issued files go: out, else [hub] data_dir/issued/STEM, into dir;
 * its missing parents are made. 0, or -1 after logging why. */
int hub_issue_dir(const struct hub_config *cfg, const char *out, const char *stem, char *dir,
		  size_t size);

/* A group name: 1 to 100 letters, digits, '_', '.', ':', '=' or '-'. */
bool hub_valid_group(const char *g);
/* mkdir -p: every missing parent of path (not path itself), 0700. 0, or -1
 * after logging why. */
int hub_mkdir_parents(const char *path);

#endif /* KVALIND_HUB_CMD_H */
