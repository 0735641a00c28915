/*
 * outbox.h - the durable outbox: extracts wait here until they have left
 *
 * Layout, under STATE_DIR/outbox (directories 0700, files 0600):
 *
 *   pending/ID/   waiting for `kvalind approve` (approval = manual)
 *   ready/ID/     to be sent by the next push
 *   sent/ID/      delivered (the ledger says when and where)
 *   rejected/ID/  rejected by a person here; never sent
 *   refused/ID/   refused by the receiver (its verdict, HTTP 422, that the
 *                 content is invalid); kept for a person to read; `kvalind
 *                 retry` moves it back to ready
 *   records/ID    what export wrote: the SHA-256 of manifest.json and of
 *                 data.csv ("manifest_sha256=HEX", "data_sha256=HEX")
 *   quarantine/N/ extracts found in the outbox that do not match their
 *                 record (planted, edited, or not kvalind's): N/reason says
 *                 why, N/extract is what was found; never sent
 *   .tmp/         extracts being written; emptied when the outbox is opened
 *   .lock         held (fcntl) by the one process using the outbox
 *
 * Each extract directory holds manifest.json and data.csv; ready/ID may hold
 * "attempts" (how often it could not be sent, when to try next, the last
 * error), rejected/ID and refused/ID a "reason". An extract is written
 * complete into .tmp, each file fsynced, its record written (atomically),
 * and then renamed into its state directory in one step; moving between
 * states is one rename. So after a crash at any point an extract is in
 * exactly one state, whole, with its record, or not there at all.
 *
 * Trust: the state directory and every directory of the outbox must be
 * owned by the user kvalind runs as and not writable by group or others
 * (kv_check_state_dir), or kv_outbox_open refuses them. An extract is sent
 * (and approved) only when kv_outbox_load finds its bytes equal to its
 * record; one that is not is moved to quarantine/. An outbox from before
 * records existed (no records/ directory) is adopted once, when it is first
 * opened: every pending, ready and refused extract that is whole and
 * consistent (its manifest names its ID and data.csv's SHA-256, and the ID
 * ends in that hash's first 16 digits) gets a record; the others will be
 * quarantined.
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
	bool busy;      /* kv_outbox_open failed only because another process holds it */
};

/* The two files of an extract, read whole, and their SHA-256. */
struct kv_outbox_payload {
	char *manifest, *csv;
	size_t manifest_len, csv_len;
	char manifest_sha256[65], csv_sha256[65];
};

/* Longest manifest.json or data.csv the outbox reads. */
#define KV_OUTBOX_FILE_MAX (16u * 1024u * 1024u)

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

/* Open (creating) STATE_DIR/outbox and lock it; checks the state directory
 * and the outbox's directories (owner, mode); adopts an outbox without
 * records/ (see above); removes what a crash left in .tmp. Fails when
 * another process holds the lock (ob->busy is then set). */
KV_MUST_CHECK int kv_outbox_open(struct kv_outbox *ob, const char *state_dir, char *err,
				 size_t errlen);
void kv_outbox_close(struct kv_outbox *ob);

/* The ID of an extract from its participant, month and data.csv's SHA-256. */
KV_MUST_CHECK int kv_outbox_make_id(const char *participant, const char *month,
				    const char *csv_sha256, char *id, size_t size);

/* Find ID in any state. 1 found (item filled), 0 not there, -1 error. */
int kv_outbox_find(const struct kv_outbox *ob, const char *id, struct kv_outbox_item *item,
		   char *err, size_t errlen);

/* Add an extract in state (PENDING or READY) with its record. 1 when ID is
 * already in the outbox in any state (nothing written; quarantine/ does not
 * count), 0 added, -1 error (nothing left behind but, perhaps, its record). */
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

/*
 * Read an extract's manifest.json and data.csv (regular files, not through
 * a symbolic link, at most KV_OUTBOX_FILE_MAX bytes each) and check them
 * against the record export wrote. 0: p holds them and they match (free it
 * with kv_outbox_payload_free); 1: they must not be sent (no record, not
 * matching it, a file missing or not a regular file, the directory not
 * kvalind's): why says which, nothing to free; -1: a read error (why).
 */
int kv_outbox_load(const struct kv_outbox *ob, const struct kv_outbox_item *item,
		   struct kv_outbox_payload *p, char *why, size_t whylen);
void kv_outbox_payload_free(struct kv_outbox_payload *p);

/* Move an extract (or whatever is at item->path) to quarantine/, with the
 * reason; it is never sent. 0, or -1 with err. */
KV_MUST_CHECK int kv_outbox_quarantine(struct kv_outbox *ob, const struct kv_outbox_item *item,
				       const char *reason, char *err, size_t errlen);

/* What is in quarantine/: id (the quarantine entry's name), path, and the
 * reason in last_error; state is meaningless. Caller frees *items. */
int kv_outbox_list_quarantine(const struct kv_outbox *ob, struct kv_outbox_item **items,
			      size_t *n, char *err, size_t errlen);

/* `kvalind retry`: a refused extract moves back to ready, a ready one
 * forgets its failed attempts; either way the next push tries it at once.
 * Other states are an error naming them. 0, or -1 with err. */
KV_MUST_CHECK int kv_outbox_retry(struct kv_outbox *ob, struct kv_outbox_item *item, char *err,
				  size_t errlen);

#endif /* KVALIND_OUTBOX_H */
