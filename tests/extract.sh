#!/bin/bash
# End-to-end tests of what leaves the office: export, preview, manual
# approval, push to a drop directory, the ledger, and crashes.
#
#  1. a 101-month backfill of a small synthetic office waits for approval,
#     is previewed, approved and pushed: one extract per month in the drop
#     directory, each whole (its manifest's SHA-256 matches its CSV), one
#     ledger entry each, the chain intact; a second push and a second export
#     add nothing;
#  2. nothing that left (drop directory, outbox, ledger) holds a national
#     id, a patient's or practitioner's name or HPR number, or a published
#     count below min_count or off the rounding base;
#  3. an edited ledger entry is found by 'kvalind ledger verify';
#  4. SIGKILL at random moments of export and of push, again and again,
#     then a clean run: every month exactly once, whole, in the outbox and
#     the drop directory, no temporary file visible, one ledger entry per
#     extract, the chain intact;
#  5. the same over HTTPS to a real receiver on loopback (tests/push/
#     https_server.py, client certificates made here): the receiver down,
#     then up (one request per push while it is down: the push stops at the
#     first extract); SIGKILLs during the push; every month stored once; a
#     receiver presenting a certificate of another CA gets nothing;
#  6. the reply contract, class by class, on the command line: a 401, 403,
#     404, 302, 503 keeps every extract ready with a status saying what to
#     check, after one request; a 413 or 400 is tried per extract and keeps
#     it ready; only a 422 refuses, and `kvalind retry` sends refused
#     extracts again; a typo in [push] url sends nothing and, fixed, sends
#     everything; nothing exported becomes unsendable;
#  7. the outbox is trusted only as far as kvalind wrote it: an extract
#     planted in ready/ and an edited data.csv are quarantined, never sent
#     (preview warns, approve refuses); the month exported again is sent;
#     a state directory or outbox directory others can write is refused by
#     every command that uses it.
#
# FILTER=re (make check-extract FILTER=sigkill; KV_FILTER here) runs only the
# blocks whose name matches: 1-3 share one outbox, as do 5-7.
#
# Usage: bash tests/extract.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
kvalind="$build/kvalind"
. tests/lib/suite.sh
suite_filter extract tests/extract.sh

tmp=$(mktemp -d /tmp/kvext.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "extract: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

db="$tmp/practice.sqlite"
ids="$tmp/ids.txt"
if ! "$build/kvalind-synth" --sqlite "$db" --patients 1000 --seed 11 --ids-out "$ids" --quiet; then
	fail "could not generate the synthetic practice"
	finish
fi

# config NAME APPROVAL [TRANSPORT LINES] -> path; state in $tmp/NAME/state,
# by default pushing to the drop directory $tmp/NAME/drop
config() {
	local dir="$tmp/$1"
	mkdir -p "$dir/drop"
	local transport="${3:-transport = directory
drop_dir = $dir/drop}"
	cat > "$dir/kvalind.ini" <<INI
[office]
id = office-17
name = Legekontoret i Testbyen
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $dir/state
log_level = warning
[push]
$transport
approval = $2
[connector.reference]
dsn = Driver=SQLite3;Database=$db
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
INI
	chmod 600 "$dir/kvalind.ini"
	echo "$dir/kvalind.ini"
}

