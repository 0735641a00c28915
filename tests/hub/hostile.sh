#!/bin/bash
# hostile.sh - hostile clients at the hub (`make check-hub-hostile`, about
# 2 minutes): a throwaway PostgreSQL and `kvalind-hub serve`
# (tests/hub/lib.sh, as nobody, handshake_timeout 3 s, idle_timeout 6 s,
# request_timeout 8 s), offices a, b and c registered with `kvalind-hub
# register`, valid extracts from build/tests/hub_load emit (the counts of a
# real export, tests/hub/lib.sh real_extract). Each attack is refused with
# nothing stored, and a good push of office b right after it is stored
# (201):
#
#  - HTTP-level refusals over a real TLS connection with a registered
#    office's certificate (hostile_client.py requests/raw), each with its
#    own status: a multipart part without a name (this crashed the hub), a
#    part without Content-Disposition, a part twice (also after an empty
#    one), a missing or unknown part, base64 transfer encoding, no closing
#    boundary, a preamble (400); urlencoded, text/plain, no Content-Type
#    (415); no boundary, a boundary of one quote, one of 71 characters, both
#    chunked and Content-Length, Transfer-Encoding gzip, two
#    Idempotency-Keys, a bad one (400); no body at all (411); PUT (405);
#    another path (404); the same request made right: 201, chunked: 200;
#  - the reply classes: 422 Unprocessable Content for every refusal of the
#    extract's content (malformed manifests, another office's id, a
#    tampered CSV), and only for those; 503 while the database is down,
#    201 once it is back (the hub reconnects);
#  - oversized bodies: with a Content-Length over max_request_kib, chunked
#    without one (refused while it arrives), a claimed Content-Length of
#    1 TiB (answered before any body is read), a manifest part over 64 KiB;
#  - slow clients: 50 that send a POST's body one byte a second, one that
#    sends its TLS handshake a byte a second, one that connects and says
#    nothing: a normal push completes while they hang, the watchdog cuts the
#    trickling bodies after request_timeout and the other two after
#    handshake_timeout;
#  - connection floods: 500 connections from 127.0.0.1, half silent, half
#    sending a ClientHello a byte a second, each reopened as soon as the hub
#    closes it, while 100 offices registered for the purpose push from
#    127.0.0.2..101: every push is stored (201), the flood holds at most
#    max_connections_per_address (32); then the same 500 spread over 20
#    addresses (more than max_connections 256 in all) while 100 more
#    offices push: every push stored;
#  - malformed manifests: invalid JSON, not an object, a wrong type, huge
#    numbers, a duplicate key, deep nesting, invalid UTF-8 (and an encoded
#    surrogate), \u0000 in a key and in a value, a lone surrogate escape, a
#    control character, an unknown key (hostile_client.py malformed): 422,
#    and a manifest part over 64 KiB: 413;
#  - a replayed extract: 200 "already stored", nothing new;
#  - another office's participant id, in the manifest and in the rows;
#  - an expired and a not-yet-valid certificate from the hub CA, each the
#    one registered for its office (so only its dates are wrong);
#  - serve started as root without [hub] user refuses; the running hub is
#    nobody.
#
# FILTER=re (make check-hub-hostile FILTER=slow; KV_FILTER here) runs only
# the "# ---" blocks whose name matches, after the hub is up and the first
# extract stored.
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

. tests/lib/suite.sh
suite_filter hub-hostile tests/hub/hostile.sh
[ "$(id -u)" = 0 ] || suite_skip hub-hostile "the hub switches to nobody; run as root"
. tests/hub/lib.sh
trap world_stop EXIT
HUB_INI_EXTRA=$'handshake_timeout = 3\nidle_timeout = 6\nrequest_timeout = 8' \
	world_start "$(mktemp -d /tmp/kvhubhostile.XXXXXX)" || { fail "the hub did not start"; finish; }
t=$W
hub_sql "SELECT id, version, type FROM indicators ORDER BY id" | tr '|' ' ' > "$t/indicators"
real_extract "$t/template" > "$t/template.out" 2>&1 || { fail "no template extract"; cat "$t/template.out"; finish; }
tpl="$t/template/extract/data.csv"
for o in office-a office-b office-c office-d; do
	"$hub" register "$o" --out "$t/$o" --config "$conf" > "$t/register-$o.out" 2>&1 ||
		{ fail "register $o"; cat "$t/register-$o.out"; finish; }
