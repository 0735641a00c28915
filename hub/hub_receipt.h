/*
 * hub_receipt.h - the receipt the hub signs for each extract it holds
 *
 * A stored extract (201), or one sent again that the hub holds already
 * (200), is answered with a receipt that the office keeps beside its ledger
 * (core/receipt.h has the format and how the office checks it):
 *
 *   STATUS LINE                    "stored", "already stored", ... as before
 *   kvalind-receipt 1
 *   participant: ID                the participant of the client certificate
 *   extract: EXTRACT_ID
 *   manifest-sha256: HEX           of the manifest part as received
 *   data-sha256: HEX               of the data part as received
 *   stored: YYYY-MM-DDTHH:MM:SSZ   now (UTC)
 *   signature: BASE64              EVP_DigestSign over the six lines above,
 *                                  SHA-256 (RSA, ECDSA) or none (EdDSA)
 *   -----BEGIN CERTIFICATE-----    the hub's TLS certificate file ([tls]
 *   ...                            cert), each certificate written again as
 *                                  plain PEM
 *
 * The key is the hub's TLS server key ([tls] key), read once at start-up
 * (hub_listen, before the switch to [hub] user), and it must belong to the
 * first certificate of [tls] cert.
 *
 * Ownership: hub_signer_new returns a signer freed with hub_signer_free; it
 * may be used by several threads at once. hub_receipt_make's *body is
 * malloc'd; the caller frees it.
 */
#ifndef KVALIND_HUB_RECEIPT_H
#define KVALIND_HUB_RECEIPT_H

#include <stddef.h>
#include <time.h>

#define HUB_RECEIPT_MEDIA_TYPE "application/vnd.kvalind.receipt"

struct hub_signer;

/* From the PEM text of the TLS key (unencrypted) and certificate file.
 * NULL with err when either cannot be read or they do not belong together. */
struct hub_signer *hub_signer_new(const char *key_pem, const char *cert_pem, char *err,
				  size_t errlen);
void hub_signer_free(struct hub_signer *s);

/* The reply body for a stored extract: status (one line), then the signed
 * receipt and the certificates. 0 with *body and *len, or -1 with err. */
int hub_receipt_make(const struct hub_signer *s, const char *status, const char *participant,
		     const char *extract_id, const char *manifest, size_t manifest_len,
		     const char *data, size_t data_len, time_t stored, char **body, size_t *len,
		     char *err, size_t errlen);

#endif /* KVALIND_HUB_RECEIPT_H */
