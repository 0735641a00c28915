/*
 * cli.h - kvalind's subcommands
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and
 * returns an enum kv_exit code. Output for people goes to stdout, errors to
 * stderr as "kvalind: error: ...".
 */
#ifndef KVALIND_CLI_H
#define KVALIND_CLI_H

#include <stdbool.h>
#include <stdio.h>

int kv_cmd_version(int argc, char **argv);
int kv_cmd_check_config(int argc, char **argv);
int kv_cmd_list_keys(int argc, char **argv);
int kv_cmd_list_plugins(int argc, char **argv);
int kv_cmd_describe_plugin(int argc, char **argv);
int kv_cmd_list_indicators(int argc, char **argv);
int kv_cmd_compute(int argc, char **argv);
int kv_cmd_patients(int argc, char **argv);
int kv_cmd_report(int argc, char **argv);
int kv_cmd_inspect(int argc, char **argv);
int kv_cmd_list_relations(int argc, char **argv);
int kv_cmd_export(int argc, char **argv);
int kv_cmd_preview(int argc, char **argv);
int kv_cmd_outbox(int argc, char **argv);
int kv_cmd_approve(int argc, char **argv);
int kv_cmd_reject(int argc, char **argv);
int kv_cmd_retry(int argc, char **argv);
int kv_cmd_push(int argc, char **argv);
int kv_cmd_ledger(int argc, char **argv);
int kv_cmd_daemon(int argc, char **argv);
int kv_cmd_status(int argc, char **argv);

/* The configuration path: --config, else $KVALIND_CONFIG, else the built-in
 * default. */
const char *kv_cli_config_path(const char *from_option);

/*
 * Parse [--config FILE] [--help] (and [--markdown] when markdown is not NULL)
 * followed by no operand, or exactly one when `operand` names it ("a plugin
 * NAME"); it is left at argv[optind]. Returns -1 to go on, else the exit code
 * to return (after --help, or a usage error).
 */
int kv_cli_common_options(int argc, char **argv, const char *command, const char *help,
			  const char **config, bool *markdown, const char *operand);

/*
 * The cases a command's getopt_long loop (optstring starting with ':', so a
 * missing value comes back as ':') leaves to this, as its default: 'h'
 * prints help and returns KV_EXIT_OK; ':' is "option ... needs a value",
 * anything else "unknown option ..." (usage errors, KV_EXIT_USAGE).
 */
int kv_cli_other_option(const char *command, const char *help, int opt, char **argv);

/* [core] state_dir of cfg, resolved, into buf; prints the error and returns
 * -1 when it does not fit. */
struct kv_config;
int kv_cli_state_dir(const struct kv_config *cfg, char *buf, size_t size);

/* Parse and check --from/--to (YYYY-MM; from_opt/to_opt name the options
 * in messages) into month indexes: not reversed,
 * at most 100 years, and with ended_only no month that has not ended.
 * Returns -1 to go on, else the usage error's exit code (printed). */
int kv_cli_month_range(const char *command, const char *from_opt, const char *from,
		       const char *to_opt, const char *to, int *first, int *last, bool ended_only);

/* Commands that write the state directory, run as root with [core] user
 * set, switch to that user first, so that the daemon (which runs as that
 * user) can read and move what they write. 0, or -1 after printing why. */
int kv_cli_become_user(const struct kv_config *cfg);

/* `kvalind preview --month/--from/--to`: compute and show, write nothing.
 * Returns -2 when no month option was given (preview the outbox instead). */
int kv_preview_months(int argc, char **argv, const char *help);

/* Print "kvalind: error: usage: ..." hint and return KV_EXIT_USAGE. */
int kv_cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define KV_EXIT_CODES_HELP                                                     \
	"Exit status:\n"                                                       \
	"  0  success\n"                                                       \
	"  1  the run failed (database, files, an indicator)\n"                \
	"  2  bad command line\n"                                              \
	"  3  the configuration is invalid\n"                                  \
	"  4  a plugin was refused or not found\n"

#endif /* KVALIND_CLI_H */
