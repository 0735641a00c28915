/*
 * receipt.c - the hub's signed receipts: strict parsing of untrusted bytes,
 * the signature and certificate chain through OpenSSL, the files beside
 * the ledger, and the receipt part of `kvalind ledger verify` (receipt.h)
 *
 * Nothing here trusts the input: lengths are bounded before anything is
 * copied, every field has a fixed form, the base64 must be canonical (it is
 * encoded again and compared), and the certificates are framed here (only
 * PEM CERTIFICATE blocks, nothing between or after them) before OpenSSL
 * decodes each one on its own.
 *
 * Ownership: as in receipt.h; OpenSSL objects live in struct
 * kv_receipt_crypto and struct kv_receipt_trust and are freed with them.
 */
#define _GNU_SOURCE /* O_NOFOLLOW */
#include "receipt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "atomic.h"
#include "ledger.h"
#include "sha256.h"

#define SIG_B64_MAX 1400 /* an RSA-8192 signature is 1368 characters */
#define PEM_BEGIN "-----BEGIN CERTIFICATE-----\n"
#define PEM_END "-----END CERTIFICATE-----\n"

struct kv_receipt_crypto {
	unsigned char *signed_text; /* the six lines, as received */
	size_t signed_len;
	unsigned char *sig;
	size_t sig_len;
	STACK_OF(X509) *chain; /* the signer first */
};

struct kv_receipt_trust {
	X509_STORE *store;
};

/* ---- parsing -------------------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A participant id: 1 to 100 letters, digits, '-' or '_' (as the hub's). */
static bool is_participant(const char *p, size_t n)
{
	if (n == 0 || n > KV_RECEIPT_PARTICIPANT_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
		      c == '_'))
			return false;
	}
	return true;
}

/* An extract id: 1 to 200 letters, digits, '-', '_', '.', not starting with
 * '.' (as the push layer sends them). */
static bool is_extract_id(const char *p, size_t n)
{
	if (n == 0 || n > KV_RECEIPT_ID_MAX || p[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

static int num(const char *p, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SSZ", a real date from 1970 on, into *t. */
static bool parse_time(const char *p, size_t n, time_t *t)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
	if (n != sizeof pattern - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pattern[i] == 'd' ? !is_digit(p[i]) : p[i] != pattern[i])
			return false;
	int y = num(p, 4), mo = num(p + 5, 2), d = num(p + 8, 2);
	int h = num(p + 11, 2), mi = num(p + 14, 2), s = num(p + 17, 2);
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 || mi > 59 || s > 59)
		return false;
	*t = (time_t)(days_from_civil(y, mo, d) * 86400L + h * 3600L + mi * 60L + s);
	return true;
}

/* Canonical base64 (as EVP_EncodeBlock writes it) into a new buffer. */
static unsigned char *decode_b64(const char *p, size_t n, size_t *out_len)
{
	if (n == 0 || n % 4 != 0 || n > SIG_B64_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		bool pad = c == '=' && i >= n - 2 && (i == n - 1 || p[n - 1] == '=');
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' ||
		      c == '/' || pad))
			return NULL;
	}
	unsigned char *raw = kv_xcalloc(n / 4 * 3 + 1, 1);
	int r = EVP_DecodeBlock(raw, (const unsigned char *)p, (int)n);
	if (r < 0) {
		free(raw);
		return NULL;
	}
	size_t len = (size_t)r - (p[n - 1] == '=') - (p[n - 2] == '=');
	/* Canonical: encoding it again gives the same text. */
	char *again = kv_xcalloc(n + 1, 1);
	int w = EVP_EncodeBlock((unsigned char *)again, raw, (int)len);
	bool same = w == (int)n && memcmp(again, p, n) == 0;
	free(again);
	if (!same || len == 0) {
		free(raw);
		return NULL;
	}
	*out_len = len;
	return raw;
}

/* The certificates: PEM CERTIFICATE blocks and nothing else, 1 to
 * KV_RECEIPT_CERTS_MAX of them. */
