/*
 * sha256.h - SHA-256 digests as lower-case hex, through OpenSSL's EVP
 * interface (libcrypto). kvalind never implements a hash itself.
 *
 * Errors: each function returns 0, or -1 with a message in err (an OpenSSL
 * failure, or the file that could not be read and why).
 */
#ifndef KVALIND_SHA256_H
#define KVALIND_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define KV_SHA256_HEX_SIZE 65 /* 64 hex digits and the terminating NUL */

/* Digest of len bytes at data into hex. */
KV_MUST_CHECK int kv_sha256_hex(const void *data, size_t len, char hex[KV_SHA256_HEX_SIZE],
				char *err, size_t errlen);

/* Digest of a whole file; *size (when not NULL) gets its length in bytes. */
KV_MUST_CHECK int kv_sha256_file_hex(const char *path, char hex[KV_SHA256_HEX_SIZE],
				     uint64_t *size, char *err, size_t errlen);

/* Whether the n bytes at p are a digest as written here: exactly 64
 * lower-case hex digits. */
bool kv_sha256_hex_valid(const char *p, size_t n);

#endif /* KVALIND_SHA256_H */