done
A="$t/office-a/office-a"
B="$t/office-b/office-b"
counts() { hub_sql "SELECT (SELECT count(*) FROM extracts) || ' ' || (SELECT count(*) FROM extract_values)"; }
emit() { # ID MONTH DIR
	"$load" emit --participant "$1" --month "$2" --template "$tpl" --out "$3" > /dev/null
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
if suite_want "oversized bodies"; then
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
fi

# --- malformed manifests ----------------------------------------------------------
if suite_want "malformed manifests, a replay, another office id"; then
	emit office-a 2023-03 "$t/a-2023-03"
	kinds=$($py malformed "$t/a-2023-03" "$t/bad")
	for k in $kinds; do
		want=422
		[ "$k" = manifest-over-64k ] && want=413
		refused "$want" "malformed manifest: $k" "." "$A" "$t/bad/$k" "$(cat "$t/bad/$k/key")"
	done
	# a reply's log line is "PARTICIPANT KEY STATUS REASON"; the key is the
	# client's random hex, so "503" alone also matches keys and ids
	s503=$(grep -E ": (warning|info): [^ ]+ [^ ]+ 503 " "$t/hub.log" | head -3)
	[ -n "$s503" ] && fail "a malformed manifest made the database fail: $s503" ||
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
	refused 422 "office a's certificate, office b's extract" "not the authenticated office" "$A" "$t/b-2023-05"
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
	refused 422 "office a's manifest with a row of office b" "participant \"office-b\" is not the authenticated office" "$A" "$t/mixed"
fi

# --- refusals at the HTTP level, over TLS with office a's certificate ------------------------
if suite_want "refusals at the HTTP level"; then
	# (the parts of issue 17: a part without a name crashed the hub; urlencoded
	# was stored; chunked with a Content-Length was taken)
	emit office-a 2023-06 "$t/a-2023-06"
	$py requests "$t/a-2023-06" "$t/http" > "$t/http.list"
	while read -r name want; do
		before=$(counts)
		code=$($py raw 127.0.0.1 "$port" "$A.pem" "$A.key" "$t/ca/ca.pem" "$t/http/$name.http" "$t/body")
		after=$(counts)
		cp "$t/body" "$t/attack-body"
		stored=no
		[ "$before" != "$after" ] && stored=yes
		case $want in
		201) want_stored=yes ;;
		*) want_stored=no ;;
		esac
		if [ "$code" = "$want" ] && [ "$stored" = "$want_stored" ] && good_push; then
			ok "HTTP: $name: $code $(head -c 100 "$t/attack-body" | head -1)$([ "$stored" = no ] && echo "; nothing stored"), the next push stored"
		else
			fail "HTTP: $name: $code (want $want) $(head -c 200 "$t/attack-body"), stored: $stored"
		fi
	done < "$t/http.list"
	kill -0 "$hub_pid" 2> /dev/null && ok "the hub is up after the HTTP-level refusals" || { fail "the hub died"; finish; }
	grep -q " 422 " "$t/hub.log" &&
		! grep -q " 422 .*\(multipart\|a part \|part [a-z]* appears twice\|boundary\|Content-Type\|Transfer-Encoding\|missing or bad Idempotency\)" "$t/hub.log" &&
		ok "no HTTP-level refusal was answered 422 (only the extract's content is)" ||
		fail "422 for something that is not the extract's content: $(grep " 422 .*\(multipart\|a part \|part [a-z]* appears twice\|boundary\|Content-Type\|Transfer-Encoding\|missing or bad Idempotency\)" "$t/hub.log" | head -3)"
fi

# --- certificates out of their dates ---------------------------------------------------
if suite_want "certificates out of their dates"; then
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
fi

