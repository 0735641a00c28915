/*
 * receipt.h - the hub's signed receipt for a stored extract: parsing,
 * checking, keeping it beside the ledger, and `kvalind ledger verify`'s
 * receipt part
 *
 * A receipt is text, as kvalind-hub sends it in the body of its 201/200
 * reply (after the reply's one-line status) with the Content-Type
 * application/vnd.kvalind.receipt:
 *
 *   kvalind-receipt 1
 *   participant: PARTICIPANT       the office the hub authenticated (the
 *                                  client certificate's CN)
 *   extract: EXTRACT_ID
 *   manifest-sha256: HEX           of the manifest part, bytes as received
 *   data-sha256: HEX               of the data part, bytes as received
 *   stored: YYYY-MM-DDTHH:MM:SSZ   when the hub stored it (a resend of an
 *                                  extract it holds: when it said so)
 *   signature: BASE64              over the six lines above, each with its
 *                                  '\n', exactly as they stand
 *   -----BEGIN CERTIFICATE-----    the signer's certificate (the hub's TLS
 *   ...                            server certificate), then any
 *   -----END CERTIFICATE-----      intermediates: 1 to 8, PEM, nothing else
 *
 * Lines end in '\n' only; fields are in this order, each once; the hex is 64
 * lower-case digits; the base64 is canonical (padded, no line breaks). The
 * signature is EVP_DigestSign with SHA-256 (RSA, ECDSA) or none (Ed25519,
 * Ed448) by the key of the first certificate.
 *
 * A receipt is valid when it parses, its signature verifies with the first
 * certificate's public key, and that certificate chains to the office's
 * [push] ca_file (the system's CAs when unset) for TLS server use at the
 * receipt's stored time (so a certificate that expired since does not
 * invalidate old receipts), and it is for what was sent: the extract id,
 * the participant and both SHA-256. Everything else is untrusted input: a
 * receipt is at most KV_RECEIPT_MAX bytes and any bytes are refused with a
 * reason, never a crash.
 *
 * Files: STATE_DIR/receipts/ID.receipt is a valid receipt as received;
 * ID.invalid what a receiver sent as the receipt of ID that did not verify
 * when it arrived (kept for a person to look at). Both are written
 * atomically (core/atomic.h), mode 0600; the directory is made 0700 and
 * must pass the state directory's checks (owner, not writable by others,
 * not a link).
 *
 * Ownership: kv_receipt_parse and kv_receipt_trust_open return objects the
 * caller frees with kv_receipt_free / kv_receipt_trust_close.
 * Errors: 0, or -1 with the reason in why/err (what is wrong with the
 * receipt, or what could not be done here).
 */
#ifndef KVALIND_RECEIPT_H
#define KVALIND_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "sha256.h"
#include "util.h"

#define KV_RECEIPT_MAX (64u * 1024u) /* bytes, whole receipt */
#define KV_RECEIPT_MEDIA_TYPE "application/vnd.kvalind.receipt"
#define KV_RECEIPT_MAGIC "kvalind-receipt 1\n"
#define KV_RECEIPT_ID_MAX 200      /* extract id, as the push layer takes it */
#define KV_RECEIPT_PARTICIPANT_MAX 100
#define KV_RECEIPT_CERTS_MAX 8

struct kv_receipt_crypto; /* the signature and the certificates (receipt.c) */

struct kv_receipt {
	char participant[KV_RECEIPT_PARTICIPANT_MAX + 1];
	char extract_id[KV_RECEIPT_ID_MAX + 1];
	char manifest_sha256[KV_SHA256_HEX_SIZE];
	char data_sha256[KV_SHA256_HEX_SIZE];
	char stored[24]; /* as written */
	time_t stored_time;
	struct kv_receipt_crypto *crypto;
};

/* Parse len bytes (any bytes: NULs, no final newline, too many) into *out.
 * 0, or -1 with why ("line 4 (manifest-sha256) is not 64 lower-case hex
 * digits"). */
KV_MUST_CHECK int kv_receipt_parse(const char *data, size_t len, struct kv_receipt **out,
				   char *why, size_t whylen);
void kv_receipt_free(struct kv_receipt *r);

/* The CAs receipts must chain to: ca_file (PEM, one or more certificates),
 * or the system's when NULL. NULL with err when it cannot be read. */
struct kv_receipt_trust;
struct kv_receipt_trust *kv_receipt_trust_open(const char *ca_file, char *err, size_t errlen);
void kv_receipt_trust_close(struct kv_receipt_trust *t);

