/*
 * test_receipt.c - the hub's signed receipts as the office checks them
 * (core/receipt.c): a receipt the hub's own signer makes (hub/hub_receipt.c,
 * included below) is valid; a tampered field, a wrong hash, a bad
 * signature, a certificate not from ca_file or not a TLS server's, one
 * expired at the receipt's time are each refused with their reason;
 * garbage, oversized and truncated input is refused without a crash; the
 * files beside the ledger; and `kvalind ledger verify` naming a receipt
 * that does not match (exit 1), one missing (reported, exit 0 unless
 * --require-receipts), and one of a drop directory (none expected)
 *
 * Keys and certificates are made here with OpenSSL (a test CA, the hub's
 * server certificate with serverAuth, an office's with clientAuth, an
 * unrelated CA and its server, an Ed25519 server, one valid for a day).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ledger.h"
#include "receipt.h"
#include "testutil.h"

/* The hub's signer itself, so that the two sides are tested together
 * (collectd's "#include the source" idiom). */
#include "../../hub/hub_receipt.c" /* sic */

#define DAY 86400L
#define PARTICIPANT "office-17"
#define ID "office-17_2024-05_0123456789abcdef"
#define MANIFEST "{\"extract_id\": \"" ID "\"}\n"
#define DATA "participant,indicator\noffice-17,DM\n"

static char *dir;
static char *out, *err;

/* ---- keys and certificates ------------------------------------------------- */

struct party {
	EVP_PKEY *key;
	X509 *cert;
	char *key_pem, *cert_pem;
};

static char *pem_of_cert(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	ck_assert_int_eq(PEM_write_bio_X509(b, x), 1);
	char *mem;
	long n = BIO_get_mem_data(b, &mem);
	char *s = calloc(1, (size_t)n + 1);
	memcpy(s, mem, (size_t)n);
	BIO_free(b);
	return s;
}

