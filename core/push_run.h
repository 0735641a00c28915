/*
 * push_run.h - sending the outbox's ready extracts: what `kvalind push` and
 * the daemon's push step both do
 *
 * Oldest month first, only those due (their backoff has passed), or all
 * with `all`. Before anything is sent the ledger must be appendable
 * (kv_ledger_check_appendable): if it is not (a full disk, a read-only or
 * broken file), nothing is sent. Per extract: if the ledger already records
 * it for this destination (a crash came between the ledger and the move),
 * it only moves to sent. Otherwise its bytes are read and checked against
 * the record export wrote (kv_outbox_load): one that does not match is
 * moved to quarantine/ and never sent. Then it is sent; delivered: the
 * receiver's receipt kept beside the ledger (STATE_DIR/receipts/, receipt.h:
 * an invalid or missing one is logged and kept or not, and the extract is
 * delivered all the same), the ledger entry, then sent/; refused (the receiver's 422): it moves to refused/ with
 * the receiver's reason; not delivered: its attempts and next attempt are
 * noted (capped exponential backoff) and it stays ready.
 *
 * The run stops early, and every due extract not yet tried gets the same
 * failed attempt noted (the same backoff, the same status for `kvalind
 * outbox`), when the problem is not the extract's: the receiver is
 * unreachable, busy, refuses our certificate or has no such address
 * (kv_push_result.receiver_wide), or the ledger cannot be written. It stops
 * without noting anything when the target's cancel flag is set (SIGTERM).
 *
 * Per-extract problems (a 413, a 422, a quarantine) are logged as they
 * happen (core/log.h); the reason a run stopped is not logged here but
 * returned once in the summary's `problem`, for the caller to report (the
 * daemon reports it at growing intervals).
 */
#ifndef KVALIND_PUSH_RUN_H
#define KVALIND_PUSH_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "outbox.h"
#include "push.h"

struct kv_push_summary {
	size_t delivered;     /* now, or found in the ledger */
	size_t not_delivered; /* due but not delivered (all of the below, and failures) */
	size_t refused;       /* refused by the receiver (422), now in refused/ */
	size_t quarantined;   /* not matching their record, now in quarantine/ */
	size_t not_tried;     /* due, but the run stopped before them */
	size_t waiting;       /* not due yet */
	bool stopped;         /* the run stopped early; problem says why */
	bool cancelled;       /* ... because the cancel flag was set */
	bool ledger_failed;   /* ... because the ledger cannot be written */
	bool notes_failed;    /* a failed attempt could not be noted on disk */
	time_t next_attempt;  /* the earliest next attempt of a ready extract, 0: none */
	char last_error[1536]; /* the status of the last extract not delivered */
	char problem[2048];    /* why the run stopped, one line for people */
};

/* all: also extracts whose next attempt is not due at now. report (may be
 * NULL) gets one line per delivered extract. -1 when the outbox cannot be
 * read (err); else 0 with the summary. */
int kv_push_outbox(struct kv_outbox *ob, struct kv_push_target *t, const char *ledger, bool all,
		   time_t now, FILE *report, struct kv_push_summary *sum, char *err,
		   size_t errlen);

#endif /* KVALIND_PUSH_RUN_H */
