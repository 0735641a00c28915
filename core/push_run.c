/*
 * push_run.c - sending the ready extracts of the outbox, oldest first (see
 * push_run.h)
 */
#include "push_run.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "log.h"
#include "receipt.h"
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

enum one {
	ONE_DELIVERED,
	ONE_FAILED,      /* this extract's problem: noted, the run goes on */
	ONE_REFUSED,     /* the receiver's 422: moved to refused/ */
	ONE_QUARANTINED, /* not what export recorded: moved to quarantine/ */
	ONE_STOP,        /* a problem every extract meets now: the run stops */
	ONE_LEDGER,      /* the ledger cannot be written: the run stops */
	ONE_CANCELLED    /* the cancel flag: the run stops, nothing noted */
};

/* Note a failed attempt; a note that cannot be written (a full disk) is
 * said once per run, in the summary. */
static void note(struct kv_outbox *ob, struct kv_outbox_item *it, const char *text, time_t now,
		 struct kv_push_summary *sum, char *note_error, size_t note_len)
{
	char err[1024];
	if (kv_outbox_note_failure(ob, it, text, now, err, sizeof err) != 0 && !sum->notes_failed) {
		sum->notes_failed = true;
		kv_strlcpy(note_error, err, note_len);
	}
}

/*
 * The receipt of a delivered extract, kept beside the ledger before its
 * entry is written: a valid one as receipts/ID.receipt; an invalid one as
 * receipts/ID.invalid; each problem logged once, here. Nothing here makes
 * the extract undelivered: the receiver has it, and a resend would not
 * help. `kvalind ledger verify` reports what is not valid.
 */
static void keep_receipt(struct kv_push_target *t, const struct kv_push_result *r,
			 const char *id, const char *ledger)
{
	char dir[4200], err[1024];
	size_t len;
	const char *data = kv_push_receipt(t, &len);
	const char *dest = kv_push_destination(t);
	if (r->receipt == KV_PUSH_RECEIPT_NONE)
		return;
	if (r->receipt == KV_PUSH_RECEIPT_MISSING) {
		kv_log(KV_LOG_WARNING,
		       "%s was delivered to %s without a receipt: %s; 'kvalind ledger verify' "
		       "reports it",
		       id, dest, r->receipt_problem);
		return;
	}
	bool valid = r->receipt == KV_PUSH_RECEIPT_VALID;
	if (kv_receipt_dir(ledger, dir, sizeof dir) != 0) {
		kv_snprintf(err, sizeof err, "the state directory's path is too long");
	} else if (data != NULL &&
		   kv_receipt_store(dir, id, valid ? KV_RECEIPT_FILE_VALID : KV_RECEIPT_FILE_INVALID,
				    data, len, err, sizeof err) == 0) {
		if (!valid)
			kv_log(KV_LOG_ERROR,
			       "%s was delivered to %s, but its receipt is not valid: %s; it is kept "
			       "as %s/%s.invalid and 'kvalind ledger verify' reports it",
			       id, dest, r->receipt_problem, dir, id);
		return;
	} else if (data == NULL) {
		kv_snprintf(err, sizeof err, "no receipt bytes");
	}
	if (valid)
		kv_log(KV_LOG_ERROR,
		       "%s was delivered to %s with a valid receipt, but it could not be kept (%s); "
		       "'kvalind ledger verify' reports it as without one",
		       id, dest, err);
	else
		kv_log(KV_LOG_ERROR,
		       "%s was delivered to %s, but its receipt is not valid: %s; it could not be "
		       "kept either (%s)",
		       id, dest, r->receipt_problem, err);
}

