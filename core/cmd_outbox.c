/*
 * cmd_outbox.c - the outbox commands: `kvalind outbox`, `preview`,
 * `approve`, `reject` and `push`
 *
 * They read only the configuration (no plugin is loaded, the record system
 * is not touched) and hold the outbox's lock while they work.
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "log.h"
#include "outbox.h"
#include "preview.h"
#include "push.h"
#include "push_run.h"
#include "setup.h"
#include "util.h"

static const char outbox_help[] =
    "Usage: kvalind outbox [--config FILE]\n"
    "\n"
    "List the extracts in the outbox ([core] state_dir/outbox) by state:\n"
    "pending (waiting for approval), ready (the next push sends them), sent,\n"
    "rejected (here, by a person) and refused (by the receiver), with failed\n"
    "attempts and the last error of extracts that could not be sent yet.\n"
    "\n" KV_EXIT_CODES_HELP;

static const char preview_help[] =
    "Usage: kvalind preview [--config FILE] [--raw] [ID...]\n"
    "       kvalind preview [--config FILE] [--raw] --month YYYY-MM\n"
    "\n"
    "Show exactly what would leave the office. Without an ID: every extract\n"
    "waiting in the outbox (pending and ready); with IDs: those, in any state.\n"
    "With --month (or --from/--to): compute and control the month now and show\n"
    "the extract an export would make, writing nothing.\n"
    "\n"
    "  -c, --config FILE   the configuration\n"
    "  -r, --raw           the exact bytes of manifest.json and data.csv\n"
    "  -m, --month YYYY-MM preview a month that is not exported yet\n"
    "\n" KV_EXIT_CODES_HELP;

static const char approve_help[] =
    "Usage: kvalind approve [--config FILE] ID...\n"
    "       kvalind approve [--config FILE] --all\n"
    "\n"
    "Let extracts waiting for approval ([push] approval = manual) leave: they\n"
    "move from pending to ready and the next 'kvalind push' sends them. Look at\n"
    "them first with 'kvalind preview'.\n"
    "\n" KV_EXIT_CODES_HELP;

static const char reject_help[] =
    "Usage: kvalind reject [--config FILE] [--reason TEXT] ID...\n"
    "\n"
    "Keep extracts from ever leaving: a pending or ready extract moves to\n"
    "rejected, where it stays for the record with the reason given.\n"
    "\n" KV_EXIT_CODES_HELP;

static const char push_help[] =
    "Usage: kvalind push [--config FILE] [--all]\n"
    "\n"
    "Send the ready extracts in the outbox, oldest month first, over [push]\n"
    "transport (https or directory). A delivered extract is recorded in the\n"
    "ledger and moves to sent. One that could not be sent stays ready and is\n"
    "tried again after a growing wait (1 minute doubling up to 6 hours); --all\n"
    "tries every ready extract now. One the receiver refuses moves to refused\n"
    "with its reason. Exit status 1 when any extract was not delivered.\n"
    "\n"
    "  -c, --config FILE   the configuration\n"
    "  -a, --all           also extracts whose next attempt is not due yet\n"
    "\n" KV_EXIT_CODES_HELP;

struct outbox_args {
	const char *config;
	bool raw, all;
	const char *reason;
	int first_operand; /* index of the first ID in argv */
};

