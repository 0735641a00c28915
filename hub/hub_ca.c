/*
 * hub_ca.c - the hub's own certificate authority, through GnuTLS's x509 API:
 * a self-signed CA, the hub's server certificate, and one client
 * certificate per office (subject CN = its participant id)
 *
 * Keys are ECDSA P-256, written 0600 with O_EXCL (never over an existing
 * file); certificates are signed with SHA-256 and carry random 128-bit
 * serials, which the hub's database records per participant.
 */
#include "hub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define GT(call, what)                                                         \
	do {                                                                   \
		int gt_rc_ = (call);                                           \
		if (gt_rc_ < 0) {                                              \
			kv_snprintf(err, errlen, "%s: %s", (what),             \
				    gnutls_strerror(gt_rc_));                  \
			goto fail;                                             \
		}                                                              \
	} while (0)

/* Write data to path, created with mode (refusing an existing file). */
static int write_new(const char *path, const void *data, size_t len, mode_t mode, char *err,
		     size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		kv_snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			kv_snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0 || close(fd) != 0) {
		kv_snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

static int read_file(const char *path, gnutls_datum_t *out, char *err, size_t errlen)
{
	int rc = gnutls_load_file(path, out);
	if (rc < 0) {
		kv_snprintf(err, errlen, "cannot read %s: %s", path, gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

static int export_key(gnutls_x509_privkey_t key, const char *path, char *err, size_t errlen)
{
	gnutls_datum_t d = {NULL, 0};
	int rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
						   &d);
	if (rc < 0) {
		kv_snprintf(err, errlen, "cannot export a key: %s", gnutls_strerror(rc));
		return -1;
	}
	rc = write_new(path, d.data, d.size, 0600, err, errlen);
	gnutls_free(d.data);
	return rc;
}

static int export_crt(gnutls_x509_crt_t crt, const char *path, char *err, size_t errlen)
{
	gnutls_datum_t d = {NULL, 0};
	int rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d);
	if (rc < 0) {
		kv_snprintf(err, errlen, "cannot export a certificate: %s", gnutls_strerror(rc));
		return -1;
	}
	rc = write_new(path, d.data, d.size, 0644, err, errlen);
	gnutls_free(d.data);
	return rc;
}

/* A new certificate for key with subject CN = cn, valid for days. */
static int new_crt(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *cn, int days,
		   unsigned char serial[16], char *err, size_t errlen)
{
	time_t now = time(NULL);
	GT(gnutls_rnd(GNUTLS_RND_NONCE, serial, 16), "random serial");
	serial[0] &= 0x7f; /* positive */
	serial[0] |= 0x40; /* and 16 bytes long */
	GT(gnutls_x509_crt_set_version(crt, 3), "certificate version");
	GT(gnutls_x509_crt_set_serial(crt, serial, 16), "certificate serial");
	GT(gnutls_x509_crt_set_activation_time(crt, now - 300), "certificate start");
	GT(gnutls_x509_crt_set_expiration_time(crt, now + (time_t)days * 86400), "certificate end");
	GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
					 (unsigned)strlen(cn)),
	   "certificate subject");
	GT(gnutls_x509_crt_set_key(crt, key), "certificate key");
	unsigned char kid[64];
	size_t kid_size = sizeof kid;
	GT(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, kid, &kid_size), "key id");
	GT(gnutls_x509_crt_set_subject_key_id(crt, kid, kid_size), "subject key id");
	return 0;
fail:
	return -1;
}

static void serial_hex(const unsigned char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 3 <= size; i++)
		o += (size_t)snprintf(out + o, size - o, "%02x", s[i]);
}

static int sign_by(gnutls_x509_crt_t crt, gnutls_x509_crt_t ca, gnutls_x509_privkey_t ca_key,
		   char *err, size_t errlen)
{
	unsigned char kid[64];
	size_t kid_size = sizeof kid;
	GT(gnutls_x509_crt_get_subject_key_id(ca, kid, &kid_size, NULL), "CA key id");
	GT(gnutls_x509_crt_set_authority_key_id(crt, kid, kid_size), "authority key id");
	GT(gnutls_x509_crt_sign2(crt, ca, ca_key, GNUTLS_DIG_SHA256, 0), "signing");
	return 0;
fail:
	return -1;
}

