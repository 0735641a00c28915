#!/bin/bash
# Hostile input: a table of hostile rows (rows.sql for PostgreSQL,
# rows-sqlite.sql for SQLite) loaded on top of a small synthetic practice:
# NULLs in every nullable column, dates in year 0001 and 9999 (and, where
# the database allows, infinity, BC, year 0, 10000, impossible days), birth
# after death, a 10 MB note body, invalid UTF-8, codes of 1,000 characters,
# negative, NaN and infinite lab values and DDDs, out-of-range blood
# pressures, a patient with a million lab results (generate_series in
# PostgreSQL, a recursive CTE in SQLite).
#
# Through libpq, psqlODBC and SQLite ODBC (and libpq and psqlODBC against
# a SQL_ASCII copy holding invalid UTF-8, rows-bad-utf8.sql; and SQLite with
# patient ids at both ends of int64, ids-sqlite.sql), `kvalind inspect` and `kvalind
# compute --from 2014-12 --to 2023-04` on the hostile database must:
#   - end with exit 0, or 1 with exactly one error line (never a signal);
#   - name the bad rows in the inspect summary by table and reason;
#   - give results identical, byte for byte, to the same practice without
#     the hostile rows (every hostile patient is unlisted in those months).
#
# No FILTER (KV_FILTER): one set of hostile databases, loaded once, read through every transport; each check compares against the clean run.
# KEEP=1 keeps the temporary directory. Usage: bash tests/hostile/run.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
kvalind="$build/kvalind"
. tests/lib/pg.sh
suite_no_filter hostile "one set of hostile databases, loaded once, read through every transport; each check compares against the clean run"

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "hostile: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