static int parse(int argc, char **argv, const char *command, const char *help,
		 struct outbox_args *a)
{
	static const struct option options[] = {
		{"config", required_argument, NULL, 'c'}, {"raw", no_argument, NULL, 'r'},
		{"all", no_argument, NULL, 'a'},          {"reason", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	int opt;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:rah", options, NULL)) != -1) {
		bool ok = true;
		switch (opt) {
		case 'c':
			a->config = optarg;
			break;
		case 'r':
			ok = strcmp(command, "preview") == 0;
			a->raw = true;
			break;
		case 'a':
			ok = strcmp(command, "approve") == 0 || strcmp(command, "push") == 0;
			a->all = true;
			break;
		case 'R':
			ok = strcmp(command, "reject") == 0;
			a->reason = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return KV_EXIT_OK;
		case ':':
			return kv_cli_usage_error(command, "option \"%s\" needs a value",
						  argv[optind - 1]);
		default:
			ok = false;
		}
		if (!ok)
			return kv_cli_usage_error(command, "unknown option \"%s\"",
						  argv[optind - 1]);
	}
	a->first_operand = optind;
	return -1;
}

/* Load the configuration only; open (and lock) the outbox. */
static int open_outbox(const char *config, struct kv_config **cfg, struct kv_outbox *ob,
		       char *state_dir, size_t size)
{
	struct kv_diags d = {0};
	char err[1024];
	int rc = KV_EXIT_CONFIG;
	const char *path = kv_cli_config_path(config);
	*cfg = kv_config_load(path, &d);
	if (*cfg == NULL || d.n > 0) {
		kv_diags_print(&d, stderr);
		goto done;
	}
	kv_config_apply_log_level(*cfg);
	rc = KV_EXIT_FAILURE;
	if (kv_cli_become_user(*cfg) != 0 || kv_cli_state_dir(*cfg, state_dir, size) != 0)
		goto done;
	if (kv_outbox_open(ob, state_dir, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		goto done;
	}
	rc = -1;
done:
	kv_diags_free(&d);
	return rc;
}

static char *read_all(const char *dir, const char *name, size_t *len)
{
	char path[4400];
	if (kv_snprintf(path, sizeof path, "%s/%s", dir, name) != 0)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len + 4096 > cap) {
			cap = cap ? 2 * cap : 16384;
			buf = kv_xrealloc(buf, cap, 1);
		}
		size_t r = fread(buf + *len, 1, cap - *len, f);
		*len += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

static const char *state_text(enum kv_outbox_state s)
{
	switch (s) {
	case KV_OUTBOX_PENDING:
		return "pending: waits for 'kvalind approve'";
	case KV_OUTBOX_READY:
		return "ready: the next 'kvalind push' sends it";
	case KV_OUTBOX_SENT:
		return "sent";
	case KV_OUTBOX_REJECTED:
		return "rejected here: never sent";
	case KV_OUTBOX_REFUSED:
		return "refused by the receiver";
	default:
		return "?";
	}
}

static int preview_item(const struct kv_outbox_item *it, bool raw)
{
	size_t mlen = 0, clen = 0;
	char *manifest = read_all(it->path, "manifest.json", &mlen);
	char *csv = read_all(it->path, "data.csv", &clen);
	int rc = KV_EXIT_OK;
	if (manifest == NULL || csv == NULL) {
		fprintf(stderr, "kvalind: error: could not read the extract in \"%s\"\n", it->path);
		rc = KV_EXIT_FAILURE;
	} else {
		kv_preview_print(stdout, it->id, state_text(it->state), manifest, mlen, csv, clen,
				 raw);
	}
	free(manifest);
	free(csv);
	return rc;
}

int kv_cmd_preview(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--month", 7) == 0 || strncmp(argv[i], "--from", 6) == 0 ||
		    strncmp(argv[i], "--to", 4) == 0 || strcmp(argv[i], "-m") == 0)
			return kv_preview_months(argc, argv, preview_help);

	struct outbox_args a = {0};
	struct kv_config *cfg = NULL;
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	char state_dir[4096], err[1024];
	int rc = parse(argc, argv, "preview", preview_help, &a);
	if (rc >= 0)
		return rc;
	rc = open_outbox(a.config, &cfg, &ob, state_dir, sizeof state_dir);
	if (rc >= 0)
		goto done;
	rc = KV_EXIT_OK;
	if (a.first_operand < argc) {
		for (int i = a.first_operand; i < argc; i++) {
			struct kv_outbox_item it;
			int found = kv_outbox_find(&ob, argv[i], &it, err, sizeof err);
			if (found != 1) {
				fprintf(stderr, "kvalind: error: %s\n",
					found < 0 ? err : "no such extract in the outbox");
				rc = KV_EXIT_FAILURE;
				continue;
			}
			if (preview_item(&it, a.raw) != KV_EXIT_OK)
				rc = KV_EXIT_FAILURE;
		}
		goto done;
	}
	if (kv_outbox_list(&ob, -1, &items, &n, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (items[i].state != KV_OUTBOX_PENDING && items[i].state != KV_OUTBOX_READY)
			continue;
		if (preview_item(&items[i], a.raw) != KV_EXIT_OK)
			rc = KV_EXIT_FAILURE;
		shown++;
	}
	if (shown == 0)
		printf("preview: nothing is waiting to leave (the outbox has no pending or ready "
		       "extract)\n");
done:
	free(items);
	kv_outbox_close(&ob);
	kv_config_free(cfg);
	return rc;
}

int kv_cmd_outbox(int argc, char **argv)
{
	struct outbox_args a = {0};
	struct kv_config *cfg = NULL;
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	char state_dir[4096], err[1024];
	int rc = parse(argc, argv, "outbox", outbox_help, &a);
	if (rc >= 0)
		return rc;
	if (a.first_operand < argc) {
		rc = kv_cli_usage_error("outbox", "unexpected argument \"%s\"",
					argv[a.first_operand]);
		goto done;
	}
	rc = open_outbox(a.config, &cfg, &ob, state_dir, sizeof state_dir);
	if (rc >= 0)
		goto done;
	if (kv_outbox_list(&ob, -1, &items, &n, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	size_t count[KV_OUTBOX_N_STATES] = {0};
	for (size_t i = 0; i < n; i++)
		count[items[i].state]++;
	printf("outbox %s: %zu pending, %zu ready, %zu sent, %zu rejected, %zu refused\n", ob.dir,
	       count[KV_OUTBOX_PENDING], count[KV_OUTBOX_READY], count[KV_OUTBOX_SENT],
	       count[KV_OUTBOX_REJECTED], count[KV_OUTBOX_REFUSED]);
	for (size_t i = 0; i < n; i++) {
		const struct kv_outbox_item *it = &items[i];
		printf("%-9s %s  %s", kv_outbox_state_name(it->state), it->month, it->id);
		if (it->attempts > 0) {
			char when[32];
			struct tm tm;
			localtime_r(&it->next_attempt, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
			printf("  (%u failed attempt%s, next after %s: %s)", it->attempts,
			       it->attempts == 1 ? "" : "s", when, it->last_error);
		} else if (it->last_error[0] != '\0') {
			printf("  (%s)", it->last_error);
		}
		printf("\n");
	}
	rc = KV_EXIT_OK;
done:
	free(items);
	kv_outbox_close(&ob);
	kv_config_free(cfg);
	return rc;
}

/* approve and reject: move named extracts between states. */
static int move_named(int argc, char **argv, const char *command, const char *help)
{
	struct outbox_args a = {0};
	struct kv_config *cfg = NULL;
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	char state_dir[4096], err[1024];
	bool approve = strcmp(command, "approve") == 0;
	int rc = parse(argc, argv, command, help, &a);
	if (rc >= 0)
		return rc;
	if (a.first_operand >= argc && !a.all)
		return kv_cli_usage_error(command, "expected one or more extract IDs%s",
					  approve ? " (or --all)" : "");
	if (a.first_operand < argc && a.all)
		return kv_cli_usage_error(command, "give IDs or --all, not both");
	rc = open_outbox(a.config, &cfg, &ob, state_dir, sizeof state_dir);
	if (rc >= 0)
		goto done;
	rc = KV_EXIT_OK;
	if (a.all) {
		if (kv_outbox_list(&ob, KV_OUTBOX_PENDING, &items, &n, err, sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			rc = KV_EXIT_FAILURE;
			goto done;
		}
		if (n == 0)
			printf("approve: no extract is waiting for approval\n");
	}
	size_t total = a.all ? n : (size_t)(argc - a.first_operand);
	for (size_t i = 0; i < total; i++) {
		struct kv_outbox_item it;
		if (a.all) {
			it = items[i];
		} else {
			const char *id = argv[a.first_operand + (int)i];
			int found = kv_outbox_find(&ob, id, &it, err, sizeof err);
			if (found != 1) {
				fprintf(stderr, "kvalind: error: %s%s\n",
					found < 0 ? err : "no extract in the outbox is called ",
					found < 0 ? "" : id);
				rc = KV_EXIT_FAILURE;
				continue;
			}
		}
		bool allowed = approve ? it.state == KV_OUTBOX_PENDING :
					 it.state == KV_OUTBOX_PENDING || it.state == KV_OUTBOX_READY;
		if (!allowed) {
			fprintf(stderr, "kvalind: error: %s is %s; only %s extracts can be %s\n",
				it.id, kv_outbox_state_name(it.state),
				approve ? "pending" : "pending or ready",
				approve ? "approved" : "rejected");
			rc = KV_EXIT_FAILURE;
			continue;
		}
		enum kv_outbox_state to = approve ? KV_OUTBOX_READY : KV_OUTBOX_REJECTED;
		const char *reason = approve ? NULL : a.reason ? a.reason : "rejected by a person";
		if (kv_outbox_move(&ob, &it, to, reason, err, sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			rc = KV_EXIT_FAILURE;
			continue;
		}
		printf("%s: %s\n", it.id,
		       approve ? "approved; the next 'kvalind push' sends it" :
				 "rejected; it will never be sent");
	}
done:
	free(items);
	kv_outbox_close(&ob);
	kv_config_free(cfg);
	return rc;
}

int kv_cmd_approve(int argc, char **argv)
{
	return move_named(argc, argv, "approve", approve_help);
}

int kv_cmd_reject(int argc, char **argv)
{
	return move_named(argc, argv, "reject", reject_help);
}

int kv_cmd_push(int argc, char **argv)
{
	struct outbox_args a = {0};
	struct kv_config *cfg = NULL;
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_push_target *t = NULL;
	struct kv_diags d = {0};
	char state_dir[4096], ledger[4200], err[1024];
	int rc = parse(argc, argv, "push", push_help, &a);
	if (rc >= 0)
		return rc;
	if (a.first_operand < argc)
		return kv_cli_usage_error("push", "unexpected argument \"%s\"",
					  argv[a.first_operand]);
	rc = open_outbox(a.config, &cfg, &ob, state_dir, sizeof state_dir);
	if (rc >= 0)
		goto done;
	rc = KV_EXIT_CONFIG;
	t = kv_push_open(cfg, &d);
	if (t == NULL) {
		kv_diags_print(&d, stderr);
		goto done;
	}
	rc = KV_EXIT_FAILURE;
	(void)kv_snprintf(ledger, sizeof ledger, "%s/ledger", state_dir);
	struct kv_push_summary sum;
	if (kv_push_outbox(&ob, t, ledger, a.all, time(NULL), stdout, &sum, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		goto done;
	}
	printf("push: %zu delivered, %zu not delivered, %zu waiting for their next attempt\n",
	       sum.delivered, sum.not_delivered, sum.waiting);
	rc = sum.not_delivered ? KV_EXIT_FAILURE : KV_EXIT_OK;
done:
	kv_diags_free(&d);
	kv_push_close(t);
	kv_outbox_close(&ob);
	kv_config_free(cfg);
	return rc;
}