/* ledger_err (ONE_LEDGER) gets the ledger's own error. */
static enum one push_one(struct kv_outbox *ob, struct kv_push_target *t,
			 struct kv_outbox_item *it, const char *ledger, FILE *report,
			 char *status, size_t status_len, char *ledger_err, size_t ledger_len)
{
	char why[1024], err[1024];
	const char *dest = kv_push_destination(t);

	/* Delivered before a crash kept it from moving to sent? */
	struct ledger_find lf = {it->id, dest, false};
	if (kv_ledger_each(ledger, find_entry, &lf, err, sizeof err) != 0) {
		kv_strlcpy(ledger_err, err, ledger_len);
		kv_snprintf(status, status_len, "not sent: the ledger cannot be read (%s)", err);
		return ONE_LEDGER;
	}
	if (!lf.found) {
		struct kv_outbox_payload p;
		int loaded = kv_outbox_load(ob, it, &p, why, sizeof why);
		if (loaded > 0) {
			kv_snprintf(status, status_len,
				    "not sent: %s; it does not match what kvalind exported", why);
			if (kv_outbox_quarantine(ob, it, status, err, sizeof err) != 0) {
				kv_log(KV_LOG_ERROR, "%s is not sent: %s; %s", it->id, why, err);
				return ONE_FAILED;
			}
			kv_log(KV_LOG_ERROR,
			       "%s is not sent: %s; it does not match what kvalind exported and was "
			       "moved to %s/quarantine (export its month again if it should leave)",
			       it->id, why, ob->dir);
			return ONE_QUARANTINED;
		}
		if (loaded < 0) {
			kv_snprintf(status, status_len, "not sent: %s", why);
			kv_log(KV_LOG_WARNING, "%s not sent: %s; it stays in the outbox", it->id, why);
			return ONE_FAILED;
		}
		struct kv_push_payload payload = {p.manifest, p.manifest_len, p.csv, p.csv_len};
		struct kv_push_result *r = kv_xcalloc(1, sizeof *r);
		kv_push_send(t, it->id, &payload, r);
		enum kv_push_outcome o = r->outcome;
		kv_strlcpy(status, r->status, status_len);
		if (o == KV_PUSH_DELIVERED)
			keep_receipt(t, r, it->id, ledger);
		if (o == KV_PUSH_DELIVERED &&
		    kv_ledger_append_sent(ledger, dest, it->id,
					  (uint64_t)(p.manifest_len + p.csv_len), p.manifest_sha256,
					  p.csv_sha256, err, sizeof err) != 0) {
			kv_strlcpy(ledger_err, err, ledger_len);
			kv_snprintf(status, status_len,
				    "delivered to %s but not recorded in the ledger (%s); it is sent "
				    "again when the ledger can be written (the receiver keeps one "
				    "copy)",
				    dest, err);
			kv_outbox_payload_free(&p);
			free(r);
			return ONE_LEDGER;
		}
		kv_outbox_payload_free(&p);
		bool wide = r->receiver_wide;
		free(r);
		if (o == KV_PUSH_CANCELLED)
			return ONE_CANCELLED;
		if (o == KV_PUSH_RETRY && wide)
			return ONE_STOP;
		if (o == KV_PUSH_RETRY) {
			kv_log(KV_LOG_WARNING,
			       "%s not delivered to %s: %s; it stays in the outbox and is tried again "
			       "later",
			       it->id, dest, status);
			return ONE_FAILED;
		}
		if (o == KV_PUSH_REFUSED) {
			kv_log(KV_LOG_ERROR,
			       "%s %s; it is kept in the outbox as refused ('kvalind retry %s' sends "
			       "it again)",
			       it->id, status, it->id);
			if (kv_outbox_move(ob, it, KV_OUTBOX_REFUSED, status, err, sizeof err) != 0)
				kv_log(KV_LOG_ERROR, "%s", err);
			return ONE_REFUSED;
		}
	}
	if (kv_outbox_move(ob, it, KV_OUTBOX_SENT, NULL, err, sizeof err) != 0) {
		kv_log(KV_LOG_ERROR, "%s", err);
		kv_strlcpy(status, err, status_len);
		return ONE_FAILED;
	}
	if (report != NULL)
		fprintf(report, "%s: delivered to %s%s\n", it->id, dest,
			lf.found ? " (before; recorded in the ledger)" : "");
	return ONE_DELIVERED;
}

static bool due(const struct kv_outbox_item *it, bool all, time_t now)
{
	/* not due yet, unless the wait is longer than any backoff (the clock
	 * was set back since the attempt was noted) */
	return all || it->next_attempt <= now ||
	       it->next_attempt - now > kv_outbox_backoff(UINT_MAX);
}

