/*
 * push_run.c - sending the ready extracts of the outbox, oldest first
 */
#include "push_run.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "log.h"
#include "sha256.h"
#include "util.h"

struct ledger_find {
	const char *id, *destination;
	bool found;
};

static int find_entry(const struct kv_ledger_entry *e, void *arg)
{
	struct ledger_find *f = arg;
	if (strcmp(e->extract_id, f->id) == 0 && strcmp(e->destination, f->destination) == 0)
		f->found = true;
	return 0;
}

enum outcome { DELIVERED, NOT_DELIVERED, REFUSED };

static enum outcome push_one(struct kv_outbox *ob, struct kv_push_target *t,
			     struct kv_outbox_item *it, const char *ledger, time_t now,
			     FILE *report, char *last_error, size_t last_len)
{
	char manifest[4400], csv[4400], detail[1024], err[1024];
	char sha[KV_SHA256_HEX_SIZE], csv_sha[KV_SHA256_HEX_SIZE];
	uint64_t mbytes = 0, cbytes = 0;
	const char *dest = kv_push_destination(t);

	/* Delivered before a crash kept it from moving to sent? */
	struct ledger_find lf = {it->id, dest, false};
	if (kv_ledger_each(ledger, find_entry, &lf, err, sizeof err) != 0) {
		kv_log(KV_LOG_ERROR, "%s", err);
		kv_strlcpy(last_error, err, last_len);
		return NOT_DELIVERED;
	}
	(void)kv_snprintf(manifest, sizeof manifest, "%s/manifest.json", it->path);
	(void)kv_snprintf(csv, sizeof csv, "%s/data.csv", it->path);
	if (!lf.found) {
		if (kv_sha256_file_hex(manifest, sha, &mbytes, err, sizeof err) != 0 ||
		    kv_sha256_file_hex(csv, csv_sha, &cbytes, err, sizeof err) != 0) {
			kv_log(KV_LOG_ERROR, "%s", err);
			kv_strlcpy(last_error, err, last_len);
			return NOT_DELIVERED;
		}
		enum kv_push_outcome o = kv_push_send(t, it->id, manifest, csv, detail, sizeof detail);
		if (o == KV_PUSH_RETRY) {
			if (kv_outbox_note_failure(ob, it, detail, now, err, sizeof err) != 0)
				kv_log(KV_LOG_ERROR, "%s", err);
			kv_log(KV_LOG_WARNING,
			       "%s not delivered to %s: %s; it stays in the outbox and is tried "
			       "again after %ld s",
			       it->id, dest, detail, (long)kv_outbox_backoff(it->attempts));
			kv_strlcpy(last_error, detail, last_len);
			return NOT_DELIVERED;
		}
		if (o == KV_PUSH_REFUSED) {
			kv_log(KV_LOG_ERROR,
			       "%s refused by %s: %s; it is kept in the outbox as refused", it->id,
			       dest, detail);
			if (kv_outbox_move(ob, it, KV_OUTBOX_REFUSED, detail, err, sizeof err) != 0)
				kv_log(KV_LOG_ERROR, "%s", err);
			kv_strlcpy(last_error, detail, last_len);
			return REFUSED;
		}
		if (kv_ledger_append(ledger, dest, it->id, mbytes + cbytes, sha, err, sizeof err) !=
		    0) {
			kv_log(KV_LOG_ERROR,
			       "%s was delivered but could not be recorded: %s; it stays ready and "
			       "the next push resends it (the receiver keeps one copy)",
			       it->id, err);
			kv_strlcpy(last_error, err, last_len);
			return NOT_DELIVERED;
		}
	}
	if (kv_outbox_move(ob, it, KV_OUTBOX_SENT, NULL, err, sizeof err) != 0) {
		kv_log(KV_LOG_ERROR, "%s", err);
		kv_strlcpy(last_error, err, last_len);
		return NOT_DELIVERED;
	}
	if (report != NULL)
		fprintf(report, "%s: delivered to %s%s\n", it->id, dest,
			lf.found ? " (before; recorded in the ledger)" : "");
	return DELIVERED;
}

int kv_push_outbox(struct kv_outbox *ob, struct kv_push_target *t, const char *ledger, bool all,
		   time_t now, FILE *report, struct kv_push_summary *sum, char *err,
		   size_t errlen)
{
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	memset(sum, 0, sizeof *sum);
	if (kv_outbox_list(ob, KV_OUTBOX_READY, &items, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* not due yet, unless the wait is longer than any backoff (the clock
		 * was set back since the attempt was noted) */
		if (!all && items[i].next_attempt > now &&
		    items[i].next_attempt - now <= kv_outbox_backoff(UINT_MAX)) {
			sum->waiting++;
			continue;
		}
		switch (push_one(ob, t, &items[i], ledger, now, report, sum->last_error,
				 sizeof sum->last_error)) {
		case DELIVERED:
			sum->delivered++;
			break;
		case REFUSED:
			sum->refused++;
			sum->not_delivered++;
			break;
		default:
			sum->not_delivered++;
		}
	}
	free(items);
	return 0;
}