int hub_ca_init(const char *dir, const char *const *names, size_t n_names, int days, char *err,
		size_t errlen)
{
	gnutls_x509_privkey_t ca_key = NULL, key = NULL;
	gnutls_x509_crt_t ca = NULL, crt = NULL;
	unsigned char serial[16];
	char path[4200];
	int rc = -1;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		kv_snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	static const char *const files[] = {"ca.pem", "ca.key", "server.pem", "server.key"};
	for (size_t i = 0; i < KV_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (access(path, F_OK) == 0) {
			kv_snprintf(err, errlen, "%s exists; init-ca never overwrites a CA", path);
			return -1;
		}
	}
	GT(gnutls_x509_privkey_init(&ca_key), "key");
	GT(gnutls_x509_privkey_generate(ca_key, GNUTLS_PK_ECDSA,
					GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	   "CA key");
	GT(gnutls_x509_crt_init(&ca), "certificate");
	if (new_crt(ca, ca_key, "kvalind-hub CA", days, serial, err, errlen) != 0)
		goto fail;
	GT(gnutls_x509_crt_set_basic_constraints(ca, 1, 0), "CA constraints");
	GT(gnutls_x509_crt_set_key_usage(ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN),
	   "CA key usage");
	GT(gnutls_x509_crt_sign2(ca, ca, ca_key, GNUTLS_DIG_SHA256, 0), "signing the CA");

	GT(gnutls_x509_privkey_init(&key), "key");
	GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	   "server key");
	GT(gnutls_x509_crt_init(&crt), "certificate");
	if (new_crt(crt, key, n_names > 0 ? names[0] : "kvalind-hub", days, serial, err, errlen) !=
	    0)
		goto fail;
	GT(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), "constraints");
	GT(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "key usage");
	GT(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 1), "key purpose");
	for (size_t i = 0; i < n_names; i++) {
		unsigned char ip[16];
		int is4 = inet_pton(AF_INET, names[i], ip) == 1;
		if (is4)
			GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 4,
								GNUTLS_FSAN_APPEND),
			   "server address");
		else
			GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, names[i],
								(unsigned)strlen(names[i]),
								GNUTLS_FSAN_APPEND),
			   "server name");
	}
	if (sign_by(crt, ca, ca_key, err, errlen) != 0)
		goto fail;

	snprintf(path, sizeof path, "%s/ca.key", dir);
	if (export_key(ca_key, path, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/ca.pem", dir);
	if (export_crt(ca, path, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/server.key", dir);
	if (export_key(key, path, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/server.pem", dir);
	if (export_crt(crt, path, err, errlen) != 0)
		goto fail;
	rc = 0;
fail:
	if (ca_key)
		gnutls_x509_privkey_deinit(ca_key);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (ca)
		gnutls_x509_crt_deinit(ca);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return rc;
}

int hub_ca_issue_client(const char *ca_cert, const char *ca_key_path, const char *cn, int days,
			const char *out_dir, char *serial_out, size_t serial_size, time_t *not_after,
			char *err, size_t errlen)
{
	return hub_ca_issue(ca_cert, ca_key_path, cn, NULL, NULL, days, out_dir, serial_out,
			    serial_size, not_after, err, errlen);
}

int hub_ca_issue(const char *ca_cert, const char *ca_key_path, const char *cn, const char *ou,
		 const char *stem, int days, const char *out_dir, char *serial_out,
		 size_t serial_size, time_t *not_after, char *err, size_t errlen)
{
	if (stem == NULL)
		stem = cn;
	gnutls_x509_privkey_t ca_key = NULL, key = NULL;
	gnutls_x509_crt_t ca = NULL, crt = NULL;
	gnutls_datum_t ca_pem = {NULL, 0}, key_pem = {NULL, 0};
	unsigned char serial[16];
	char path[4200];
	int rc = -1;
	struct stat st;
	if (stat(ca_key_path, &st) != 0) {
		kv_snprintf(err, errlen, "cannot read the CA key %s: %s", ca_key_path, strerror(errno));
		return -1;
	}
	if (kv_check_private(&st, ca_key_path, "CA key", err, errlen) != 0)
		return -1;
	if (read_file(ca_cert, &ca_pem, err, errlen) != 0 ||
	    read_file(ca_key_path, &key_pem, err, errlen) != 0)
		goto fail;
	GT(gnutls_x509_crt_init(&ca), "certificate");
	GT(gnutls_x509_crt_import(ca, &ca_pem, GNUTLS_X509_FMT_PEM), "the CA certificate");
	GT(gnutls_x509_privkey_init(&ca_key), "key");
	GT(gnutls_x509_privkey_import2(ca_key, &key_pem, GNUTLS_X509_FMT_PEM, NULL, 0), "the CA key");
	if (mkdir(out_dir, 0700) != 0 && errno != EEXIST) {
		kv_snprintf(err, errlen, "cannot create %s: %s", out_dir, strerror(errno));
		goto fail;
	}
	GT(gnutls_x509_privkey_init(&key), "key");
	GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	   "client key");
	GT(gnutls_x509_crt_init(&crt), "certificate");
	if (new_crt(crt, key, cn, days, serial, err, errlen) != 0)
		goto fail;
	if (ou != NULL)
		GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0, ou,
						 (unsigned)strlen(ou)),
		   "certificate subject OU");
	GT(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), "constraints");
	GT(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "key usage");
	GT(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 1), "key purpose");
	if (sign_by(crt, ca, ca_key, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/%s.key", out_dir, stem);
	if (export_key(key, path, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/%s.pem", out_dir, stem);
	if (export_crt(crt, path, err, errlen) != 0)
		goto fail;
	snprintf(path, sizeof path, "%s/ca.pem", out_dir);
	unlink(path); /* the CA certificate is public; refresh it */
	if (export_crt(ca, path, err, errlen) != 0)
		goto fail;
	serial_hex(serial, sizeof serial, serial_out, serial_size);
	*not_after = gnutls_x509_crt_get_expiration_time(crt);
	rc = 0;
fail:
	gnutls_free(ca_pem.data);
	if (key_pem.data != NULL) {
		memset(key_pem.data, 0, key_pem.size);
		gnutls_free(key_pem.data);
	}
	if (ca_key)
		gnutls_x509_privkey_deinit(ca_key);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (ca)
		gnutls_x509_crt_deinit(ca);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return rc;
}