static STACK_OF(X509) *parse_chain(const char *p, size_t n, char *why, size_t whylen)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	if (chain == NULL) {
		kv_snprintf(why, whylen, "out of memory");
		return NULL;
	}
	const char *end = p + n;
	while (p < end) {
		size_t left = (size_t)(end - p);
		if (sk_X509_num(chain) == KV_RECEIPT_CERTS_MAX) {
			kv_snprintf(why, whylen, "more than %d certificates", KV_RECEIPT_CERTS_MAX);
			goto fail;
		}
		if (left < sizeof PEM_BEGIN - 1 || memcmp(p, PEM_BEGIN, sizeof PEM_BEGIN - 1) != 0) {
			kv_snprintf(why, whylen, "%s", sk_X509_num(chain) == 0 ?
							  "no certificate after the signature" :
							  "something other than a certificate after "
							  "the certificates");
			goto fail;
		}
		const char *stop = NULL;
		for (const char *q = p + sizeof PEM_BEGIN - 1; q + sizeof PEM_END - 1 <= end;) {
			if (memcmp(q, PEM_END, sizeof PEM_END - 1) == 0) {
				stop = q + sizeof PEM_END - 1;
				break;
			}
			const char *nl = memchr(q, '\n', (size_t)(end - q));
			if (nl == NULL)
				break;
			q = nl + 1;
		}
		if (stop == NULL) {
			kv_snprintf(why, whylen, "certificate %d does not end (cut short?)",
				    sk_X509_num(chain) + 1);
			goto fail;
		}
		BIO *bio = BIO_new_mem_buf(p, (int)(stop - p));
		X509 *x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
		if (x == NULL) {
			ERR_clear_error();
			kv_snprintf(why, whylen, "certificate %d cannot be read",
				    sk_X509_num(chain) + 1);
			goto fail;
		}
		if (sk_X509_push(chain, x) <= 0) {
			X509_free(x);
			kv_snprintf(why, whylen, "out of memory");
			goto fail;
		}
		p = stop;
	}
	if (sk_X509_num(chain) == 0) {
		kv_snprintf(why, whylen, "no certificate after the signature");
		goto fail;
	}
	return chain;
fail:
	sk_X509_pop_free(chain, X509_free);
	return NULL;
}

/* One "name: value\n" line at *p; value and its length out; *p moves on. */
static bool field_line(const char **p, const char *end, const char *name, const char **value,
		       size_t *vlen)
{
	size_t nl = strlen(name);
	const char *q = *p;
	if ((size_t)(end - q) < nl + 2 || memcmp(q, name, nl) != 0 || q[nl] != ':' ||
	    q[nl + 1] != ' ')
		return false;
	q += nl + 2;
	const char *eol = memchr(q, '\n', (size_t)(end - q));
	if (eol == NULL)
		return false;
	*value = q;
	*vlen = (size_t)(eol - q);
	*p = eol + 1;
	return true;
}

int kv_receipt_parse(const char *data, size_t len, struct kv_receipt **out, char *why,
		     size_t whylen)
{
	static const char *const names[] = {"participant", "extract", "manifest-sha256",
					    "data-sha256", "stored", "signature"};
	static const char *const forms[] = {
		"1 to 100 letters, digits, '-' or '_'",
		"1 to 200 letters, digits, '-', '_' or '.'",
		"64 lower-case hex digits",
		"64 lower-case hex digits",
		"a UTC time YYYY-MM-DDTHH:MM:SSZ from 1970 on",
		"canonical base64 of at most 1400 characters"};
	*out = NULL;
	if (data == NULL || len == 0) {
		kv_snprintf(why, whylen, "empty");
		return -1;
	}
	if (len > KV_RECEIPT_MAX) {
		kv_snprintf(why, whylen, "larger than %u bytes", KV_RECEIPT_MAX);
		return -1;
	}
	if (memchr(data, '\0', len) != NULL || memchr(data, '\r', len) != NULL) {
		kv_snprintf(why, whylen, "contains a NUL or carriage return");
		return -1;
	}
	size_t ml = sizeof KV_RECEIPT_MAGIC - 1;
	if (len < ml || memcmp(data, KV_RECEIPT_MAGIC, ml) != 0) {
		kv_snprintf(why, whylen, "does not begin with \"kvalind-receipt 1\"");
		return -1;
	}
	struct kv_receipt *r = kv_xcalloc(1, sizeof *r);
	r->crypto = kv_xcalloc(1, sizeof *r->crypto);
	const char *p = data + ml, *end = data + len, *signed_end = NULL;
	for (size_t i = 0; i < KV_ARRAY_SIZE(names); i++) {
		const char *v;
		size_t n;
		if (i == 5)
			signed_end = p;
		if (!field_line(&p, end, names[i], &v, &n)) {
			kv_snprintf(why, whylen, "line %zu is not \"%s: ...\" ending in a newline",
				    i + 2, names[i]);
			goto fail;
		}
		bool ok = false;
		switch (i) {
		case 0:
			ok = is_participant(v, n);
			if (ok)
				memcpy(r->participant, v, n);
			break;
		case 1:
			ok = is_extract_id(v, n);
			if (ok)
				memcpy(r->extract_id, v, n);
			break;
		case 2:
		case 3:
			ok = kv_sha256_hex_valid(v, n);
			if (ok)
				memcpy(i == 2 ? r->manifest_sha256 : r->data_sha256, v, n);
			break;
		case 4:
			ok = parse_time(v, n, &r->stored_time);
			if (ok)
				memcpy(r->stored, v, n);
			break;
		case 5:
			r->crypto->sig = decode_b64(v, n, &r->crypto->sig_len);
			ok = r->crypto->sig != NULL;
			break;
		}
		if (!ok) {
			kv_snprintf(why, whylen, "line %zu (%s) is not %s", i + 2, names[i], forms[i]);
			goto fail;
		}
	}
	r->crypto->signed_len = (size_t)(signed_end - data);
	r->crypto->signed_text = kv_xcalloc(r->crypto->signed_len + 1, 1);
	memcpy(r->crypto->signed_text, data, r->crypto->signed_len);
	r->crypto->chain = parse_chain(p, (size_t)(end - p), why, whylen);
	if (r->crypto->chain == NULL)
		goto fail;
	*out = r;
	return 0;
fail:
	kv_receipt_free(r);
	return -1;
}

