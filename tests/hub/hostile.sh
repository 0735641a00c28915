#!/bin/bash
# hostile.sh - hostile clients at the hub (`make check-hub-hostile`, about
# 40 s): a throwaway PostgreSQL and `kvalind-hub serve` (tests/hub/lib.sh,
# as nobody, idle_timeout 4 s, request_timeout 8 s), offices a, b and c
# registered with `kvalind-hub register`, valid extracts from
# build/tests/hub_load emit. Each attack is refused with nothing stored,
# and a good push of office b right after it is stored (201):
#
#  - oversized bodies: with a Content-Length over max_request_kib, chunked
#    without one (refused while it arrives), a claimed Content-Length of
#    1 TiB (answered before any body is read), a manifest part over 64 KiB;
#  - slow clients: 50 that send a POST one byte a second, one that sends
#    its TLS handshake a byte a second, one that connects and says nothing:
#    a normal push completes while they hang, the watchdog cuts the
#    trickling ones after request_timeout, MHD the silent one after
#    idle_timeout;
#  - malformed manifests: invalid JSON, not an object, a wrong type, huge
#    numbers, a duplicate key, deep nesting, invalid UTF-8 (and an encoded
#    surrogate), \u0000 in a key and in a value, a lone surrogate escape, a
#    control character, an unknown key (hostile_client.py malformed);
#  - a replayed extract: 200 "already stored", nothing new;
#  - another office's participant id, in the manifest and in the rows;
#  - an expired and a not-yet-valid certificate from the hub CA, each the
#    one registered for its office (so only its dates are wrong);
#  - serve started as root without [hub] user refuses; the running hub is
#    nobody.
#
# Usage: bash tests/hub/hostile.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
hub="$build/kvalind-hub"
load="$build/tests/hub_load"
py="/usr/bin/python3 $src/tests/hub/hostile_client.py"

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "hub-hostile: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

if [ "$(id -u)" != 0 ]; then
	echo "hub-hostile: SKIP: the hub switches to nobody; run as root"
	exit 0
fi
. tests/hub/lib.sh
trap world_stop EXIT
HUB_INI_EXTRA=$'idle_timeout = 4\nrequest_timeout = 8' world_start "$(mktemp -d /tmp/kvhubhostile.XXXXXX)" ||
	{ fail "the hub did not start"; finish; }
t=$W
hub_sql "SELECT id, version, type FROM indicators ORDER BY id" | tr '|' ' ' > "$t/indicators"
for o in office-a office-b office-c office-d; do
	"$hub" register "$o" --out "$t/$o" --config "$conf" > "$t/register-$o.out" 2>&1 ||
		{ fail "register $o"; cat "$t/register-$o.out"; finish; }
done
A="$t/office-a/office-a"
B="$t/office-b/office-b"
counts() { hub_sql "SELECT (SELECT count(*) FROM extracts) || ' ' || (SELECT count(*) FROM extract_values)"; }
emit() { # ID MONTH DIR
	"$load" emit --participant "$1" --month "$2" --indicators "$t/indicators" --out "$3" > /dev/null
}

# post CERT DIR [KEY] -> HTTP status; body in $t/body
post() {
	local cert=$1 dir=$2 key=${3:-}
	[ -n "$key" ] || key=$(head -1 "$dir/id" 2> /dev/null || head -1 "$dir/key")
	local auth=()
	[ "$cert" != none ] && auth=(--cert "$cert.pem" --key "$cert.key")
	[ -n "${CHUNKED:-}" ] && auth+=(-H "Transfer-Encoding: chunked" -H "Expect:")
	curl -s -o "$t/body" -w '%{http_code}' --max-time 30 --cacert "$t/ca/ca.pem" "${auth[@]}" \
		-H "Idempotency-Key: $key" -F "manifest=@$dir/manifest.json;type=application/json" \
		-F "data=@$dir/data.csv;type=text/csv" "https://127.0.0.1:$port/extracts"
}

# after each attack: a good push of office b (a new month each time) is stored
good_month=0
good_push() {
	good_month=$((good_month + 1))
	local m d code
	m=$(date -u -d "2015-01-01 +$good_month month" +%Y-%m)
	d="$t/good-$m"
	emit office-b "$m" "$d"
	code=$(post "$B" "$d")
	[ "$code" = 201 ] && return 0
	echo "     (the good push after it: HTTP $code $(head -c 200 "$t/body"))"
	return 1
}