int kv_push_outbox(struct kv_outbox *ob, struct kv_push_target *t, const char *ledger, bool all,
		   time_t now, FILE *report, struct kv_push_summary *sum, char *err,
		   size_t errlen)
{
	struct kv_outbox_item *items = NULL;
	size_t n = 0, due_count = 0, stop_at = 0;
	bool tried = false; /* items[stop_at] was tried before the run stopped */
	char why[1024], note_error[1024] = "", rest_status[sizeof sum->last_error];
	memset(sum, 0, sizeof *sum);
	if (kv_outbox_list(ob, KV_OUTBOX_READY, &items, &n, err, errlen) != 0)
		return -1;
	/* 1: due; 2: due and now noted (still ready, waiting) */
	unsigned char *mark = kv_xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++) {
		mark[i] = due(&items[i], all, now) ? 1 : 0;
		if (mark[i])
			due_count++;
		else
			sum->waiting++;
	}
	if (due_count == 0)
		goto done;

	/* The ledger first: nothing leaves that could not be recorded. */
	if (kv_ledger_check_appendable(ledger, why, sizeof why) != 0) {
		sum->stopped = sum->ledger_failed = true;
		kv_snprintf(rest_status, sizeof rest_status,
			    "not sent: the ledger cannot be written (%s)", why);
		kv_strlcpy(sum->last_error, rest_status, sizeof sum->last_error);
		kv_snprintf(sum->problem, sizeof sum->problem,
			    "the ledger cannot be written (%s): nothing is sent until it can be; %zu "
			    "extract%s wait%s",
			    why, due_count, due_count == 1 ? "" : "s", due_count == 1 ? "s" : "");
		goto stop;
	}

	for (size_t i = 0; i < n; i++) {
		if (!mark[i])
			continue;
		struct kv_outbox_item *it = &items[i];
		char status[sizeof sum->last_error];
		enum one o = kv_push_cancelled(t) ?
				     ONE_CANCELLED :
				     push_one(ob, t, it, ledger, report, status, sizeof status, why,
					      sizeof why);
		switch (o) {
		case ONE_DELIVERED:
			sum->delivered++;
			mark[i] = 0;
			continue;
		case ONE_REFUSED:
		case ONE_QUARANTINED:
			if (o == ONE_REFUSED)
				sum->refused++;
			else
				sum->quarantined++;
			sum->not_delivered++;
			mark[i] = 0;
			kv_strlcpy(sum->last_error, status, sizeof sum->last_error);
			continue;
		case ONE_FAILED:
			note(ob, it, status, now, sum, note_error, sizeof note_error);
			mark[i] = 2;
			sum->not_delivered++;
			kv_strlcpy(sum->last_error, status, sizeof sum->last_error);
			continue;
		case ONE_CANCELLED:
			sum->stopped = sum->cancelled = true;
			stop_at = i;
			goto cancelled;
		case ONE_STOP:
		case ONE_LEDGER:
			break;
		}
		/* The run stops here: the tried extract gets its status; those after
		 * it wait as long, with the same cause. */
		sum->stopped = true;
		sum->ledger_failed = o == ONE_LEDGER;
		tried = true;
		stop_at = i;
		size_t rest = 0;
		for (size_t j = i + 1; j < n; j++)
			rest += mark[j] != 0;
		note(ob, it, status, now, sum, note_error, sizeof note_error);
		mark[i] = 2;
		sum->not_delivered++;
		kv_strlcpy(sum->last_error, status, sizeof sum->last_error);
		if (o == ONE_LEDGER) {
			kv_snprintf(rest_status, sizeof rest_status,
				    "not sent: the ledger cannot be written (%s)", why);
			kv_snprintf(sum->problem, sizeof sum->problem,
				    "%s: %s; nothing more is sent until the ledger can be written "
				    "(%zu more not tried)",
				    it->id, status, rest);
		} else {
			kv_strlcpy(rest_status, status, sizeof rest_status);
			kv_snprintf(sum->problem, sizeof sum->problem,
				    "%s not delivered to %s: %s; %zu more not tried in this run",
				    it->id, kv_push_destination(t), status, rest);
		}
		break;
	}
	if (!sum->stopped)
		goto done;
stop:
	for (size_t j = tried ? stop_at + 1 : 0; j < n; j++) {
		if (mark[j] != 1)
			continue;
		note(ob, &items[j], rest_status, now, sum, note_error, sizeof note_error);
		mark[j] = 2;
		sum->not_delivered++;
		sum->not_tried++;
	}
	goto done;
cancelled:
	for (size_t j = stop_at; j < n; j++) {
		if (mark[j] != 1)
			continue;
		sum->not_delivered++;
		sum->not_tried++;
	}
	kv_snprintf(sum->problem, sizeof sum->problem,
		    "stopped (kvalind is stopping): %zu extract%s not tried; they are sent later",
		    sum->not_tried, sum->not_tried == 1 ? "" : "s");
done:
	if (sum->notes_failed) {
		size_t len = strlen(sum->problem);
		kv_snprintf(sum->problem + len, sizeof sum->problem - len,
			    "%sthe failed attempts could not be noted in the outbox (%s)",
			    len ? "; " : "", note_error);
		sum->stopped = true;
	}
	for (size_t i = 0; i < n; i++) {
		/* still ready and waiting: not due, or noted in this run */
		bool waits = mark[i] == 2 || !due(&items[i], all, now);
		if (waits && items[i].next_attempt > 0 &&
		    (sum->next_attempt == 0 || items[i].next_attempt < sum->next_attempt))
			sum->next_attempt = items[i].next_attempt;
	}
	free(mark);
	free(items);
	return 0;
}