tmp=$(mktemp -d /tmp/kvhostile.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	pg_stop
	if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
export TZ=UTC

# --- the databases: the same practice clean and hostile, twice over ----------
pg_start "$tmp/pg" || { fail "could not start PostgreSQL"; finish; }
# ascii: SQL_ASCII, the one server encoding that stores invalid UTF-8 as it
# comes (old record-system installations use it); template0 allows it.
pg_sql postgres "CREATE DATABASE clean" > /dev/null
pg_sql postgres "CREATE DATABASE ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" > /dev/null
synth="--patients 1000 --seed 13 --to 2023-06 --quiet"
# shellcheck disable=SC2086
if ! "$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=clean user=postgres" $synth ||
   ! "$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=ascii user=postgres" $synth ||
   ! "$build/kvalind-synth" --sqlite "$tmp/clean.sqlite" $synth --no-bad-dates; then
	fail "could not generate the synthetic practice"
	finish
fi
pg_sql postgres "CREATE DATABASE hostile TEMPLATE clean" > /dev/null
start=$(date +%s)
if psql -X -q -v ON_ERROR_STOP=1 -d hostile -f tests/hostile/rows.sql > "$tmp/load-pg.log" 2>&1 &&
   psql -X -q -v ON_ERROR_STOP=1 -d ascii -f tests/hostile/rows.sql > "$tmp/load-ascii.log" 2>&1 &&
   psql -X -q -v ON_ERROR_STOP=1 -d ascii -f tests/hostile/rows-bad-utf8.sql >> "$tmp/load-ascii.log" 2>&1; then
	ok "hostile rows loaded into PostgreSQL ($(psql -X -At -d hostile -c "SELECT count(*) FROM lab_result WHERE patient_id = 9000006") lab results for one patient, a $(psql -X -At -d hostile -c "SELECT max(octet_length(body)) FROM journal_note") byte note; invalid UTF-8 in a SQL_ASCII copy)"
else
	fail "loading rows.sql:"; cat "$tmp/load-pg.log" "$tmp/load-ascii.log"; finish
fi
cp "$tmp/clean.sqlite" "$tmp/hostile.sqlite"
cp "$tmp/clean.sqlite" "$tmp/ids.sqlite"
if sqlite3 "$tmp/hostile.sqlite" < tests/hostile/rows-sqlite.sql > "$tmp/load-sqlite.log" 2>&1 &&
   sqlite3 "$tmp/ids.sqlite" < tests/hostile/ids-sqlite.sql >> "$tmp/load-sqlite.log" 2>&1; then
	ok "hostile rows loaded into SQLite ($(sqlite3 "$tmp/hostile.sqlite" "SELECT count(*) FROM lab_result WHERE patient_id = 9000006") lab results for one patient) in $(($(date +%s) - start)) s"
else
	fail "loading rows-sqlite.sql:"; cat "$tmp/load-sqlite.log"; finish
fi

# config NAME DSN -> path
config() {
	local path="$tmp/$1.ini"
	cat > "$path" <<INI
[office]
id = hostile
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
[connector.reference]
dsn = $2
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
INI
	chmod 600 "$path"
	echo "$path"
}

# run NAME COMMAND...: exit status in $rc; stdout NAME.out, stderr NAME.err
run() {
	local name=$1
	shift
	"$kvalind" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	rc=$?
}
# sane NAME: exit 0, or 1 with exactly one error line; never a signal
sane() {
	local errs
	errs=$(grep -c '^kvalind: error:' "$tmp/$1.err")
	if [ $rc -ge 128 ] || grep -qi 'sanitizer\|runtime error' "$tmp/$1.err"; then
		echo "    $1: exit $rc (signal $((rc - 128)))"
		tail -20 "$tmp/$1.err" | sed 's/^/      /'
		return 1
	fi
	[ $rc -eq 0 ] || { [ $rc -eq 1 ] && [ "$errs" -eq 1 ]; }
}

# expected bad-row reasons per transport: "TABLE|REASON" lines
expect_common="patient|unknown sex
practitioner|unknown role
contact|unknown contact kind
fee|code too long
fee|empty code
diagnosis|code too long
diagnosis|unknown code system
medication|code too long
medication|unknown use type
prescription|negative ddd
prescription|non-finite number
prescription|unknown prescription group
prescription|code too long
lab_result|non-finite number
lab_result|code too long
blood_pressure|value out of range
form|form type too long"
expect_pg="patient|unparseable date
contact|unparseable date
diagnosis|unparseable date
lab_result|unparseable date
form|unparseable date
blood_pressure|unparseable date"
expect_sqlite="patient|unparseable date
contact|unparseable date
diagnosis|unparseable date
medication|unparseable date
lab_result|unparseable date
lab_result|unparseable number
form|unparseable date
list_period|unknown patient
fee|unknown contact"

libpq_clean="postgresql://postgres@127.0.0.1:$PGPORT/clean"
libpq_hostile="postgresql://postgres@127.0.0.1:$PGPORT/hostile"
psqlodbc_clean="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=clean;Uid=postgres"
psqlodbc_hostile="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=hostile;Uid=postgres"
sqlite_clean="Driver=SQLite3;Database=$tmp/clean.sqlite"
sqlite_hostile="Driver=SQLite3;Database=$tmp/hostile.sqlite"
# invalid UTF-8 (SQL_ASCII server): the clean side is the same practice in UTF8
ascii_clean=$libpq_clean
ascii_hostile="postgresql://postgres@127.0.0.1:$PGPORT/ascii"
asciiodbc_clean=$psqlodbc_clean
asciiodbc_hostile="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=ascii;Uid=postgres"
# patient ids INT64_MIN and INT64_MAX together (ids-sqlite.sql)
ids_clean=$sqlite_clean
ids_hostile="Driver=SQLite3;Database=$tmp/ids.sqlite"
# Known bugs, reported and not yet fixed (plugins/reference/ is not this
# test's to change): such a case prints KNOWN and does not fail the run,
# and prints FIXED when it passes, so the marker gets removed.
# (none at present; the int64-spanning patient ids' heap overflow in
# the patient index, now plugins/common/kvdb_stage.c, is fixed)
known_bug_ids=""

for t in libpq psqlodbc sqlite ascii asciiodbc ids; do
	known=
	case $t in ids) [ -n "$known_bug_ids" ] && known=$known_bug_ids; fcount=$failed ;; esac
	clean_dsn=${t}_clean
	hostile_dsn=${t}_hostile
	cconf=$(config "clean-$t" "${!clean_dsn}")
	hconf=$(config "hostile-$t" "${!hostile_dsn}")
	run "clean-$t" compute --config "$cconf" --from 2014-12 --to 2023-04 --output "$tmp/clean-$t.csv"
	if [ $rc -ne 0 ]; then
		fail "$t: compute on the clean practice (exit $rc)"; cat "$tmp/clean-$t.err"; continue
	fi
	start=$(date +%s)
	run "inspect-$t" inspect --config "$hconf"
	if sane "inspect-$t"; then
		missing=""
		case $t in
		sqlite) expect="$expect_common
