#!/bin/bash
# kvalind-hub end to end on loopback: a real PostgreSQL, the hub (its CA and
# certificates made by `kvalind-hub init-ca` and `register`), and three
# synthetic offices, each a `kvalind daemon` with a fake clock pushing a
# 101-month backfill (2014-12..2023-04):
#
#  1. configuration: check-config accepts the test's file and names file and
#     line of a bad key; register refuses an id twice; keys are 0600;
#  2. every extract the daemons sent is stored exactly once, with one value
#     row per indicator; `missing` reports the month deleted from office C's
#     outbox before its push, and nothing once it is sent;
#     each office keeps the hub's signed receipt of every extract it sent
#     (STATE_DIR/receipts/ID.receipt) and `kvalind ledger verify` checks
#     them all; one byte changed in a receipt's data-sha256 line makes
#     verify fail naming that extract;
#  3. a resend of stored extracts (same Idempotency-Key) is 200 "already
#     stored" with a receipt, and stores nothing new;
#  4. each refused with nothing stored: with 422 (the extract's content) a
#     forged participant id (office A's certificate, office B's extract), a
#     tampered CSV (one byte, manifest unchanged), a published count of 3
#     and one of 7 (hand-made, SHA-256 and manifest consistent), an
#     Idempotency-Key that is not the extract id; with their own codes a
#     body over the size limit (413), no client certificate (401), a
#     certificate from another CA, a revoked office (403);
#  5. a corrected extract for a month supersedes the stored one; both stay,
#     and the old one names its successor;
#  6. reports: a quality lead (register-lead) gets /reports/ pages naming the
#     offices of its groups only, an office sees itself, no certificate is
#     401, a revoked lead 403, a lead certificate cannot push, one the hub
#     did not issue is refused; `report --out` and `panel` from the database.
#
# Runs as root (the daemons switch to nobody). KEEP=1 keeps the directory.
# No FILTER (KV_FILTER): one hub and three offices: every block builds on what the ones before stored.
# Usage: bash tests/hub/run.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
kvalind="$build/kvalind"
hub="$build/kvalind-hub"
. tests/lib/pg.sh
suite_no_filter hub "one hub and three offices: every block builds on what the ones before stored"
suite_reachable hub tests/hub/run.sh "$@"

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "hub: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || suite_skip hub "the daemons switch users; run as root"

