#!/bin/bash
# Chaos at the office: the faults an unwatched practice server meets.
#
#  a. the EHR connection cut at 20 random points of a backfill (`kvalind
#     export --from 2014-12 --to 2023-04` over libpq, a 3,000-patient
#     synthetic practice; pg_terminate_backend a random delay after its
#     session appears): every cut run exits 1 with exactly one error line,
#     naming the connector, and leaves no extract (the outbox holds nothing,
#     or only whole extracts; .tmp is empty); then a clean run on the same
#     state exports all 101 months. Nothing races a sleep: the export starts
#     once the cutter is watching, and a run that ends before its cut halves
#     the span the next delays are drawn from, so on any machine the cuts
#     land (at worst as the session appears);
#  b. the outbox disk fills during an export (the state directory on a
#     200 KiB tmpfs): exit 1, errors that say so, every extract in the
#     outbox whole (its manifest's sha256 matches its data.csv), the
#     extracts exported before byte for byte intact, .tmp empty;
#     SKIP when mount is not permitted;
#  c. the clock jumps under a running daemon (KVALIND_CLOCK_FILE): a year
#     back, then five years forward: it does not crash, exports no month
#     twice, and once the clock is forward catches up every month between,
#     each exactly once in the drop directory;
#  d. the ledger's disk is full when `kvalind push` runs (the state
#     directory on a 1 MiB tmpfs, filled; in a private mount namespace:
#     `unshare -m` as root, `unshare -rm` as another user): each push sends
#     nothing to the HTTPS receiver (not every extract, again and again),
#     says why in one error line and exits 1; with room again one push
#     delivers all four, each in the ledger once. SKIP when no mount
#     namespace can be made.
#
# CHAOS_CUTS (default 20) sets the number of cuts; KEEP=1 keeps the
# temporary directory; FILTER=re (make check-chaos FILTER=clock; KV_FILTER
# here) runs only the lettered tests whose name matches.
# Usage: bash tests/chaos.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
kvalind="$build/kvalind"
. tests/lib/pg.sh
suite_filter chaos tests/chaos.sh
suite_reachable chaos tests/chaos.sh "$@"

