/*
 * cmd_outbox.c - the outbox commands: `kvalind outbox`, `preview`,
 * `approve`, `reject`, `retry` and `push`
 *
 * They read only the configuration (no plugin is loaded, the record system
 * is not touched) and hold the outbox's lock while they work.
 */
#define _GNU_SOURCE /* getopt_long */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    "rejected (here, by a person) and refused (by the receiver, as invalid),\n"
    "with what keeps a ready extract waiting (the receiver's reply and what to\n"
    "check), its failed attempts and when it is tried next; then anything in\n"
    "quarantine (found in the outbox but not what kvalind exported; never sent).\n"
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
    "them first with 'kvalind preview'. One whose files are not what kvalind\n"
    "exported is moved to quarantine instead, and never sent.\n"
    "\n" KV_EXIT_CODES_HELP;

static const char reject_help[] =
    "Usage: kvalind reject [--config FILE] [--reason TEXT] ID...\n"
    "\n"
    "Keep extracts from ever leaving: a pending or ready extract moves to\n"
    "rejected, where it stays for the record with the reason given.\n"
    "\n" KV_EXIT_CODES_HELP;

static const char retry_help[] =
    "Usage: kvalind retry [--config FILE] ID...\n"
    "       kvalind retry [--config FILE] --all\n"
    "\n"
    "Send extracts again once the cause is fixed: a refused extract moves back\n"
    "to ready, and a ready one that waits after failed attempts forgets them;\n"
    "the next push (or the daemon within a minute) tries them at once. --all:\n"
    "every refused extract and every ready one that waits.\n"
    "\n"
    "  -c, --config FILE   the configuration\n"
    "  -a, --all           every refused and waiting extract\n"
    "\n" KV_EXIT_CODES_HELP;

static const char push_help[] =
    "Usage: kvalind push [--config FILE] [--all]\n"
    "\n"
    "Send the ready extracts in the outbox, oldest month first, over [push]\n"
    "transport (https or directory). Only extracts whose files are what kvalind\n"
    "exported are sent (others move to quarantine), and only when the ledger\n"
    "can be written. A delivered extract (HTTP 2xx) is recorded in the ledger\n"
    "and moves to sent. One the receiver refuses as invalid (HTTP 422) moves to\n"
    "refused with its reason ('kvalind retry' sends it again). Any other reply\n"
    "or failure (a redirect, 401, 403, 404, 413, 429, 5xx, no connection, a\n"
    "timeout) keeps it ready, tried again after a growing wait (1 minute\n"
    "doubling up to 6 hours); when the problem is the receiver's or the\n"
    "connection's, the push stops and the other extracts wait as long. --all\n"
    "tries every ready extract now. Exit status 1 when any extract was not\n"
    "delivered.\n"
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
			ok = strcmp(command, "approve") == 0 || strcmp(command, "push") == 0 ||
			     strcmp(command, "retry") == 0;
			a->all = true;
			break;
		case 'R':
			ok = strcmp(command, "reject") == 0;
			a->reason = optarg;
			break;
		default:
			return kv_cli_other_option(command, help, opt, argv);
		}
		if (!ok) /* an option of another of these commands */
			return kv_cli_other_option(command, help, '?', argv);
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
	/* not through a link, never waiting on a FIFO planted in the outbox */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	if (fd < 0)
		return NULL;
	FILE *f = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "rb") : NULL;
	if (f == NULL) {
		close(fd);
		return NULL;
	}
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