tmp=$(mktemp -d /tmp/kvhub.XXXXXX)
chmod 755 "$tmp"
hub_pid=
daemon_pids=()
cleanup() {
	for p in "${daemon_pids[@]}"; do kill -9 "$p" 2> /dev/null; done
	[ -n "$hub_pid" ] && kill "$hub_pid" 2> /dev/null && wait "$hub_pid" 2> /dev/null
	pg_stop
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
export TZ=UTC KVALIND_TICK_MS=100 KVALIND_PUSH_TIMEOUT=10
nobody_group=$(id -gn nobody)

wait_for() { # FILE PATTERN [SECONDS]
	local i
	for i in $(seq 1 $((${3:-30} * 10))); do
		grep -q -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# --- the world: a database, three offices' record systems, the hub CA ----------
pg_start "$tmp/pg" || { fail "could not start PostgreSQL"; finish; }
pg_sql postgres "CREATE DATABASE hub" > /dev/null
sql() { psql -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d hub -c "$1"; }
counts() { sql "SELECT (SELECT count(*) FROM extracts) || ' ' || (SELECT count(*) FROM extract_values)"; }

offices=(office-a office-b office-c)
for i in 1 2 3; do
	"$build/kvalind-synth" --sqlite "$tmp/practice-$i.sqlite" --patients 1000 --seed "$i" --quiet &
done
wait
chmod 644 "$tmp"/practice-*.sqlite

"$hub" init-ca "$tmp/ca" --server-name 127.0.0.1 --server-name localhost > /dev/null ||
	{ fail "init-ca"; finish; }
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
conf="$tmp/hub.ini"
cat > "$conf" <<INI
[hub]
listen_address = 127.0.0.1
port = $port
threads = 4
user = nobody
indicator_dir = $build/indicators
data_dir = $tmp/hubdata
log_level = info
[tls]
cert = $tmp/ca/server.pem
key = $tmp/ca/server.key
ca_cert = $tmp/ca/ca.pem
ca_key = $tmp/ca/ca.key
[database]
dsn = host=127.0.0.1 port=$PGPORT dbname=hub user=postgres
[disclosure]
min_count = 5
rounding_base = 5
INI
chmod 600 "$conf"

# --- 1. configuration and registration -------------------------------------------
"$hub" check-config --config "$conf" > "$tmp/cc.out" 2>&1 && ok "check-config accepts the hub's configuration" ||
	{ fail "check-config"; cat "$tmp/cc.out"; }
sed 's/^rounding_base = 5/rounding_base = 5\nroundng = 5/' "$conf" > "$tmp/bad.ini"
chmod 600 "$tmp/bad.ini"
"$hub" check-config --config "$tmp/bad.ini" > "$tmp/bad.out" 2>&1
rc=$?
line=$(grep -n '^roundng' "$tmp/bad.ini" | cut -d: -f1)
if [ $rc -eq 3 ] && grep -q "bad.ini:$line: unknown key \"roundng\" in \[disclosure\]" "$tmp/bad.out"; then
	ok "a misspelt key is an error naming file and line (exit 3)"
else
	fail "bad configuration (exit $rc)"; cat "$tmp/bad.out"
fi

groups=("--group financing:rfv --group region:vest" "--group financing:fastlon --group region:nord" "--group financing:rfv --group region:nord")
for i in 0 1 2; do
	o=${offices[$i]}
	# shellcheck disable=SC2086
	"$hub" register "$o" ${groups[$i]} --team-start 2019-01 --out "$tmp/$o/certs" --config "$conf" \
		> "$tmp/register-$o.out" 2>&1 || { fail "register $o"; cat "$tmp/register-$o.out"; finish; }
done
if [ "$(stat -c %a "$tmp/office-a/certs/office-a.key")" = 600 ] &&
   openssl verify -CAfile "$tmp/ca/ca.pem" "$tmp/office-a/certs/office-a.pem" > /dev/null 2>&1 &&
   openssl x509 -in "$tmp/office-a/certs/office-a.pem" -noout -subject | grep -q "CN *= *office-a" &&
   [ "$(sql "SELECT count(*) FROM participant_groups")" = 6 ] &&
   [ "$(sql "SELECT to_char(team_start, 'YYYY-MM') FROM participants WHERE id = 'office-b'")" = 2019-01 ]; then
	ok "register issues ID.key (0600) and ID.pem (CN = ID, from the hub CA) and records groups"
else
	fail "register's output"
fi
if ! "$hub" register office-a --config "$conf" > "$tmp/again.out" 2>&1 &&
   grep -q "registered already" "$tmp/again.out"; then
	ok "register refuses an id that is registered already"
else
	fail "register twice"; cat "$tmp/again.out"
fi

# --- the hub ------------------------------------------------------------------------
"$hub" serve --config "$conf" > "$tmp/hub.log" 2>&1 &
hub_pid=$!
if wait_for "$tmp/hub.log" "listening on" 20; then
	ok "the hub serves (catalogue of $(sql "SELECT count(*) FROM indicators") indicators recorded)"
else
	fail "the hub did not start"; cat "$tmp/hub.log"; finish
fi

# --- three daemons -----------------------------------------------------------------
clock="$tmp/clock"
set_clock() { date -u -d "$1" +%s > "$clock.new" && chmod 644 "$clock.new" && mv "$clock.new" "$clock"; }
export KVALIND_CLOCK_FILE="$clock"
set_clock "2023-05-06 03:00"

for i in 0 1 2; do
	o=${offices[$i]}
	dir="$tmp/$o"
	mkdir -p "$dir/state"
	chown nobody "$dir/state" "$dir/certs/$o.key" "$dir/certs/$o.pem"
	chmod 755 "$dir" "$dir/certs"
	approval=automatic
	[ "$o" = office-c ] && approval=manual
	cat > "$dir/kvalind.ini" <<INI
[office]
id = $o
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $dir/state
log_level = info
user = nobody
[push]
transport = https
url = https://127.0.0.1:$port/extracts
ca_file = $dir/certs/ca.pem
client_cert = $dir/certs/$o.pem
client_key = $dir/certs/$o.key
approval = $approval
[schedule]
day = 5
hour = 2
backfill_from = 2014-12
[connector.reference]
dsn = Driver=SQLite3;Database=$tmp/practice-$((i + 1)).sqlite
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
INI
	chown root:"$nobody_group" "$dir/kvalind.ini"
	chmod 640 "$dir/kvalind.ini"
	"$kvalind" daemon --config "$dir/kvalind.ini" > "$dir/daemon.log" 2>&1 &
	daemon_pids+=($!)
done

for o in office-a office-b; do
	wait_for "$tmp/$o/daemon.log" "push: 101 delivered" 120 || { fail "$o's daemon did not deliver 101"; tail -5 "$tmp/$o/daemon.log"; finish; }
done
wait_for "$tmp/office-c/daemon.log" "exported (101 added" 120 || { fail "office C's backfill"; tail -5 "$tmp/office-c/daemon.log"; finish; }
# Office C: one month is taken out of its outbox (rejected) before its push.
hole=$(ls "$tmp/office-c/state/outbox/pending" | grep _2019-06_)
"$kvalind" reject --config "$tmp/office-c/kvalind.ini" --reason "test: a hole" "$hole" > /dev/null 2>&1 ||
	fail "reject $hole"
"$kvalind" approve --config "$tmp/office-c/kvalind.ini" --all > /dev/null 2>&1 || fail "approve office C"
set_clock "2023-05-06 03:05"
wait_for "$tmp/office-c/daemon.log" "push: 100 delivered" 60 || { fail "office C's push"; tail -5 "$tmp/office-c/daemon.log"; }

# --- 2. every extract stored once ------------------------------------------------
sent_ids() { for o in "${offices[@]}"; do ls "$tmp/$o/state/outbox/sent"; done | sort; }
sent_ids > "$tmp/sent.txt"
sql "SELECT extract_id FROM extracts ORDER BY 1" | LC_ALL=C sort > "$tmp/stored.txt"
LC_ALL=C sort -o "$tmp/sent.txt" "$tmp/sent.txt"
rows=$(for o in "${offices[@]}"; do cat "$tmp/$o"/state/outbox/sent/*/data.csv; done | grep -vc '^participant,')
if [ "$(wc -l < "$tmp/sent.txt")" = 302 ] && cmp -s "$tmp/sent.txt" "$tmp/stored.txt" &&
   [ "$(counts)" = "302 $rows" ] && [ "$rows" = $((302 * 37)) ] &&
   [ "$(sql "SELECT count(*) FROM extracts WHERE superseded_by IS NOT NULL")" = 0 ]; then
	ok "3 daemons: all 302 extracts sent are stored once each, 302 x 37 values"
else
	fail "stored: $(counts), sent $(wc -l < "$tmp/sent.txt") with $rows rows"
	diff "$tmp/sent.txt" "$tmp/stored.txt" | head -5
fi
if [ "$(sql "SELECT count(*) FROM extract_values v JOIN extracts e USING (extract_id)
	WHERE e.participant = 'office-a' AND e.month = '2023-04-01' AND v.numerator_status = 'published'
	AND v.numerator::text = split_part(split_part(e.csv, E'\n' || 'office-a,' || v.indicator || ',', 2), ',', 3)")" -gt 0 ]; then
	ok "stored values are the published counts of data.csv"
else
	fail "stored values differ from the CSV"
fi
"$hub" missing --config "$conf" > "$tmp/missing1.out" 2>&1
if grep -q "^office-c: 1 missing: 2019-06$" "$tmp/missing1.out" &&
   grep -q "^office-a: none missing (2014-12..2023-04)$" "$tmp/missing1.out"; then
	ok "missing reports office C's 2019-06, deleted from its outbox before the push"
else
	fail "missing"; cat "$tmp/missing1.out"
fi
"$hub" list --config "$conf" --participant office-b > "$tmp/list.out" 2>&1
if grep -q "^list: 101 extracts$" "$tmp/list.out" && grep -q "office-b_2023-04_" "$tmp/list.out"; then
	ok "list shows what arrived from an office"
else
	fail "list"; tail -3 "$tmp/list.out"
fi

# --- receipts: each office keeps the hub's, and ledger verify checks them -----------
receipts_ok=yes
for o in "${offices[@]}"; do
	n_sent=$(ls "$tmp/$o/state/outbox/sent" | wc -l)
	n_receipts=$(ls "$tmp/$o/state/receipts" 2> /dev/null | grep -c '\.receipt$')
	"$kvalind" ledger verify --require-receipts --config "$tmp/$o/kvalind.ini" > "$tmp/verify-$o.out" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ "$n_receipts" != "$n_sent" ] ||
	   ! grep -q "^receipts: $n_sent sent extracts, $n_sent with valid receipts, 0 without a receipt, 0 invalid$" "$tmp/verify-$o.out"; then
		receipts_ok=no
		fail "$o: $n_receipts receipts for $n_sent sent, ledger verify exit $rc"; tail -3 "$tmp/verify-$o.out"
	fi
done
r=$(ls "$tmp/office-a/state/receipts" | grep _2016-07_)
if [ "$receipts_ok" = yes ] && head -1 "$tmp/office-a/state/receipts/$r" | grep -qx 'kvalind-receipt 1' &&
   grep -qx 'participant: office-a' "$tmp/office-a/state/receipts/$r" &&
   [ "$(stat -c %a "$tmp/office-a/state/receipts/$r")" = 600 ]; then
	ok "every office keeps the hub's signed receipt of each extract it sent (302), and ledger verify --require-receipts passes"
fi
# One byte of a receipt (the first digit of its data-sha256): verify names it.
cp -p "$tmp/office-a/state/receipts/$r" "$tmp/receipt.orig"
/usr/bin/python3 -c 'import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("\ndata-sha256: ") + 14
s = s[:i] + ("1" if s[i] == "0" else "0") + s[i + 1:]
open(p, "w").write(s)' "$tmp/office-a/state/receipts/$r"
"$kvalind" ledger verify --config "$tmp/office-a/kvalind.ini" > "$tmp/verify-bad.out" 2>&1
rc=$?
id=${r%.receipt}
if [ $rc = 1 ] && ! cmp -s "$tmp/receipt.orig" "$tmp/office-a/state/receipts/$r" &&
   grep -q "^$id: receipt invalid: " "$tmp/verify-bad.out" &&
   grep -q "chain intact" "$tmp/verify-bad.out" &&
   grep -q "^receipts: 101 sent extracts, 100 with valid receipts, 0 without a receipt, 1 invalid$" "$tmp/verify-bad.out"; then
	ok "one byte of a receipt changed: ledger verify fails (exit 1) naming $id ($(grep "^$id" "$tmp/verify-bad.out" | cut -d: -f2- | cut -c1-60)...)"
else
	fail "a changed receipt: verify exit $rc"; cat "$tmp/verify-bad.out" | tail -4
fi
cp -p "$tmp/receipt.orig" "$tmp/office-a/state/receipts/$r"

# --- posting by hand ------------------------------------------------------------------
# post CERT DIR [KEY] -> HTTP status on stdout, body in $tmp/body
post() {
	local cert=$1 dir=$2 key=${3:-}
	[ -n "$key" ] || key=$(sed -n 's/.*"extract_id": "\([^"]*\)".*/\1/p' "$dir/manifest.json")
	local auth=()
	[ "$cert" != none ] && auth=(--cert "$cert.pem" --key "$cert.key")
	[ -n "${CHUNKED:-}" ] && auth+=(-H "Transfer-Encoding: chunked" -H "Expect:")
	curl -s -o "$tmp/body" -w '%{http_code}' --cacert "$tmp/ca/ca.pem" "${auth[@]}" \
		-H "Idempotency-Key: $key" -F "manifest=@$dir/manifest.json;type=application/json" \
		-F "data=@$dir/data.csv;type=text/csv" "https://127.0.0.1:$port/extracts"
}
A="$tmp/office-a/certs/office-a"
B="$tmp/office-b/certs/office-b"
a_dir() { echo "$tmp/office-a/state/outbox/sent/$(ls "$tmp/office-a/state/outbox/sent" | grep "_$1_")"; }
b_dir() { echo "$tmp/office-b/state/outbox/sent/$(ls "$tmp/office-b/state/outbox/sent" | grep "_$1_")"; }

# refused CODE-PATTERN WHAT REASON-PATTERN -- POST ARGS: nothing stored
refused() {
	local want=$1 what=$2 why=$3
	shift 3
	local before after code
	before=$(counts)
	code=$(post "$@")
	after=$(counts)
	if [[ "$code" =~ ^$want$ ]] && [ "$before" = "$after" ] && grep -q -- "$why" "$tmp/body"; then
		ok "$what: $code $(head -c 120 "$tmp/body" | head -1), nothing stored"
	else
		fail "$what: HTTP $code, body: $(head -c 200 "$tmp/body"), counts $before -> $after"
	fi
}

# --- 3. resend -------------------------------------------------------------------------
before=$(counts)
r1=$(post "$A" "$(a_dir 2015-03)")
r2=$(post "$B" "$(b_dir 2023-04)")
if [ "$r1" = 200 ] && [ "$r2" = 200 ] && grep -q "already stored" "$tmp/body" && [ "$(counts)" = "$before" ] &&
   sed -n 2p "$tmp/body" | grep -qx 'kvalind-receipt 1' && grep -q "^extract: $(basename "$(b_dir 2023-04)")$" "$tmp/body"; then
	ok "a resend of stored extracts with their keys: 200 already stored with a receipt, nothing new"
else
	fail "resend: $r1 $r2 $(cat "$tmp/body") $before -> $(counts)"
fi

# --- 4. refusals -----------------------------------------------------------------------
refused 422 "a forged participant (office A's certificate, office B's extract)" \
	"not the authenticated office" "$A" "$(b_dir 2022-01)"
mkdir -p "$tmp/tampered"
cp "$(a_dir 2022-02)"/* "$tmp/tampered/"
# one byte: the last digit of the first published count
/usr/bin/python3 -c 'import sys
p = sys.argv[1]
s = open(p).read()
i = s.index(",published,")
s = s[:i - 1] + ("1" if s[i - 1] != "1" else "2") + s[i:]
open(p, "w").write(s)' "$tmp/tampered/data.csv"
if cmp -s "$tmp/tampered/data.csv" "$(a_dir 2022-02)/data.csv"; then
	fail "could not tamper with the CSV"
else
	refused 422 "a tampered CSV (one byte changed, the manifest's sha256 unchanged)" \
		"does not match the manifest" "$A" "$tmp/tampered"
fi
/usr/bin/python3 tests/hub/forge.py "$(a_dir 2022-03)" "$tmp/small3" --numerator 3 &&
	refused 422 "a published count of 3 (SHA-256 and manifest consistent)" "below min_count 5" \
		"$A" "$tmp/small3"
/usr/bin/python3 tests/hub/forge.py "$(a_dir 2022-03)" "$tmp/small7" --numerator 7 &&
	refused 422 "a published count of 7 (off the rounding base 5)" "not a multiple of rounding_base 5" \
		"$A" "$tmp/small7"
refused 422 "an Idempotency-Key that is not the manifest's extract id" "Idempotency-Key differs" \
	"$A" "$tmp/small3" "office-a_2022-03_0000000000000000"
mkdir -p "$tmp/big"
cp "$(a_dir 2022-04)/manifest.json" "$tmp/big/"
head -c 1100000 /dev/zero | tr '\0' 'x' > "$tmp/big/data.csv"
refused 413 "a body over max_request_kib" "larger than" "$A" "$tmp/big"
# Without a Content-Length the limit is enforced while the body arrives: the
# hub answers 413 and closes the connection, so curl, still sending, may see
# the reset (000) after the 413's body.
CHUNKED=1 refused "(413|000)" "a chunked body over max_request_kib (refused while it arrives)" "larger than" \
	"$A" "$tmp/big"
refused 401 "no client certificate" "client certificate" none "$(a_dir 2022-05)"

# a certificate from another CA with the CN of a registered office
"$hub" init-ca "$tmp/other" > /dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/other/stranger.key" 2> /dev/null
openssl req -new -key "$tmp/other/stranger.key" -subj /CN=office-a -out "$tmp/other/stranger.csr" 2> /dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n' > "$tmp/other/ext"
openssl x509 -req -in "$tmp/other/stranger.csr" -CA "$tmp/other/ca.pem" -CAkey "$tmp/other/ca.key" \
	-set_serial 0x4242 -days 30 -sha256 -extfile "$tmp/other/ext" -out "$tmp/other/stranger.pem" 2> /dev/null
before=$(counts)
code=$(post "$tmp/other/stranger" "$(a_dir 2022-05)")
if [[ "$code" =~ ^(401|000)$ ]] && [ "$before" = "$(counts)" ]; then
	ok "a certificate from another CA (CN office-a): ${code/000/TLS handshake refused} $(head -1 "$tmp/body" 2> /dev/null), nothing stored"
else
	fail "stranger: $code $(cat "$tmp/body")"
fi
# a revoked office (registered, then revoked: checked per request, no restart)
"$hub" register office-d --out "$tmp/office-d" --config "$conf" > /dev/null 2>&1
"$hub" revoke office-d --config "$conf" > "$tmp/revoke.out" 2>&1 || fail "revoke"
refused 403 "a revoked office" "revoked" "$tmp/office-d/office-d" "$(a_dir 2022-05)"
if [ "$(sql "SELECT count(*) FROM extracts WHERE participant = 'office-d'")" = 0 ] &&
   grep -q "not the authenticated office\|401\|403" "$tmp/hub.log"; then
	ok "the hub logs each refusal with its reason"
else
	fail "refusal log"
fi

# --- 5. a corrected extract supersedes the stored one ------------------------------
old=$(basename "$(a_dir 2021-07)")
/usr/bin/python3 tests/hub/forge.py "$(a_dir 2021-07)" "$tmp/corrected" --bump
new=$(cat "$tmp/corrected/id")
before=$(counts)
code=$(post "$A" "$tmp/corrected")
if [ "$code" = 201 ] && grep -q supersedes "$tmp/body" &&
   [ "$(sql "SELECT superseded_by FROM extracts WHERE extract_id = '$old'")" = "$new" ] &&
   [ "$(sql "SELECT count(*) FROM extracts WHERE participant = 'office-a' AND month = '2021-07-01'")" = 2 ] &&
   [ "$(sql "SELECT extract_id FROM extracts WHERE participant = 'office-a' AND month = '2021-07-01' AND superseded_by IS NULL")" = "$new" ] &&
   [ "$(counts)" = "$(( ${before% *} + 1 )) $(( ${before#* } + 37 ))" ]; then
	ok "a corrected extract of 2021-07 supersedes the stored one; both are kept"
else
	fail "supersede: $code $(cat "$tmp/body")"
fi
code=$(post "$A" "$tmp/corrected")
[ "$code" = 200 ] && ok "the correction sent again is already stored" || fail "correction resend: $code"

# office C's missing month arrives late: nothing missing any more
code=$(post "$tmp/office-c/certs/office-c" "$tmp/office-c/state/outbox/rejected/$hole")
"$hub" missing office-c --config "$conf" > "$tmp/missing2.out" 2>&1
if [ "$code" = 201 ] && grep -q "^office-c: none missing (2014-12..2023-04)$" "$tmp/missing2.out" &&
   [ "$(sql "SELECT count(*) FROM extracts WHERE superseded_by IS NULL")" = 303 ]; then
	ok "office C's month arrives late: 303 current extracts, nothing missing"
else
	fail "late month: $code $(cat "$tmp/missing2.out")"
fi

# --- 6. reports: quality leads and offices, served and written ------------------------
"$hub" register-lead rfv --group financing:rfv --out "$tmp/lead" --config "$conf" > "$tmp/lead.out" 2>&1 ||
	{ fail "register-lead"; cat "$tmp/lead.out"; }
L="$tmp/lead/lead-rfv"
if [ "$(stat -c %a "$L.key")" = 600 ] && openssl verify -CAfile "$tmp/ca/ca.pem" "$L.pem" > /dev/null 2>&1 &&
   openssl x509 -in "$L.pem" -noout -subject | grep -q "CN *= *lead:rfv" &&
   openssl x509 -in "$L.pem" -noout -subject | grep -q "OU *= *lead" &&
   [ "$(sql "SELECT array_to_string(groups, ',') || ' ' || revoked FROM leads WHERE name = 'rfv'")" = "financing:rfv false" ]; then
	ok "register-lead issues lead-rfv.key (0600) and .pem (CN=lead:rfv, OU=lead) and records its groups"
else
	fail "register-lead's output"; cat "$tmp/lead.out"
fi
# get CERT PATH -> status; body in $tmp/page, headers in $tmp/headers
get() {
	local auth=()
	[ "$1" != none ] && auth=(--cert "$1.pem" --key "$1.key")
	curl -s -D "$tmp/headers" -o "$tmp/page" -w '%{http_code}' --cacert "$tmp/ca/ca.pem" "${auth[@]}" \
		"https://127.0.0.1:$port$2"
}
code=$(get none /reports/)
[ "$code" = 401 ] && ok "GET /reports/ without a client certificate: 401" || fail "unauthenticated report: $code"
code=$(get "$L" /reports/DM_ANNUAL_CHECK.html)
if [ "$code" = 200 ] && grep -qi "^content-type: text/html; charset=utf-8" "$tmp/headers" &&
   grep -qi "^content-security-policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:" "$tmp/headers" &&
   grep -qi "^cache-control: no-store" "$tmp/headers" &&
   grep -q "<td>office-a</td>" "$tmp/page" && grep -q "<td>office-c</td>" "$tmp/page" &&
   ! grep -q "office-b" "$tmp/page" && ! grep -qi "<script" "$tmp/page" &&
   [ "$(grep -c '<circle class="point' "$tmp/page")" = 3 ] && grep -q "mean monthly denominator" "$tmp/page"; then
	ok "a lead (financing:rfv) gets the page: offices a and c named, b anonymous; CSP, no-store, no script"
else
	fail "lead's page: $code"; cat "$tmp/headers"
fi
code=$(get "$L" /reports/)
[ "$code" = 200 ] && grep -q 'href="/reports/DM_ANNUAL_CHECK.html"' "$tmp/page" && ! grep -q 'href="/reports/ADD_DDD_MEAN' "$tmp/page" &&
	ok "the index links the indicators that are shares" || fail "index: $code"
code=$(get "$B" /reports/DM_ANNUAL_CHECK.html)
if [ "$code" = 200 ] && grep -q "<td>office-b</td>" "$tmp/page" && grep -q 'point named highlight' "$tmp/page" &&
   ! grep -q "office-a\|office-c" "$tmp/page"; then
	ok "an office (its push certificate) sees itself against the anonymous distribution"
else
	fail "office's page: $code"
fi
c1=$(get "$L" /reports/NO_SUCH.html); c2=$(get "$L" /reports/ADD_DDD_MEAN.html); c3=$(get "$L" /reports/../etc/passwd)
[ "$c1" = 404 ] && [ "$c2" = 404 ] && [[ "$c3" =~ ^(404|400)$ ]] && ok "unknown, mean-type and odd pages: 404" || fail "404s: $c1 $c2 $c3"
refused 403 "a quality lead's certificate pushing an extract" "cannot push" "$L" "$(a_dir 2022-06)"
# a hub-CA certificate for lead:rfv that the hub did not issue to the lead (not its serial)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/fake-lead.key" 2> /dev/null
openssl req -new -key "$tmp/fake-lead.key" -subj "/CN=lead:rfv/OU=lead" -out "$tmp/fake-lead.csr" 2> /dev/null
openssl x509 -req -in "$tmp/fake-lead.csr" -CA "$tmp/ca/ca.pem" -CAkey "$tmp/ca/ca.key" -set_serial 0x4343 \
	-days 30 -sha256 -extfile "$tmp/other/ext" -out "$tmp/fake-lead.pem" 2> /dev/null
code=$(get "$tmp/fake-lead" /reports/)
[ "$code" = 401 ] && grep -q "not the one the hub issued" "$tmp/page" &&
	ok "a lead certificate with another serial: 401" || fail "fake lead: $code $(cat "$tmp/page")"
"$hub" report --out "$tmp/report" --viewer lead:rfv --config "$conf" > "$tmp/report.out" 2>&1
"$hub" report --out "$tmp/report-b" --indicator DM_ANNUAL_CHECK --viewer office:office-b --config "$conf" > "$tmp/report-b.out" 2>&1
if [ -s "$tmp/report/index.html" ] && grep -q "<td>office-a</td>" "$tmp/report/DM_ANNUAL_CHECK.html" &&
   ! grep -q office-b "$tmp/report/DM_ANNUAL_CHECK.html" && [ ! -e "$tmp/report/ADD_DDD_MEAN.html" ] &&
   grep -q "<td>office-b</td>" "$tmp/report-b/DM_ANNUAL_CHECK.html" && ! grep -q "office-a" "$tmp/report-b/DM_ANNUAL_CHECK.html" &&
   [ "$(ls "$tmp/report-b")" = "$(printf 'DM_ANNUAL_CHECK.html\nindex.html')" ] &&
   ! ls -a "$tmp/report" | grep -q tmp; then
	ok "report --out writes index.html and the pages for a lead, and one page for an office ($(grep -o '[0-9]* indicator pages' "$tmp/report.out"))"
else
	fail "report"; cat "$tmp/report.out" "$tmp/report-b.out"
fi
"$hub" panel --indicator DM_ANNUAL_CHECK --config "$conf" > "$tmp/panel.csv" 2> "$tmp/panel.err"
"$hub" panel --indicator DM_ANNUAL_CHECK --group-prefix financing: --unit year --config "$conf" > "$tmp/panel-y.csv" 2>> "$tmp/panel.err"
if [ "$(grep -c '^office-a,' "$tmp/panel.csv")" = $((2 * 101)) ] &&
   grep -q '^office-a,financing:rfv,2023-04,DM_ANNUAL_CHECK,' "$tmp/panel.csv" &&
   grep -q '^office-a,region:vest,2023-04,DM_ANNUAL_CHECK,' "$tmp/panel.csv" &&
   [ "$(grep -c '^office-a,' "$tmp/panel-y.csv")" = 10 ] && ! grep -q region: "$tmp/panel-y.csv"; then
	ok "panel: one row per office x group x month; --group-prefix financing: --unit year"
else
	fail "panel"; cat "$tmp/panel.err"; head -3 "$tmp/panel.csv"
fi
"$hub" revoke-lead rfv --config "$conf" > /dev/null 2>&1
code=$(get "$L" /reports/)
[ "$code" = 403 ] && ok "a revoked lead: 403" || fail "revoked lead: $code"

# --- the hub stops cleanly ----------------------------------------------------------
kill -TERM "$hub_pid"
wait "$hub_pid"
rc=$?
hub_pid=
[ $rc -eq 0 ] && wait_for "$tmp/hub.log" "stopping" 5 && ok "SIGTERM stops the hub (exit 0)" ||
	fail "hub stop: exit $rc"
finish
