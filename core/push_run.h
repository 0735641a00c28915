/*
 * push_run.h - sending the outbox's ready extracts: what `kvalind push` and
 * the daemon's retry step both do
 *
 * Oldest month first. Per extract: if the ledger already records it for
 * this destination (a crash came between the ledger and the move), it only
 * moves to sent. Otherwise it is sent; delivered: ledger entry, then sent/;
 * to retry: its attempts and next attempt are noted (capped exponential
 * backoff) and it stays ready; refused: it moves to refused/ with the
 * receiver's reason. Warnings and errors are logged (core/log.h).
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
	size_t delivered, not_delivered, refused, waiting;
	char last_error[512]; /* of the last extract not delivered */
};

/* all: also extracts whose next attempt is not due at now. report (may be
 * NULL) gets one line per delivered extract. -1 when the outbox cannot be
 * read (err); else 0 with the summary. */
int kv_push_outbox(struct kv_outbox *ob, struct kv_push_target *t, const char *ledger, bool all,
		   time_t now, FILE *report, struct kv_push_summary *sum, char *err,
		   size_t errlen);

#endif /* KVALIND_PUSH_RUN_H */