static int preview_item(const struct kv_outbox *ob, const struct kv_outbox_item *it, bool raw)
{
	size_t mlen = 0, clen = 0;
	if (it->state == KV_OUTBOX_PENDING || it->state == KV_OUTBOX_READY) {
		struct kv_outbox_payload p;
		char why[1024];
		int loaded = kv_outbox_load(ob, it, &p, why, sizeof why);
		if (loaded == 0)
			kv_outbox_payload_free(&p);
		else
			fprintf(stderr, "kvalind: warning: %s: %s; %s\n", it->id, why,
				loaded > 0 ? "it does not match what kvalind exported and will "
					     "not be sent" :
					     "it cannot be checked against what kvalind exported");
	}
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
			if (preview_item(&ob, &it, a.raw) != KV_EXIT_OK)
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
		if (preview_item(&ob, &items[i], a.raw) != KV_EXIT_OK)
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
	struct kv_outbox_item *items = NULL, *quarantined = NULL;
	size_t n = 0, nq = 0;
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
	if (kv_outbox_list_quarantine(&ob, &quarantined, &nq, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		rc = KV_EXIT_FAILURE;
		goto done;
	}
	size_t count[KV_OUTBOX_N_STATES] = {0};
	for (size_t i = 0; i < n; i++)
		count[items[i].state]++;
	printf("outbox %s: %zu pending, %zu ready, %zu sent, %zu rejected, %zu refused", ob.dir,
	       count[KV_OUTBOX_PENDING], count[KV_OUTBOX_READY], count[KV_OUTBOX_SENT],
	       count[KV_OUTBOX_REJECTED], count[KV_OUTBOX_REFUSED]);
	if (nq > 0)
		printf(", %zu quarantined", nq);
	printf("\n");
	for (size_t i = 0; i < n; i++) {
		const struct kv_outbox_item *it = &items[i];
		printf("%-9s %s  %s", kv_outbox_state_name(it->state), it->month, it->id);
		if (it->state == KV_OUTBOX_READY && it->attempts > 0) {
			char when[32];
			struct tm tm;
			localtime_r(&it->next_attempt, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
			printf("  (waiting: %s; %u failed attempt%s, next try %s)", it->last_error,
			       it->attempts, it->attempts == 1 ? "" : "s", when);
		} else if (it->last_error[0] != '\0') {
			printf("  (%s)", it->last_error);
		}
		printf("\n");
	}
	for (size_t i = 0; i < nq; i++)
		printf("%-9s %s  %s  (%s; never sent)\n", "quarantined", quarantined[i].month,
		       quarantined[i].path, quarantined[i].last_error);
	if (count[KV_OUTBOX_REFUSED] > 0)
		printf("refused extracts are sent again with 'kvalind retry ID' (or --all) once the "
		       "cause is fixed\n");
	rc = KV_EXIT_OK;
done:
	free(quarantined);
	free(items);
	kv_outbox_close(&ob);
	kv_config_free(cfg);
	return rc;
}

/* The files of an extract about to be approved or retried are what export
 * wrote? 0 yes; else an error was printed (and a mismatch quarantined). */
static int check_exported(struct kv_outbox *ob, const struct kv_outbox_item *it)
{
	struct kv_outbox_payload p;
	char why[1024], err[1024], reason[1400];
	int loaded = kv_outbox_load(ob, it, &p, why, sizeof why);
	if (loaded == 0) {
		kv_outbox_payload_free(&p);
		return 0;
	}
	if (loaded < 0) {
		fprintf(stderr, "kvalind: error: %s: %s\n", it->id, why);
		return -1;
	}
	kv_snprintf(reason, sizeof reason, "not sent: %s; it does not match what kvalind exported",
		    why);
	if (kv_outbox_quarantine(ob, it, reason, err, sizeof err) != 0)
		fprintf(stderr, "kvalind: error: %s: %s; %s\n", it->id, why, err);
	else
		fprintf(stderr,
			"kvalind: error: %s: %s; it does not match what kvalind exported and was "
			"moved to %s/quarantine, never to be sent (export its month again if it "
			"should leave)\n",
			it->id, why, ob->dir);
	return -1;
}

/* approve, reject and retry: move named extracts between states. */
static int move_named(int argc, char **argv, const char *command, const char *help)
{
	struct outbox_args a = {0};
	struct kv_config *cfg = NULL;
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	char state_dir[4096], err[1024];
	bool approve = strcmp(command, "approve") == 0;
	bool retry = strcmp(command, "retry") == 0;
	int rc = parse(argc, argv, command, help, &a);
	if (rc >= 0)
		return rc;
	if (a.first_operand >= argc && !a.all)
		return kv_cli_usage_error(command, "expected one or more extract IDs%s",
					  approve || retry ? " (or --all)" : "");
	if (a.first_operand < argc && a.all)
		return kv_cli_usage_error(command, "give IDs or --all, not both");
	rc = open_outbox(a.config, &cfg, &ob, state_dir, sizeof state_dir);
	if (rc >= 0)
		goto done;
	rc = KV_EXIT_OK;
	if (a.all) {
		if (kv_outbox_list(&ob, retry ? -1 : KV_OUTBOX_PENDING, &items, &n, err,
				   sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			rc = KV_EXIT_FAILURE;
			goto done;
		}
		if (retry) { /* refused ones, and ready ones that wait */
			size_t k = 0;
			for (size_t i = 0; i < n; i++)
				if (items[i].state == KV_OUTBOX_REFUSED ||
				    (items[i].state == KV_OUTBOX_READY && items[i].attempts > 0))
					items[k++] = items[i];
			n = k;
		}
		if (n == 0)
			printf("%s\n", retry ? "retry: no extract is refused or waiting" :
						"approve: no extract is waiting for approval");
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
			       retry	? it.state == KV_OUTBOX_REFUSED ||
					       it.state == KV_OUTBOX_READY :
					  it.state == KV_OUTBOX_PENDING || it.state == KV_OUTBOX_READY;
		if (!allowed) {
			fprintf(stderr, "kvalind: error: %s is %s; only %s extracts can be %s%s\n",
				it.id, kv_outbox_state_name(it.state),
				approve ? "pending" : retry ? "refused or ready" : "pending or ready",
				approve ? "approved" : retry ? "retried" : "rejected",
				retry && it.state == KV_OUTBOX_PENDING ? " (approve it first)" : "");
			rc = KV_EXIT_FAILURE;
			continue;
		}
		if ((approve || retry) && check_exported(&ob, &it) != 0) {
			rc = KV_EXIT_FAILURE;
			continue;
		}
		const char *done_text;
		int moved;
		if (retry) {
			bool was_refused = it.state == KV_OUTBOX_REFUSED;
			moved = kv_outbox_retry(&ob, &it, err, sizeof err);
			done_text = was_refused ? "back to ready; the next 'kvalind push' sends it" :
						  "its wait is cleared; the next 'kvalind push' tries it";
		} else {
			enum kv_outbox_state to = approve ? KV_OUTBOX_READY : KV_OUTBOX_REJECTED;
			const char *reason =
			    approve ? NULL : a.reason ? a.reason : "rejected by a person";
			moved = kv_outbox_move(&ob, &it, to, reason, err, sizeof err);
			done_text = approve ? "approved; the next 'kvalind push' sends it" :
					      "rejected; it will never be sent";
		}
		if (moved != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			rc = KV_EXIT_FAILURE;
			continue;
		}
		printf("%s: %s\n", it.id, done_text);
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

int kv_cmd_retry(int argc, char **argv)
{
	return move_named(argc, argv, "retry", retry_help);
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
	if (sum.problem[0] != '\0')
		fprintf(stderr, "kvalind: error: %s\n", sum.problem);
	printf("push: %zu delivered, %zu not delivered, %zu waiting for their next attempt\n",
	       sum.delivered, sum.not_delivered, sum.waiting);
	if (sum.refused + sum.quarantined + sum.not_tried > 0)
		printf("      not delivered: %zu refused by the receiver, %zu quarantined, %zu not "
		       "tried\n",
		       sum.refused, sum.quarantined, sum.not_tried);
	if (sum.next_attempt > 0 && !sum.notes_failed) {
		char when[32];
		struct tm tm;
		localtime_r(&sum.next_attempt, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		printf("      next try %s ('kvalind push --all' tries now)\n", when);
	}
	rc = sum.not_delivered ? KV_EXIT_FAILURE : KV_EXIT_OK;
done:
	kv_diags_free(&d);
	kv_push_close(t);
	kv_outbox_close(&ob);
	kv_config_free(cfg);
	return rc;
}