# refused CODE-PATTERN WHAT REASON-PATTERN -- POST ARGS: nothing stored,
# and the hub serves the next office
refused() {
	local want=$1 what=$2 why=$3
	shift 3
	local before after code
	before=$(counts)
	code=$(post "$@")
	after=$(counts)
	cp "$t/body" "$t/attack-body"
	if [[ "$code" =~ ^$want$ ]] && [ "$before" = "$after" ] && { [ -z "$why" ] || grep -q -- "$why" "$t/body"; } && good_push; then
		ok "$what: ${code/000/connection closed} $(head -c 110 "$t/attack-body" | head -1); nothing stored, the next push stored"
	else
		fail "$what: HTTP $code, body: $(head -c 200 "$t/attack-body"), counts $before -> $after"
	fi
}

emit office-a 2023-01 "$t/a-2023-01"
code=$(post "$A" "$t/a-2023-01")
[ "$code" = 201 ] && ok "a valid extract is stored (201)" || { fail "valid push: $code $(cat "$t/body")"; finish; }

# --- oversized bodies -----------------------------------------------------------
mkdir -p "$t/big"
emit office-a 2023-02 "$t/big"
head -c 1100000 /dev/zero | tr '\0' 'x' > "$t/big/data.csv"
refused 413 "a body over max_request_kib with a Content-Length" "larger than" "$A" "$t/big"
# (the hub answers 413 and closes while curl still sends: curl may see only the reset)
CHUNKED=1 refused "(413|000)" "a chunked body over max_request_kib, no Content-Length" "" "$A" "$t/big"
[ "$(grep -c "413 the request is larger than" "$t/hub.log")" = 2 ] && ok "the hub logged both 413s" ||
	fail "the hub's log lacks a 413"
before=$(counts)
s0=$(date +%s.%N)
code=$($py big-length 127.0.0.1 "$port" "$A.pem" "$A.key" "$t/ca/ca.pem" office-a_2023-02_0000000000000000)
s1=$(date +%s.%N)
if [ "$code" = 413 ] && [ "$before" = "$(counts)" ] && good_push; then
	ok "a claimed Content-Length of 1 TiB: 413 in $(printf %.2f "$(echo "$s1 - $s0" | bc)") s, before any body; the next push stored"
else
	fail "1 TiB Content-Length: $code"
fi

# --- malformed manifests ----------------------------------------------------------
emit office-a 2023-03 "$t/a-2023-03"
kinds=$($py malformed "$t/a-2023-03" "$t/bad")
for k in $kinds; do
	want="4[0-9][0-9]"
	refused "$want" "malformed manifest: $k" "." "$A" "$t/bad/$k" "$(cat "$t/bad/$k/key")"
done
grep -q "503" "$t/hub.log" && fail "a malformed manifest made the database fail (503 in the log)" ||
	ok "no malformed manifest reached the database (no 503)"

# --- a replay, another office's id ---------------------------------------------------
before=$(counts)
code=$(post "$A" "$t/a-2023-01")
if [ "$code" = 200 ] && grep -q "already stored" "$t/body" && [ "$before" = "$(counts)" ] && good_push; then
	ok "a replayed extract: 200 already stored, nothing new; the next push stored"
else
	fail "replay: $code $(cat "$t/body")"
fi
emit office-b 2023-05 "$t/b-2023-05"
refused 4.. "office a's certificate, office b's extract" "not the authenticated office" "$A" "$t/b-2023-05"
# office a's manifest, rows of office b (CSV, sha256 and id consistent)
mkdir -p "$t/mixed"
/usr/bin/python3 - "$t/a-2023-03" "$t/mixed" <<'PY'
import hashlib, json, sys
src, out = sys.argv[1:]
csv = open(src + "/data.csv", "rb").read().replace(b"\noffice-a,", b"\noffice-b,", 1)
m = json.load(open(src + "/manifest.json"))
sha = hashlib.sha256(csv).hexdigest()
m["data"].update(bytes=len(csv), sha256=sha)
m["extract_id"] = "office-a_2023-03_" + sha[:16]
open(out + "/data.csv", "wb").write(csv)
json.dump(m, open(out + "/manifest.json", "w"))
open(out + "/id", "w").write(m["extract_id"] + "\n")
PY
refused 4.. "office a's manifest with a row of office b" "participant \"office-b\" is not the authenticated office" "$A" "$t/mixed"