# whole DIR: every NAME.json in DIR names NAME.csv's SHA-256 -> prints count
check_whole_drop() {
	local n=0 json csv want have
	for json in "$1"/*.json; do
		[ -e "$json" ] || continue
		csv="${json%.json}.csv"
		want=$(sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' "$json")
		have=$(sha256sum < "$csv" 2>/dev/null | cut -d' ' -f1)
		[ -n "$want" ] && [ "$want" = "$have" ] || { echo "broken: $json" >&2; return 1; }
		n=$((n + 1))
	done
	echo "$n"
}

# --- 1. backfill, approval, push -------------------------------------------
if suite_want "1-3 backfill, approval, push; nothing patient-level leaves; the ledger shows tampering"; then
	conf=$(config main manual)
	state="$tmp/main/state"
	drop="$tmp/main/drop"
	if "$kvalind" export --config "$conf" --from 2014-12 --to 2023-04 > "$tmp/export.out" 2>&1 &&
	   grep -q "101 months: 101 added, 0 unchanged, 0 failed" "$tmp/export.out" &&
	   [ "$(ls "$state/outbox/pending" | wc -l)" -eq 101 ]; then
		ok "a 101-month backfill waits in the outbox for approval"
	else
		fail "backfill export"; cat "$tmp/export.out"
	fi
	"$kvalind" push --config "$conf" > "$tmp/push0.out" 2>&1
	if [ -z "$(ls "$drop")" ] && grep -q "push: 0 delivered" "$tmp/push0.out"; then
		ok "nothing leaves before approval"
	else
		fail "something left before approval"; cat "$tmp/push0.out"
	fi
	id=$(ls "$state/outbox/pending" | grep _2023-04_)
	"$kvalind" preview --config "$conf" "$id" > "$tmp/preview.out" 2>&1
	"$kvalind" preview --config "$conf" --raw "$id" > "$tmp/preview.raw" 2>&1
	if grep -q "DM_ANNUAL_CHECK" "$tmp/preview.out" && grep -q "pending" "$tmp/preview.out" &&
	   diff <(sed -n '/data.csv <==/,$p' "$tmp/preview.raw" | tail -n +2) \
		"$state/outbox/pending/$id/data.csv" > /dev/null; then
		ok "preview shows the table, and --raw exactly the bytes that would leave"
	else
		fail "preview"; head -20 "$tmp/preview.out"
	fi
	"$kvalind" reject --config "$conf" --reason "test: not this one" "$id" > /dev/null 2>&1
	"$kvalind" approve --config "$conf" --all > /dev/null 2>&1
	"$kvalind" push --config "$conf" > "$tmp/push1.out" 2>&1
	n=$(check_whole_drop "$drop")
	if [ "$n" = 100 ] && [ ! -e "$drop/$id.json" ] && grep -q "push: 100 delivered" "$tmp/push1.out" &&
	   [ "$(ls "$state/outbox/rejected")" = "$id" ]; then
		ok "approved extracts are delivered whole, the rejected one never"
	else
		fail "push after approval ($n in drop)"; tail -5 "$tmp/push1.out"
	fi
	"$kvalind" push --config "$conf" > "$tmp/push2.out" 2>&1
	"$kvalind" export --config "$conf" --from 2014-12 --to 2023-04 > "$tmp/export2.out" 2>&1
	if grep -q "push: 0 delivered" "$tmp/push2.out" &&
	   grep -q "0 added, 101 unchanged" "$tmp/export2.out" &&
	   [ "$(ls "$drop" | wc -l)" -eq 200 ]; then
		ok "a second push and a second export add nothing"
	else
		fail "second push/export"; tail -3 "$tmp/push2.out" "$tmp/export2.out"
	fi
	if "$kvalind" ledger verify --config "$conf" > "$tmp/verify.out" 2>&1 &&
	   [ "$(wc -l < "$state/ledger")" -eq 100 ] &&
	   [ "$(cut -f4 "$state/ledger" | sort -u | wc -l)" -eq 100 ]; then
		ok "the ledger has one entry per delivered extract and its chain is intact"
	else
		fail "ledger"; cat "$tmp/verify.out"
	fi

	# --- 2. nothing patient-level leaves ----------------------------------------
	left="$drop $state/outbox $state/ledger"
	if [ "$(wc -l < "$ids")" -gt 1000 ] && ! grep -r -F -w -q -f "$ids" $left &&
	   ! grep -r -q "Legekontoret i Testbyen" $left; then
		ok "no national id, name, HPR number or office name in anything that left"
	else
		fail "identifiers in what left:"; grep -r -F -w -o -f "$ids" $left | head -3
	fi
	bad=$(awk -F, 'FNR > 1 {
		if ($6 == "published" && ($5 < 5 || $5 % 5 != 0)) print FILENAME ": " $0
		if ($8 == "published" && ($7 < 5 || $7 % 5 != 0)) print FILENAME ": " $0
		if ($6 != "published" && $5 != "") print FILENAME ": " $0
		if (NF != 10) print FILENAME ": " $0
	}' "$drop"/*.csv | head -3)
	if [ -z "$bad" ]; then
		ok "every published count is at least min_count and on the rounding base"
	else
		fail "bad counts: $bad"
	fi

	# --- 3. the ledger shows tampering ------------------------------------------
	cp "$state/ledger" "$tmp/ledger.orig"
	awk -F'\t' 'BEGIN { OFS = "\t" } NR == 7 { $5 = $5 + 1 } { print }' "$tmp/ledger.orig" > "$state/ledger"
	"$kvalind" ledger verify --config "$conf" > "$tmp/tamper.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "line 7" "$tmp/tamper.out"; then
		ok "an edited ledger entry is found (line 7)"
	else
		fail "edited ledger not detected (exit $rc)"; cat "$tmp/tamper.out"
	fi
	cp "$tmp/ledger.orig" "$state/ledger"
fi

# --- 4. SIGKILL at random moments --------------------------------------------
if suite_want "4 SIGKILL at random moments"; then
	conf=$(config crash automatic)
	state="$tmp/crash/state"
	drop="$tmp/crash/drop"
	# kill_randomly MAX_MS CMD...: run, SIGKILL after a random delay
	kill_randomly() {
		local max=$1
		shift
		"$@" > /dev/null 2>&1 &
		local pid=$!
		sleep "$(awk -v r=$RANDOM -v m="$max" 'BEGIN { printf "%.3f", r / 32768 * m / 1000 }')"
		kill -9 $pid 2> /dev/null
		wait $pid 2> /dev/null
	}
	RANDOM=4242
	start=$(date +%s%N)
	"$kvalind" export --config "$conf" --from 2014-12 --to 2023-04 > /dev/null 2>&1
	export_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	rm -rf "$state"
	for i in $(seq 1 20); do
		kill_randomly $((export_ms + 50)) "$kvalind" export --config "$conf" --from 2014-12 --to 2023-04
	done
	for i in $(seq 1 20); do
		kill_randomly 400 "$kvalind" push --config "$conf"
		kill_randomly 200 "$kvalind" export --config "$conf" --from 2014-12 --to 2023-04
	done
	"$kvalind" export --config "$conf" --from 2014-12 --to 2023-04 > "$tmp/crash-export.out" 2>&1
	"$kvalind" push --config "$conf" > "$tmp/crash-push.out" 2>&1
	n=$(check_whole_drop "$drop")
	months=$(ls "$drop" | grep '\.json$' | sed 's/.*_\([0-9-]*\)_[0-9a-f]*\.json/\1/' | sort -u | wc -l)
	visible_tmp=$(ls "$drop" | grep -v -E '^office-17_[0-9]{4}-[0-9]{2}_[0-9a-f]{16}\.(csv|json)$' | head -3)
	if [ "$n" = 101 ] && [ "$months" = 101 ] && [ -z "$visible_tmp" ] &&
	   [ "$(ls "$state/outbox/sent" | wc -l)" -eq 101 ] &&
	   [ -z "$(ls -A "$state/outbox/ready")$(ls -A "$state/outbox/.tmp")" ]; then
		ok "after 60 SIGKILLs during export and push: 101 months delivered once each, all whole"
	else
		fail "after SIGKILLs: $n whole extracts, $months months, stray: $visible_tmp"
		"$kvalind" outbox --config "$conf" | head -5
	fi
	if "$kvalind" ledger verify --config "$conf" > "$tmp/crash-verify.out" 2>&1 &&
	   [ "$(cut -f4 "$state/ledger" | sort | uniq -d | wc -l)" -eq 0 ] &&
	   [ "$(wc -l < "$state/ledger")" -eq 101 ]; then
		ok "after the SIGKILLs the ledger has 101 entries, none twice, chain intact"
	else
		fail "ledger after SIGKILLs ($(wc -l < "$state/ledger") entries)"; cat "$tmp/crash-verify.out"
	fi
fi

# --- 5. over HTTPS -----------------------------------------------------------
if suite_want "5-7 over HTTPS; the reply contract; only what kvalind exported leaves"; then
	certs="$tmp/certs"
	if ! sh tests/push/make_certs.sh "$certs" > "$tmp/certs.log" 2>&1; then
		fail "could not make the test certificates"; tail -5 "$tmp/certs.log"
		finish
	fi
	port=$(free_port)
	server_pid=
	# serve WORK [FLAGS...]: start the receiver on $port, wait for it (or its exit)
	serve() {
		local work=$1
		shift
		mkdir -p "$work"
		rm -f "$work/port"
		/usr/bin/python3 tests/push/https_server.py --certs "$certs" --work "$work" --port "$port" "$@" \
			> "$work/server.out" 2>&1 &
		server_pid=$!
		wait_until 30 served "$work"
		[ -s "$work/port" ]
	}
	served() { [ -s "$1/port" ] || ! kill -0 "$server_pid" 2> /dev/null; }
	unserve() { [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null; wait "$server_pid" 2> /dev/null; server_pid=; }
	trap 'unserve; rm -rf "$tmp"' EXIT

	https_push="transport = https
url = https://127.0.0.1:$port/extracts
ca_file = $certs/ca.pem
client_cert = $certs/client.pem
client_key = $certs/client.key"
	conf=$(config https automatic "$https_push")
	state="$tmp/https/state"
	export KVALIND_PUSH_TIMEOUT=5
	"$kvalind" export --config "$conf" --from 2014-12 --to 2023-04 > /dev/null 2>&1
	"$kvalind" push --config "$conf" > "$tmp/down.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "push: 0 delivered, 101 not delivered" "$tmp/down.out" &&
	   "$kvalind" outbox --config "$conf" | grep -q "1 failed attempt"; then
		ok "receiver down: nothing delivered, every extract stays ready with its attempt noted"
	else
		fail "push with the receiver down (exit $rc)"; tail -3 "$tmp/down.out"
	fi
	"$kvalind" push --config "$conf" > "$tmp/wait.out" 2>&1
	if grep -q "101 waiting for their next attempt" "$tmp/wait.out"; then
		ok "a failed extract waits for its backoff before the next push tries it"
	else
		fail "backoff not honoured"; tail -2 "$tmp/wait.out"
	fi

	serve "$tmp/recv-wrong" --cert wrong || fail "receiver with the wrong certificate did not start"
	"$kvalind" push --config "$conf" --all > "$tmp/wrong.out" 2>&1
	unserve
	if grep -q "certificate" "$tmp/wrong.out" && [ -z "$(ls -A "$tmp/recv-wrong/store")" ]; then
		ok "a receiver with another CA's certificate gets nothing"
	else
		fail "wrong server certificate"; tail -3 "$tmp/wrong.out"
	fi

	serve "$tmp/recv" || fail "receiver did not start"
	for i in $(seq 1 15); do
		kill_randomly 600 "$kvalind" push --config "$conf" --all
	done
	"$kvalind" push --config "$conf" --all > "$tmp/up.out" 2>&1
	stored=$(ls "$tmp/recv/store" | grep -c '\.json$')
	if [ "$stored" = 101 ] && [ "$(ls -A "$state/outbox/ready")" = "" ] &&
	   [ "$(ls "$state/outbox/sent" | wc -l)" -eq 101 ] &&
	   "$kvalind" ledger verify --config "$conf" > /dev/null 2>&1 &&
	   [ "$(wc -l < "$state/ledger")" -eq 101 ] &&
	   [ "$(cut -f4 "$state/ledger" | sort | uniq -d | wc -l)" -eq 0 ]; then
		ok "receiver up after 15 SIGKILLs mid-push: 101 extracts stored once each, 101 ledger entries"
	else
		fail "HTTPS after SIGKILLs: $stored stored"; tail -3 "$tmp/up.out"
	fi
	unserve

	"$kvalind" reject --config "$conf" x > /dev/null 2>&1 # a bad id is an error, not a crash

	# --- 6. the reply contract ------------------------------------------------------
	recv="$tmp/recv-classes"
	serve "$recv" || fail "receiver did not start"
	answer() { echo "$1" > "$recv/answer"; }
	requests() { cat "$recv/requests.log" 2> /dev/null | wc -l; }
	conf3=$(config classes automatic "$https_push")
	state3="$tmp/classes/state"
	"$kvalind" export --config "$conf3" --from 2023-02 --to 2023-04 > /dev/null 2>&1
	ready3() { ls "$state3/outbox/ready" | wc -l; }

	# class CODE PUSHOPTS WANT_REQUESTS STATUS_PATTERN WHAT: after a push, every
	# extract is still ready, the receiver saw WANT_REQUESTS requests, and the
	# outbox says why each waits
	class() {
		local code=$1 opts=$2 want=$3 pattern=$4 what=$5 before rc
		answer "$code test: $what"
		before=$(requests)
		"$kvalind" push --config "$conf3" $opts > "$tmp/class-$code.out" 2>&1
		rc=$?
		"$kvalind" outbox --config "$conf3" > "$tmp/class-$code.outbox" 2>&1
		if [ $rc -eq 1 ] && [ "$(ready3)" = 3 ] && [ "$(($(requests) - before))" = "$want" ] &&
		   [ "$(grep -c "^ready .*(waiting: $pattern" "$tmp/class-$code.outbox")" = 3 ] &&
		   [ -z "$(ls -A "$state3/outbox/refused")" ]; then
			ok "HTTP $code ($what): all 3 extracts stay ready after $want request(s): $(grep -m1 -o "waiting: [^;]*" "$tmp/class-$code.outbox" | cut -c1-120)"
		else
			fail "HTTP $code: exit $rc, $(ready3) ready, $(($(requests) - before)) requests"
			cat "$tmp/class-$code.out" "$tmp/class-$code.outbox"
		fi
	}
	class 401 "" 1 "the receiver refused our certificate (HTTP 401: .*) - check \[push\] client_cert and client_key" \
		"no such office"
	"$kvalind" status --config "$conf3" > "$tmp/class-status.out" 2>&1
	if grep -q "waiting: .*3 ready extracts not sent yet: the receiver refused our certificate (HTTP 401.*check \[push\] client_cert.*; next try " "$tmp/class-status.out"; then
		ok "status says why the extracts wait and when they are tried next"
	else
		fail "status while waiting"; cat "$tmp/class-status.out"
	fi
	class 403 --all 1 "the receiver refused our certificate (HTTP 403" "revoked"
	class 404 --all 1 "the receiver has no such address (HTTP 404: .*) - check \[push\] url" "wrong path"
	class 405 --all 1 "the receiver has no such address (HTTP 405" "not here"
	class 302 --all 1 "the receiver redirects elsewhere (HTTP 302" "moved"
	class 503 --all 1 "the receiver is busy or unavailable (HTTP 503" "database down"
	class 429 --all 1 "the receiver is busy or unavailable (HTTP 429" "slow down"
	class 413 --all 3 "the receiver finds the extract too large (HTTP 413" "over the limit"
	class 400 --all 3 "the receiver did not take the request (HTTP 400" "malformed"
	class 500 --all 3 "the receiver failed (HTTP 500" "bug"
	if "$kvalind" push --config "$conf3" > "$tmp/class-wait.out" 2>&1; [ $? -eq 0 ] &&
	   grep -q "push: 0 delivered, 0 not delivered, 3 waiting" "$tmp/class-wait.out"; then
		ok "without --all nothing is tried before the backoff"
	else
		fail "backoff after the classes"; cat "$tmp/class-wait.out"
	fi

	answer "422 participant unknown"
	before=$(requests)
	"$kvalind" push --config "$conf3" --all > "$tmp/refused.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "participant unknown" "$tmp/refused.out" &&
	   [ "$(ls "$state3/outbox/refused" | wc -l)" -eq 3 ] && [ "$(($(requests) - before))" = 3 ] &&
	   "$kvalind" outbox --config "$conf3" | grep -q "^refused .*refused by the receiver as invalid (HTTP 422: participant unknown)"; then
		ok "only a 422 refuses: each extract moves to refused, with the receiver's reason"
	else
		fail "refused extract (exit $rc)"; cat "$tmp/refused.out"
	fi
	"$kvalind" export --config "$conf3" --month 2023-04 > "$tmp/reexport.out" 2>&1
	rm -f "$recv/answer"
	"$kvalind" retry --config "$conf3" --all > "$tmp/retry.out" 2>&1
	rc=$?
	"$kvalind" push --config "$conf3" > "$tmp/retried.out" 2>&1
	if [ $rc -eq 0 ] && grep -q "already in the outbox: refused" "$tmp/reexport.out" &&
	   [ "$(grep -c "back to ready" "$tmp/retry.out")" = 3 ] &&
	   grep -q "push: 3 delivered, 0 not delivered" "$tmp/retried.out" &&
	   [ "$(ls "$state3/outbox/sent" | wc -l)" = 3 ] && [ "$(wc -l < "$state3/ledger")" = 3 ]; then
		ok "kvalind retry --all sends the refused extracts again: 3 delivered, 3 ledger entries"
	else
		fail "retry"; cat "$tmp/reexport.out" "$tmp/retry.out" "$tmp/retried.out"
	fi
	"$kvalind" retry --config "$conf3" nope_2023-04_0000000000000000 > "$tmp/retry-bad.out" 2>&1
	rc1=$?
	"$kvalind" retry --config "$conf3" "$(ls "$state3/outbox/sent" | head -1)" >> "$tmp/retry-bad.out" 2>&1
	rc2=$?
	if [ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && grep -q "is sent; only refused or ready extracts can be retried" "$tmp/retry-bad.out" &&
	   grep -q "no extract in the outbox is called nope_2023-04_0000000000000000" "$tmp/retry-bad.out"; then
		ok "retry names what it cannot retry (an unknown id, a sent extract)"
	else
		fail "retry of the wrong extracts ($rc1 $rc2)"; cat "$tmp/retry-bad.out"
	fi

	# a typo in [push] url: nothing is sent and nothing is lost; fixed, all leave
	conf4=$(config typo automatic "$(echo "$https_push" | sed "s|127.0.0.1:$port/extracts|127.0.0.1:1/extracts|")")
	state4="$tmp/typo/state"
	"$kvalind" export --config "$conf4" --from 2023-01 --to 2023-04 > /dev/null 2>&1
	"$kvalind" push --config "$conf4" > "$tmp/typo.out" 2>&1
	rc=$?
	cp "$conf4" "$conf4.bad" && sed -i "s|127.0.0.1:1/extracts|127.0.0.1:$port/extracts|" "$conf4"
	"$kvalind" push --config "$conf4" > "$tmp/typo-wait.out" 2>&1
	"$kvalind" retry --config "$conf4" --all > /dev/null 2>&1
	"$kvalind" push --config "$conf4" > "$tmp/typo-fixed.out" 2>&1
	if [ $rc -eq 1 ] && grep -q "the receiver cannot be reached" "$tmp/typo.out" &&
	   grep -q "3 more not tried in this run" "$tmp/typo.out" &&
	   grep -q "4 waiting" "$tmp/typo-wait.out" &&
	   grep -q "push: 4 delivered" "$tmp/typo-fixed.out" && [ -z "$(ls -A "$state4/outbox/refused")" ]; then
		ok "a typo in [push] url sends nothing and refuses nothing; fixed (and retried) all 4 leave"
	else
		fail "url typo"; cat "$tmp/typo.out" "$tmp/typo-wait.out" "$tmp/typo-fixed.out"
	fi

	# --- 7. only what kvalind exported leaves ----------------------------------------
	conf5=$(config trust manual "$https_push")
	state5="$tmp/trust/state"
	"$kvalind" export --config "$conf5" --from 2023-02 --to 2023-04 > /dev/null 2>&1
	"$kvalind" approve --config "$conf5" --all > /dev/null 2>&1
	good=$(ls "$state5/outbox/ready" | grep _2023-02_)
	edited=$(ls "$state5/outbox/ready" | grep _2023-03_)
	# planted: a copy of a real extract, made consistent under a new id
	planted_sha=$(printf 'participant,indicator\nplanted,1\n' | sha256sum | cut -d' ' -f1)
	planted="office-17_2023-01_$(echo "$planted_sha" | cut -c1-16)"
	mkdir "$state5/outbox/ready/$planted"
	printf 'participant,indicator\nplanted,1\n' > "$state5/outbox/ready/$planted/data.csv"
	sed -e "s/$edited/$planted/" -e "s/\"sha256\": \"[0-9a-f]*\"/\"sha256\": \"$planted_sha\"/" \
		"$state5/outbox/ready/$edited/manifest.json" > "$state5/outbox/ready/$planted/manifest.json"
	sed -i 's/,published,/,published,1/' "$state5/outbox/ready/$edited/data.csv" # one count changed
	"$kvalind" preview --config "$conf5" "$edited" > /dev/null 2> "$tmp/trust-preview.err"
	stored_before=$(ls "$recv/store" | grep -c '\.json$')
	"$kvalind" push --config "$conf5" > "$tmp/trust.out" 2>&1
	rc=$?
	stored_after=$(ls "$recv/store" | grep -c '\.json$')
	"$kvalind" outbox --config "$conf5" > "$tmp/trust-outbox.out" 2>&1
	if [ $rc -eq 1 ] && [ "$((stored_after - stored_before))" = 2 ] &&
	   [ ! -e "$recv/store/$planted.json" ] && [ ! -e "$recv/store/$edited.json" ] &&
	   [ -e "$recv/store/$good.json" ] &&
	   grep -q "$planted.*kvalind has no record of exporting it" "$tmp/trust-outbox.out" &&
	   grep -q "$edited.*its data.csv is not what kvalind exported" "$tmp/trust-outbox.out" &&
	   grep -q "2 quarantined" "$tmp/trust-outbox.out" &&
	   grep -q "does not match what kvalind exported and will not be sent" "$tmp/trust-preview.err" &&
	   ! grep -q "$planted\|$edited" "$state5/ledger"; then
		ok "a planted extract and an edited data.csv are quarantined and never sent; the others leave"
	else
		fail "planted/edited extracts (exit $rc, $((stored_after - stored_before)) stored)"
		cat "$tmp/trust.out" "$tmp/trust-outbox.out" "$tmp/trust-preview.err"
	fi
	"$kvalind" export --config "$conf5" --month 2023-03 > "$tmp/trust-reexport.out" 2>&1
	"$kvalind" approve --config "$conf5" "$edited" > /dev/null 2>&1
	"$kvalind" push --config "$conf5" > "$tmp/trust2.out" 2>&1
	if grep -q "added" "$tmp/trust-reexport.out" && [ -e "$recv/store/$edited.json" ] &&
	   grep -q "push: 1 delivered" "$tmp/trust2.out"; then
		ok "the edited month exported again is sent as exported"
	else
		fail "re-export after quarantine"; cat "$tmp/trust-reexport.out" "$tmp/trust2.out"
	fi
	"$kvalind" export --config "$conf5" --month 2023-01 > /dev/null 2>&1
	pending=$(ls "$state5/outbox/pending" | grep _2023-01_)
	sed -i 's/,published,/,published,1/' "$state5/outbox/pending/$pending/data.csv"
	"$kvalind" approve --config "$conf5" "$pending" > "$tmp/trust-approve.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "does not match what kvalind exported and was moved to .*quarantine" "$tmp/trust-approve.out" &&
	   [ -z "$(ls -A "$state5/outbox/ready")" ]; then
		ok "approve refuses an edited pending extract and quarantines it"
	else
		fail "approve of an edited extract (exit $rc)"; cat "$tmp/trust-approve.out"
	fi
	chmod 0777 "$state5"
	"$kvalind" push --config "$conf5" > "$tmp/trust-mode.out" 2>&1
	rc1=$?
	"$kvalind" outbox --config "$conf5" >> "$tmp/trust-mode.out" 2>&1
	rc2=$?
	chmod 0700 "$state5"
	chmod 0775 "$state5/outbox/ready"
	"$kvalind" export --config "$conf5" --month 2023-01 > "$tmp/trust-mode2.out" 2>&1
	rc3=$?
	chmod 0700 "$state5/outbox/ready"
	if [ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && [ $rc3 -eq 1 ] &&
	   grep -q "state directory \"$state5\" is writable by group or others (mode 0777).*chmod go-w" "$tmp/trust-mode.out" &&
	   grep -q "outbox directory \"$state5/outbox/ready\" is writable by group or others (mode 0775)" "$tmp/trust-mode2.out"; then
		ok "a state directory (or outbox directory) others can write is refused, naming it and the fix"
	else
		fail "state directory modes ($rc1 $rc2 $rc3)"; cat "$tmp/trust-mode.out" "$tmp/trust-mode2.out"
	fi
	unserve
fi

finish
