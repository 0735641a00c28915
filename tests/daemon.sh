#!/bin/bash
# The daemon against a real PostgreSQL and a real HTTPS receiver, with a
# fake clock ($KVALIND_CLOCK_FILE) and a fast tick:
#
#  1. started as root with [core] user = nobody it runs as nobody, says
#     READY=1 to systemd's notify socket, backfills 2014-12..2023-04 and
#     pushes it; a second daemon on the same state directory is refused;
#     started as root without [core] user it refuses to run;
#  2. SIGHUP with a broken configuration keeps it running on the old one;
#     SIGHUP with a good one reloads;
#  3. stopped (SIGTERM) over two month boundaries, then started: it catches
#     up exactly the two missing months;
#  4. the database down: one complaint, retried with backoff, one
#     "restored" line when it is back; the receiver down: the month waits
#     in the outbox and is delivered when it is back;
#  5. SIGTERM during a backfill leaves no partial extract, and a restart
#     finishes it; kill -9 during a push repeats nothing and loses nothing;
#  6. SIGTERM while a receiver that never answers holds a push (timeout
#     300 s): the daemon exits 0 well before the timeout (the time is
#     printed; the bound asserted is half the timeout, so that no slow
#     machine fails it), after one request only;
#  7. the ledger's disk is full (the state directory on a tmpfs, filled):
#     the daemon sends nothing (not every extract at every step), backs
#     off and says so at the 1st, 2nd, 4th, 8th... failure only; with room
#     again it delivers everything and says "restored" once;
#  8. a state directory others can write: the daemon refuses to start,
#     naming it and the fix;
#  9. the receiver refuses the office's certificate (401): the month waits
#     (never refused), its wait grows with each attempt, `kvalind outbox`
#     says why; once fixed, `kvalind retry --all` has the daemon send it at
#     its next look (a minute), not after the grown wait;
# 10. [local_report] directory set: after the monthly run's export and push
#     the daemon writes the report for the month just computed into a 0700
#     directory of its user (index.html, gp-N.html, each 0600), says so in
#     one line and in `kvalind status`; a directory others can enter (0755)
#     fails the report, logged with the directory and why, while the export
#     and the push happen all the same, and a SIGHUP after the fix writes it.
#
# Runs as root (it tests the switch to an unprivileged user). KEEP=1 keeps
# the temporary directory (logs, state, the receiver's store). FILTER=re
# (make check-daemon FILTER=sigterm; KV_FILTER here) runs only the numbered
# blocks whose name matches; 1-4 share one daemon and run together.
# Usage: bash tests/daemon.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
kvalind="$build/kvalind"
. tests/lib/pg.sh
suite_filter daemon tests/daemon.sh
suite_reachable daemon tests/daemon.sh "$@"

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "daemon: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || suite_skip daemon "these tests switch users and must run as root"