static char *pem_of_key(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	ck_assert_int_eq(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
	char *mem;
	long n = BIO_get_mem_data(b, &mem);
	char *s = calloc(1, (size_t)n + 1);
	memcpy(s, mem, (size_t)n);
	BIO_free(b);
	return s;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for cn with a new key (EC P-256, or Ed25519), issued by
 * issuer (NULL: self-signed CA), valid from now + from to now + to seconds;
 * eku "serverAuth", "clientAuth" or NULL (a CA). */
static void make_party(struct party *p, const char *cn, const struct party *issuer,
		       const char *eku, bool ed25519, long from, long to)
{
	static long serial = 100;
	memset(p, 0, sizeof *p);
	p->key = ed25519 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
			 : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ck_assert_ptr_nonnull(p->key);
	X509 *x = X509_new();
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_NAME *name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509 *signer_cert = issuer != NULL ? issuer->cert : x;
	X509_set_issuer_name(x, X509_get_subject_name(signer_cert));
	ck_assert_int_eq(X509_set_pubkey(x, p->key), 1);
	if (eku == NULL) {
		add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		add_ext(x, signer_cert, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, signer_cert, NID_key_usage, "critical,digitalSignature");
		add_ext(x, signer_cert, NID_ext_key_usage, eku);
		add_ext(x, signer_cert, NID_subject_alt_name, "DNS:localhost");
	}
	EVP_PKEY *sk = issuer != NULL ? issuer->key : p->key;
	ck_assert_int_gt(X509_sign(x, sk, EVP_PKEY_get_base_id(sk) == EVP_PKEY_ED25519 ?
						  NULL :
						  EVP_sha256()),
			 0);
	p->cert = x;
	p->key_pem = pem_of_key(p->key);
	p->cert_pem = pem_of_cert(x);
}

static void free_party(struct party *p)
{
	EVP_PKEY_free(p->key);
	X509_free(p->cert);
	free(p->key_pem);
	free(p->cert_pem);
}

static struct party ca, server, client, other_ca, other_server, ed_server, short_server;
static char ca_file[4096];

static void setup(void)
{
	dir = tu_mkdtemp();
	out = err = NULL;
	make_party(&ca, "kvalind test CA", NULL, NULL, false, -10 * DAY, 3650 * DAY);
	make_party(&server, "hub", &ca, "serverAuth", false, -10 * DAY, 365 * DAY);
	make_party(&client, PARTICIPANT, &ca, "clientAuth", false, -10 * DAY, 365 * DAY);
	make_party(&other_ca, "unrelated CA", NULL, NULL, false, -10 * DAY, 3650 * DAY);
	make_party(&other_server, "hub", &other_ca, "serverAuth", false, -10 * DAY, 365 * DAY);
	make_party(&ed_server, "hub", &ca, "serverAuth", true, -10 * DAY, 365 * DAY);
	make_party(&short_server, "hub", &ca, "serverAuth", false, -DAY, DAY);
	snprintf(ca_file, sizeof ca_file, "%s/ca.pem", dir);
	tu_write_file(ca_file, ca.cert_pem, 0644);
}

static void teardown(void)
{
	struct party *all[] = {&ca, &server, &client, &other_ca, &other_server, &ed_server,
			       &short_server};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free_party(all[i]);
	tu_rmtree(dir);
	free(dir);
	free(out);
	free(err);
}

/* ---- receipts ---------------------------------------------------------------- */

/* The receipt part of the hub's reply (what follows its status line), signed
 * by p for (participant, id, manifest, data) at when; caller frees. */
static char *receipt_by(const struct party *p, const char *participant, const char *id,
			const char *manifest, const char *data, time_t when, size_t *len)
{
	char e[512], *body;
	size_t n;
	struct hub_signer *s = hub_signer_new(p->key_pem, p->cert_pem, e, sizeof e);
	ck_assert_msg(s != NULL, "%s", e);
	ck_assert_msg(hub_receipt_make(s, "stored", participant, id, manifest, strlen(manifest),
				       data, strlen(data), when, &body, &n, e, sizeof e) == 0,
		      "%s", e);
	hub_signer_free(s);
	ck_assert(strncmp(body, "stored\n" KV_RECEIPT_MAGIC, 7 + strlen(KV_RECEIPT_MAGIC)) == 0);
	char *r = calloc(1, n + 1);
	memcpy(r, body + 7, n - 7);
	*len = n - 7;
	free(body);
	return r;
}

static char *good_receipt(size_t *len)
{
	return receipt_by(&server, PARTICIPANT, ID, MANIFEST, DATA, time(NULL), len);
}

static const char *sha(const char *text)
{
	static char hex[2][KV_SHA256_HEX_SIZE];
	static int k;
	char e[256];
	k ^= 1;
	ck_assert(kv_sha256_hex(text, strlen(text), hex[k], e, sizeof e) == 0);
	return hex[k];
}

static struct kv_receipt_trust *trust(void)
{
	char e[512];
	struct kv_receipt_trust *t = kv_receipt_trust_open(ca_file, e, sizeof e);
	ck_assert_msg(t != NULL, "%s", e);
	return t;
}

/* kv_receipt_check against the good extract; why gets the reason. */
static int check(const char *data, size_t len, char *why, size_t whylen)
{
	struct kv_receipt_trust *t = trust();
	why[0] = '\0';
	int rc = kv_receipt_check(data, len, t, ID, PARTICIPANT, sha(MANIFEST), sha(DATA), why,
				  whylen);
	kv_receipt_trust_close(t);
	return rc;
}

#define ck_assert_contains(hay, needle)                                                    \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"", \
		      (hay), (needle))

START_TEST(valid_receipt_from_the_hubs_signer)
{
	size_t len;
	char *r = good_receipt(&len), why[1024];
	struct kv_receipt *rc = NULL;
	ck_assert_msg(kv_receipt_parse(r, len, &rc, why, sizeof why) == 0, "%s", why);
	ck_assert_str_eq(rc->participant, PARTICIPANT);
	ck_assert_str_eq(rc->extract_id, ID);
	ck_assert_str_eq(rc->manifest_sha256, sha(MANIFEST));
	ck_assert_str_eq(rc->data_sha256, sha(DATA));
	ck_assert_int_eq(strlen(rc->stored), 20);
	ck_assert(labs((long)(rc->stored_time - time(NULL))) < 60);
	struct kv_receipt_trust *t = trust();
	ck_assert_msg(kv_receipt_verify(rc, t, why, sizeof why) == 0, "%s", why);
	ck_assert_int_eq(kv_receipt_signed_by(rc, server.cert_pem, strlen(server.cert_pem), why,
					      sizeof why),
			 0);
	ck_assert_int_eq(kv_receipt_signed_by(rc, other_server.cert_pem,
					      strlen(other_server.cert_pem), why, sizeof why),
			 -1);
	kv_receipt_trust_close(t);
	kv_receipt_free(rc);
	ck_assert_msg(check(r, len, why, sizeof why) == 0, "%s", why);
	/* the data's hash is not checked when the ledger entry has none */
	t = trust();
	ck_assert_int_eq(kv_receipt_check(r, len, t, ID, NULL, sha(MANIFEST), "", why, sizeof why),
			 0);
	kv_receipt_trust_close(t);
	free(r);
}
END_TEST

START_TEST(valid_with_ed25519)
{
	size_t len;
	char why[1024];
	char *r = receipt_by(&ed_server, PARTICIPANT, ID, MANIFEST, DATA, time(NULL), &len);
	ck_assert_msg(check(r, len, why, sizeof why) == 0, "%s", why);
	free(r);
}
END_TEST

/* Replace the first occurrence of from by to (same length) in r. */
static void swap_text(char *r, const char *from, const char *to)
{
	char *p = strstr(r, from);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(strlen(from), strlen(to));
	memcpy(p, to, strlen(to));
}

START_TEST(tampered_field_breaks_the_signature)
{
	size_t len;
	char why[1024];
	/* another extract of the same office, hashes and all re-computed */
	char *r = good_receipt(&len);
	swap_text(r, "extract: office-17_2024-05", "extract: office-17_2024-06");
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "it is for extract office-17_2024-06");
	struct kv_receipt_trust *t = trust();
	ck_assert_int_eq(kv_receipt_check(r, len, t, "office-17_2024-06_0123456789abcdef",
					  PARTICIPANT, sha(MANIFEST), sha(DATA), why, sizeof why),
			 -1);
	ck_assert_contains(why, "the signature does not verify");
	free(r);
	/* the time it was stored */
	r = good_receipt(&len);
	char *stored = strstr(r, "stored: ");
	ck_assert_ptr_nonnull(stored);
	stored[8] = stored[8] == '2' ? '3' : '2';
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "the signature does not verify");
	free(r);
	/* the participant */
	r = good_receipt(&len);
	swap_text(r, "participant: office-17", "participant: office-18");
	ck_assert_int_eq(kv_receipt_check(r, len, t, ID, "office-18", sha(MANIFEST), sha(DATA), why,
					  sizeof why),
			 -1);
	ck_assert_contains(why, "the signature does not verify");
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "participant office-18, not office-17");
	kv_receipt_trust_close(t);
	free(r);
}
END_TEST