void kv_receipt_free(struct kv_receipt *r)
{
	if (r == NULL)
		return;
	if (r->crypto != NULL) {
		free(r->crypto->signed_text);
		free(r->crypto->sig);
		sk_X509_pop_free(r->crypto->chain, X509_free);
		free(r->crypto);
	}
	free(r);
}

/* ---- verifying ------------------------------------------------------------------- */

struct kv_receipt_trust *kv_receipt_trust_open(const char *ca_file, char *err, size_t errlen)
{
	struct kv_receipt_trust *t = kv_xcalloc(1, sizeof *t);
	t->store = X509_STORE_new();
	if (t->store == NULL) {
		kv_snprintf(err, errlen, "out of memory");
		goto fail;
	}
	int ok = ca_file != NULL ? X509_STORE_load_file(t->store, ca_file)
				 : X509_STORE_set_default_paths(t->store);
	if (ok != 1) {
		unsigned long e = ERR_peek_last_error();
		char text[256];
		ERR_error_string_n(e, text, sizeof text);
		if (ca_file != NULL)
			kv_snprintf(err, errlen, "cannot read the CA certificates \"%s\": %s",
				    ca_file, e != 0 ? text : "no certificate in it");
		else
			kv_snprintf(err, errlen, "cannot read the system's CA certificates: %s",
				    text);
		ERR_clear_error();
		goto fail;
	}
	return t;
fail:
	kv_receipt_trust_close(t);
	return NULL;
}

void kv_receipt_trust_close(struct kv_receipt_trust *t)
{
	if (t == NULL)
		return;
	X509_STORE_free(t->store);
	free(t);
}

static int verify_signature(const struct kv_receipt *r, char *why, size_t whylen)
{
	X509 *leaf = sk_X509_value(r->crypto->chain, 0);
	EVP_PKEY *key = X509_get0_pubkey(leaf);
	if (key == NULL) {
		ERR_clear_error();
		kv_snprintf(why, whylen, "its certificate's public key cannot be read");
		return -1;
	}
	int type = EVP_PKEY_get_base_id(key);
	const EVP_MD *md = NULL;
	if (type == EVP_PKEY_RSA || type == EVP_PKEY_EC)
		md = EVP_sha256();
	else if (type != EVP_PKEY_ED25519 && type != EVP_PKEY_ED448) {
		kv_snprintf(why, whylen, "its certificate's key is neither RSA, ECDSA nor EdDSA");
		return -1;
	}
	int rc = -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, r->crypto->sig, r->crypto->sig_len, r->crypto->signed_text,
			     r->crypto->signed_len) == 1)
		rc = 0;
	else
		kv_snprintf(why, whylen, "the signature does not verify with its certificate's key");
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