tmp=$(mktemp -d /tmp/kvdmn.XXXXXX)
chmod 755 "$tmp"
daemon_pid=
server_pid=
notify_pid=
cleanup() {
	[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2> /dev/null
	[ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null
	[ -n "$notify_pid" ] && kill "$notify_pid" 2> /dev/null
	[ -n "${hang_pid:-}" ] && kill "$hang_pid" 2> /dev/null
	[ -n "${mounted:-}" ] && umount "$mounted" 2> /dev/null
	pg_stop
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
export TZ=UTC KVALIND_TICK_MS=100 KVALIND_PUSH_TIMEOUT=5
nobody_group=$(id -gn nobody)

# --- the world: a database, a receiver, a notify socket, a clock ------------
pg_start "$tmp/pg" || { fail "could not start PostgreSQL"; finish; }
pg_sql postgres "CREATE DATABASE practice" > /dev/null
"$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=practice user=postgres" \
	--patients 1000 --seed 5 --to 2023-09 --quiet || { fail "synthetic practice"; finish; }
sh tests/push/make_certs.sh "$tmp/certs" > /dev/null 2>&1 || { fail "certificates"; finish; }
chown nobody "$tmp/certs/client.pem" "$tmp/certs/client.key"
chmod 755 "$tmp/certs"
chmod 644 "$tmp/certs/ca.pem"
mkdir -p "$tmp/recv"
/usr/bin/python3 tests/push/https_server.py --certs "$tmp/certs" --work "$tmp/recv" --port 0 \
	> "$tmp/recv/server.out" 2>&1 &
server_pid=$!
# systemd's side of sd_notify: a datagram socket, one line per message
/usr/bin/python3 -c '
import os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
        out.flush()
' "$tmp/notify.sock" "$tmp/notify.log" &
notify_pid=$!
wait_until 30 test -s "$tmp/recv/port" -a -S "$tmp/notify.sock" ||
	{ fail "the receiver or the notify socket did not start"; cat "$tmp/recv/server.out"; finish; }
port=$(cat "$tmp/recv/port")
export NOTIFY_SOCKET="$tmp/notify.sock"

clock="$tmp/clock"
set_clock() { date -u -d "$1" +%s > "$clock.new" && chmod 644 "$clock.new" && mv "$clock.new" "$clock"; }
export KVALIND_CLOCK_FILE="$clock"

# config NAME [EXTRA CORE LINES] -> path, root:nogroup 0640; state dir owned by nobody
config() {
	local dir="$tmp/$1"
	mkdir -p "$dir/state"
	chown nobody "$dir/state"
	cat > "$dir/kvalind.ini" <<INI
[office]
id = daemon-office
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $dir/state
log_level = info
${2-user = nobody}
[push]
transport = https
url = https://127.0.0.1:$port/extracts
ca_file = $tmp/certs/ca.pem
client_cert = $tmp/certs/client.pem
client_key = $tmp/certs/client.key
[schedule]
day = 5
hour = 2
backfill_from = 2014-12
[connector.reference]
dsn = host=127.0.0.1 port=$PGPORT dbname=practice user=postgres
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
INI
	chown root:"$nobody_group" "$dir/kvalind.ini"
	chmod 640 "$dir/kvalind.ini"
	echo "$dir/kvalind.ini"
}

# start CONFIG LOG: run the daemon in the background
start() {
	"$kvalind" daemon --config "$1" > "$2" 2>&1 &
	daemon_pid=$!
}
# wait_for FILE PATTERN [SECONDS], wait_until SECONDS COMMAND...: tests/lib/suite.sh
# stop: SIGTERM, wait for the exit, return its status
stop() {
	kill -TERM "$daemon_pid" 2> /dev/null
	wait "$daemon_pid"
	local rc=$?
	daemon_pid=
	return $rc
}
# wait_count FILE PATTERN N [SECONDS]: until PATTERN is on N lines
count_at_least() { [ "$(grep -c -- "$2" "$1" 2> /dev/null)" -ge "$3" ]; }
wait_count() { wait_until "${4:-30}" count_at_least "$1" "$2" "$3"; }
stored() { ls "$tmp/recv/store" 2> /dev/null | grep -c '\.json$'; }

nobody_uid=$(id -u nobody)

# --- 1. first start ---------------------------------------------------------
if suite_want "1-4 first start as nobody, READY=1, status, a second daemon, root; SIGHUP; SIGTERM and catch-up; database down; receiver down"; then
	conf=$(config main)
	state="$tmp/main/state"
	set_clock "2023-05-06 03:00"
	start "$conf" "$tmp/d1.log"
	if wait_for "$tmp/d1.log" "ok: 2014-12..2023-04 exported (101 added" 60 &&
	   wait_for "$tmp/d1.log" "push: 101 delivered" 60 && [ "$(stored)" = 101 ]; then
		ok "first start backfills 2014-12..2023-04 and pushes all 101 months"
	else
		fail "first start"; tail -5 "$tmp/d1.log"
	fi
	uid=$(awk '/^Uid:/ { print $2 " " $3 " " $4 " " $5 }' /proc/$daemon_pid/status 2> /dev/null)
	if [ "$uid" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ]; then
		ok "started as root with user = nobody, it runs as nobody (real, effective, saved)"
	else
		fail "privileges not dropped: Uid $uid"
	fi
	if grep -q "READY=1" "$tmp/notify.log" && grep -q "STATUS=" "$tmp/notify.log"; then
		ok "READY=1 and STATUS= reach the notify socket"
	else
		fail "notify: $(cat "$tmp/notify.log" 2> /dev/null)"
	fi
	"$kvalind" status --config "$conf" > "$tmp/status.out" 2>&1
	if grep -q "running (pid $daemon_pid)" "$tmp/status.out" &&
	   grep -q "through 2023-04" "$tmp/status.out" && grep -q "101 sent" "$tmp/status.out" &&
	   grep -q "next run:       2023-06-05 02:00 (for 2023-05)" "$tmp/status.out"; then
		ok "status shows the daemon, the months done, the next run and the outbox"
	else
		fail "status"; cat "$tmp/status.out"
	fi
	"$kvalind" daemon --config "$conf" > "$tmp/second.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q "another kvalind daemon (pid $daemon_pid)" "$tmp/second.log"; then
		ok "a second daemon on the same state directory is refused"
	else
		fail "second daemon (exit $rc)"; cat "$tmp/second.log"
	fi
	rootconf=$(config root "")
	"$kvalind" daemon --config "$rootconf" > "$tmp/root.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q -i "root" "$tmp/root.log" && [ ! -e "$tmp/root/state/daemon.state" ]; then
		ok "started as root without [core] user it refuses to run"
	else
		fail "root without user (exit $rc)"; cat "$tmp/root.log"
	fi

	# --- 2. SIGHUP ----------------------------------------------------------------
	cp -p "$conf" "$tmp/good.ini"
	sed -i 's/^log_level = info/log_level = info\nno_such_key = 1/' "$conf"
	kill -HUP "$daemon_pid"
	if wait_for "$tmp/d1.log" "going on with the old one" 10 && kill -0 "$daemon_pid" 2> /dev/null &&
	   grep -q "no_such_key" "$tmp/d1.log"; then
		ok "SIGHUP with a broken configuration: the error is logged, it runs on with the old one"
	else
		fail "SIGHUP broken config"; tail -3 "$tmp/d1.log"
	fi
	cp -p "$tmp/good.ini" "$conf"
	kill -HUP "$daemon_pid"
	if wait_for "$tmp/d1.log" "configuration reloaded" 10 && grep -q "RELOADING=1" "$tmp/notify.log"; then
		ok "SIGHUP with a good configuration reloads it (RELOADING=1, then READY=1)"
	else
		fail "SIGHUP good config"; tail -3 "$tmp/d1.log"
	fi

	# --- 3. downtime over two month boundaries ------------------------------------
	stop
	rc=$?
	if [ $rc -eq 0 ] && grep -q "STOPPING=1" "$tmp/notify.log"; then
		ok "SIGTERM: a clean stop (exit 0, STOPPING=1)"
	else
		fail "stop (exit $rc)"
	fi
	"$kvalind" export --config "$conf" --month 2023-05 > "$tmp/root-export.out" 2>&1
	owner=$(stat -c %U "$state"/outbox/ready/*_2023-05_* 2> /dev/null)
	if [ "$owner" = nobody ] && [ "$(stat -c %U "$state/outbox")" = nobody ]; then
		ok "'kvalind export' run by root writes the outbox as [core] user, so the daemon can move it"
	else
		fail "root's export left files owned by '$owner'"; cat "$tmp/root-export.out"
	fi
	set_clock "2023-07-06 03:00"
	start "$conf" "$tmp/d2.log"
	if wait_for "$tmp/d2.log" "push: 2 delivered" 60 && [ "$(stored)" = 103 ] &&
	   [ "$(grep -c "computing and exporting" "$tmp/d2.log")" = 1 ] &&
	   grep -q "computing and exporting 2023-05..2023-06" "$tmp/d2.log" &&
	   ls "$tmp/recv/store" | grep -q "_2023-05_" && ls "$tmp/recv/store" | grep -q "_2023-06_"; then
		ok "after a stop over two month boundaries it catches up exactly 2023-05 and 2023-06"
	else
		fail "catch-up"; tail -5 "$tmp/d2.log"
	fi

	# --- 4. the database down --------------------------------------------------------
	pg_stop
	set_clock "2023-08-06 03:00"
	if wait_for "$tmp/d2.log" "could not export 2023-07..2023-07.*retrying in 60 s (failure 1)" 30; then
		ok "database down: one clear error, retried in 60 s"
	else
		fail "database down"; tail -3 "$tmp/d2.log"
	fi
	set_clock "2023-08-06 03:01:30"
	wait_for "$tmp/d2.log" "failure 2" 30
	pg_resume
	set_clock "2023-08-06 03:05"
	if wait_for "$tmp/d2.log" "restored: 2023-07..2023-07 exported after 2 failed attempts" 30 &&
	   [ "$(grep -c "restored" "$tmp/d2.log")" = 1 ] && wait_for "$tmp/d2.log" "push: 1 delivered" 30; then
		ok "database back: one 'restored' line, the month exported and pushed"
	else
		fail "restored"; tail -5 "$tmp/d2.log"
	fi

	# --- 4b. the receiver down ---------------------------------------------------------
	kill "$server_pid" 2> /dev/null
	wait "$server_pid" 2> /dev/null
	set_clock "2023-09-06 03:00"
	if wait_for "$tmp/d2.log" "ok: 2023-08..2023-08 exported" 30 &&
	   wait_for "$tmp/d2.log" "push: 0 delivered, 1 not delivered" 30; then
		ok "receiver down: the new month waits in the outbox"
	else
		fail "receiver down"; tail -3 "$tmp/d2.log"
	fi
	/usr/bin/python3 tests/push/https_server.py --certs "$tmp/certs" --work "$tmp/recv" --port "$port" \
		>> "$tmp/recv/server.out" 2>&1 &
	server_pid=$!
	listening() { (echo > "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
	wait_until 30 listening "$port"
	set_clock "2023-09-06 03:03"
	if wait_count "$tmp/d2.log" "push: 1 delivered" 2 30 && [ "$(stored)" = 105 ]; then
		ok "receiver back: the outbox is retried on its own schedule and delivered"
	else
		fail "receiver back ($(stored) stored)"; tail -3 "$tmp/d2.log"
	fi
	stop
fi

# --- 5. SIGTERM mid-backfill, kill -9 mid-push ------------------------------------
if suite_want "5 SIGTERM mid-backfill, kill -9 mid-push"; then
	conf=$(config crash)
	state="$tmp/crash/state"
	rm -rf "$tmp/recv/store"/*
	set_clock "2023-05-06 03:00"
	start "$conf" "$tmp/d3.log"
	wait_for "$tmp/d3.log" "computing and exporting" 30
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	whole=1
	for dir in "$state"/outbox/*/*/; do
		[ -d "$dir" ] || continue
		want=$(sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' "$dir/manifest.json" 2> /dev/null)
		[ -n "$want" ] && [ "$want" = "$(sha256sum < "$dir/data.csv" | cut -d' ' -f1)" ] || whole=0
	done
	if [ $rc -eq 0 ] && [ $whole = 1 ] && [ -z "$(ls -A "$state/outbox/.tmp")" ]; then
		ok "SIGTERM during the backfill: exit 0, no partial extract ($(ls "$state"/outbox/*/ | grep -c _) whole ones)"
	else
		fail "SIGTERM mid-backfill (exit $rc, whole $whole)"
	fi
	for i in 1 2 3 4 5 6; do
		start "$conf" "$tmp/d4-$i.log"
		wait_for "$tmp/d4-$i.log" "exported\|kvalind daemon started" 30
		sleep "0.$((RANDOM % 10))"
		kill -9 "$daemon_pid" 2> /dev/null
		wait "$daemon_pid" 2> /dev/null
		daemon_pid=
	done
	start "$conf" "$tmp/d5.log"
	all_sent() { [ "$(ls "$state/outbox/sent" 2> /dev/null | wc -l)" -ge 101 ]; }
	wait_until 60 all_sent
	stop
	if [ "$(stored)" = 101 ] && [ "$(ls "$state/outbox/sent" | wc -l)" = 101 ] &&
	   [ -z "$(ls -A "$state/outbox/ready")" ] &&
	   "$kvalind" ledger verify --config "$conf" > /dev/null 2>&1 &&
	   [ "$(wc -l < "$state/ledger")" = 101 ] &&
	   [ "$(cut -f4 "$state/ledger" | sort | uniq -d | wc -l)" = 0 ]; then
		ok "kill -9 six times during export and push: 101 months stored once each, 101 ledger entries"
	else
		fail "after kill -9: $(stored) stored, $(ls "$state/outbox/sent" | wc -l) sent, ledger $(wc -l < "$state/ledger" 2> /dev/null)"
	fi
fi


# --- 6. SIGTERM while a push hangs ---------------------------------------------
if suite_want "6 SIGTERM while a push hangs"; then
	mkdir -p "$tmp/recv-hang"
	/usr/bin/python3 tests/push/https_server.py --certs "$tmp/certs" --work "$tmp/recv-hang" --port 0 --hang \
		> "$tmp/recv-hang/server.out" 2>&1 &
	hang_pid=$!
	wait_until 30 test -s "$tmp/recv-hang/port"
	hport=$(cat "$tmp/recv-hang/port")
	conf=$(config hang)
	sed -i -e "s|127.0.0.1:$port/|127.0.0.1:$hport/|" -e 's/^backfill_from = .*/backfill_from = 2023-01/' "$conf"
	set_clock "2023-05-06 03:00"
	KVALIND_PUSH_TIMEOUT=300 "$kvalind" daemon --config "$conf" > "$tmp/d6.log" 2>&1 &
	daemon_pid=$!
	if wait_for "$tmp/recv-hang/requests.log" " hang" 60; then
		t0=$(date +%s%N)
		kill -TERM "$daemon_pid"
		# at most 150 s (half the timeout), then it has failed: kill it
		for _ in $(seq 1 1500); do kill -0 "$daemon_pid" 2> /dev/null || break; sleep 0.1; done
		kill -0 "$daemon_pid" 2> /dev/null && kill -9 "$daemon_pid"
		wait "$daemon_pid"
		rc=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		daemon_pid=
		echo "    SIGTERM during a push to a receiver that never answers: exit after $ms ms (push timeout 300 s)"
		if [ $rc -eq 0 ] && [ $ms -lt 150000 ] && [ "$(wc -l < "$tmp/recv-hang/requests.log")" = 1 ] &&
		   grep -q "stopping (signal received)" "$tmp/d6.log" &&
		   [ "$(ls "$tmp/hang/state/outbox/ready" | wc -l)" = 4 ]; then
			ok "SIGTERM while a receiver hangs: exit 0 in $ms ms, not the 300 s timeout; the 4 months wait in ready/"
		else
			fail "SIGTERM during a hung push (exit $rc after $ms ms)"; tail -5 "$tmp/d6.log"
		fi
	else
		fail "the push to the hanging receiver did not start"; tail -5 "$tmp/d6.log"
		kill -9 "$daemon_pid" 2> /dev/null; wait "$daemon_pid" 2> /dev/null; daemon_pid=
	fi
	kill "$hang_pid" 2> /dev/null; wait "$hang_pid" 2> /dev/null; hang_pid=
fi

# --- 7. the ledger's disk is full ----------------------------------------------
if suite_want "7 the ledger disk full"; then
	conf=$(config full)
	state="$tmp/full/state"
	sed -i 's/^backfill_from = .*/backfill_from = 2023-01/' "$conf"
	if mount -t tmpfs -o size=1m,mode=0700,uid="$nobody_uid" tmpfs "$state" 2> /dev/null; then
		mounted="$state"
		"$kvalind" export --config "$conf" --from 2023-01 --to 2023-04 > "$tmp/full-export.out" 2>&1
		dd if=/dev/zero of="$state/filler" bs=4k > /dev/null 2>&1
		requests_before=$(wc -l < "$tmp/recv/requests.log")
		start_s=$(date -u -d "2023-05-06 03:00" +%s)
		set_clock "2023-05-06 03:00"
		start "$conf" "$tmp/d7.log"
		wait_for "$tmp/d7.log" "the ledger cannot be written" 30
		# the clock past each backoff (1, 2, 4, ... minutes): ten push steps
		for offset in 61 181 421 901 1861 3781 7621 15301 22000 44000; do
			set_clock "@$((start_s + offset))"
			sleep 1
		done
		sent=$(($(wc -l < "$tmp/recv/requests.log") - requests_before))
		failures=$(grep -o "the ledger cannot be written.*(failure [0-9]*)" "$tmp/d7.log" | sed 's/.*(failure \([0-9]*\))/\1/' | tr '\n' ' ')
		lines=$(grep -c "the ledger cannot be written" "$tmp/d7.log")
		pow2=yes
		for f in $failures; do [ $((f & (f - 1))) = 0 ] || pow2=no; done
		echo "    full disk: $sent requests, the ledger error logged at failures: $failures"
		if [ "$sent" = 0 ] && [ "$lines" -ge 1 ] && [ "$lines" -le 4 ] && [ $pow2 = yes ] &&
		   [ "$(ls "$state/outbox/ready" | wc -l)" = 4 ] && grep -q "No space left on device" "$tmp/d7.log"; then
			ok "ledger disk full: nothing sent, the daemon backs off and says so $lines time(s) in ten push steps"
		else
			fail "ledger disk full: $sent requests, $lines error lines (failures $failures)"; tail -8 "$tmp/d7.log"
		fi
		rm -f "$state/filler"
		set_clock "@$((start_s + 80000))"
		if wait_for "$tmp/d7.log" "restored: push delivers again" 30 && wait_for "$tmp/d7.log" "push: 4 delivered" 30 &&
		   [ "$(grep -c "restored: push delivers again" "$tmp/d7.log")" = 1 ] &&
		   [ "$(wc -l < "$state/ledger")" = 4 ] && "$kvalind" ledger verify --config "$conf" > /dev/null 2>&1; then
			ok "room again: one 'restored' line, the 4 months delivered and in the ledger once each"
		else
			fail "after the disk full"; tail -5 "$tmp/d7.log"
		fi
		stop
		umount "$state" && mounted=
	else
		fail "cannot mount a tmpfs (root is needed, and mount permission)"
	fi
fi

# --- 8. a state directory others can write ----------------------------------------
if suite_want "8 a state directory others can write"; then
	conf=$(config open)
	chmod 0777 "$tmp/open/state"
	"$kvalind" daemon --config "$conf" > "$tmp/d8.log" 2>&1 &
	daemon_pid=$!
	# it must refuse at once; one that runs is stopped after a while
	gone() { ! kill -0 "$1" 2> /dev/null; }
	wait_until 30 gone "$daemon_pid"
	kill -0 "$daemon_pid" 2> /dev/null && kill -9 "$daemon_pid"
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	if [ $rc -ne 0 ] && grep -q "state directory \"$tmp/open/state\" is writable by group or others (mode 0777).*chmod go-w" "$tmp/d8.log" &&
	   [ ! -e "$tmp/open/state/outbox" ]; then
		ok "a state directory others can write: the daemon refuses to start, naming it and the fix"
	else
		fail "open state directory (exit $rc)"; cat "$tmp/d8.log"
	fi
fi


# --- 9. a 401, then retry -------------------------------------------------------------
if suite_want "9 a 401, then retry"; then
	conf=$(config cert)
	state="$tmp/cert/state"
	sed -i 's/^backfill_from = .*/backfill_from = 2023-04/' "$conf"
	echo "401 unknown office" > "$tmp/recv/answer"
	t0=$(date -u -d "2023-05-06 03:00" +%s)
	set_clock "@$t0"
	start "$conf" "$tmp/d9.log"
	attempts() { "$kvalind" outbox --config "$conf" 2> /dev/null | grep -c "$1 failed attempt"; }
	wait_attempts() { # N: until the extract shows N failed attempts
		attempts_are() { [ "$(attempts "$1")" = 1 ]; }
		wait_until 30 attempts_are "$1"
	}
	wait_for "$tmp/d9.log" "push: 0 delivered, 1 not delivered: .*the receiver refused our certificate (HTTP 401" 60 &&
		wait_attempts 1 && set_clock "@$((t0 + 61))" && wait_attempts 2 &&
		set_clock "@$((t0 + 181))" && wait_attempts 3
	waited=$?
	"$kvalind" outbox --config "$conf" > "$tmp/d9-outbox.out" 2>&1
	rm -f "$tmp/recv/answer"
	"$kvalind" retry --config "$conf" --all > "$tmp/d9-retry.out" 2>&1
	set_clock "@$((t0 + 250))" # the extract's own wait would end at t0 + 421
	if [ $waited = 0 ] && grep -q "waiting: the receiver refused our certificate (HTTP 401: unknown office)" "$tmp/d9-outbox.out" &&
	   [ -z "$(ls -A "$state/outbox/refused")" ] && grep -q "its wait is cleared" "$tmp/d9-retry.out" &&
	   wait_for "$tmp/d9.log" "restored: push delivers again after" 30 && wait_for "$tmp/d9.log" "push: 1 delivered" 30; then
		ok "401: the month waits (3 attempts, never refused); after the fix 'kvalind retry --all' has the daemon send it within a minute"
	else
		fail "401 and retry"; tail -5 "$tmp/d9.log"; cat "$tmp/d9-outbox.out" "$tmp/d9-retry.out"
	fi
	stop
fi

# --- 10. the local report after the monthly run -------------------------------------
if suite_want "10 the local report after the monthly run; an unsafe report directory"; then
	# config NAME, then [local_report] directory = DIR; the parent is nobody's
	report_config() {
		local c
		c=$(config "$1")
		sed -i 's/^backfill_from = .*/backfill_from = 2023-01/' "$c"
		printf '[local_report]\ndirectory = %s\n' "$2" >> "$c"
		echo "$c"
	}
	mkdir -p "$tmp/reports"
	chown nobody "$tmp/reports"
	chmod 755 "$tmp/reports"
	conf=$(report_config report "$tmp/reports/good")
	set_clock "2023-05-06 03:00"
	start "$conf" "$tmp/d10.log"
	r="$tmp/reports/good"
	if wait_for "$tmp/d10.log" "local report for 2023-04: [0-9]* pages written to $r\$" 120 &&
	   grep -q "ok: 2023-01..2023-04 exported" "$tmp/d10.log" && grep -q "push: 4 delivered" "$tmp/d10.log" &&
	   [ -f "$r/index.html" ] && ls "$r"/gp-*.html > /dev/null 2>&1 &&
	   [ "$(stat -c %a:%U "$r")" = 700:nobody ] &&
	   [ -z "$(find "$r" -mindepth 1 \( ! -type f -o ! -perm 600 -o ! -user nobody \))" ] &&
	   grep -q "2023-04" "$r/index.html"; then
		ok "[local_report]: after the export and push, $(ls "$r" | wc -l) pages for 2023-04 in a 0700 directory of nobody's, each 0600"
	else
		fail "the daemon's local report"; tail -5 "$tmp/d10.log"; ls -la "$r" 2> /dev/null
	fi
	"$kvalind" status --config "$conf" > "$tmp/status10.out" 2>&1
	if grep -q "local report:   .*: ok: 2023-04, [0-9]* pages in $r\$" "$tmp/status10.out" &&
	   ! grep -q "^report_pending" "$tmp/report/state/daemon.state"; then
		ok "status shows the local report's last writing"
	else
		fail "status after the report"; cat "$tmp/status10.out" "$tmp/report/state/daemon.state"
	fi
	stop

	open="$tmp/reports/open"
	mkdir -m 755 "$open"
	chown nobody "$open"
	conf=$(report_config report-open "$open")
	start "$conf" "$tmp/d10b.log"
	if wait_for "$tmp/d10b.log" "local report for 2023-04 not written to $open: \"$open\" has mode 0755" 120 &&
	   grep -q "ok: 2023-01..2023-04 exported" "$tmp/d10b.log" && grep -q "push: 4 delivered" "$tmp/d10b.log" &&
	   [ -z "$(ls -A "$open")" ] && kill -0 "$daemon_pid" 2> /dev/null &&
	   grep -q "^report_pending=2023-04$" "$tmp/report-open/state/daemon.state"; then
		ok "a 0755 report directory: the report fails, logged with the directory and why; the export and push happen, the daemon runs on"
	else
		fail "an unsafe report directory"; tail -5 "$tmp/d10b.log"; ls -la "$open"
	fi
	# not tried again at every tick: one error line while nothing changes
	sleep 1
	if [ "$(grep -c "local report for" "$tmp/d10b.log")" = 1 ]; then
		ok "the failed report is not retried at every tick"
	else
		fail "the failed report retried $(grep -c "local report for" "$tmp/d10b.log") times"
	fi
	chmod 700 "$open"
	kill -HUP "$daemon_pid"
	if wait_for "$tmp/d10b.log" "local report for 2023-04: [0-9]* pages written to $open\$" 60 &&
	   [ -f "$open/index.html" ] && ! grep -q "^report_pending" "$tmp/report-open/state/daemon.state"; then
		ok "fixed (chmod 700) and SIGHUP: the report is written"
	else
		fail "the report after the fix and SIGHUP"; tail -3 "$tmp/d10b.log"
	fi
	stop
fi

finish