START_TEST(wrong_hash_does_not_match)
{
	size_t len;
	char why[1024];
	/* signed by the hub, but for other bytes than were sent */
	char *r = receipt_by(&server, PARTICIPANT, ID, MANIFEST, DATA "office-17,X\n", time(NULL),
			     &len);
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "data-sha256 is not that of the data sent");
	free(r);
	r = receipt_by(&server, PARTICIPANT, ID, "{}", DATA, time(NULL), &len);
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "manifest-sha256 is not that of the manifest sent");
	free(r);
	/* and a hash edited in a good receipt: the signature breaks too */
	r = good_receipt(&len);
	char *line = strstr(r, "data-sha256: ");
	line[13] = line[13] == '0' ? '1' : '0';
	struct kv_receipt_trust *t = trust();
	struct kv_receipt *rc;
	ck_assert_int_eq(kv_receipt_parse(r, len, &rc, why, sizeof why), 0);
	ck_assert_int_eq(kv_receipt_verify(rc, t, why, sizeof why), -1);
	ck_assert_contains(why, "the signature does not verify");
	kv_receipt_free(rc);
	kv_receipt_trust_close(t);
	free(r);
}
END_TEST

START_TEST(bad_signature_refused)
{
	size_t len;
	char why[1024];
	char *r = good_receipt(&len);
	/* one base64 character changed (in the middle: still canonical) */
	char *s = strstr(r, "signature: ") + 11 + 20;
	*s = *s == 'A' ? 'B' : 'A';
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "the signature does not verify");
	free(r);
	/* the signature of the unrelated server, with our server's certificate */
	size_t l1, l2;
	char *mine = good_receipt(&l1);
	char *theirs = receipt_by(&other_server, PARTICIPANT, ID, MANIFEST, DATA, time(NULL), &l2);
	char *their_cert = strstr(theirs, "-----BEGIN");
	char *my_cert = strstr(mine, "-----BEGIN");
	size_t head = (size_t)(their_cert - theirs);
	char *mixed = calloc(1, head + strlen(my_cert) + 1);
	memcpy(mixed, theirs, head);
	strcpy(mixed + head, my_cert);
	ck_assert_int_eq(check(mixed, strlen(mixed), why, sizeof why), -1);
	ck_assert_contains(why, "the signature does not verify");
	free(mixed);
	free(mine);
	free(theirs);
	/* not canonical base64 */
	r = good_receipt(&len);
	s = strstr(r, "signature: ") + 11;
	*s = '*';
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "line 7 (signature) is not canonical base64");
	free(r);
}
END_TEST