/* The signature and the certificate chain (see the top). 0, or -1 with why
 * ("the signature does not verify", "its certificate does not chain to
 * ca_file at 2026-12-08T03:00:00Z: unable to get local issuer
 * certificate"). */
KV_MUST_CHECK int kv_receipt_verify(const struct kv_receipt *r, const struct kv_receipt_trust *t,
				    char *why, size_t whylen);

/* Whether the receipt is for this: extract_id; participant (NULL: not
 * checked); manifest_sha256; data_sha256 (NULL or "": not checked). 0, or
 * -1 naming the first field that differs. */
KV_MUST_CHECK int kv_receipt_match(const struct kv_receipt *r, const char *extract_id,
				   const char *participant, const char *manifest_sha256,
				   const char *data_sha256, char *why, size_t whylen);

/* Whether the receipt's signing certificate is cert_pem (PEM, e.g. the
 * certificate the TLS connection was made to). 0, or -1 with why. */
KV_MUST_CHECK int kv_receipt_signed_by(const struct kv_receipt *r, const char *cert_pem,
				       size_t len, char *why, size_t whylen);

/* Parse, verify and match in one (participant, data_sha256 as above). 0, or
 * -1 with why. */
KV_MUST_CHECK int kv_receipt_check(const char *data, size_t len, const struct kv_receipt_trust *t,
				   const char *extract_id, const char *participant,
				   const char *manifest_sha256, const char *data_sha256,
				   char *why, size_t whylen);

/* The participant an extract id names: kvalind's ids are
 * PARTICIPANT_YYYY-MM_HEX16. false when id is not of that form. */
bool kv_receipt_id_participant(const char *id, char *out, size_t size);

/* The subject CN of the first certificate in a PEM file (the office's
 * client certificate: the participant the hub authenticates). 0, or -1 with
 * err. */
int kv_receipt_cert_cn(const char *path, char *out, size_t size, char *err, size_t errlen);

/* ---- the files ------------------------------------------------------------- */

enum kv_receipt_file { KV_RECEIPT_FILE_VALID, KV_RECEIPT_FILE_INVALID };

/* STATE_DIR/receipts for the ledger STATE_DIR/ledger. 0, or -1 when it does
 * not fit. */
int kv_receipt_dir(const char *ledger, char *out, size_t size);

/* Keep data as dir/ID.receipt (VALID) or dir/ID.invalid (INVALID),
 * atomically, creating dir (0700); the other of the two, if there, is
 * removed. 0, or -1 with err. */
KV_MUST_CHECK int kv_receipt_store(const char *dir, const char *extract_id,
				   enum kv_receipt_file kind, const char *data, size_t len,
				   char *err, size_t errlen);

/* Read dir/ID.receipt or .invalid (a regular file, not through a link, at
 * most KV_RECEIPT_MAX bytes) into *data (NUL-terminated, caller frees).
 * 0; 1 when there is none; -1 with err. */
int kv_receipt_load(const char *dir, const char *extract_id, enum kv_receipt_file kind,
		    char **data, size_t *len, char *err, size_t errlen);

/* ---- `kvalind ledger verify` ------------------------------------------------ */

struct kv_receipt_tally {
	size_t sent;      /* entries of an HTTPS send */
	size_t valid;     /* ... with a valid receipt that matches the entry */
	size_t missing;   /* ... without a receipt */
	size_t invalid;   /* ... whose receipt is invalid or does not match */
	size_t directory; /* entries of a drop directory: no receipt expected */
};

/*
 * Check the receipt of every ledger entry that records an HTTPS send (its
 * destination starts with "https://"): dir/ID.receipt valid (chaining to
 * ca_file, NULL: the system's CAs) and matching the entry (extract id, the
 * participant it names, manifest SHA-256, and the data's SHA-256 when the
 * entry records it). report (may be NULL) gets one line per problem naming
 * the extract ("ID: receipt invalid: ...", "ID: no receipt ..."). office_id
 * (may be NULL) is the participant expected when an extract id does not
 * name one. 0 with the tally, or -1 with err when the ledger cannot be read
 * or ca_file (needed only when there is an HTTPS entry) cannot.
 */
int kv_receipts_verify(const char *ledger, const char *dir, const char *ca_file,
		       const char *office_id, FILE *report, struct kv_receipt_tally *tally,
		       char *err, size_t errlen);

#endif /* KVALIND_RECEIPT_H */
