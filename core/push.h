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
 * Outcome by reply:
 *   2xx                               KV_PUSH_DELIVERED
 *   408, 425, 429, 5xx, no reply,
 *   connection or TLS failure         KV_PUSH_RETRY   (keep, try later)
 *   other 4xx (and 3xx: no redirects) KV_PUSH_REFUSED (the receiver will not
 *                                     take it; keep it, tell a person)
 * The detail names what happened: "HTTP STATUS: FIRST LINE" (the reply's
 * body up to its first line break, at most 200 characters, anything but
 * printable ASCII shown as '?'), or libcurl's error text.
 *
 * Directory (transport = directory): the extract becomes two files in
 * drop_dir, EXTRACT_ID.csv and then EXTRACT_ID.json (the manifest last, so a
 * pickup that waits for *.json never sees a half extract); each is written to
 * a hidden temporary name ".EXTRACT_ID.*.tmp", fsynced, renamed, and the
 * directory fsynced. An EXTRACT_ID.json already there means it was delivered
 * before: DELIVERED, nothing written twice. A failure (permissions, a full
 * disk) is RETRY with the path and the system's reason in the detail; no
 * temporary file is left behind. Files are created mode 0644 less the umask.
 *
 * Either transport: an outbox file that cannot be read is RETRY (detail
 * names it); an extract id that is not 1 to 200 letters, digits, '-', '_' or
 * '.' (not starting with '.') is REFUSED without sending anything.
 *
 * Ownership: kv_push_open returns a target the caller frees with
 * kv_push_close. Errors from kv_push_open (a missing url, an unreadable
 * certificate, a key file others can read) go to d as configuration errors
 * naming the key.
 */
#ifndef KVALIND_PUSH_H
#define KVALIND_PUSH_H

#include <stddef.h>

#include "config.h"
#include "diag.h"

enum kv_push_outcome {
	KV_PUSH_DELIVERED = 0, /* the receiver has it (now or before) */
	KV_PUSH_RETRY = 1,     /* not delivered; try again later */
	KV_PUSH_REFUSED = 2    /* the receiver refused it; retrying will not help */
};

struct kv_push_target;

/* Read [push] (transport https or directory). NULL with errors in d. A
 * transport of "none" is an error here too ("push is not configured"). */
struct kv_push_target *kv_push_open(const struct kv_config *cfg, struct kv_diags *d);

/* Where payloads go, for the ledger and logs: the URL (without any user or
 * password part) or "directory:PATH". Borrowed. */
const char *kv_push_destination(const struct kv_push_target *t);

/* Send one extract. manifest and csv are paths of the outbox's files. */
enum kv_push_outcome kv_push_send(struct kv_push_target *t, const char *extract_id,
				  const char *manifest, const char *csv, char *detail,
				  size_t detail_len);

void kv_push_close(struct kv_push_target *t);

#endif /* KVALIND_PUSH_H */
