/*
 * sha256.c - SHA-256 as lower-case hex through OpenSSL's EVP interface
 *
 * Ownership: nothing is returned that the caller must free; the digest
 * context and the file are released on every path.
 * Errors: 0, or -1 with the reason in err (an OpenSSL failure, or the file
 * and errno's text).
 */
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#define READ_CHUNK 65536

static void to_hex(const unsigned char *md, unsigned int n, char hex[KV_SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned int i = 0; i < n && i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[64] = '\0';
}

/* Finish ctx into hex; 0 or -1 with err. */
static int finish(EVP_MD_CTX *ctx, char hex[KV_SHA256_HEX_SIZE], char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(ctx, md, &n) != 1 || n != 32) {
		kv_snprintf(err, errlen, "sha-256: openssl could not finish the digest");
		return -1;
	}
	to_hex(md, n, hex);
	return 0;
}

int kv_sha256_hex(const void *data, size_t len, char hex[KV_SHA256_HEX_SIZE], char *err,
		  size_t errlen)
{
	int ret = -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		kv_snprintf(err, errlen, "sha-256: openssl could not create a digest context");
		goto done;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    (len > 0 && EVP_DigestUpdate(ctx, data, len) != 1)) {
		kv_snprintf(err, errlen, "sha-256: openssl could not compute the digest");
		goto done;
	}
	ret = finish(ctx, hex, err, errlen);
done:
	EVP_MD_CTX_free(ctx);
	return ret;
}

int kv_sha256_file_hex(const char *path, char hex[KV_SHA256_HEX_SIZE], uint64_t *size, char *err,
		       size_t errlen)
{
	int ret = -1;
	int fd = -1;
	unsigned char *buf = NULL;
	uint64_t total = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		kv_snprintf(err, errlen, "sha-256: openssl could not create a digest context");
		goto done;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		kv_snprintf(err, errlen, "sha-256: openssl could not start the digest");
		goto done;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kv_snprintf(err, errlen, "could not open \"%s\": %s", path, strerror(errno));
		goto done;
	}
	buf = kv_xcalloc(READ_CHUNK, 1);
	for (;;) {
		ssize_t n = read(fd, buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kv_snprintf(err, errlen, "could not read \"%s\": %s", path,
				    strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			kv_snprintf(err, errlen, "sha-256: openssl could not compute the digest");
			goto done;
		}
		total += (uint64_t)n;
	}
	if (finish(ctx, hex, err, errlen) != 0)
		goto done;
	if (size != NULL)
		*size = total;
	ret = 0;
done:
	free(buf);
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	return ret;
}

bool kv_sha256_hex_valid(const char *p, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}
