/*
 * main.c - the kvalind command: dispatch to subcommands
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "setup.h"

#ifndef KV_VERSION
#define KV_VERSION "0.1.0"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"version", kv_cmd_version, "print kvalind's version and plugin ABI"},
	{"check-config", kv_cmd_check_config, "validate the configuration and its plugins"},
	{"list-plugins", kv_cmd_list_plugins, "list the plugins in the plugin directories"},
	{"describe-plugin", kv_cmd_describe_plugin, "show a plugin's indicators and configuration keys"},
	{"list-indicators", kv_cmd_list_indicators, "list every indicator: ID, titles, definition"},
	{"list-keys", kv_cmd_list_keys, "list every configuration key (core and plugins)"},
	{"inspect", kv_cmd_inspect, "count what the connector reads from the record system"},
	{"compute", kv_cmd_compute, "compute indicators for a range of months"},
	{"patients", kv_cmd_patients, "list the patients behind an indicator, for follow-up"},
	{"report", kv_cmd_report, "write the office's own report pages: charts, counts, follow-up"},
	{"list-relations", kv_cmd_list_relations, "list the relations disclosure control protects"},
	{"export", kv_cmd_export, "compute, control and put monthly extracts into the outbox"},
	{"preview", kv_cmd_preview, "show exactly what would leave the office"},
	{"outbox", kv_cmd_outbox, "list the extracts in the outbox and their state"},
	{"approve", kv_cmd_approve, "let a waiting extract leave (approval = manual)"},
	{"reject", kv_cmd_reject, "keep a waiting extract from ever leaving"},
	{"retry", kv_cmd_retry, "send refused or waiting extracts again once the cause is fixed"},
	{"push", kv_cmd_push, "send the approved extracts in the outbox"},
	{"ledger", kv_cmd_ledger, "list what left the office; 'ledger verify' checks it and its receipts"},
	{"daemon", kv_cmd_daemon, "run unattended: compute, export and push every month"},
	{"status", kv_cmd_status, "show the daemon's last and next run, the outbox, the last push"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kvalind COMMAND [OPTIONS]\n"
		"\n"
		"kvalind reads a GP office's record system, computes monthly anonymous\n"
		"office-level quality indicators and sends only aggregates onward.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-16s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Run 'kvalind COMMAND --help' for a command's options. The configuration\n"
		"is --config FILE, else $KVALIND_CONFIG, else %s.\n"
		"\n" KV_EXIT_CODES_HELP,
		KV_DEFAULT_CONFIG);
}

const char *kv_cli_config_path(const char *from_option)
{
	if (from_option != NULL)
		return from_option;
	const char *env = getenv("KVALIND_CONFIG");
	return env != NULL && *env ? env : KV_DEFAULT_CONFIG;
}

int kv_cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fputs("kvalind: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kvalind %s --help'.\n", command ? command : "");
	return KV_EXIT_USAGE;
}

int kv_cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: kvalind version\n\nPrint kvalind's version and the plugin ABI "
		       "version it loads.\n\n" KV_EXIT_CODES_HELP);
		return KV_EXIT_OK;
	}
	if (argc > 1)
		return kv_cli_usage_error("version", "unexpected argument \"%s\"", argv[1]);
	printf("kvalind %s (plugin ABI %d.%d)\n", KV_VERSION, KV_ABI_MAJOR, KV_ABI_MINOR);
	return KV_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return KV_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		usage(stdout);
		return KV_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0)
		return kv_cmd_version(1, argv + 1);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kvalind: error: unknown command \"%s\"\nTry 'kvalind --help'.\n", name);
	return KV_EXIT_USAGE;
}
