#!/bin/bash
# Privacy by construction (issue 19, item 4): no patient key, patient name,
# national id, practitioner name or HPR number reaches anything kvalind
# keeps or sends, even with the office's own lists reading them.
#
# A synthetic practice in SQLite gets a canary in every identifying field:
# patient.name CANARYPNAME<id>, national_id CANARYFNR<id>, a text patient
# key journal_no CANARYKEY<id>, practitioner.name CANARYGP<id>, hpr_number
# CANARYHPR<id>, journal notes ending CANARYNOTE<id>; every patient_id, in
# every table, is moved to 98765000xxxx so the numeric keys are canaries
# too; an orphan contact and a patient of unknown sex have the connector
# count rejected rows. [connector.reference] patient_key = journal_no,
# [local] show_names = true, log_level = debug:
#
#  1. positive control: `kvalind patients` (one indicator, and --all; to
#     files outside the state directory) lists the canary keys and the
#     patients' and GPs' names, so they are really read;
#  2. export of 2022-01..2023-04 with manual approval, preview, approve,
#     push to a drop directory, outbox, ledger verify, compute (and --by
#     gp), inspect: nothing in the state directory, the drop directory,
#     stdout or stderr;
#  3. the daemon (fake clock, as tests/daemon.sh) backfills and pushes over
#     HTTPS to tests/push/https_server.py --raw, which keeps every request
#     whole (and gives signed receipts): nothing in its state directory, its
#     log, its sd_notify STATUS lines or any byte it sent; [local_report]
#     directory is set (outside the state directory), where the daemon's
#     report must show the canaries;
#  4. `kvalind report` writes the canaries to its own new 0700 directory
#     outside the state directory, and refuses a directory others (0755) or
#     its group (0710) can enter, and a symbolic link, leaving them as they
#     were;
#  then every log, standard output and error kept, and the (empty) working
#  directory and TMPDIR every run had, are scanned as well;
#  5. the scanner itself: a canary planted in a state file, a numeric key
#     in another, and a file named after one are each found.
#
# A hit fails, naming the file and the canary. FILTER=re runs only the
# blocks whose name matches (the practice and the scan of what is left are
# always made). KEEP=1 keeps the temporary directory.
# Usage: bash tests/canary.sh BUILD_DIR   (run by `make check-canary`)
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
kv="$build/kvalind"
. tests/lib/suite.sh
suite_filter canary tests/canary.sh
suite_reachable canary tests/canary.sh "$@"

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
note() { echo "note $*"; }
finish() { echo "canary: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

w=$(mktemp -d /tmp/kvcanary.XXXXXX)
chmod 755 "$w"
daemon_pid=
server_pid=
notify_pid=
cleanup() {
	[ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2> /dev/null
	[ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null
	[ -n "$notify_pid" ] && kill "$notify_pid" 2> /dev/null
	if [ -n "${KEEP:-}" ]; then echo "kept $w"; else rm -rf "$w"; fi
}
trap cleanup EXIT
export TZ=UTC

# The canaries: every string one starts with CANARY; the patient ids are
# 987650000001.. (the orphan contact's 987650009999).
SHIFT=987650000000
canary_re='CANARY|98765000[0-9]{4}'

# --- the practice, canaries planted -------------------------------------------
db="$w/practice.sqlite"
"$build/kvalind-synth" --sqlite "$db" --patients 1500 --seed 23 --to 2023-09 --quiet ||
	{ fail "no synthetic practice"; finish; }
shift_ids=
for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table'"); do
	sqlite3 "$db" "PRAGMA table_info($t)" | grep -q '|patient_id|' &&
		shift_ids="$shift_ids UPDATE $t SET patient_id = patient_id + $SHIFT;"
done
sqlite3 "$db" "
BEGIN;
UPDATE patient SET name = 'CANARYPNAME' || patient_id, national_id = 'CANARYFNR' || patient_id;
UPDATE practitioner SET name = 'CANARYGP' || practitioner_id,
                        hpr_number = 'CANARYHPR' || practitioner_id;
UPDATE journal_note SET body = body || ' CANARYNOTE' || note_id;
ALTER TABLE patient ADD COLUMN journal_no text;
UPDATE patient SET journal_no = 'CANARYKEY' || patient_id;
$shift_ids
UPDATE patient SET sex = 'X' WHERE patient_id = (SELECT max(patient_id) FROM patient);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind)
  SELECT max(contact_id) + 1, $SHIFT + 9999, 1, '2023-03-01 10:00:00', 'consultation' FROM contact;
COMMIT;" || { fail "could not plant the canaries"; finish; }
chmod 644 "$db"
n_pat=$(sqlite3 "$db" "SELECT count(*) FROM patient WHERE patient_id > $SHIFT AND name LIKE 'CANARYPNAME%'
	AND national_id LIKE 'CANARYFNR%' AND journal_no LIKE 'CANARYKEY%'")
n_gp=$(sqlite3 "$db" "SELECT count(*) FROM practitioner WHERE name LIKE 'CANARYGP%' AND hpr_number LIKE 'CANARYHPR%'")
n_low=0
for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'table'"); do
	sqlite3 "$db" "PRAGMA table_info($t)" | grep -q '|patient_id|' &&
		n_low=$((n_low + $(sqlite3 "$db" "SELECT count(*) FROM $t WHERE patient_id <= $SHIFT")))
done
if [ "$n_pat" = 1500 ] && [ "$n_gp" -gt 0 ] && [ "$n_low" = 0 ]; then
	ok "canaries planted: 1500 patients (key, name, national id, id 98765000xxxx in every table), $n_gp practitioners"
else
	fail "canaries: $n_pat patients, $n_gp practitioners, $n_low rows with an unshifted patient_id"
	finish
fi


# config NAME [PUSH LINES] [EXTRA LINES] -> path; state in $w/NAME/state
config() {
	local dir="$w/$1"
	mkdir -p "$dir/state"
	chmod 700 "$dir/state"
	cat > "$dir/kvalind.ini" <<INI
[office]
id = canary-office
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $dir/state
log_level = debug
${3-}
[local]
show_names = true
[push]
${2:-transport = none}
[connector.reference]
dsn = Driver=SQLite3;Database=$db
patient_key = journal_no
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
INI
	chmod 600 "$dir/kvalind.ini"
	echo "$dir/kvalind.ini"
}

# scan WHAT FILE_OR_DIR...: every file's bytes and every path name under
# them, for every canary; each hit is a line "FILE: CANARY" in $w/hits
scan() {
	local what=$1 hits="$w/hits.$RANDOM"
	shift
	: > "$hits"
	local f
	while IFS= read -r -d '' f; do
		grep -aoE -- "($canary_re)[A-Za-z0-9]*" "$f" 2> /dev/null | sort -u | head -3 |
			sed "s|^|$f: |" >> "$hits"
		case ${f#"$w"/} in *CANARY* | *98765000[0-9][0-9][0-9][0-9]*)
			echo "$f: (in the file's name)" >> "$hits" ;;
		esac
	done < <(find "$@" -print0 2> /dev/null)
	local nfiles
	nfiles=$(find "$@" -type f 2> /dev/null | wc -l)
	if [ -s "$hits" ]; then
		fail "$what: canaries at $(cut -d: -f1 "$hits" | sort -u | wc -l) paths ($nfiles files scanned):"
		sed 's/^/       /' "$hits" | head -20
		rm -f "$hits"
		return 1
	fi
	rm -f "$hits"
	ok "$what: no canary in $nfiles files"
	return 0
}

# Every kvalind below runs from an empty working directory with its own
# TMPDIR, both scanned at the end: no stray file anywhere else either.
mkdir -m 1777 "$w/cwd" "$w/tmpdir"
export TMPDIR="$w/tmpdir"
cd "$w/cwd" || exit 1

# --- 1. the canaries are read: the office's own list -----------------------------
cli=$(config cli "transport = directory
drop_dir = $w/drop
approval = manual")
cli_state="$w/cli/state"
mkdir -m 700 "$w/drop" "$w/logs" "$w/lists"
if suite_want "1 positive control: kvalind patients lists the canaries"; then
	"$kv" patients --config "$cli" --month 2023-04 --indicator DM_ANNUAL_CHECK --denominator \
		--output "$w/lists/dm.txt" 2> "$w/logs/patients.err"
	rc=$?
	"$kv" patients --config "$cli" --month 2023-04 --indicator DM_ANNUAL_CHECK --denominator \
		--format csv > "$w/lists/dm.csv" 2> "$w/logs/patients-csv.err"
	want="CANARYKEY[0-9]+"
	if [ $rc -eq 0 ] && grep -qE "$want" "$w/lists/dm.txt" && grep -qE "$want" "$w/lists/dm.csv"; then
		ok "patients lists the canary patient keys ($(grep -cE "$want" "$w/lists/dm.csv") like $(grep -oE "$want" "$w/lists/dm.csv" | head -1))"
	else
		fail "patients (exit $rc) does not list keys matching $want: $(head -3 "$w/logs/patients.err")"
	fi
	if grep -q "CANARYPNAME" "$w/lists/dm.txt" && grep -q "CANARYGP" "$w/lists/dm.txt" &&
		grep -q "CANARYPNAME" "$w/lists/dm.csv" && grep -q "CANARYGP" "$w/lists/dm.csv"; then
		ok "with show_names the list shows the canary names of patients and GPs"
	else
		fail "show_names: no CANARYPNAME/CANARYGP in the list; stderr: $(head -3 "$w/logs/patients.err")"
	fi
	"$kv" patients --config "$cli" --month 2023-04 --all --format csv \
		--output "$w/lists/all.csv" 2> "$w/logs/patients-all.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q CANARYKEY "$w/lists/all.csv" && grep -q CANARYPNAME "$w/lists/all.csv" &&
		ok "patients --all lists every indicator's canaries ($(wc -l < "$w/lists/all.csv") lines)" ||
		fail "patients --all (exit $rc): $(head -3 "$w/logs/patients-all.err")"
	[ -z "$(ls -A "$cli_state")" ] && ok "patients wrote nothing to the state directory" ||
		fail "patients wrote to the state directory: $(ls -A "$cli_state")"
fi

# --- 2. export, preview, approve, push to a drop directory ------------------------
if suite_want "2 export, approve, push to a directory, and every command that reads the outbox"; then
	run() { # run NAME ARGS...: kvalind ARGS, stdout and stderr kept in logs/NAME.*
		local name=$1
		shift
		"$kv" "$@" > "$w/logs/$name.out" 2> "$w/logs/$name.err"
	}
	run export export --config "$cli" --from 2022-01 --to 2023-04 &&
		grep -q "16 months: 16 added, 0 unchanged, 0 failed" "$w/logs/export.out" &&
		ok "export 2022-01..2023-04: 16 extracts wait for approval" ||
		fail "export: $(tail -n 2 "$w/logs/export.out" "$w/logs/export.err")"
	grep -q "debug:" "$w/logs/export.err" &&
		ok "log_level = debug: the export logs its debug lines ($(wc -l < "$w/logs/export.err") lines)" ||
		fail "no debug line in the export's log"
	id=$(ls "$cli_state/outbox/pending" | grep _2023-04_)
	run preview preview --config "$cli" "$id"
	run preview-raw preview --config "$cli" --raw "$id"
	run outbox outbox --config "$cli"
	run approve approve --config "$cli" --all
	run push push --config "$cli"
	if grep -q "push: 16 delivered" "$w/logs/push.out" && [ "$(ls "$w/drop" | grep -c '\.csv$')" = 16 ]; then
		ok "push: 16 extracts delivered to the drop directory"
	else
		fail "push: $(tail -n 2 "$w/logs/push.out" "$w/logs/push.err")"
	fi
	run push-again push --config "$cli"
	run ledger ledger --config "$cli"
	run ledger-verify ledger --config "$cli" verify ||
		fail "ledger verify: $(tail -n 2 "$w/logs/ledger-verify.out" "$w/logs/ledger-verify.err")"
	run status status --config "$cli"
	run compute compute --config "$cli" --from 2023-01 --to 2023-04
	run compute-by-gp compute --config "$cli" --from 2023-01 --to 2023-04 --by gp --format json
	run inspect inspect --config "$cli"
	run check-config check-config --config "$cli"
	grep -q "unknown sex" "$w/logs/inspect.out" && grep -q "unknown patient" "$w/logs/inspect.out" &&
		ok "inspect counts the rows planted bad (a patient of unknown sex, a contact of no patient)" ||
		fail "inspect does not count the rows planted bad: $(grep -A20 "bad rows" "$w/logs/inspect.out" | head -5)"
	scan "the state directory after export and push" "$cli_state"
	scan "every byte pushed to the drop directory" "$w/drop"
fi

# --- 3. the daemon, pushing over HTTPS -------------------------------------------
if suite_want "3 the daemon backfills and pushes over HTTPS"; then
	sh "$src/tests/push/make_certs.sh" "$w/certs" > /dev/null 2>&1 || { fail "certificates"; finish; }
	mkdir -p "$w/recv"
	/usr/bin/python3 "$src/tests/push/https_server.py" --certs "$w/certs" --work "$w/recv" --port 0 --raw \
		--receipt good \
		> "$w/recv/server.out" 2>&1 &
	server_pid=$!
	/usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode("utf-8", "replace").replace("\n", " ") + "\n")
        out.flush()
' "$w/notify.sock" "$w/logs/notify.log" &
	notify_pid=$!
	wait_until 30 test -s "$w/recv/port" -a -S "$w/notify.sock" ||
		{ fail "the receiver or the notify socket did not start"; cat "$w/recv/server.out"; finish; }
	port=$(cat "$w/recv/port")
	user_line=
	if [ "$(id -u)" = 0 ]; then
		# as tests/daemon.sh: root starts it, it runs as nobody
		user_line="user = nobody"
		chown nobody "$w/certs/client.pem" "$w/certs/client.key"
		chmod 755 "$w/certs"
		chmod 644 "$w/certs/ca.pem"
	fi
	mkdir -m 700 "$w/daemon-report"
	[ "$(id -u)" = 0 ] && chown nobody "$w/daemon-report"
	dconf=$(config daemon "transport = https
url = https://127.0.0.1:$port/extracts
ca_file = $w/certs/ca.pem
client_cert = $w/certs/client.pem
client_key = $w/certs/client.key
[schedule]
day = 5
hour = 2
backfill_from = 2022-06" "$user_line")
	printf '[local_report]\ndirectory = %s\n' "$w/daemon-report" >> "$dconf"
	dstate="$w/daemon/state"
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$dstate"
		chown root:"$(id -gn nobody)" "$dconf"
		chmod 640 "$dconf"
	fi
	date -u -d "2023-05-06 03:00" +%s > "$w/clock"
	chmod 644 "$w/clock"
	KVALIND_CLOCK_FILE="$w/clock" KVALIND_TICK_MS=100 KVALIND_PUSH_TIMEOUT=5 NOTIFY_SOCKET="$w/notify.sock" \
		"$kv" daemon --config "$dconf" > "$w/logs/daemon.log" 2>&1 &
	daemon_pid=$!
	# until it has pushed, or is gone
	pushed_or_gone() {
		grep -q "push: 11 delivered" "$w/logs/daemon.log" || ! kill -0 "$daemon_pid" 2> /dev/null
	}
	wait_until 60 pushed_or_gone
	if grep -q "push: 11 delivered" "$w/logs/daemon.log" &&
		[ "$(ls "$w/recv/store" | grep -c '\.json$')" = 11 ]; then
		ok "the daemon backfilled 2022-06..2023-04 and pushed 11 extracts over HTTPS"
	else
		fail "the daemon: $(tail -n 3 "$w/logs/daemon.log")"
	fi
	# a reload, for its log lines too
	if kill -HUP "$daemon_pid" 2> /dev/null; then
		wait_for "$w/logs/daemon.log" "configuration reloaded" 10 ||
			note "no reload line in the daemon's log"
	fi
	kill -TERM "$daemon_pid" 2> /dev/null
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	[ $rc -eq 0 ] && ok "the daemon stopped cleanly" || fail "the daemon exited $rc"
	"$kv" ledger --config "$dconf" verify > "$w/logs/daemon-ledger-verify.out" 2>&1 &&
		ok "the daemon's ledger and its signed receipts verify" ||
		fail "the daemon's ledger: $(tail -n 3 "$w/logs/daemon-ledger-verify.out")"
	kill "$notify_pid" "$server_pid" 2> /dev/null
	wait "$notify_pid" "$server_pid" 2> /dev/null
	notify_pid= server_pid=
	n_raw=$(ls "$w/recv/raw" | wc -l)
	[ "$n_raw" -ge 11 ] && grep -qa "^POST " "$w/recv/raw/000001.req" &&
		grep -qa "multipart/form-data" "$w/recv/raw/000001.req" &&
		ok "the receiver kept all $n_raw requests whole (request line, headers, body)" ||
		fail "the receiver's raw capture: $n_raw requests"
	grep -q "debug:" "$w/logs/daemon.log" && grep -q "STATUS=" "$w/logs/notify.log" &&
		ok "the daemon's log ($(wc -l < "$w/logs/daemon.log") lines, debug) and its sd_notify STATUS lines are kept" ||
		fail "no debug log or no STATUS line from the daemon"
	if [ -z "$(ls -A "$w/daemon-report")" ]; then
		fail "[local_report] directory is set but the daemon wrote no report there"
	else
		grep -rqE "$canary_re" "$w/daemon-report" &&
			ok "the daemon's local report (outside the state directory) shows the canaries" ||
			fail "the daemon's local report holds no canary: $(ls "$w/daemon-report")"
	fi
	scan "the daemon's state directory" "$dstate"
	scan "every byte the daemon sent (the receiver's raw requests, store and logs)" "$w/recv"
fi

# --- 4. the local report -------------------------------------------------------------
if suite_want "4 kvalind report: canaries only in its own directory; an unsafe directory refused"; then
	"$kv" report --config "$cli" --month 2023-04 --out "$w/report" \
		> "$w/logs/report.out" 2> "$w/logs/report.err"
	rc=$?
	want="CANARYKEY[0-9]+"
	if [ $rc -eq 0 ] && [ "$(stat -c %a "$w/report")" = 700 ] && grep -rqE "$want" "$w/report"; then
		ok "report: the pages, in a new 0700 directory outside the state directory, show the canary keys"
	else
		fail "report (exit $rc): $(head -3 "$w/logs/report.err"); $(ls "$w/report" 2>&1 | head -3)"
	fi
	grep -rq CANARYPNAME "$w/report" && grep -rq CANARYGP "$w/report" &&
		ok "report: with show_names the pages show the canary names" ||
		fail "report: no CANARYPNAME/CANARYGP in the pages"
	# refuse_dir WHAT DIR: report --out DIR fails and DIR is as it was
	refuse_dir() {
		local what=$1 dir=$2 before after
		before=$(ls -laR --time-style=+%s.%N "$dir/" 2>&1; stat -c '%a %U %F' "$dir")
		"$kv" report --config "$cli" --month 2023-04 --out "$dir" \
			> "$w/logs/refuse.out" 2> "$w/logs/refuse.err"
		rc=$?
		after=$(ls -laR --time-style=+%s.%N "$dir/" 2>&1; stat -c '%a %U %F' "$dir")
		if [ $rc -ne 0 ] && [ -s "$w/logs/refuse.err" ] && [ "$before" = "$after" ]; then
			ok "report refuses $what, untouched: $(head -1 "$w/logs/refuse.err")"
		else
			fail "report and $what: exit $rc, $([ "$before" = "$after" ] && echo untouched || echo CHANGED)"
		fi
		cat "$w/logs/refuse.out" "$w/logs/refuse.err" >> "$w/logs/refusals.log"
	}
	mkdir -m 755 "$w/open"
	echo keep > "$w/open/other.txt"
	refuse_dir "a directory others can enter (0755)" "$w/open"
	mkdir -m 710 "$w/group"
	refuse_dir "a directory its group can enter (0710)" "$w/group"
	mkdir -m 700 "$w/target"
	echo keep > "$w/target/other.txt"
	ln -s "$w/target" "$w/link"
	refuse_dir "a symbolic link to a 0700 directory" "$w/link"
	[ "$(ls -A "$w/target")" = other.txt ] ||
		fail "the symbolic link's target changed: $(ls -A "$w/target")"
	scan "the state directory after report" "$cli_state"
fi

# --- what is left: every log, every stdout, both state directories ------------------
scan "every log and standard output and error kept (logs/)" "$w/logs"
scan "the working directory and TMPDIR of every run" "$w/cwd" "$w/tmpdir"

# --- 5. the scanner finds what is there ----------------------------------------------
if suite_want "5 self-test: a planted canary is found"; then
	t="$w/selftest/state"
	mkdir -p "$t/outbox/sent/x"
	echo "month,indicator,n" > "$t/outbox/sent/x/data.csv"
	echo '{"ledger": 1}' > "$t/ledger"
	echo "nothing here" > "$t/clean"
	st_scan() { scan "$@" > "$w/selftest.out"; }
	failed_before=$failed
	passed_before=$passed
	st_scan "self-test: clean" "$t"
	c_clean=$?
	echo "2023-04,DM,5 CANARYKEY17" >> "$t/outbox/sent/x/data.csv"
	st_scan "self-test: text" "$t"
	c_text=$?
	h_text=$(cat "$w/selftest.out")
	sed -i 's/ CANARYKEY17//' "$t/outbox/sent/x/data.csv"
	printf '{"ledger": 1, "p": %s}\n' $((SHIFT + 17)) > "$t/ledger"
	st_scan "self-test: number" "$t"
	c_num=$?
	h_num=$(cat "$w/selftest.out")
	echo '{"ledger": 1}' > "$t/ledger"
	touch "$t/tmp.CANARYGP3"
	st_scan "self-test: name" "$t"
	c_name=$?
	h_name=$(cat "$w/selftest.out")
	rm -f "$t/tmp.CANARYGP3"
	# the scanner's own ok/FAIL do not count: only whether it found them
	failed=$failed_before
	passed=$passed_before
	if [ $c_clean -eq 0 ] && [ $c_text -ne 0 ] && [ $c_num -ne 0 ] && [ $c_name -ne 0 ] &&
		printf '%s' "$h_text" | grep -q "outbox/sent/x/data.csv: CANARYKEY17" &&
		printf '%s' "$h_num" | grep -q "ledger: $((SHIFT + 17))" &&
		printf '%s' "$h_name" | grep -q "tmp.CANARYGP3: (in the file's name)"; then
		ok "self-test: the scanner passes a clean directory and names the file of a planted text canary, numeric key, and file name"
	else
		fail "self-test: clean $c_clean, text $c_text, number $c_num, name $c_name"
		printf '%s\n%s\n%s\n' "$h_text" "$h_num" "$h_name" | sed 's/^/       /'
	fi
fi

finish