passed=0
failed=0
skipped=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
# in CI (CI=true) a skip is a failure
skip() {
	if suite_ci; then fail "$* (skipped, and CI=true)"; else echo "SKIP $*"; skipped=$((skipped + 1)); fi
}
finish() { echo "chaos: $passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit $?; }

tmp=$(mktemp -d /tmp/kvchaos.XXXXXX)
chmod 755 "$tmp"
daemon_pid=
mounted=
cleanup() {
	[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2> /dev/null
	[ -n "$mounted" ] && umount "$mounted" 2> /dev/null
	pg_stop
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
export TZ=UTC

pg_start "$tmp/pg" || { fail "could not start PostgreSQL"; finish; }
pg_sql postgres "CREATE DATABASE practice" > /dev/null
"$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=practice user=postgres" \
	--patients 3000 --seed 7 --to 2023-09 --quiet || { fail "synthetic practice"; finish; }
libpq="postgresql://postgres@127.0.0.1:$PGPORT/practice"

root=no
[ "$(id -u)" = 0 ] && root=yes

# config DIR [USER_LINE] -> DIR/kvalind.ini: state in DIR/state, push to DIR/drop
config() {
	local dir=$1
	mkdir -p "$dir/state" "$dir/drop"
	cat > "$dir/kvalind.ini" <<INI
[office]
id = chaos-office
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $dir/state
log_level = warning
${2:-}
[push]
transport = directory
drop_dir = $dir/drop
[schedule]
day = 5
hour = 2
backfill_from = ${3:-2014-12}
[connector.reference]
dsn = $libpq
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
INI
	chmod 600 "$dir/kvalind.ini"
	echo "$dir/kvalind.ini"
}

# whole_outbox STATE: every extract in the outbox has manifest.json and
# data.csv with the manifest's sha256; prints the count; 1 if any is not
whole_outbox() {
	local n=0 d want have
	for d in "$1"/outbox/*/*/; do
		[ -d "$d" ] || continue
		case $d in */.tmp/*) continue ;; esac
		want=$(sed -n 's/.*"sha256": *"\([0-9a-f]*\)".*/\1/p' "$d/manifest.json" 2> /dev/null | tail -n 1)
		have=$(sha256sum < "$d/data.csv" 2> /dev/null | cut -d' ' -f1)
		if [ -z "$want" ] || [ "$want" != "$have" ]; then
			echo "not whole: $d" >&2
			return 1
		fi
		n=$((n + 1))
	done
	echo "$n"
}
tmp_empty() { [ -z "$(ls -A "$1/outbox/.tmp" 2> /dev/null)" ]; }
error_lines() { grep -c '^kvalind: error:' "$1"; }

# --- a. the connection cut during a backfill --------------------------------
if suite_want "a the connection cut during a backfill"; then
	conf=$(config "$tmp/a0")
	start=$(date +%s%N)
	if "$kvalind" export --config "$conf" --from 2014-12 --to 2023-04 > "$tmp/a0.out" 2>&1 &&
	   grep -q "101 months: 101 added" "$tmp/a0.out"; then
		ok "a clean backfill over libpq exports 101 months"
	else
		fail "clean backfill"; cat "$tmp/a0.out"
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	cuts=${CHAOS_CUTS:-20}
	landed=0
	missed=0
	bad=0
	tries=0
	# The cutter: one session on another database (application_name
	# kv-cutter) waits, server-side, polling every 2 ms, for kvalind's backend
	# to appear, sleeps the delay, and terminates it; it prints how many
	# backends it terminated. It waits as long as it takes: once the export
	# has ended, a cutter still waiting is cancelled (and terminated nothing).
	cutter() {
		PGAPPNAME=kv-cutter psql -X -At -d postgres -v ON_ERROR_STOP=1 -c "DO \$\$
DECLARE n int;
BEGIN
  LOOP
    PERFORM pg_stat_clear_snapshot(); -- a transaction sees one snapshot otherwise
    PERFORM 1 FROM pg_stat_activity WHERE datname = 'practice' AND pid <> pg_backend_pid();
    EXIT WHEN FOUND;
    PERFORM pg_sleep(0.002);
  END LOOP;
  PERFORM pg_sleep($1 / 1000.0);
  PERFORM pg_stat_clear_snapshot();
  SELECT count(pg_terminate_backend(pid)) INTO n FROM pg_stat_activity
   WHERE datname = 'practice' AND pid <> pg_backend_pid();
  RAISE NOTICE 'terminated %', n;
END \$\$" 2>&1 | sed -n 's/.*terminated \([0-9]*\).*/\1/p'
	}
	cutter_sql() { psql -X -At -d postgres -c "$1" 2> /dev/null; }
	cutter_watching() {
		[ "$(cutter_sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kv-cutter' AND state = 'active'")" = 1 ]
	}
	# The delays are drawn from 0..span ms; span starts at half the clean run.
	span=$((ms / 2))
	while [ $landed -lt "$cuts" ] && [ $tries -lt $((cuts + 40)) ]; do
		tries=$((tries + 1))
		dir="$tmp/a$tries"
		conf=$(config "$dir")
		delay=$((RANDOM * 32768 + RANDOM))
		delay=$((delay % (span + 1)))
		cutter "$delay" > "$dir/cut" &
		cpid=$!
		wait_until 60 cutter_watching || { fail "the cutter did not start"; kill $cpid 2> /dev/null; break; }
		"$kvalind" export --config "$conf" --from 2014-12 --to 2023-04 > "$dir/out" 2> "$dir/err"
		rc=$?
		cutter_sql "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'kv-cutter'" > /dev/null
		wait $cpid
		n=$(cat "$dir/cut")
		whole=$(whole_outbox "$dir/state") || whole=broken
		if [ "${n:-0}" -eq 0 ]; then
			# the run ended before the cut: it must have succeeded, whole
			missed=$((missed + 1))
			span=$((span / 2))
			[ $rc -eq 0 ] && [ "$whole" = 101 ] && tmp_empty "$dir/state" ||
				{ bad=$((bad + 1)); echo "    not cut: exit $rc, outbox $whole"; }
			continue
		fi
		landed=$((landed + 1))
		if [ $rc -eq 1 ] && [ "$(error_lines "$dir/err")" -eq 1 ] &&
		   grep -q '^kvalind: error:.*connector "reference"' "$dir/err" &&
		   [ "$whole" = 0 ] && tmp_empty "$dir/state"; then
			echo "    cut ${delay} ms into the read: $(grep '^kvalind: error:' "$dir/err" | cut -c1-130)"
		elif [ $rc -eq 0 ] && [ "$whole" = 101 ] && tmp_empty "$dir/state"; then
			# cut after the last statement: the run had all it needed
			echo "    cut ${delay} ms into the read, after the last statement: exit 0, 101 whole extracts"
		else
			bad=$((bad + 1))
			echo "    cut ${delay} ms into the read: exit $rc, $(error_lines "$dir/err") error lines, outbox $whole:"
			sed 's/^/      /' "$dir/err" | head -5
		fi
		last="$dir"
	done
	if [ $landed -ge "$cuts" ] && [ $bad -eq 0 ]; then
		ok "$landed cuts of the connection at random points of a ${ms} ms backfill: each exit 1 with one error naming the connector and no extract ($missed runs ended before their cut and are whole)"
	else
		fail "connection cuts: $landed landed, $bad bad, $missed missed"
	fi
	if [ -n "${last:-}" ] && "$kvalind" export --config "$last/kvalind.ini" --from 2014-12 --to 2023-04 > "$last/clean.out" 2>&1 &&
	   grep -q "101 months: 101 added" "$last/clean.out" && [ "$(whole_outbox "$last/state")" = 101 ]; then
		ok "after the cuts a clean run on the same state exports all 101 months, whole"
	else
		fail "clean run after the cuts"; cat "$last/clean.out" 2> /dev/null
	fi
fi

# --- b. the outbox disk fills ---------------------------------------------
if suite_want "b the outbox disk fills"; then
	if [ $root = yes ] && mkdir -p "$tmp/b/state" && mount -t tmpfs -o size=200k,mode=0755 tmpfs "$tmp/b/state" 2> /dev/null; then
		mounted="$tmp/b/state"
		conf=$(config "$tmp/b")
		"$kvalind" export --config "$conf" --from 2014-12 --to 2015-05 > "$tmp/b1.out" 2>&1
		rc1=$?
		(cd "$tmp/b/state/outbox" && find . -type f -exec sha256sum {} + | sort) > "$tmp/b-before.sum"
		"$kvalind" export --config "$conf" --from 2015-06 --to 2023-04 > "$tmp/b2.out" 2> "$tmp/b2.err"
		rc2=$?
		whole=$(whole_outbox "$tmp/b/state") || whole=broken
		(cd "$tmp/b/state/outbox" && find . -type f -exec sha256sum {} + | sort) > "$tmp/b-after.sum"
		intact=$(comm -23 "$tmp/b-before.sum" "$tmp/b-after.sum" | wc -l)
		errs=$(error_lines "$tmp/b2.err")
		nospace=$(grep '^kvalind: error:' "$tmp/b2.err" | grep -ci 'space')
		if [ $rc1 -eq 0 ] && [ $rc2 -eq 1 ] && [ "$errs" -ge 1 ] && [ "$errs" -le 2 ] && [ "$nospace" -eq "$errs" ] &&
		   [ "$whole" != broken ] && [ "$intact" -eq 0 ] && tmp_empty "$tmp/b/state"; then
			ok "disk full during export: exit 1, $errs error line(s) saying so ($(grep -m1 '^kvalind: error:' "$tmp/b2.err" | cut -c1-110)), $whole extracts in the outbox all whole, the 6 earlier ones intact, .tmp empty"
		else
			fail "disk full (exits $rc1/$rc2, $errs error lines, $nospace about space, outbox $whole, $intact earlier files changed)"
			head -5 "$tmp/b2.err" "$tmp/b2.out"
			ls -la "$tmp/b/state/outbox/.tmp" 2> /dev/null | head
		fi
		df -k "$tmp/b/state" | tail -n 1 | awk '{print "    tmpfs: " $3 " of " $2 " KiB used"}'
		umount "$tmp/b/state" && mounted=
	else
		skip "disk full: cannot mount a tmpfs here (needs root and mount permission)"
	fi
fi

# --- c. the clock jumps under the daemon -------------------------------------
if suite_want "c the clock jumps under the daemon"; then
	if [ $root = yes ]; then
		clock="$tmp/clock"
		set_clock() { date -u -d "$1" +%s > "$clock.new" && chmod 644 "$clock.new" && mv "$clock.new" "$clock"; }
		export KVALIND_CLOCK_FILE="$clock" KVALIND_TICK_MS=100
		conf=$(config "$tmp/c" "user = nobody" 2022-01)
		sed -i 's/^log_level = warning/log_level = info/' "$conf"
		chown nobody "$tmp/c/state" "$tmp/c/drop"
		chown root:"$(id -gn nobody)" "$conf"
		chmod 640 "$conf"
		dropped() { ls "$tmp/c/drop" | grep '\.json$' | sed 's/^chaos-office_\([0-9-]*\)_.*/\1/' | sort; }
		set_clock "2023-05-10 03:00"
		"$kvalind" daemon --config "$conf" > "$tmp/c.log" 2>&1 &
		daemon_pid=$!
		if wait_for "$tmp/c.log" "ok: 2022-01..2023-04 exported (16 added" 60 &&
		   wait_for "$tmp/c.log" "push: 16 delivered" 30; then
			ok "clock 2023-05-10: the daemon backfills 2022-01..2023-04 and pushes 16 months"
		else
			fail "daemon first start"; tail -5 "$tmp/c.log"
		fi
		lines=$(wc -l < "$tmp/c.log")
		set_clock "2022-05-10 03:00"
		sleep 3
		if kill -0 "$daemon_pid" 2> /dev/null && [ "$(dropped | wc -l)" -eq 16 ] &&
		   [ -z "$(dropped | uniq -d)" ] && ! tail -n +$((lines + 1)) "$tmp/c.log" | grep -q 'exported'; then
			ok "clock a year back (2022-05-10): still running, nothing exported again, 16 months once each"
		else
			fail "clock back"; tail -5 "$tmp/c.log"
		fi
		"$kvalind" status --config "$conf" > "$tmp/c-status.out" 2>&1
		set_clock "2027-05-10 03:00"
		if wait_for "$tmp/c.log" "ok: 2023-05..2027-04 exported (48 added" 120 &&
		   wait_for "$tmp/c.log" "push: 48 delivered" 60 && kill -0 "$daemon_pid" 2> /dev/null; then
			sleep 1
			want=$(for y in 2022 2023 2024 2025 2026 2027; do for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
				[ "$y-$m" \< "2022-01" ] || [ "$y-$m" \> "2027-04" ] || echo "$y-$m"; done; done)
			if [ "$(dropped)" = "$want" ] && [ "$(ls "$tmp/c/drop" | grep -c '\.json$')" -eq 64 ]; then
				ok "clock five years forward (2027-05-10): caught up 2023-05..2027-04, every month 2022-01..2027-04 exactly once (64)"
			else
				fail "months after the jump: $(dropped | uniq -d | tr '\n' ' ') twice; $(dropped | wc -l) of 64"
			fi
		else
			fail "clock forward"; tail -5 "$tmp/c.log"
		fi
		kill -TERM "$daemon_pid" 2> /dev/null
		wait "$daemon_pid"
		rc=$?
		daemon_pid=
		if [ $rc -eq 0 ] && ! grep -qi 'sanitizer\|runtime error\|segmentation' "$tmp/c.log"; then
			ok "the daemon stops cleanly after the jumps (exit 0)"
		else
			fail "daemon exit $rc"; tail -5 "$tmp/c.log"
		fi
	else
		skip "clock jumps: the daemon switches users, run as root"
	fi
fi


# --- d. the ledger's disk is full at push time -------------------------------
if suite_want "d the ledger disk is full at push time"; then
	certs="$tmp/certs"
	recv="$tmp/d-recv"
	mkdir -p "$recv"
	if sh tests/push/make_certs.sh "$certs" > "$tmp/certs.log" 2>&1; then
		chmod 755 "$certs"
		/usr/bin/python3 tests/push/https_server.py --certs "$certs" --work "$recv" --port 0 \
			> "$recv/server.out" 2>&1 &
		recv_pid=$!
		wait_until 30 test -s "$recv/port"
		conf=$(config "$tmp/d")
		sed -i "/^\[push\]/,/^\[schedule\]/c\\
[push]\\
transport = https\\
url = https://127.0.0.1:$(cat "$recv/port")/extracts\\
ca_file = $certs/ca.pem\\
client_cert = $certs/client.pem\\
client_key = $certs/client.key\\
[schedule]" "$conf"
		out="$tmp/d/out"
		mkdir -p "$out"
		cat > "$tmp/d/inside.sh" <<'SH'
set -u
kvalind=$1 conf=$2 state=$3 out=$4
mount -t tmpfs -o size=1m,mode=0700 tmpfs "$state" || exit 90
NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
export NO_PROXY no_proxy KVALIND_PUSH_TIMEOUT=10
"$kvalind" export --config "$conf" --from 2023-01 --to 2023-04 > "$out/export.out" 2>&1 || exit 91
dd if=/dev/zero of="$state/filler" bs=4k > /dev/null 2>&1
for i in 1 2 3; do
	"$kvalind" push --config "$conf" --all > "$out/push$i.out" 2> "$out/push$i.err"
	echo $? > "$out/push$i.rc"
done
ls "$state/outbox/ready" | wc -l > "$out/ready"
rm -f "$state/filler"
"$kvalind" push --config "$conf" > "$out/room.out" 2>&1
echo $? > "$out/room.rc"
"$kvalind" ledger verify --config "$conf" > "$out/verify.out" 2>&1
echo $? > "$out/verify.rc"
wc -l < "$state/ledger" > "$out/ledger.lines"
SH
		if [ $root = yes ]; then ns="unshare -m --propagation private"; else ns="unshare -rm"; fi
		if $ns true 2> /dev/null; then
			$ns bash "$tmp/d/inside.sh" "$kvalind" "$conf" "$tmp/d/state" "$out"
			rc=$?
			sent=$(cat "$recv/requests.log" 2> /dev/null | wc -l)
			errs=$(cat "$out"/push[123].err 2> /dev/null | grep -c '^kvalind: error:')
			if [ $rc -eq 0 ] && [ "$sent" = 4 ] && [ "$errs" = 3 ] &&
			   [ "$(cat "$out"/push[123].rc | tr -d '\n')" = 111 ] && [ "$(cat "$out/ready")" = 4 ] &&
			   grep -q "the ledger cannot be written (no room to write .*: No space left on device): nothing is sent" "$out/push1.err" &&
			   grep -q "push: 4 delivered" "$out/room.out" && [ "$(cat "$out/verify.rc")" = 0 ] &&
			   [ "$(cat "$out/ledger.lines")" = 4 ]; then
				ok "ledger disk full: 3 pushes sent nothing and said why in one line each ($(grep -m1 '^kvalind: error:' "$out/push1.err" | cut -c1-100)...); with room one push delivered all 4, ledger intact"
			else
				fail "ledger disk full: inside exit $rc, $sent requests (want 4, all after the room came back), $errs error lines"
				cat "$out"/push1.err "$out"/push1.out "$out"/room.out 2> /dev/null | head -20
			fi
		else
			skip "ledger disk full: cannot make a mount namespace here ($ns)"
		fi
		kill "$recv_pid" 2> /dev/null
		wait "$recv_pid" 2> /dev/null
	else
		fail "could not make the test certificates"
	fi
fi

finish