START_TEST(certificate_not_from_ca_file)
{
	size_t len;
	char why[1024];
	/* a valid signature by a server of another CA */
	char *r = receipt_by(&other_server, PARTICIPANT, ID, MANIFEST, DATA, time(NULL), &len);
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "its certificate is not one of a TLS server that chains to the CA "
				"certificates");
	ck_assert_contains(why, "unable to get local issuer certificate");
	free(r);
	/* the office's own client certificate (from the same CA) cannot sign one */
	r = receipt_by(&client, PARTICIPANT, ID, MANIFEST, DATA, time(NULL), &len);
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "certificate purpose");
	free(r);
	/* the CA file itself being another CA's */
	r = good_receipt(&len);
	tu_write_file(ca_file, other_ca.cert_pem, 0644);
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "chains to the CA certificates");
	free(r);
	/* an unreadable CA file is said so */
	char e[512];
	ck_assert_ptr_null(kv_receipt_trust_open(tu_path(dir, "none.pem"), e, sizeof e));
	ck_assert_contains(e, "cannot read the CA certificates");
}
END_TEST

START_TEST(verified_at_the_time_it_names)
{
	size_t len;
	char why[1024];
	/* short_server is valid from yesterday to tomorrow: a receipt stored now
	 * stays valid after it expires; one dated next week never was */
	char *r = receipt_by(&short_server, PARTICIPANT, ID, MANIFEST, DATA, time(NULL), &len);
	ck_assert_msg(check(r, len, why, sizeof why) == 0, "%s", why);
	free(r);
	r = receipt_by(&short_server, PARTICIPANT, ID, MANIFEST, DATA, time(NULL) + 7 * DAY, &len);
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "certificate has expired");
	free(r);
	r = receipt_by(&short_server, PARTICIPANT, ID, MANIFEST, DATA, time(NULL) - 7 * DAY, &len);
	ck_assert_int_eq(check(r, len, why, sizeof why), -1);
	ck_assert_contains(why, "certificate is not yet valid");
	free(r);
}
END_TEST

