/*
 * fuzz_receipt.c - the hub's receipts as the office reads them
 * (core/receipt.c): the strict parser (lines, hex, the date, canonical
 * base64, the framing of the PEM certificates, sizes), then for what parses
 * the signature and the certificate chain (OpenSSL: EVP_DigestVerify,
 * X509_verify_cert at the receipt's time against a fixed test CA), the
 * match against a fixed extract, and the comparison with a connection's
 * certificate (the input itself read as one).
 *
 * The input is the receipt, as it would follow the status line of the
 * hub's reply. The seeds (corpus/receipt/) are a receipt signed by the
 * server of the CA below (made with the openssl command), and it cut,
 * edited, with two certificates and with text after them.
 *
 * Checks: a parsed receipt has well-formed fields; a valid one is for the
 * fixed extract.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "receipt.h"

#define ID "office-17_2024-05_0123456789abcdef"
/* SHA-256 of the seed's manifest and data (what the office sent) */
#define MANIFEST_SHA "e3d8ff09fa69546f371fd23e7339f10f25a51fb37556527d17af5f53d8c17aec"
#define DATA_SHA "226adc9686c95ecfc75816787042efbc0a9072622255f29f9d8cc97056cc128f"

/* A CA made for this target with the openssl command (valid to 2126). */
static const char ca_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBnDCCAUGgAwIBAgIUHmWbz8EvfoBO0duGEES0gFx3fKAwCgYIKoZIzj0EAwIw\n"
	"GjEYMBYGA1UEAwwPa3ZhbGluZCBmdXp6IENBMCAXDTI2MTIwNzE3MTc0NFoYDzIx\n"
	"MjYxMTEzMTcxNzQ0WjAaMRgwFgYDVQQDDA9rdmFsaW5kIGZ1enogQ0EwWTATBgcq\n"
	"hkjOPQIBBggqhkjOPQMBBwNCAAQwNPvZHd1tXh/XjWnAoP7r6etjKFJ1B4OCNowO\n"
	"jX5cV01KLMjKEXU4J8VMTu6ma8F5+pcT7xB9Zn8sSoU+x4h4o2MwYTAdBgNVHQ4E\n"
	"FgQUFpi/A/1Yh2hbSql17aLUfy1rlMcwHwYDVR0jBBgwFoAUFpi/A/1Yh2hbSql1\n"
	"7aLUfy1rlMcwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZI\n"
	"zj0EAwIDSQAwRgIhANo5vBaQs4n6iDnyKKLJ/nEMSVMKio+yzeG3B+VqVWplAiEA\n"
	"3ff0At0JMqZY6b6b9TFbN9rBoan4dg2oFZu2FmSN9UI=\n"
	"-----END CERTIFICATE-----\n";

static struct kv_receipt_trust *trust;
static volatile size_t sink;

static void open_trust(void)
{
	char path[64], err[512];
	int fd = memfd_create("ca.pem", 0);
	if (fd < 0 || write(fd, ca_pem, sizeof ca_pem - 1) != (ssize_t)(sizeof ca_pem - 1))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	trust = kv_receipt_trust_open(path, err, sizeof err);
	close(fd);
	if (trust == NULL) {
		fprintf(stderr, "fuzz_receipt: %s\n", err);
		abort();
	}
}

static void check_fields(const struct kv_receipt *r)
{
	if (strlen(r->participant) == 0 || strlen(r->extract_id) == 0 ||
	    strlen(r->manifest_sha256) != 64 || strlen(r->data_sha256) != 64 ||
	    strlen(r->stored) != 20 || r->stored_time < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[1024];
	if (trust == NULL)
		open_trust();
	const char *text = (const char *)data;
	struct kv_receipt *r = NULL;
	if (kv_receipt_parse(text, size, &r, why, sizeof why) != 0) {
		if (r != NULL || why[0] == '\0')
			abort();
		return 0;
	}
	check_fields(r);
	int verified = kv_receipt_verify(r, trust, why, sizeof why);
	int matched = kv_receipt_match(r, ID, "office-17", MANIFEST_SHA, DATA_SHA, why,
				       sizeof why);
	if (matched == 0 && strcmp(r->extract_id, ID) != 0)
		abort();
	if (kv_receipt_signed_by(r, text, size, why, sizeof why) == 0)
		sink++; /* the input's first certificate is the signer's, as it must be */
	char p[128];
	(void)kv_receipt_id_participant(r->extract_id, p, sizeof p);
	int all = kv_receipt_check(text, size, trust, ID, "office-17", MANIFEST_SHA, DATA_SHA, why,
				   sizeof why);
	if ((all == 0) != (verified == 0 && matched == 0))
		abort();
	kv_receipt_free(r);
	return 0;
}
