/*
 * hub_receipt.c - signing the receipts of stored extracts with the hub's
 * TLS key (hub_receipt.h; the office's side is core/receipt.c)
 *
 * OpenSSL (libcrypto) reads the key and certificates and signs; the TLS
 * itself stays GnuTLS's (hub_server.c). The certificate file is decoded
 * once and written again as plain PEM, so that the office's strict parser
 * sees only certificate blocks whatever else the file holds.
 */
#include "hub_receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sha256.h"
#include "util.h"

#define CERTS_MAX 8 /* the office takes at most 8 */

struct hub_signer {
	EVP_PKEY *key;
	const EVP_MD *md; /* SHA-256, or NULL for EdDSA */
	char *chain;      /* the certificates, PEM */
	size_t chain_len;
};

static void openssl_error(const char *what, char *err, size_t errlen)
{
	char text[256] = "";
	unsigned long e = ERR_peek_last_error();
	if (e != 0)
		ERR_error_string_n(e, text, sizeof text);
	kv_snprintf(err, errlen, "%s%s%s", what, e != 0 ? ": " : "", text);
	ERR_clear_error();
}

/* Never asks for a passphrase: an encrypted key is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return 0;
}

struct hub_signer *hub_signer_new(const char *key_pem, const char *cert_pem, char *err,
				  size_t errlen)
{
	struct hub_signer *s = kv_xcalloc(1, sizeof *s);
	BIO *in = NULL, *out = NULL;
	X509 *first = NULL;
	in = BIO_new_mem_buf(key_pem, -1);
	if (in == NULL || (s->key = PEM_read_bio_PrivateKey(in, NULL, no_passphrase, NULL)) == NULL) {
		openssl_error("cannot read the server key to sign receipts (an unencrypted PEM "
			      "key is needed)",
			      err, errlen);
		goto fail;
	}
	BIO_free(in);
	int type = EVP_PKEY_get_base_id(s->key);
	if (type == EVP_PKEY_RSA || type == EVP_PKEY_EC)
		s->md = EVP_sha256();
	else if (type != EVP_PKEY_ED25519 && type != EVP_PKEY_ED448) {
		kv_snprintf(err, errlen, "the server key is neither RSA, ECDSA nor EdDSA: it cannot "
					 "sign receipts");
		goto fail;
	}
	in = BIO_new_mem_buf(cert_pem, -1);
	out = BIO_new(BIO_s_mem());
	if (in == NULL || out == NULL) {
		kv_snprintf(err, errlen, "out of memory");
		goto fail;
	}
	int n = 0;
	X509 *x;
	while ((x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
		if (++n > CERTS_MAX) {
			X509_free(x);
			kv_snprintf(err, errlen, "the server certificate file holds more than %d "
						 "certificates",
				    CERTS_MAX);
			goto fail;
		}
		int ok = PEM_write_bio_X509(out, x);
		if (first == NULL)
			first = x;
		else
			X509_free(x);
		if (ok != 1) {
			openssl_error("cannot write the server certificate", err, errlen);
			goto fail;
		}
	}
	ERR_clear_error(); /* the end of the file */
	if (first == NULL) {
		kv_snprintf(err, errlen, "the server certificate file holds no certificate");
		goto fail;
	}
	if (X509_check_private_key(first, s->key) != 1) {
		openssl_error("the server key does not belong to the server certificate", err,
			      errlen);
		goto fail;
	}
	char *mem = NULL;
	long len = BIO_get_mem_data(out, &mem);
	if (len <= 0 || mem == NULL) {
		kv_snprintf(err, errlen, "cannot write the server certificate");
		goto fail;
	}
	s->chain = kv_xcalloc((size_t)len + 1, 1);
	memcpy(s->chain, mem, (size_t)len);
	s->chain_len = (size_t)len;
	BIO_free(in);
	BIO_free(out);
	X509_free(first);
	return s;
fail:
	BIO_free(in);
	BIO_free(out);
	X509_free(first);
	hub_signer_free(s);
	return NULL;
}

void hub_signer_free(struct hub_signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->key);
	free(s->chain);
	free(s);
}

int hub_receipt_make(const struct hub_signer *s, const char *status, const char *participant,
		     const char *extract_id, const char *manifest, size_t manifest_len,
		     const char *data, size_t data_len, time_t stored, char **body, size_t *len,
		     char *err, size_t errlen)
{
	int rc = -1;
	char msha[KV_SHA256_HEX_SIZE], dsha[KV_SHA256_HEX_SIZE], when[32], text[1024];
	unsigned char *sig = NULL;
	char *b64 = NULL;
	EVP_MD_CTX *ctx = NULL;
	struct tm tm;
	*body = NULL;
	*len = 0;
	if (kv_sha256_hex(manifest, manifest_len, msha, err, errlen) != 0 ||
	    kv_sha256_hex(data, data_len, dsha, err, errlen) != 0)
		goto done;
	if (gmtime_r(&stored, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		kv_snprintf(err, errlen, "cannot format the time");
		goto done;
	}
	if (kv_snprintf(text, sizeof text,
			"kvalind-receipt 1\nparticipant: %s\nextract: %s\nmanifest-sha256: %s\n"
			"data-sha256: %s\nstored: %s\n",
			participant, extract_id, msha, dsha, when) != 0) {
		kv_snprintf(err, errlen, "the receipt is too long");
		goto done;
	}
	size_t text_len = strlen(text), sig_len = 0;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, s->md, NULL, s->key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &sig_len, (const unsigned char *)text, text_len) != 1) {
		openssl_error("cannot sign the receipt", err, errlen);
		goto done;
	}
	sig = kv_xcalloc(sig_len, 1);
	if (EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)text, text_len) != 1) {
		openssl_error("cannot sign the receipt", err, errlen);
		goto done;
	}
	b64 = kv_xcalloc(4 * ((sig_len + 2) / 3) + 1, 1);
	int n = EVP_EncodeBlock((unsigned char *)b64, sig, (int)sig_len);
	if (n <= 0) {
		kv_snprintf(err, errlen, "cannot encode the signature");
		goto done;
	}
	size_t status_len = strlen(status);
	size_t total = status_len + 1 + text_len + strlen("signature: \n") + (size_t)n + s->chain_len;
	char *out = kv_xcalloc(total + 1, 1);
	size_t o = 0;
	memcpy(out + o, status, status_len);
	o += status_len;
	out[o++] = '\n';
	memcpy(out + o, text, text_len);
	o += text_len;
	memcpy(out + o, "signature: ", 11);
	o += 11;
	memcpy(out + o, b64, (size_t)n);
	o += (size_t)n;
	out[o++] = '\n';
	memcpy(out + o, s->chain, s->chain_len);
	o += s->chain_len;
	*body = out;
	*len = o;
	rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	free(sig);
	free(b64);
	return rc;
}