static int verify_chain(const struct kv_receipt *r, const struct kv_receipt_trust *t, char *why,
			size_t whylen)
{
	int rc = -1;
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	if (ctx == NULL || untrusted == NULL) {
		kv_snprintf(why, whylen, "out of memory");
		goto done;
	}
	for (int i = 1; i < sk_X509_num(r->crypto->chain); i++)
		if (sk_X509_push(untrusted, sk_X509_value(r->crypto->chain, i)) <= 0) {
			kv_snprintf(why, whylen, "out of memory");
			goto done;
		}
	if (X509_STORE_CTX_init(ctx, t->store, sk_X509_value(r->crypto->chain, 0), untrusted) !=
		    1 ||
	    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER) != 1) {
		kv_snprintf(why, whylen, "cannot check its certificate");
		goto done;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), r->stored_time);
	if (X509_verify_cert(ctx) == 1) {
		rc = 0;
	} else {
		int e = X509_STORE_CTX_get_error(ctx);
		kv_snprintf(why, whylen,
			    "its certificate is not one of a TLS server that chains to the CA "
			    "certificates at %s: %s",
			    r->stored, X509_verify_cert_error_string(e));
	}
done:
	ERR_clear_error();
	sk_X509_free(untrusted); /* the certificates stay the receipt's */
	X509_STORE_CTX_free(ctx);
	return rc;
}

int kv_receipt_verify(const struct kv_receipt *r, const struct kv_receipt_trust *t, char *why,
		      size_t whylen)
{
	if (verify_signature(r, why, whylen) != 0)
		return -1;
	return verify_chain(r, t, why, whylen);
}

int kv_receipt_match(const struct kv_receipt *r, const char *extract_id, const char *participant,
		     const char *manifest_sha256, const char *data_sha256, char *why,
		     size_t whylen)
{
	if (strcmp(r->extract_id, extract_id) != 0) {
		kv_snprintf(why, whylen, "it is for extract %s", r->extract_id);
		return -1;
	}
	if (participant != NULL && strcmp(r->participant, participant) != 0) {
		kv_snprintf(why, whylen, "it names participant %s, not %s", r->participant,
			    participant);
		return -1;
	}
	if (strcmp(r->manifest_sha256, manifest_sha256) != 0) {
		kv_snprintf(why, whylen, "its manifest-sha256 is not that of the manifest sent");
		return -1;
	}
	if (data_sha256 != NULL && data_sha256[0] != '\0' &&
	    strcmp(r->data_sha256, data_sha256) != 0) {
		kv_snprintf(why, whylen, "its data-sha256 is not that of the data sent");
		return -1;
	}
	return 0;
}

int kv_receipt_signed_by(const struct kv_receipt *r, const char *cert_pem, size_t len, char *why,
			 size_t whylen)
{
	if (len > INT32_MAX) {
		kv_snprintf(why, whylen, "the connection's certificate cannot be read");
		return -1;
	}
	BIO *bio = BIO_new_mem_buf(cert_pem, (int)len);
	X509 *x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	ERR_clear_error();
	if (x == NULL) {
		kv_snprintf(why, whylen, "the connection's certificate cannot be read");
		return -1;
	}
	int same = X509_cmp(x, sk_X509_value(r->crypto->chain, 0)) == 0;
	X509_free(x);
	if (!same) {
		kv_snprintf(why, whylen, "it is not signed with the certificate the connection "
					 "was made to");
		return -1;
	}
	return 0;
}

int kv_receipt_check(const char *data, size_t len, const struct kv_receipt_trust *t,
		     const char *extract_id, const char *participant,
		     const char *manifest_sha256, const char *data_sha256, char *why,
		     size_t whylen)
{
	struct kv_receipt *r = NULL;
	if (kv_receipt_parse(data, len, &r, why, whylen) != 0)
		return -1;
	int rc = kv_receipt_match(r, extract_id, participant, manifest_sha256, data_sha256, why,
				  whylen) == 0 &&
			 kv_receipt_verify(r, t, why, whylen) == 0 ?
		 0 :
		 -1;
	kv_receipt_free(r);
	return rc;
}

