#!/bin/bash
# Integration tests of the data path against real servers started here:
# a throwaway PostgreSQL on 127.0.0.1, psqlODBC and the SQLite ODBC driver.
#
#  1. the same synthetic practice read through libpq, psqlODBC and SQLite ODBC
#     gives the same canonical event counts per kind and the same
#     data-quality counts, and the same indicator results;
#  2. a tiny memory budget (many patient-id ranges) gives the same counts;
#  3. an unreachable database, a wrong password, a missing column and a
#     connection killed in the middle of a run each end in one clear error
#     naming the connector, and leave no results file;
#  4. nothing kvalind writes (results, logs at debug level) contains a
#     national id or a name of the practice.
#
# No FILTER (KV_FILTER): every test after the first compares against its output, and the last reads what all of them wrote.
# Usage: bash tests/integration.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
. tests/lib/pg.sh
suite_no_filter integration "every test after the first compares against its output, and the last reads what all of them wrote"

tmp=$(mktemp -d /tmp/kvint.XXXXXX)
chmod 755 "$tmp"
trap '[ -n "${holder:-}" ] && kill "$holder" 2> /dev/null; pg_stop; rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

pg_start "$tmp/pg" || { fail "could not start PostgreSQL"; echo "integration: $passed passed, $failed failed"; exit 1; }