START_TEST(garbage_oversized_truncated_refused)
{
	size_t len;
	char why[1024];
	struct kv_receipt *rc = NULL;
	char *r = good_receipt(&len);
	/* every proper prefix: refused, never read past its end */
	for (size_t n = 0; n < len; n++) {
		char *cut = malloc(n ? n : 1);
		memcpy(cut, r, n);
		ck_assert_msg(kv_receipt_parse(cut, n, &rc, why, sizeof why) == -1,
			      "a receipt cut at %zu bytes parsed", n);
		ck_assert_ptr_null(rc);
		ck_assert(why[0] != '\0');
		free(cut);
	}
	/* oversized: a valid receipt with 64 KiB of certificates after it */
	size_t big = KV_RECEIPT_MAX + 1;
	char *huge = calloc(1, big + 1);
	memcpy(huge, r, len);
	memset(huge + len, 'A', big - len);
	ck_assert_int_eq(kv_receipt_parse(huge, big, &rc, why, sizeof why), -1);
	ck_assert_contains(why, "larger than 65536 bytes");
	free(huge);
	/* trailing text after the certificates */
	char *tail = calloc(1, len + 16);
	memcpy(tail, r, len);
	strcpy(tail + len, "hello\n");
	ck_assert_int_eq(kv_receipt_parse(tail, len + 6, &rc, why, sizeof why), -1);
	ck_assert_contains(why, "something other than a certificate");
	free(tail);
	/* CRLF, NUL, another version, a field twice, nine certificates */
	const char *bad[] = {
		"kvalind-receipt 1\r\nparticipant: a\r\n",
		"kvalind-receipt 2\nparticipant: a\n",
		"kvalind-receipt 1\nparticipant: a\nparticipant: a\n",
		"kvalind-receipt 1\nparticipant: a b\n",
		"\xff\xfe garbage",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(kv_receipt_parse(bad[i], strlen(bad[i]), &rc, why, sizeof why), -1);
		ck_assert_ptr_null(rc);
	}
	char nul[] = "kvalind-receipt 1\nparticipant: a\0b\n";
	ck_assert_int_eq(kv_receipt_parse(nul, sizeof nul - 1, &rc, why, sizeof why), -1);
	ck_assert_contains(why, "NUL");
	char *cert = strstr(r, "-----BEGIN");
	size_t head = (size_t)(cert - r), clen = strlen(cert);
	char *nine = calloc(1, head + 9 * clen + 1);
	memcpy(nine, r, head);
	for (int i = 0; i < 9; i++)
		memcpy(nine + head + (size_t)i * clen, cert, clen);
	ck_assert_int_eq(kv_receipt_parse(nine, head + 9 * clen, &rc, why, sizeof why), -1);
	ck_assert_contains(why, "more than 8 certificates");
	free(nine);
	/* a certificate block whose inside is not a certificate */
	char *broken = strdup(r);
	char *inside = strstr(broken, "-----BEGIN CERTIFICATE-----\n") + 28;
	memcpy(inside, "!!!!", 4);
	ck_assert_int_eq(kv_receipt_parse(broken, len, &rc, why, sizeof why), -1);
	ck_assert_contains(why, "certificate 1 cannot be read");
	free(broken);
	/* bad dates */
	const char *dates[] = {"2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "1969-12-31T23:59:59Z",
			       "2024-01-01T24:00:00Z", "2024-01-01 00:00:00Z"};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		char *d = strdup(r);
		memcpy(strstr(d, "stored: ") + 8, dates[i], 20);
		ck_assert_int_eq(kv_receipt_parse(d, len, &rc, why, sizeof why), -1);
		ck_assert_contains(why, "line 6 (stored)");
		free(d);
	}
	free(r);
	/* random bytes: refused */
	unsigned seed = 17;
	for (int i = 0; i < 200; i++) {
		char junk[512];
		size_t n = (size_t)(rand_r(&seed) % (int)sizeof junk);
		for (size_t k = 0; k < n; k++)
			junk[k] = (char)(rand_r(&seed) & 0xff);
		if (i % 2 == 0 && n >= sizeof KV_RECEIPT_MAGIC)
			memcpy(junk, KV_RECEIPT_MAGIC, sizeof KV_RECEIPT_MAGIC - 1);
		ck_assert_int_eq(kv_receipt_parse(junk, n, &rc, why, sizeof why), -1);
	}
}
END_TEST

