/*
 * outbox.h - the durable outbox: extracts wait here until they have left
 *
 * Layout, under STATE_DIR/outbox (directories 0700, files 0600):
 *
 *   pending/ID/   waiting for `kvalind approve` (approval = manual)
 *   ready/ID/     to be sent by the next push
 *   sent/ID/      delivered (the ledger says when and where)
 *   rejected/ID/  rejected by a person here; never sent
 *   refused/ID/   refused by the receiver (a 4xx); kept for a person to read
 *   .tmp/         extracts being written; emptied when the outbox is opened
 *   .lock         held (fcntl) by the one process using the outbox
 *
 * Each extract directory holds manifest.json and data.csv; ready/ID may hold
 * "attempts" (how often sending failed, when to try next, the last error),
 * rejected/ID and refused/ID a "reason". An extract is written complete
 * into .tmp, each file fsynced, and renamed into its state directory in one
 * step; moving between states is one rename. So after a crash at any point
 * an extract is in exactly one state, whole, or not there at all.
 *
 * ID = PARTICIPANT_YYYY-MM_HASH16, HASH16 the first 16 hex digits of the
 * SHA-256 of data.csv: the same controlled counts for the same month give
 * the same ID, which is also the idempotency key the receiver sees.
 *
 * Errors: functions return 0 or -1 with err naming the path and the reason.
 * Ownership: kv_outbox_open fills a struct closed with kv_outbox_close.
 */
#ifndef KVALIND_OUTBOX_H
#define KVALIND_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

enum kv_outbox_state {
	KV_OUTBOX_PENDING = 0,
	KV_OUTBOX_READY,
	KV_OUTBOX_SENT,
	KV_OUTBOX_REJECTED,
	KV_OUTBOX_REFUSED,
	KV_OUTBOX_N_STATES
};

struct kv_outbox {
	char dir[4096];
	int lock_fd;
	int last_errno; /* errno of kv_outbox_add's last failure (ENOSPC: disk full) */
};

struct kv_outbox_item {
	char id[160];
	char month[8];         /* YYYY-MM, from the ID */
	enum kv_outbox_state state;
	char path[4300];       /* the extract's directory */
	unsigned attempts;     /* failed sends (ready only) */
	time_t next_attempt;   /* not before (ready only; 0: now) */
	char last_error[512];  /* of the last failed send, or the reason */
};

/* "pending", "ready", ... */
const char *kv_outbox_state_name(enum kv_outbox_state s);

/* Open (creating) STATE_DIR/outbox and lock it; removes what a crash left in
 * .tmp. Fails when another process holds the lock. */
KV_MUST_CHECK int kv_outbox_open(struct kv_outbox *ob, const char *state_dir, char *err,
				 size_t errlen);
void kv_outbox_close(struct kv_outbox *ob);

/* The ID of an extract from its participant, month and data.csv's SHA-256. */
KV_MUST_CHECK int kv_outbox_make_id(const char *participant, const char *month,
				    const char *csv_sha256, char *id, size_t size);

/* Find ID in any state. 1 found (item filled), 0 not there, -1 error. */
int kv_outbox_find(const struct kv_outbox *ob, const char *id, struct kv_outbox_item *item,
		   char *err, size_t errlen);

/* Add an extract in state (PENDING or READY). 1 when ID is already in the
 * outbox in any state (nothing written), 0 added, -1 error (nothing left
 * behind). */
int kv_outbox_add(struct kv_outbox *ob, const char *id, enum kv_outbox_state state,
		  const char *manifest, size_t manifest_len, const char *csv, size_t csv_len,
		  char *err, size_t errlen);

/* Every extract, optionally only in one state (state < 0: all), sorted by
 * ID (which orders by month within an office). Caller frees *items. */
int kv_outbox_list(const struct kv_outbox *ob, int state, struct kv_outbox_item **items,
		   size_t *n, char *err, size_t errlen);

/* Move an extract to another state (one rename, then the directories are
 * synced); reason (may be NULL) is kept in "reason" for REJECTED/REFUSED. */
KV_MUST_CHECK int kv_outbox_move(struct kv_outbox *ob, struct kv_outbox_item *item,
				 enum kv_outbox_state to, const char *reason, char *err,
				 size_t errlen);

/* Record a failed send of a ready extract: attempts + 1, next attempt after
 * a capped exponential backoff (1 min, 2, 4, ... at most 6 h). */
KV_MUST_CHECK int kv_outbox_note_failure(struct kv_outbox *ob, struct kv_outbox_item *item,
					 const char *detail, time_t now, char *err,
					 size_t errlen);

/* The backoff after n failed attempts, in seconds. */
time_t kv_outbox_backoff(unsigned attempts);

#endif /* KVALIND_OUTBOX_H */