# config NAME DSN [EXTRA CORE LINES] -> path of a private config
config() {
	local path="$tmp/$1.ini"
	cat > "$path" <<INI
[office]
id = integration
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
${3:-}
[connector.reference]
dsn = $2
$(for p in "$build"/indicators/*.so; do [ -e "$p" ] && echo "[indicator.$(basename "$p" .so)]"; done)
INI
	chmod 600 "$path"
	echo "$path"
}

seed=7
patients=3000
ids="$tmp/ids.txt"
pg_sql postgres "CREATE DATABASE practice" >/dev/null
if ! "$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=practice user=postgres" \
	--patients $patients --seed $seed --ids-out "$ids" --quiet ||
   ! "$build/kvalind-synth" --sqlite "$tmp/practice.sqlite" --patients $patients --seed $seed \
	--no-bad-dates --quiet ||
   ! "$build/kvalind-synth" --sqlite "$tmp/dates.sqlite" --patients 1000 --seed $seed --dirt 0.2 --quiet; then
	fail "could not generate the synthetic practice"
	echo "integration: $passed passed, $failed failed"; exit 1
fi

libpq="postgresql://postgres@127.0.0.1:$PGPORT/practice"
psqlodbc="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=practice;Uid=postgres"
sqliteodbc="Driver=SQLite3;Database=$tmp/practice.sqlite"

# --- 1. three transports, one practice --------------------------------------
for t in libpq psqlodbc sqliteodbc; do
	conf=$(config "$t" "${!t}" "log_level = debug")
	if "$build/kvalind" inspect --config "$conf" > "$tmp/inspect-$t.txt" 2> "$tmp/inspect-$t.log"; then
		ok "inspect through $t ($(awk '/ patients /{print $2}' "$tmp/inspect-$t.txt") patients)"
	else
		fail "inspect through $t:"; sed 's/^/    /' "$tmp/inspect-$t.log"
	fi
	if "$build/kvalind" compute --config "$conf" --from 2014-12 --to 2023-04 \
		--output "$tmp/results-$t.csv" 2> "$tmp/compute-$t.log"; then
		ok "compute 2014-12..2023-04 through $t"
	else
		fail "compute through $t:"; sed 's/^/    /' "$tmp/compute-$t.log"
	fi
done
# The same data in all three (--no-bad-dates: SQLite gets the valid dates
# PostgreSQL's date type insists on); impossible dates are tested on their own
# below.
canonical() { sed -n '/^canonical events:/,/^rows read:/p' "$1"; }
badrows() { sed -n '/^bad rows:/,/^provides:/p' "$1"; }
for t in psqlodbc sqliteodbc; do
	if diff <(canonical "$tmp/inspect-libpq.txt") <(canonical "$tmp/inspect-$t.txt") > "$tmp/d"; then
		ok "libpq and $t deliver the same canonical events"
	else
		fail "libpq and $t differ in canonical events:"; cat "$tmp/d"
	fi
	if diff <(badrows "$tmp/inspect-libpq.txt") <(badrows "$tmp/inspect-$t.txt") > "$tmp/d"; then
		ok "libpq and $t count the same bad rows"
	else
		fail "libpq and $t differ in bad rows:"; cat "$tmp/d"
	fi
	if cmp -s "$tmp/results-libpq.csv" "$tmp/results-$t.csv"; then
		ok "libpq and $t give identical results ($(($(wc -l < "$tmp/results-$t.csv") - 1)) rows)"
	else
		fail "libpq and $t give different results:"; diff "$tmp/results-libpq.csv" "$tmp/results-$t.csv" | head -20
	fi
done

# SQLite can hold dates PostgreSQL cannot ('2019-02-30', '19.03.2019'): they
# are counted as bad rows by table and reason, and the run goes on.
conf=$(config dates "Driver=SQLite3;Database=$tmp/dates.sqlite")
if "$build/kvalind" inspect --config "$conf" > "$tmp/inspect-dates.txt" 2> "$tmp/dates.log" &&
   grep -Eq '^  (prescription|lab_result|diagnosis|blood_pressure) +[0-9]+  unparseable date$' "$tmp/inspect-dates.txt"; then
	ok "impossible dates in SQLite are counted: $(grep -c 'unparseable date' "$tmp/inspect-dates.txt") tables with 'unparseable date' bad rows"
else
	fail "impossible dates in SQLite:"; cat "$tmp/dates.log" "$tmp/inspect-dates.txt"
fi

# --- 2. a small memory budget reads in many patient-id ranges ------------------
conf=$(config small "$libpq" "memory_budget_mb = 16")
if "$build/kvalind" inspect --config "$conf" > "$tmp/inspect-small.txt" 2> "$tmp/small.log" &&
   diff <(canonical "$tmp/inspect-libpq.txt") <(canonical "$tmp/inspect-small.txt") > /dev/null; then
	ok "a 16 MB memory budget delivers the same events"
else
	fail "a 16 MB memory budget:"; cat "$tmp/small.log"
fi

# --- 2b. the monthly run reads only the windows' events (kv_read_request.
# events_from) and still gives the backfill's month, byte for byte ----------
head -n 1 "$tmp/results-libpq.csv" > "$tmp/last-month.csv"
grep ',2023-04,' "$tmp/results-libpq.csv" >> "$tmp/last-month.csv"
for t in libpq psqlodbc sqliteodbc small; do
	if [ $t = small ]; then conf=$(config small-inc "$libpq" "memory_budget_mb = 16")
	else conf=$(config "inc-$t" "${!t}"); fi
	if "$build/kvalind" compute --config "$conf" --from 2023-04 --to 2023-04 \
		--output "$tmp/inc-$t.csv" 2> "$tmp/inc-$t.log" &&
	   cmp -s "$tmp/last-month.csv" "$tmp/inc-$t.csv"; then
		ok "the one-month run through $t equals the backfill's 2023-04 rows"
	else
		fail "the one-month run through $t:"; cat "$tmp/inc-$t.log"
		diff "$tmp/last-month.csv" "$tmp/inc-$t.csv" | head -20
	fi
done

# --- 3. failures: one clear error, no output ---------------------------------
# expect_failure NAME DSN PATTERN
expect_failure() {
	local name=$1 dsn=$2 pattern=$3
	local conf out="$tmp/fail-$1.csv"
	conf=$(config "fail-$name" "$dsn")
	"$build/kvalind" compute --config "$conf" --from 2020-01 --to 2020-12 --output "$out" \
		> "$tmp/fail-$name.out" 2> "$tmp/fail-$name.err"
	local rc=$?
	local errors
	errors=$(grep -c '^kvalind: error:' "$tmp/fail-$name.err")
	if [ $rc -eq 1 ] && [ ! -e "$out" ] && ! ls "$out".tmp.* >/dev/null 2>&1 &&
	   grep -q "connector \"reference\"" "$tmp/fail-$name.err" &&
	   grep -Eqi "$pattern" "$tmp/fail-$name.err" && [ "$errors" -eq 1 ] &&
	   [ ! -s "$tmp/fail-$name.out" ]; then
		ok "$name: exit 1, no output, one error: $(grep '^kvalind: error:' "$tmp/fail-$name.err" | cut -c1-150)"
	else
		fail "$name (exit $rc, $errors error lines, output $( [ -e "$out" ] && echo present || echo absent)):"
		sed 's/^/    /' "$tmp/fail-$name.err"
	fi
}
# a port nothing listens on: bound here (never listened on) while it is used
/usr/bin/python3 -c 'import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(3600)' > "$tmp/closed.port" &
holder=$!
wait_until 30 test -s "$tmp/closed.port"
closed=$(cat "$tmp/closed.port")
expect_failure unreachable "postgresql://postgres@127.0.0.1:$closed/practice" "connect|refused"
expect_failure unreachable-odbc "Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$closed;Database=practice;Uid=postgres" "connect|refused"
kill $holder 2> /dev/null
wait $holder 2> /dev/null
holder=

# a role with a password, and password authentication for it
pg_sql postgres "CREATE ROLE reader LOGIN PASSWORD 'right-password'; GRANT pg_read_all_data TO reader" >/dev/null
sed -i '1i host all reader 127.0.0.1/32 scram-sha-256' "$PG_DIR/data/pg_hba.conf"
pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" reload >/dev/null
expect_failure wrong-password "postgresql://reader:wrong-password@127.0.0.1:$PGPORT/practice" "password"

# a missing column
pg_sql postgres "CREATE DATABASE broken TEMPLATE practice" >/dev/null
pg_sql broken "ALTER TABLE lab_result DROP COLUMN value_num" >/dev/null
expect_failure missing-column "postgresql://postgres@127.0.0.1:$PGPORT/broken" "lab_result.*value_num|value_num.*lab_result"
pg_sql broken "ALTER TABLE practitioner RENAME TO staff" >/dev/null
expect_failure missing-table "Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=broken;Uid=postgres" "practitioner"

# a connection killed in the middle of a run: a bigger practice, terminated
# as soon as kvalind's session is seen reading
pg_sql postgres "CREATE DATABASE big" >/dev/null
"$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=big user=postgres" --patients 30000 --seed 3 --quiet
conf=$(config killed "postgresql://postgres@127.0.0.1:$PGPORT/big")
"$build/kvalind" compute --config "$conf" --from 2014-12 --to 2023-04 --output "$tmp/killed.csv" \
	> /dev/null 2> "$tmp/killed.err" &
kpid=$!
killed=0
# until its session is seen reading, or it has ended (then the test fails)
while :; do
	n=$(psql -X -At -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'big' AND pid <> pg_backend_pid() AND state = 'active'")
	if [ "$n" -gt 0 ] 2>/dev/null; then killed=1; break; fi
	kill -0 $kpid 2>/dev/null || break
	sleep 0.05
done
wait $kpid
rc=$?
if [ $killed -eq 1 ] && [ $rc -eq 1 ] && [ ! -e "$tmp/killed.csv" ] &&
   [ "$(grep -c '^kvalind: error:' "$tmp/killed.err")" -eq 1 ] && grep -q 'connector "reference"' "$tmp/killed.err"; then
	ok "connection killed mid-run: exit 1, no output: $(grep '^kvalind: error:' "$tmp/killed.err" | cut -c1-150)"
else
	fail "connection killed mid-run (killed=$killed, exit $rc):"; sed 's/^/    /' "$tmp/killed.err"
fi

# --- 4. no identifier leaves -------------------------------------------------
# Everything kvalind wrote above: results, JSON, inspect output, debug logs.
conf=$(config leak "$libpq" "log_level = debug")
"$build/kvalind" compute --config "$conf" --from 2014-12 --to 2023-04 --format json \
	--output "$tmp/results.json" 2> "$tmp/leak.log"
written="$tmp/results-*.csv $tmp/results.json $tmp/inspect-* $tmp/compute-*.log $tmp/leak.log $tmp/fail-* $tmp/killed.err"
n_ids=$(wc -l < "$ids")
# shellcheck disable=SC2086
if [ "$n_ids" -gt 1000 ] && ! grep -F -w -q -f "$ids" $written; then
	ok "no national id or name among $n_ids in anything kvalind wrote"
else
	fail "identifiers found in kvalind's output (or too few ids: $n_ids):"
	# shellcheck disable=SC2086
	grep -F -w -o -f "$ids" $written | head -5
fi

echo "integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