bool kv_receipt_id_participant(const char *id, char *out, size_t size)
{
	/* PARTICIPANT _ YYYY-MM _ HEX16 */
	size_t n = strlen(id);
	if (n < 1 + 1 + 7 + 1 + 16)
		return false;
	const char *tail = id + n - (1 + 7 + 1 + 16);
	if (tail[0] != '_' || tail[8] != '_' || !is_digit(tail[1]) || !is_digit(tail[2]) ||
	    !is_digit(tail[3]) || !is_digit(tail[4]) || tail[5] != '-' || !is_digit(tail[6]) ||
	    !is_digit(tail[7]))
		return false;
	for (int i = 9; i < 25; i++)
		if (!(is_digit(tail[i]) || (tail[i] >= 'a' && tail[i] <= 'f')))
			return false;
	size_t plen = (size_t)(tail - id);
	if (!is_participant(id, plen) || plen >= size)
		return false;
	memcpy(out, id, plen);
	out[plen] = '\0';
	return true;
}

int kv_receipt_cert_cn(const char *path, char *out, size_t size, char *err, size_t errlen)
{
	int rc = -1;
	X509 *x = NULL;
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		kv_snprintf(err, errlen, "cannot read \"%s\": %s", path, strerror(errno));
		return -1;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL) {
		kv_snprintf(err, errlen, "\"%s\" holds no certificate", path);
		goto done;
	}
	char cn[256];
	int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn,
					  (int)sizeof cn);
	if (n <= 0 || (size_t)n >= size || strlen(cn) != (size_t)n) {
		kv_snprintf(err, errlen, "the certificate in \"%s\" has no usable subject CN", path);
		goto done;
	}
	memcpy(out, cn, (size_t)n + 1);
	rc = 0;
done:
	ERR_clear_error();
	X509_free(x);
	return rc;
}

/* ---- the files -------------------------------------------------------------------- */

static const char *suffix(enum kv_receipt_file kind)
{
	return kind == KV_RECEIPT_FILE_VALID ? "receipt" : "invalid";
}

int kv_receipt_dir(const char *ledger, char *out, size_t size)
{
	char dir[4096];
	if (kv_dirname(ledger, dir, sizeof dir) != 0)
		return -1;
	return kv_snprintf(out, size, "%s/receipts", dir);
}

static int file_path(const char *dir, const char *id, enum kv_receipt_file kind, char *out,
		     size_t size, char *err, size_t errlen)
{
	if (!is_extract_id(id, strlen(id))) {
		kv_snprintf(err, errlen, "\"%s\" is not an extract id", id);
		return -1;
	}
	if (kv_snprintf(out, size, "%s/%s.%s", dir, id, suffix(kind)) != 0) {
		kv_snprintf(err, errlen, "the receipts directory's path is too long");
		return -1;
	}
	return 0;
}

int kv_receipt_store(const char *dir, const char *extract_id, enum kv_receipt_file kind,
		     const char *data, size_t len, char *err, size_t errlen)
{
	char path[4400], other[4400];
	if (file_path(dir, extract_id, kind, path, sizeof path, err, errlen) != 0 ||
	    file_path(dir, extract_id,
		      kind == KV_RECEIPT_FILE_VALID ? KV_RECEIPT_FILE_INVALID : KV_RECEIPT_FILE_VALID,
		      other, sizeof other, err, errlen) != 0)
		return -1;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		kv_snprintf(err, errlen, "could not create directory \"%s\": %s", dir,
			    strerror(errno));
		return -1;
	}
	if (kv_check_state_dir(dir, false, (uid_t)-1, "receipts directory", err, errlen) != 0)
		return -1;
	struct kv_atomic_file f;
	if (kv_atomic_open(&f, path, 0600, err, errlen) != 0)
		return -1;
	if (len > 0 && fwrite(data, 1, len, f.fp) != len) {
		kv_snprintf(err, errlen, "could not write \"%s\": %s", path, strerror(errno));
		kv_atomic_abort(&f);
		return -1;
	}
	if (kv_atomic_commit(&f, err, errlen) != 0)
		return -1;
	if (unlink(other) != 0 && errno != ENOENT) {
		kv_snprintf(err, errlen, "could not remove \"%s\": %s", other, strerror(errno));
		return -1;
	}
	return 0;
}