$expect_sqlite" ;;
		ids) expect="" ;;
		# psqlODBC hands PostgreSQL's infinite and BC dates over as
		# ordinary dates (see the report of issue 11): not counted
		psqlodbc) expect="$expect_common" ;;
		*) expect="$expect_common
$expect_pg" ;;
		esac
		if [ $rc -eq 0 ]; then
			while IFS='|' read -r table reason; do
				[ -n "$table" ] || continue
				grep -Eq "^  $table +[0-9]+  $reason\$" "$tmp/inspect-$t.out" || missing="$missing $table/$reason;"
			done <<< "$expect"
		fi
		if [ $rc -eq 0 ] && [ -z "$missing" ]; then
			ok "$t: inspect on the hostile rows exits 0 and names every kind of bad row ($(sed -n '/^bad rows:/,/^provides:/p' "$tmp/inspect-$t.out" | grep -c '^  ') table/reason lines)"
		elif [ $rc -eq 1 ]; then
			ok "$t: inspect on the hostile rows ends in one clear error: $(grep '^kvalind: error:' "$tmp/inspect-$t.err" | cut -c1-160)"
		else
			fail "$t: inspect does not name:$missing"
			sed -n '/^bad rows:/,/^provides:/p' "$tmp/inspect-$t.out" | sed 's/^/    /'
		fi
	else
		fail "$t: inspect on the hostile rows"
	fi
	run "hostile-$t" compute --config "$hconf" --from 2014-12 --to 2023-04 --output "$tmp/hostile-$t.csv"
	secs=$(($(date +%s) - start))
	if ! sane "hostile-$t"; then
		fail "$t: compute on the hostile rows"
	elif [ $rc -eq 1 ]; then
		if [ ! -e "$tmp/hostile-$t.csv" ]; then
			ok "$t: compute on the hostile rows ends in one clear error, no results: $(grep '^kvalind: error:' "$tmp/hostile-$t.err" | cut -c1-160)"
		else
			fail "$t: compute failed but left results"
		fi
	elif cmp -s "$tmp/clean-$t.csv" "$tmp/hostile-$t.csv"; then
		ok "$t: compute on the hostile rows exits 0 with results identical to the clean practice's ($(($(wc -l < "$tmp/clean-$t.csv") - 1)) rows; inspect and compute in $secs s)"
	else
		fail "$t: the hostile rows change the normal patients' results:"
		diff "$tmp/clean-$t.csv" "$tmp/hostile-$t.csv" | head -10 | sed 's/^/    /'
	fi
	if [ -n "$known" ]; then
		if [ $failed -gt "$fcount" ]; then
			echo "KNOWN $t: $known ($((failed - fcount)) failure(s) above not counted)"
			failed=$fcount
		else
			echo "FIXED $t: $known -- remove the known-bug marker in tests/hostile/run.sh"
		fi
	fi
done

finish
