/*
 * push.h - sending one extract out of the office: HTTPS POST (libcurl) or a
 * drop directory
 *
 * kvalind only connects out; it never listens. The push layer sends one
 * extract (its manifest.json and data.csv, both already in the outbox) and
 * says what happened; the outbox decides about retries, the ledger and
 * moving the extract (see outbox.h).
 *
 * HTTPS (transport = https): one POST to [push] url, multipart/form-data
 * with two parts:
 *   "manifest"  filename "manifest.json", type application/json
 *   "data"      filename "data.csv",      type text/csv
 * and the header "Idempotency-Key: EXTRACT_ID", so a resend after a lost
 * reply is recognised by the receiver as the same extract. The receiver's
 * certificate is always verified (against ca_file, else the system's CAs;
 * peer and host name); verification is never switched off. With client_cert
 * and client_key (and key_passphrase) the office authenticates with its
 * client certificate (client_cert and client_key: both or neither; the key
 * must not be readable by group or others). Connect timeout 30 s, whole
 * request 300 s (tests may shorten both with the environment variable
 * KVALIND_PUSH_TIMEOUT=SECONDS: the request gets SECONDS, the connect the
 * lesser of SECONDS and 30). Only https:// URLs are accepted; a URL with a
 * user name or password ("https://user:pass@host/") is refused by
 * kv_push_open, never silently stripped, and its password is never repeated
 * in the error. libcurl honours the usual https_proxy/no_proxy variables.
 * The request is driven by curl's multi interface in steps of at most 200
 * ms, so a cancel flag (kv_push_set_cancel: the daemon's SIGTERM) ends a send
 * within a fraction of a second at any stage: name lookup, connect, TLS
 * handshake, upload, or waiting for a receiver that never answers.
 *
 * Outcome by reply (the receiver's reply contract, see README "Outbox,
 * approval and push"):
 *   2xx (201 stored, 200 already stored)   KV_PUSH_DELIVERED
 *   422 with a one-line reason             KV_PUSH_REFUSED: the receiver's
 *                                          verdict that the content is
 *                                          invalid; the only final refusal
 *   anything else: 3xx (redirects are never followed), 400, 401, 403, 404,
 *   405, 408, 411, 413, 415, 425, 429, other 4xx, 5xx, no reply, a
 *   timeout, a connection or TLS failure            KV_PUSH_RETRY
 *   the cancel flag was set                         KV_PUSH_CANCELLED
 * A RETRY is receiver_wide when every other extract would meet the same
 * problem now, so a run should not try more: no connection (name lookup,
 * connect, TLS, timeout, no or a broken reply), a redirect, 401, 403, 404,
 * 405, 408, 411, 415, 429, 502, 503, 504. Not receiver_wide (may be this
 * extract's): 400, 413, 500 and the other 4xx and 5xx.
 * The detail names what happened: "HTTP STATUS: FIRST LINE" (the reply's
 * body up to its first line break, at most 200 characters, anything but
 * printable ASCII shown as '?'), or libcurl's error text. The status says it
 * for a person, with what to check: "the receiver refused our certificate
 * (HTTP 401: ...) - check [push] client_cert and client_key, and that the
 * receiver has registered this office".
 *
 * Receipts (HTTPS): a 2xx reply may carry the hub's signed receipt
 * (receipt.h), the body after its one-line status (or the whole body),
 * recognised by its first line "kvalind-receipt 1" or the Content-Type
 * application/vnd.kvalind.receipt; at most KV_RECEIPT_MAX bytes are taken.
 * It is checked at once: it parses; it is for this extract id, the
 * participant the id names (else the client certificate's CN, when that is
 * a participant id), the SHA-256 of the manifest and of the data sent; its
 * signature verifies with its first certificate, which chains to ca_file
 * (else the system's CAs) for TLS server use at the receipt's stored time,
 * and is the certificate the TLS connection was made to (as libcurl reports
 * it, CURLINFO_CERTINFO; not checked when libcurl does not). The result's
 * `receipt` says VALID, INVALID (receipt_problem says why) or MISSING (a
 * 2xx without one); kv_push_receipt gives the bytes of a VALID or INVALID
 * one. None of this changes the outcome: the receiver has the extract.
 *
 * Directory (transport = directory): the extract becomes two files in
 * drop_dir, EXTRACT_ID.csv and then EXTRACT_ID.json (the manifest last, so a
 * pickup that waits for *.json never sees a half extract); each is written to
 * a hidden temporary name ".EXTRACT_ID.*.tmp", fsynced, renamed, and the
 * directory fsynced. An EXTRACT_ID.json already there means it was delivered
 * before: DELIVERED, nothing written twice. A failure (permissions, a full
 * disk, a missing directory) is a receiver_wide RETRY with the path and the
 * system's reason in the detail; no temporary file is left behind. Files
 * are created mode 0644 less the umask.
 *
 * Either transport sends the bytes it is given (the outbox reads and
 * checks them first: outbox.h), never re-reading a file. An extract id that
 * is not 1 to 200 letters, digits, '-', '_' or '.' (not starting with '.')
 * is REFUSED without sending anything.
 *
 * Ownership: kv_push_open returns a target the caller frees with
 * kv_push_close. Errors from kv_push_open (a missing url, an unreadable
 * certificate, a key file others can read) go to d as configuration errors
 * naming the key.
 */