# --- slow clients -----------------------------------------------------------------------
if suite_want "slow clients"; then
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
	if [ "$closed_body" = 50 ] && [ "${max_body%.*}" -le 14 ]; then
		ok "the hub cut all $closed_body authenticated POSTs whose body came a byte a second (the last after $max_body s): request_timeout 8 s"
	else
		fail "slow clients: $(tr '\n' ';' < "$t/slow.out")"
	fi
	if [ "$closed_hs" = 1 ] && [ "${max_hs%.*}" -le 10 ] && [ "$closed_idle" = 1 ] && [ "${max_idle%.*}" -le 10 ]; then
		ok "the byte-a-second TLS handshake is cut after $max_hs s, a silent connection after $max_idle s (handshake_timeout 3 s)"
	else
		fail "handshake and idle clients: $(grep '^handshake\|^idle' "$t/slow.out" | tr '\n' ';')"
	fi
	wait_for "$t/hub.log" "[1-9][0-9]* cut at handshake_timeout 3 s" 20 &&
		ok "the hub logs them: $(grep -o "[0-9]* cut at handshake_timeout 3 s" "$t/hub.log" | tail -1)" ||
		fail "no handshake_timeout line in the hub's log"

	after=$(counts)
	[ "$after" = "$(hub_sql "SELECT ${before% *} + 1 || ' ' || ${before#* } + $(wc -l < "$t/indicators")")" ] &&
		ok "the slow clients stored nothing" || fail "slow clients: counts $before -> $after"
	grep -q "cut [0-9]* connections* whose request took over 8 s" "$t/hub.log" && ok "the hub logs the connections it cut: $(grep -o "cut [0-9]* connections* whose.*" "$t/hub.log" | head -1)" ||
		fail "no watchdog line in the hub's log"
	good_push && ok "the hub serves after the slow clients" || fail "no push after the slow clients"
fi

# --- connection floods ---------------------------------------------------------------------------
if suite_want "connection floods"; then
	# 200 more offices, each pushing from its own loopback address (100 while
	# 500 connections from 127.0.0.1 never authenticate, 100 while 500 from 20
	# addresses do the same).
	"$load" register --config "$conf" --offices 200 --out "$t/fleet" > "$t/fleet.out" 2>&1 ||
		{ fail "register the fleet"; cat "$t/fleet.out"; }
	flood_round() { # WHAT SOURCES FIRST-OFFICE
		local what=$1 sources=$2 first=$3 before after i st
		rm -f "$t/flood.stop" "$t/flood.status"
		before=$(counts)
		$py flood 500 "$sources" 127.0.0.1 "$port" 600 "$t/flood.status" "$t/flood.stop" &
		local fpid=$!
		# the flood is on once its connections have come back after the hub
		# closed them (more than 1,000 opened) and some have stayed a second
		for i in $(seq 1 600); do
			opened=0 max_held=0
			[ -f "$t/flood.status" ] && read -r _ opened _ _ _ max_held _ _ < "$t/flood.status"
			[ "$opened" -ge 1000 ] && [ "$max_held" -ge 1 ] && break
			sleep 0.1
		done
		"$load" push --url "https://127.0.0.1:$port/extracts" --ca "$t/ca/ca.pem" --certs "$t/fleet" \
			--template "$tpl" --offices 100 --first "$first" --months 1 --from 2022-11 --parallel 10 \
			--resend-permille 0 --spread > "$t/flood-push.out" 2>&1
		local rc=$?
		st=$(cat "$t/flood.status")
		touch "$t/flood.stop"
		wait "$fpid"
		after=$(counts)
		read -r _ opened _ held _ max_held _ closed <<< "$st"
		if [ $rc = 0 ] && grep -q "201 stored: 100, other: 0" "$t/flood-push.out" &&
		   [ "${after% *}" = $(( ${before% *} + 100 )) ] && kill -0 "$hub_pid" 2> /dev/null; then
			ok "$what: 100 offices pushed from 127.0.$((first / 250)).$((2 + first % 250))..$(((first + 99) / 250)).$((2 + (first + 99) % 250)), all 100 stored (201; $(grep -o 'p99 [0-9.]* ms' "$t/flood-push.out")); the flood opened $opened connections, the hub closed $closed, at most $max_held stayed open past their first second"
		else
			fail "$what: push exit $rc: $(tr '\n' ';' < "$t/flood-push.out") flood: $st; counts $before -> $after"
		fi
		FLOOD_MAX_HELD=$max_held
	}
	flood_round "500 silent and byte-a-second connections from 127.0.0.1" 127.0.0.1 0
	[ "${FLOOD_MAX_HELD:-999}" -le 32 ] && ok "127.0.0.1 never held more than max_connections_per_address (32): at most $FLOOD_MAX_HELD" ||
		fail "127.0.0.1 held $FLOOD_MAX_HELD connections (max_connections_per_address 32)"
	flood_round "500 such connections from 20 addresses (127.0.1.1..20, more than max_connections 256)" \
		"$(seq -s, -f '127.0.1.%g' 1 20)" 100
	wait_for "$t/hub.log" "refused at max_connections_per_address 32 (the last from 127.0" 20 &&
		grep -q "[1-9][0-9]* unauthenticated evicted to make room" "$t/hub.log" &&
		ok "the hub logs what it refused and evicted: $(grep -o "connections so far: .*" "$t/hub.log" | tail -1 | cut -c1-200)" ||
		fail "the hub's log lacks the refused/evicted connections: $(grep -o "connections so far: .*" "$t/hub.log" | tail -1)"
	good_push && ok "the hub serves after the floods" || fail "no push after the floods"
fi

# --- the database down: 503, nothing stored; back: stored ---------------------------------------
if suite_want "the database down"; then
	pg_stop
	emit office-b 2013-05 "$t/b-2013-05"
	code=$(post "$B" "$t/b-2013-05")
	if [ "$code" = 503 ] && grep -q "try later" "$t/body"; then
		ok "the database down: 503 $(head -1 "$t/body")"
	else
		fail "the database down: $code $(cat "$t/body")"
	fi
	pg_resume
	before=$(counts)
	code=$(post "$B" "$t/b-2013-05")
	if [ "$code" = 201 ] && [ "$(counts)" != "$before" ]; then
		ok "the database back: the same push stored (201; the hub reconnected)"
	else
		fail "after the database came back: $code $(cat "$t/body")"
	fi
fi

# --- privileges ---------------------------------------------------------------------------
if suite_want "privileges"; then
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
fi
kill -0 "$hub_pid" 2> /dev/null && ok "the hub is still up after every attack" || fail "the hub died"
finish
