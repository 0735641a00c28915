#!/bin/bash
# Indicator test decks through the real connector against real databases.
#
# Each deck is tests/decks/PLUGIN/NAME.sql (hand-written patients as INSERTs
# into the reference schema) with NAME.expected: a first line
# "# months FROM TO" and then "INDICATOR,YYYY-MM,numerator,denominator[,value_sum]"
# lines. Every deck is loaded into SQLite and into a throwaway PostgreSQL
# and computed through three transports (SQLite ODBC, libpq, psqlODBC);
# every expected line must match kvalind's output exactly. Finally the
# harness checks itself: a deck with one deliberately wrong expectation must
# fail. FILTER=re (make check-decks FILTER=diabetes; KV_FILTER here) runs
# only the decks whose PLUGIN/NAME matches (and the self-test, on the first
# of them, when "harness self-test" matches too).
#
# Usage: bash tests/decks.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
. tests/lib/pg.sh
decks=$(ls tests/decks/*/*.sql 2>/dev/null)
# shellcheck disable=SC2046
suite_filter decks tests/decks.sh $(for sql in $decks; do echo "$(basename "$(dirname "$sql")")/$(basename "$sql" .sql)"; done)

tmp=$(mktemp -d /tmp/kvdecks.XXXXXX)
chmod 755 "$tmp"
trap 'pg_stop; rm -rf "$tmp"' EXIT
pg_start "$tmp/pg" || { echo "decks: could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
schema=plugins/reference/schema.sql

# compare EXPECTED RESULTS_CSV -> 0 when every expected line matches
compare() {
	awk -F, '
		NR == FNR { if (FNR > 1) got[$2 "," $4] = $5 "," $6 (($7 != "") ? "," $7 : ""); next }
		/^#/ || NF == 0 { next }
		{
			key = $1 "," $2; want = $3 "," $4 ((NF >= 5) ? "," $5 : "")
			if (!(key in got)) { printf "    missing %s (want %s)\n", key, want; bad = 1 }
			else if (got[key] != want) { printf "    %s: got %s, want %s\n", key, got[key], want; bad = 1 }
		}
		END { exit bad }
	' "$2" "$1"
}

# run_deck PLUGIN DSN EXPECTED OUT -> kvalind's status
run_deck() {
	local plugin=$1 dsn=$2 expected=$3 out=$4
	local from to
	read -r _ _ from to < "$expected"
	local conf="$tmp/kvalind.ini"
	cat > "$conf" <<INI
[office]
id = deck
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
log_level = warning
[connector.reference]
dsn = $dsn
[indicator.$plugin]
INI
	chmod 600 "$conf"
	"$build/kvalind" compute --config "$conf" --from "$from" --to "$to" --output "$out" \
		2> "$out.log"
}

first=
for sql in $decks; do
	plugin=$(basename "$(dirname "$sql")")
	deck=$(basename "$sql" .sql)
	suite_want "$plugin/$deck" || continue
	[ -n "$first" ] || first=$sql
	expected=${sql%.sql}.expected
	if [ ! -f "$expected" ]; then
		echo "FAIL $plugin/$deck: no $expected"; failed=$((failed + 1)); continue
	fi
	db="$tmp/$plugin-$deck.sqlite"
	pgdb=$(echo "deck_${plugin}_${deck}" | tr -c 'a-z0-9_\n' '_')
	if ! { sqlite3 -bail "$db" < "$schema" && sqlite3 -bail "$db" < "$sql"; } 2> "$tmp/load.log" ||
	   ! { pg_sql postgres "CREATE DATABASE $pgdb" &&
	       psql -X -q -v ON_ERROR_STOP=1 -d "$pgdb" -f "$schema" &&
	       psql -X -q -v ON_ERROR_STOP=1 -d "$pgdb" -f "$sql"; } >> "$tmp/load.log" 2>&1; then
		echo "FAIL $plugin/$deck: the deck does not load:"; sed 's/^/    /' "$tmp/load.log"
		failed=$((failed + 1)); continue
	fi
	for transport in sqlite-odbc libpq psqlodbc; do
		case $transport in
		sqlite-odbc) dsn="Driver=SQLite3;Database=$db" ;;
		libpq) dsn="postgresql://postgres@127.0.0.1:$PGPORT/$pgdb" ;;
		psqlodbc) dsn="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=$pgdb;Uid=postgres" ;;
		esac
		out="$tmp/$plugin-$deck-$transport.csv"
		if ! run_deck "$plugin" "$dsn" "$expected" "$out"; then
			echo "FAIL $plugin/$deck via $transport: kvalind failed:"; sed 's/^/    /' "$out.log"
			failed=$((failed + 1)); continue
		fi
		if compare "$expected" "$out" > "$tmp/diff"; then
			echo "ok   $plugin/$deck via $transport ($(grep -vc '^#' "$expected") expectations)"
			passed=$((passed + 1))
		else
			echo "FAIL $plugin/$deck via $transport:"; cat "$tmp/diff"
			failed=$((failed + 1))
		fi
	done
done

# The harness can fail: change one expected numerator and expect a mismatch.
if ! suite_want "harness self-test"; then
	:
elif [ -n "$first" ]; then
	plugin=$(basename "$(dirname "$first")")
	deck=$(basename "$first" .sql)
	wrong="$tmp/wrong.expected"
	awk -F, 'BEGIN { OFS = "," } !/^#/ && NF >= 4 && !done { $3 = $3 + 1; done = 1 } { print }' \
		"${first%.sql}.expected" > "$wrong"
	if compare "$wrong" "$tmp/$plugin-$deck-sqlite-odbc.csv" > /dev/null; then
		echo "FAIL harness self-test: a deliberately wrong expectation passed"
		failed=$((failed + 1))
	else
		echo "ok   harness self-test: a deliberately wrong expectation fails"
		passed=$((passed + 1))
	fi
else
	echo "FAIL no decks found under tests/decks"
	failed=$((failed + 1))
fi

echo "decks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
