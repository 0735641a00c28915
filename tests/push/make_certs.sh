#!/bin/sh
# make_certs.sh DIR - the certificates check_push needs, made fresh in DIR
#
#   ca.pem ca.key              the test CA (the receiver's and the office's)
#   server.pem server.key      the receiver, for 127.0.0.1 and localhost
#   server2.pem server2.key    another receiver of the test CA (signs receipts
#                              that are not the connection's certificate's)
#   client.pem client.key      the office's client certificate
#   client-enc.key             client.key encrypted with "kv-test-passphrase"
#   revoked.pem revoked.key    a client certificate the test CA revoked
#   crl.pem                    the test CA's CRL, listing revoked.pem
#   other-ca.pem other-ca.key  an unrelated CA
#   wrong-server.pem/.key      a receiver certificate from the unrelated CA
#   stranger.pem/.key          a client certificate from the unrelated CA
#
# Keys are mode 0600. Nothing here is ever committed: the test runs this.
set -eu

dir=${1:?usage: make_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
umask 077

db=ca-db
mkdir -p "$db/newcerts"
: > "$db/index.txt"
echo 1000 > "$db/serial"
echo 1000 > "$db/crlnumber"

cat > openssl.cnf <<CNF
[ ca ]
default_ca = test_ca

[ test_ca ]
dir = $db
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = none

[ policy_any ]
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = unused

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost

[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
CNF

newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
	chmod 600 "$1"
}

# ca NAME CN: a self-signed CA
ca() {
	newkey "$1.key"
	openssl req -config openssl.cnf -new -x509 -key "$1.key" -subj "/CN=$2" -days 30 \
		-extensions ca_ext -out "$1.pem"
}

# signed_by_test_ca NAME CN EXT: signed with `openssl ca` (so it can be revoked)
signed_by_test_ca() {
	newkey "$1.key"
	openssl req -config openssl.cnf -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
	openssl ca -config openssl.cnf -batch -notext -extensions "$3" -in "$1.csr" \
		-out "$1.pem" 2>/dev/null
	rm -f "$1.csr"
}

# signed_by_other_ca NAME CN EXT
signed_by_other_ca() {
	newkey "$1.key"
	openssl req -config openssl.cnf -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
	openssl x509 -req -in "$1.csr" -CA other-ca.pem -CAkey other-ca.key \
		-set_serial 0x2000 -days 30 -sha256 -extfile openssl.cnf -extensions "$3" \
		-out "$1.pem" 2>/dev/null
	rm -f "$1.csr"
}

ca ca "kvalind test CA"
signed_by_test_ca server "kvalind test receiver" server_ext
signed_by_test_ca server2 "kvalind other test receiver" server_ext
signed_by_test_ca client "kvalind test office" client_ext
signed_by_test_ca revoked "kvalind revoked office" client_ext

openssl ca -config openssl.cnf -batch -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config openssl.cnf -batch -gencrl -out crl.pem 2>/dev/null

openssl pkey -in client.key -aes256 -passout pass:kv-test-passphrase -out client-enc.key
chmod 600 client-enc.key

ca other-ca "unrelated CA"
signed_by_other_ca wrong-server "kvalind test receiver" server_ext
signed_by_other_ca stranger "kvalind stranger office" client_ext

chmod 644 ./*.pem
# Self-check: the CRL lists the revoked certificate and only it.
openssl verify -crl_check -CAfile ca.pem -CRLfile crl.pem client.pem >/dev/null
if openssl verify -crl_check -CAfile ca.pem -CRLfile crl.pem revoked.pem >/dev/null 2>&1; then
	echo "make_certs.sh: revoked.pem still verifies against crl.pem" >&2
	exit 1
fi
