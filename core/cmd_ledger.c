/*
 * cmd_ledger.c - `kvalind ledger` (list what left the office) and
 * `kvalind ledger verify` (check the ledger's hash chain)
 *
 * Reads only the configuration (for [core] state_dir); no plugin is loaded.
 * Errors go to stderr as "kvalind: error: ..."; the exit code says what
 * happened (verify: 0 intact, 1 broken or unreadable).
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "ledger.h"
#include "log.h"
#include "setup.h"
#include "util.h"

static const char ledger_help[] =
	"Usage: kvalind ledger [--config FILE]\n"
	"       kvalind ledger verify [--config FILE]\n"
	"\n"
	"The ledger (STATE_DIR/ledger) records every payload that left the\n"
	"office: when, where to, which extract, its size and SHA-256. Each\n"
	"entry holds the hash of the one before, so an entry edited, removed,\n"
	"reordered or inserted afterwards breaks the chain.\n"
	"\n"
	"  ledger          list the entries: seq, time (UTC), destination,\n"
	"                  extract id, bytes, the first 16 hex digits of the\n"
	"                  payload's SHA-256\n"
	"  ledger verify   check the chain; every broken line is named and the\n"
	"                  exit status is 1\n"
	"\n"
	"  -c, --config FILE   the configuration (default: $KVALIND_CONFIG,\n"
	"                      else the built-in path)\n"
	"\n" KV_EXIT_CODES_HELP;

/* Parse [--config FILE] [--help] [verify] in any order. Returns -1 to go on,
 * else the exit code. */
static int parse_args(int argc, char **argv, const char **config, bool *verify)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *operand = NULL;
	int opt;
	optind = 1;
	opterr = 0;
	/* '-': operands come back as option 1, wherever they stand. */
	while ((opt = getopt_long(argc, argv, "-:c:h", options, NULL)) != -1) {
		switch (opt) {
		case 1:
			if (operand != NULL)
				return kv_cli_usage_error("ledger", "unexpected argument \"%s\"",
							  optarg);
			operand = optarg;
			break;
		case 'c':
			*config = optarg;
			break;
		default:
			return kv_cli_other_option("ledger", ledger_help, opt, argv);
		}
	}
	/* After "--", getopt stops; what is left are operands too. */
	for (; optind < argc; optind++) {
		if (operand != NULL)
			return kv_cli_usage_error("ledger", "unexpected argument \"%s\"",
						  argv[optind]);
		operand = argv[optind];
	}
	if (operand != NULL && strcmp(operand, "verify") != 0)
		return kv_cli_usage_error("ledger",
					  "unknown argument \"%s\"; expected nothing or \"verify\"",
					  operand);
	*verify = operand != NULL;
	return -1;
}

/* STATE_DIR/ledger of the configuration at path. Returns -1 to go on, else
 * the exit code (the errors are printed). */
static int ledger_path(const char *path, char *buf, size_t size)
{
	int rc = KV_EXIT_CONFIG;
	struct kv_diags d = {0};
	struct kv_config *cfg = kv_config_load(path, &d);
	if (cfg == NULL || d.n > 0) {
		kv_diags_print(&d, stderr);
		fprintf(stderr, "kvalind: configuration \"%s\" has %zu error%s\n", path, d.n,
			d.n == 1 ? "" : "s");
		goto done;
	}
	kv_config_apply_log_level(cfg);
	char dir[4096];
	if (kv_cli_state_dir(cfg, dir, sizeof dir) != 0)
		goto done;
	if (kv_snprintf(buf, size, "%s/ledger", dir) != 0) {
		fprintf(stderr, "kvalind: error: %s: the state directory's path is too long\n",
			path);
		goto done;
	}
	rc = -1;
done:
	kv_config_free(cfg);
	kv_diags_free(&d);
	return rc;
}

struct table {
	struct kv_ledger_entry *rows;
	size_t n, cap;
};

static int collect(const struct kv_ledger_entry *e, void *arg)
{
	struct table *t = arg;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->rows = kv_xrealloc(t->rows, t->cap, sizeof *t->rows);
	}
	t->rows[t->n++] = *e;
	return 0;
}

static int width_of(size_t a, size_t b)
{
	size_t w = a > b ? a : b;
	return w > 200 ? 200 : (int)w;
}

static void print_table(const struct table *t)
{
	size_t wd = strlen("destination"), wx = strlen("extract id");
	for (size_t i = 0; i < t->n; i++) {
		wd = (size_t)width_of(wd, strlen(t->rows[i].destination));
		wx = (size_t)width_of(wx, strlen(t->rows[i].extract_id));
	}
	printf("%5s  %-20s  %-*s  %-*s  %12s  %s\n", "seq", "time (UTC)", (int)wd, "destination",
	       (int)wx, "extract id", "bytes", "sha256");
	for (size_t i = 0; i < t->n; i++) {
		const struct kv_ledger_entry *e = &t->rows[i];
		printf("%5" PRIu64 "  %-20s  %-*s  %-*s  %12" PRIu64 "  %.16s\n", e->seq, e->time,
		       (int)wd, e->destination, (int)wx, e->extract_id, e->bytes, e->sha256);
	}
}

static int list(const char *path)
{
	int rc = KV_EXIT_FAILURE;
	struct table t = {0};
	char err[1024];
	if (kv_ledger_each(path, collect, &t, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		fputs("kvalind: hint: 'kvalind ledger verify' names every broken line\n", stderr);
		goto done;
	}
	if (t.n == 0) {
		printf("the ledger is empty: nothing has left this office\n");
	} else {
		print_table(&t);
		printf("\n%zu entr%s in %s; 'kvalind ledger verify' checks the chain\n", t.n,
		       t.n == 1 ? "y" : "ies", path);
	}
	rc = KV_EXIT_OK;
done:
	free(t.rows);
	return rc;
}

static int verify(const char *path)
{
	char err[1024];
	int r = kv_ledger_verify(path, stdout, err, sizeof err);
	if (r < 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return KV_EXIT_FAILURE;
	}
	return r == 0 ? KV_EXIT_OK : KV_EXIT_FAILURE;
}

int kv_cmd_ledger(int argc, char **argv)
{
	const char *config = NULL;
	bool want_verify = false;
	int rc = parse_args(argc, argv, &config, &want_verify);
	if (rc >= 0)
		return rc;
	char path[4200];
	rc = ledger_path(kv_cli_config_path(config), path, sizeof path);
	if (rc >= 0)
		return rc;
	return want_verify ? verify(path) : list(path);
}