int kv_receipt_load(const char *dir, const char *extract_id, enum kv_receipt_file kind,
		    char **data, size_t *len, char *err, size_t errlen)
{
	char path[4400];
	*data = NULL;
	*len = 0;
	if (file_path(dir, extract_id, kind, path, sizeof path, err, errlen) != 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		kv_snprintf(err, errlen, "cannot open \"%s\": %s", path,
			    errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	int rc = -1;
	char *buf = NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		kv_snprintf(err, errlen, "\"%s\" is not a regular file", path);
		goto done;
	}
	if ((uintmax_t)st.st_size > KV_RECEIPT_MAX) {
		kv_snprintf(err, errlen, "\"%s\" is larger than %u bytes", path, KV_RECEIPT_MAX);
		goto done;
	}
	buf = kv_xcalloc(KV_RECEIPT_MAX + 2, 1);
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, KV_RECEIPT_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kv_snprintf(err, errlen, "cannot read \"%s\": %s", path, strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > KV_RECEIPT_MAX) {
			kv_snprintf(err, errlen, "\"%s\" is larger than %u bytes", path,
				    KV_RECEIPT_MAX);
			goto done;
		}
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	rc = 0;
done:
	free(buf);
	close(fd);
	return rc;
}

/* ---- ledger verify ------------------------------------------------------------------ */

struct walk {
	const char *dir;
	const char *ca_file;
	struct kv_receipt_trust *trust; /* opened at the first HTTPS entry */
	const char *office_id;
	FILE *report;
	struct kv_receipt_tally *tally;
	char *err;
	size_t errlen;
};

static void problem(struct walk *w, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct walk *w, const char *id, const char *fmt, ...)
{
	if (w->report == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(w->report, "%s: ", id);
	vfprintf(w->report, fmt, ap);
	fputc('\n', w->report);
	va_end(ap);
}

static int check_entry(const struct kv_ledger_entry *e, void *arg)
{
	struct walk *w = arg;
	if (strncmp(e->destination, "https://", 8) != 0) {
		w->tally->directory++;
		return 0;
	}
	if (w->trust == NULL &&
	    (w->trust = kv_receipt_trust_open(w->ca_file, w->err, w->errlen)) == NULL)
		return -1;
	w->tally->sent++;
	char participant[KV_RECEIPT_PARTICIPANT_MAX + 1], why[1024], err[1024];
	const char *expect = NULL;
	if (kv_receipt_id_participant(e->extract_id, participant, sizeof participant))
		expect = participant;
	else if (w->office_id != NULL && w->office_id[0] != '\0')
		expect = w->office_id;
	char *data = NULL;
	size_t len = 0;
	int got = kv_receipt_load(w->dir, e->extract_id, KV_RECEIPT_FILE_VALID, &data, &len, err,
				  sizeof err);
	if (got < 0) {
		w->tally->invalid++;
		problem(w, e->extract_id, "receipt invalid: %s", err);
	} else if (got == 0) {
		if (kv_receipt_check(data, len, w->trust, e->extract_id, expect, e->sha256,
				     e->data_sha256, why, sizeof why) == 0) {
			w->tally->valid++;
		} else {
			w->tally->invalid++;
			problem(w, e->extract_id, "receipt invalid: %s (receipts/%s.receipt)", why,
				e->extract_id);
		}
	} else {
		free(data);
		data = NULL;
		got = kv_receipt_load(w->dir, e->extract_id, KV_RECEIPT_FILE_INVALID, &data, &len,
				      err, sizeof err);
		if (got == 1) {
			w->tally->missing++;
			problem(w, e->extract_id,
				"no receipt (sent to %s on %s; the receiver gave none, or it was sent "
				"before kvalind kept receipts, or receipts/%s.receipt was removed)",
				e->destination, e->time, e->extract_id);
		} else {
			w->tally->invalid++;
			if (got < 0)
				kv_strlcpy(why, err, sizeof why);
			else if (kv_receipt_check(data, len, w->trust, e->extract_id, expect,
						  e->sha256, e->data_sha256, why, sizeof why) == 0)
				kv_strlcpy(why, "it did not match what was sent", sizeof why);
			problem(w, e->extract_id,
				"the receiver's receipt was invalid when it arrived: %s (kept as "
				"receipts/%s.invalid)",
				why, e->extract_id);
		}
	}
	free(data);
	return 0;
}

int kv_receipts_verify(const char *ledger, const char *dir, const char *ca_file,
		       const char *office_id, FILE *report, struct kv_receipt_tally *tally,
		       char *err, size_t errlen)
{
	memset(tally, 0, sizeof *tally);
	struct walk w = {dir, ca_file, NULL, office_id, report, tally, err, errlen};
	int rc = kv_ledger_each(ledger, check_entry, &w, err, errlen) == 0 ? 0 : -1;
	kv_receipt_trust_close(w.trust);
	return rc;
}
