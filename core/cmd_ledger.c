/*
 * cmd_ledger.c - `kvalind ledger` (list what left the office) and
 * `kvalind ledger verify` (check the ledger's hash chain and the hub's
 * receipts kept beside it)
 *
 * Reads only the configuration ([core] state_dir, [push] ca_file, [office]
 * id); no plugin is loaded. Errors go to stderr as "kvalind: error: ...";
 * the exit code says what happened (verify: 0 the chain intact and no
 * receipt invalid, 1 otherwise or unreadable; sent extracts without a
 * receipt are reported, and fail verify only with --require-receipts).
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
#include "receipt.h"
#include "setup.h"
#include "util.h"

static const char ledger_help[] =
	"Usage: kvalind ledger [--config FILE]\n"
	"       kvalind ledger verify [--require-receipts] [--config FILE]\n"
	"\n"
	"The ledger (STATE_DIR/ledger) records every payload that left the\n"
	"office: when, where to, which extract, its size and SHA-256. Each\n"
	"entry holds the hash of the one before, so an entry edited, removed,\n"
	"reordered or inserted afterwards breaks the chain. Beside it,\n"
	"STATE_DIR/receipts/ID.receipt keeps the receipt the hub signed for each\n"
	"extract sent over HTTPS (what it stored, when).\n"
	"\n"
	"  ledger          list the entries: seq, time (UTC), destination,\n"
	"                  extract id, bytes, the first 16 hex digits of the\n"
	"                  payload's SHA-256\n"
	"  ledger verify   check the chain, and the receipt of every extract\n"
	"                  sent over HTTPS: its signature, its certificate\n"
	"                  chaining to [push] ca_file at the time it names, and\n"
	"                  that it is for what the entry records. Each broken\n"
	"                  line, invalid receipt and sent extract without a\n"
	"                  receipt is named, then a summary. Exit status 1 when\n"
	"                  the chain is broken or a receipt is invalid; sent\n"
	"                  extracts without a receipt (sent before kvalind kept\n"
	"                  receipts, or to a receiver that gives none) are only\n"
	"                  reported\n"
	"\n"
	"  -r, --require-receipts  verify: a sent extract without a receipt\n"
	"                      makes the exit status 1 too\n"
	"  -c, --config FILE   the configuration (default: $KVALIND_CONFIG,\n"
	"                      else the built-in path)\n"
	"\n" KV_EXIT_CODES_HELP;

/* Parse [--config FILE] [--require-receipts] [--help] [verify] in any
 * order. Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, const char **config, bool *verify, bool *require)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'},
		{"require-receipts", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *operand = NULL;
	int opt;
	optind = 1;
	opterr = 0;
	/* '-': operands come back as option 1, wherever they stand. */
	while ((opt = getopt_long(argc, argv, "-:c:rh", options, NULL)) != -1) {
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
		case 'r':
			*require = true;
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
	if (*require && !*verify)
		return kv_cli_usage_error("ledger", "--require-receipts goes with \"verify\"");
	return -1;
}

/* What the commands read from the configuration. */
struct ledger_conf {
	char ledger[4200];   /* STATE_DIR/ledger */
	char receipts[4300]; /* STATE_DIR/receipts */
	char ca_file[4096];  /* [push] ca_file, resolved; "": the system's CAs */
	char office[128];    /* [office] id; "" when unset */
};

/* The configuration at path into c. Returns -1 to go on, else the exit
 * code (the errors are printed). */
static int read_conf(const char *path, struct ledger_conf *c)
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
	if (kv_snprintf(c->ledger, sizeof c->ledger, "%s/ledger", dir) != 0 ||
	    kv_receipt_dir(c->ledger, c->receipts, sizeof c->receipts) != 0) {
		fprintf(stderr, "kvalind: error: %s: the state directory's path is too long\n",
			path);
		goto done;
	}
	const char *ca = kv_core_settings(cfg)->push.ca_file;
	if (ca != NULL && *ca != '\0' &&
	    kv_config_resolve_path(cfg, ca, c->ca_file, sizeof c->ca_file) != 0) {
		fprintf(stderr, "kvalind: error: %s: [push] ca_file: path is too long\n", path);
		goto done;
	}
	const char *office = kv_core_settings(cfg)->office.id;
	if (office != NULL)
		kv_strlcpy(c->office, office, sizeof c->office);
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

static int verify(const struct ledger_conf *c, bool require)
{
	char err[1024];
	int r = kv_ledger_verify(c->ledger, stdout, err, sizeof err);
	if (r < 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		return KV_EXIT_FAILURE;
	}
	fflush(stdout);
	struct kv_receipt_tally n;
	if (kv_receipts_verify(c->ledger, c->receipts, c->ca_file[0] ? c->ca_file : NULL,
			       c->office[0] ? c->office : NULL, stdout, &n, err, sizeof err) != 0) {
		fflush(stdout);
		fprintf(stderr, "kvalind: error: receipts not checked: %s\n", err);
		return KV_EXIT_FAILURE;
	}
	printf("receipts: %zu sent extract%s, %zu with valid receipts, %zu without a receipt, "
	       "%zu invalid",
	       n.sent, n.sent == 1 ? "" : "s", n.valid, n.missing, n.invalid);
	if (n.directory > 0)
		printf(" (%zu to a drop directory, which gives none)", n.directory);
	printf("\n");
	if (n.missing > 0 && !require)
		printf("receipts: sent extracts without a receipt are reported, not failed "
		       "(--require-receipts fails them)\n");
	bool failed = r != 0 || n.invalid > 0 || (require && n.missing > 0);
	return failed ? KV_EXIT_FAILURE : KV_EXIT_OK;
}

int kv_cmd_ledger(int argc, char **argv)
{
	const char *config = NULL;
	bool want_verify = false, require = false;
	int rc = parse_args(argc, argv, &config, &want_verify, &require);
	if (rc >= 0)
		return rc;
	struct ledger_conf *c = kv_xcalloc(1, sizeof *c);
	rc = read_conf(kv_cli_config_path(config), c);
	if (rc < 0)
		rc = want_verify ? verify(c, require) : list(c->ledger);
	free(c);
	return rc;
}