# --- certificates out of their dates ---------------------------------------------------
for c in "office-c 2020-01-01 2021-01-01 expired" "office-d 2099-01-01 2100-01-01 not-yet-valid"; do
	set -- $c
	serial=$($py cert "$t/ca/ca.pem" "$t/ca/ca.key" "$1" "$2" "$3" "$t/$4")
	hub_sql "UPDATE participants SET cert_serial = '$serial' WHERE id = '$1'" > /dev/null
	emit "$1" 2023-01 "$t/$1-2023-01"
	refused "(401|000)" "a certificate from the hub CA that is $4 ($2..$3), the one registered for $1" \
		"" "$t/$4" "$t/$1-2023-01"
done
grep -q "client certificate refused: .*expired certificate" "$t/hub.log" &&
	grep -q "client certificate refused: .*not yet valid certificate" "$t/hub.log" &&
	ok "the hub logs why: expired, not yet valid" || fail "the hub's log does not say why the certificates were refused"

# --- slow clients -----------------------------------------------------------------------
before=$(counts)
$py slow 50 127.0.0.1 "$port" "$A.pem" "$A.key" "$t/ca/ca.pem" 30 "$t/slow.out" &
slow_pid=$!
sleep 3
emit office-b 2022-01 "$t/b-2022-01"
s0=$(date +%s.%N)
code=$(post "$B" "$t/b-2022-01")
s1=$(date +%s.%N)
took=$(printf %.2f "$(echo "$s1 - $s0" | bc)")
if [ "$code" = 201 ] && kill -0 "$slow_pid" 2> /dev/null; then
	ok "a normal push completes in $took s while 50 slow clients hang (201)"
else
	fail "push during slow clients: $code in $took s $(cat "$t/body")"
fi
wait "$slow_pid"
read -r _ n_body closed_body max_body < <(grep '^body' "$t/slow.out")
read -r _ _ closed_hs max_hs < <(grep '^handshake' "$t/slow.out")
read -r _ _ closed_idle max_idle < <(grep '^idle' "$t/slow.out")
if [ "$closed_body" = 50 ] && [ "${max_body%.*}" -le 12 ] && [ "$closed_hs" = 1 ] && [ "${max_hs%.*}" -le 12 ]; then
	ok "the hub cut all $closed_body byte-a-second POSTs (the last after $max_body s) and the byte-a-second TLS handshake ($max_hs s): request_timeout 8 s"
else
	fail "slow clients: $(tr '\n' ';' < "$t/slow.out")"
fi
if [ "$closed_idle" = 1 ] && [ "${max_idle%.*}" -le 7 ]; then
	ok "a silent connection is closed after $max_idle s (idle_timeout 4 s)"
else
	fail "idle client: $(grep '^idle' "$t/slow.out")"
fi
after=$(counts)
[ "$after" = "$(hub_sql "SELECT ${before% *} + 1 || ' ' || ${before#* } + $(wc -l < "$t/indicators")")" ] &&
	ok "the slow clients stored nothing" || fail "slow clients: counts $before -> $after"
grep -q "cut [0-9]* connections* whose request took over 8 s" "$t/hub.log" && ok "the hub logs the connections it cut: $(grep -o "cut [0-9]* connections* whose.*" "$t/hub.log" | head -1)" ||
	fail "no watchdog line in the hub's log"
good_push && ok "the hub serves after the slow clients" || fail "no push after the slow clients"

# --- privileges ---------------------------------------------------------------------------
[ "$(ps -o user= -p "$hub_pid" | tr -d ' ')" = nobody ] && ok "serve started as root runs as [hub] user (nobody)" ||
	fail "the hub runs as $(ps -o user= -p "$hub_pid")"
grep -v '^user = ' "$conf" > "$t/root.ini"
sed -i "s/^port = .*/port = 1/" "$t/root.ini"
chmod 600 "$t/root.ini"
timeout 10 "$hub" serve --config "$t/root.ini" > "$t/root.out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "started as root without \[hub\] user" "$t/root.out"; then
	ok "serve started as root without [hub] user refuses (exit 1): $(head -1 "$t/root.out" | cut -c1-100)"
else
	fail "serve as root: exit $rc $(cat "$t/root.out")"
fi
kill -0 "$hub_pid" 2> /dev/null && ok "the hub is still up after every attack" || fail "the hub died"
finish