START_TEST(participant_of_an_id)
{
	char p[128];
	ck_assert(kv_receipt_id_participant(ID, p, sizeof p));
	ck_assert_str_eq(p, PARTICIPANT);
	ck_assert(kv_receipt_id_participant("a_b_2024-05_0123456789abcdef", p, sizeof p));
	ck_assert_str_eq(p, "a_b");
	ck_assert(!kv_receipt_id_participant("2024-05-test-office-1", p, sizeof p));
	ck_assert(!kv_receipt_id_participant("_2024-05_0123456789abcdef", p, sizeof p));
	ck_assert(!kv_receipt_id_participant("x_2024-05_0123456789ABCDEF", p, sizeof p));
	tu_write_file(tu_path(dir, "client.pem"), client.cert_pem, 0644);
	char e[256];
	ck_assert_int_eq(kv_receipt_cert_cn(tu_path(dir, "client.pem"), p, sizeof p, e, sizeof e),
			 0);
	ck_assert_str_eq(p, PARTICIPANT);
	ck_assert_int_eq(kv_receipt_cert_cn(tu_path(dir, "nope.pem"), p, sizeof p, e, sizeof e), -1);
}
END_TEST

/* ---- the files and `ledger verify` ------------------------------------------------ */

START_TEST(store_and_load)
{
	char rdir[4200], e[1024], *data;
	size_t len, n;
	char *r = good_receipt(&len);
	ck_assert_int_eq(kv_receipt_dir(tu_path(dir, "ledger"), rdir, sizeof rdir), 0);
	ck_assert_str_eq(rdir, tu_path(dir, "receipts"));
	ck_assert_int_eq(kv_receipt_load(rdir, ID, KV_RECEIPT_FILE_VALID, &data, &n, e, sizeof e),
			 1);
	ck_assert_msg(kv_receipt_store(rdir, ID, KV_RECEIPT_FILE_INVALID, "x", 1, e, sizeof e) == 0,
		      "%s", e);
	ck_assert_msg(kv_receipt_store(rdir, ID, KV_RECEIPT_FILE_VALID, r, len, e, sizeof e) == 0,
		      "%s", e);
	struct stat st;
	ck_assert_int_eq(stat(rdir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(stat(tu_path(rdir, ID ".receipt"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* the valid one replaced the invalid one */
	ck_assert_int_eq(stat(tu_path(rdir, ID ".invalid"), &st), -1);
	ck_assert_int_eq(kv_receipt_load(rdir, ID, KV_RECEIPT_FILE_VALID, &data, &n, e, sizeof e),
			 0);
	ck_assert_uint_eq(n, len);
	ck_assert(memcmp(data, r, len) == 0);
	free(data);
	/* a link is not followed; a name that is not an extract id is refused */
	ck_assert_int_eq(symlink("/etc/passwd", tu_path(rdir, "linked.receipt")), 0);
	ck_assert_int_eq(kv_receipt_load(rdir, "linked", KV_RECEIPT_FILE_VALID, &data, &n, e,
					 sizeof e),
			 -1);
	ck_assert_contains(e, "symbolic link");
	ck_assert_int_eq(kv_receipt_store(rdir, "../ledger", KV_RECEIPT_FILE_VALID, "x", 1, e,
					  sizeof e),
			 -1);
	/* a receipts directory others can write is refused */
	ck_assert_int_eq(chmod(rdir, 0777), 0);
	ck_assert_int_eq(kv_receipt_store(rdir, ID, KV_RECEIPT_FILE_VALID, r, len, e, sizeof e), -1);
	ck_assert_contains(e, "writable by group or others");
	free(r);
}
END_TEST

static const char *write_config(bool with_ca)
{
	char text[8192];
	snprintf(text, sizeof text,
		 "[office]\nid = " PARTICIPANT "\n[core]\nstate_dir = %s\n[push]\n%s%s%s", dir,
		 with_ca ? "ca_file = " : "", with_ca ? ca_file : "", with_ca ? "\n" : "");
	const char *path = tu_path(dir, "kvalind.ini");
	tu_write_file(path, text, 0644);
	return path;
}

static void reset(void)
{
	free(out);
	free(err);
	out = err = NULL;
}

/* Three HTTPS sends with receipts, one without, one to a drop directory. */
static void sent_five(char rdir[4200])
{
	char e[1024];
	const char *ledger = tu_path(dir, "ledger");
	const char *months[] = {"2024-01", "2024-02", "2024-03"};
	ck_assert_int_eq(kv_receipt_dir(ledger, rdir, 4200), 0);
	for (int i = 0; i < 3; i++) {
		char id[128], manifest[256], data[128];
		snprintf(id, sizeof id, PARTICIPANT "_%s_0123456789abcdef", months[i]);
		snprintf(manifest, sizeof manifest, "{\"extract_id\": \"%s\"}\n", id);
		snprintf(data, sizeof data, "participant\n%s\n", months[i]);
		size_t len;
		char *r = receipt_by(&server, PARTICIPANT, id, manifest, data, time(NULL), &len);
		ck_assert_int_eq(kv_receipt_store(rdir, id, KV_RECEIPT_FILE_VALID, r, len, e,
						  sizeof e),
				 0);
		free(r);
		char ms[KV_SHA256_HEX_SIZE], ds[KV_SHA256_HEX_SIZE];
		strcpy(ms, sha(manifest));
		strcpy(ds, sha(data));
		ck_assert_msg(kv_ledger_append_sent(ledger, "https://hub.example/extracts", id,
						    strlen(manifest) + strlen(data), ms, ds, e,
						    sizeof e) == 0,
			      "%s", e);
	}
	ck_assert_int_eq(kv_ledger_append_sent(ledger, "https://hub.example/extracts",
					       PARTICIPANT "_2024-04_0123456789abcdef", 10, sha("a"),
					       sha("b"), e, sizeof e),
			 0);
	ck_assert_int_eq(kv_ledger_append_sent(ledger, "directory:/srv/pickup",
					       PARTICIPANT "_2024-05_0123456789abcdef", 10, sha("c"),
					       sha("d"), e, sizeof e),
			 0);
}

START_TEST(ledger_verify_names_a_receipt_that_does_not_match)
{
	char rdir[4200];
	sent_five(rdir);
	const char *cfg = write_config(true);
	int rc = tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL);
	ck_assert_msg(rc == 0, "%s%s", out, err);
	ck_assert_contains(out, "5 entries, chain intact");
	ck_assert_contains(out, PARTICIPANT "_2024-04_0123456789abcdef: no receipt");
	ck_assert_contains(out, "receipts: 4 sent extracts, 3 with valid receipts, 1 without a "
				"receipt, 0 invalid (1 to a drop directory, which gives none)");
	ck_assert_msg(strstr(out, "2024-05") == NULL, "%s", out);
	reset();
	rc = tu_run_kvalind(&out, &err, "ledger", "verify", "--require-receipts", "--config", cfg,
			    NULL);
	ck_assert_msg(rc == 1, "%s%s", out, err);
	reset();

	/* One byte of a stored receipt: its data-sha256 no longer what was sent. */
	const char *victim = tu_path(rdir, PARTICIPANT "_2024-02_0123456789abcdef.receipt");
	char *text = tu_read_file(victim);
	char *h = strstr(text, "data-sha256: ") + 13;
	*h = *h == '0' ? '1' : '0';
	tu_write_file(victim, text, 0600);
	free(text);
	rc = tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL);
	ck_assert_msg(rc == 1, "%s%s", out, err);
	ck_assert_contains(out, PARTICIPANT "_2024-02_0123456789abcdef: receipt invalid: its "
				"data-sha256 is not that of the data sent");
	ck_assert_contains(out, "receipts: 4 sent extracts, 2 with valid receipts, 1 without a "
				"receipt, 1 invalid");
	ck_assert_contains(out, "chain intact"); /* the chain alone would not show it */
	reset();

	/* A receipt whose hashes are re-made and re-signed by another CA's server
	 * (what someone who can write the state directory could do): invalid. */
	size_t len;
	char *forged = receipt_by(&other_server, PARTICIPANT, PARTICIPANT "_2024-03_0123456789abcdef",
				  "{}", "x", time(NULL), &len);
	tu_write_file(tu_path(rdir, PARTICIPANT "_2024-03_0123456789abcdef.receipt"), forged, 0600);
	free(forged);
	rc = tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL);
	ck_assert_msg(rc == 1, "%s%s", out, err);
	ck_assert_contains(out, PARTICIPANT "_2024-03_0123456789abcdef: receipt invalid: its "
				"manifest-sha256");
	reset();

	/* what the receiver sent that did not verify on arrival: invalid too */
	char e[512];
	ck_assert_int_eq(kv_receipt_store(rdir, PARTICIPANT "_2024-04_0123456789abcdef",
					  KV_RECEIPT_FILE_INVALID, "garbage", 7, e, sizeof e),
			 0);
	rc = tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL);
	ck_assert_msg(rc == 1, "%s%s", out, err);
	ck_assert_contains(out, PARTICIPANT "_2024-04_0123456789abcdef: the receiver's receipt was "
				"invalid when it arrived: does not begin with");
	ck_assert_contains(out, "receipts: 4 sent extracts, 1 with valid receipts, 0 without a "
				"receipt, 3 invalid");
}
END_TEST

START_TEST(ledger_verify_old_entries_without_receipts)
{
	/* A ledger from before receipts (8-field entries): it verifies, and its
	 * sends are reported without receipts, not failed. */
	char e[512];
	const char *ledger = tu_path(dir, "ledger");
	ck_assert_int_eq(kv_ledger_append(ledger, "https://hub.example/extracts",
					  PARTICIPANT "_2023-01_0123456789abcdef", 10, sha("a"), e,
					  sizeof e),
			 0);
	ck_assert_int_eq(kv_ledger_append_sent(ledger, "https://hub.example/extracts",
					       PARTICIPANT "_2023-02_0123456789abcdef", 10, sha("a"),
					       sha("b"), e, sizeof e),
			 0);
	char *text = tu_read_file(ledger);
	char *second = strchr(text, '\n') + 1;
	int tabs1 = 0, tabs2 = 0;
	for (char *p = text; p < second; p++)
		tabs1 += *p == '\t';
	for (char *p = second; *p; p++)
		tabs2 += *p == '\t';
	ck_assert_int_eq(tabs1, 7);
	ck_assert_int_eq(tabs2, 8);
	free(text);
	const char *cfg = write_config(false); /* the system's CAs: none needed */
	int rc = tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL);
	ck_assert_msg(rc == 0, "%s%s", out, err);
	ck_assert_contains(out, "2 entries, chain intact");
	ck_assert_contains(out, "receipts: 2 sent extracts, 0 with valid receipts, 2 without a "
				"receipt, 0 invalid");
	reset();
	rc = tu_run_kvalind(&out, &err, "ledger", "verify", "-r", "--config", cfg, NULL);
	ck_assert_int_eq(rc, 1);
	reset();
	rc = tu_run_kvalind(&out, &err, "ledger", "--require-receipts", "--config", cfg, NULL);
	ck_assert_int_eq(rc, 2);
	ck_assert_contains(err, "--require-receipts goes with \"verify\"");
}
END_TEST

Suite *suite_receipt(void)
{
	Suite *s = suite_create("receipt");
	TCase *tc = tcase_create("receipt");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, valid_receipt_from_the_hubs_signer);
	tcase_add_test(tc, valid_with_ed25519);
	tcase_add_test(tc, tampered_field_breaks_the_signature);
	tcase_add_test(tc, wrong_hash_does_not_match);
	tcase_add_test(tc, bad_signature_refused);
	tcase_add_test(tc, certificate_not_from_ca_file);
	tcase_add_test(tc, verified_at_the_time_it_names);
	tcase_add_test(tc, garbage_oversized_truncated_refused);
	tcase_add_test(tc, participant_of_an_id);
	tcase_add_test(tc, store_and_load);
	tcase_add_test(tc, ledger_verify_names_a_receipt_that_does_not_match);
	tcase_add_test(tc, ledger_verify_old_entries_without_receipts);
	suite_add_tcase(s, tc);
	return s;
}