#ifndef KVALIND_PUSH_H
#define KVALIND_PUSH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "diag.h"

enum kv_push_outcome {
	KV_PUSH_DELIVERED = 0, /* the receiver has it (now or before) */
	KV_PUSH_RETRY = 1,     /* not delivered; try again later */
	KV_PUSH_REFUSED = 2,   /* the receiver's verdict (422): the content is invalid */
	KV_PUSH_CANCELLED = 3  /* stopped by the cancel flag; nothing was decided */
};

/* The receipt of a delivered HTTPS send (see Receipts above). */
enum kv_push_receipt {
	KV_PUSH_RECEIPT_NONE = 0, /* not a delivered HTTPS send: no receipt expected */
	KV_PUSH_RECEIPT_VALID,    /* valid, for what was sent */
	KV_PUSH_RECEIPT_INVALID,  /* there is one, and it does not verify or match */
	KV_PUSH_RECEIPT_MISSING   /* the 2xx reply has none */
};

/* What one send did. */
struct kv_push_result {
	enum kv_push_outcome outcome;
	bool receiver_wide; /* RETRY for a reason every extract meets now: stop the run */
	long http_status;   /* 0: no HTTP reply */
	char detail[1024];  /* "HTTP 401: FIRST LINE", libcurl's error, the path and errno */
	char status[1536];  /* the detail for a person, with what to check */
	enum kv_push_receipt receipt;
	char receipt_problem[1024]; /* INVALID, MISSING: why, one line */
};

/* The bytes of one extract, as the outbox read and checked them. */
struct kv_push_payload {
	const char *manifest;
	size_t manifest_len;
	const char *csv;
	size_t csv_len;
};

struct kv_push_target;

/* Read [push] (transport https or directory). NULL with errors in d. A
 * transport of "none" is an error here too ("push is not configured"). */
struct kv_push_target *kv_push_open(const struct kv_config *cfg, struct kv_diags *d);

/* What `kvalind check-config` checks: exactly kv_push_open's rules (the
 * URL, the files, the key's mode, the drop directory), with nothing kept.
 * transport = none (or unset) is not an error here. */
void kv_push_check(const struct kv_config *cfg, struct kv_diags *d);

/* Where payloads go, for the ledger and logs: the URL (without any user or
 * password part) or "directory:PATH". Borrowed. */
const char *kv_push_destination(const struct kv_push_target *t);

/* When *cancel becomes non-zero, a send in progress stops within about 200
 * ms (KV_PUSH_CANCELLED) and kv_push_cancelled says so. NULL: never. */
void kv_push_set_cancel(struct kv_push_target *t, volatile sig_atomic_t *cancel);
bool kv_push_cancelled(const struct kv_push_target *t);

/* Send one extract. r (required) gets the outcome, which is also returned. */
enum kv_push_outcome kv_push_send(struct kv_push_target *t, const char *extract_id,
				  const struct kv_push_payload *p, struct kv_push_result *r);

/* The bytes of the last send's receipt (VALID or INVALID; at most
 * KV_RECEIPT_MAX), *len their number; NULL when it had none. Borrowed: valid
 * until the next send or kv_push_close. */
const char *kv_push_receipt(const struct kv_push_target *t, size_t *len);

void kv_push_close(struct kv_push_target *t);

#endif /* KVALIND_PUSH_H */
