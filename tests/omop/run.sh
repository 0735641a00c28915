#!/bin/bash
# The omop connector end to end (make check-omop):
#  1. the Eunomia sample (tests/omop/eunomia/, or $EUNOMIA_DIR)
#     loaded into a throwaway PostgreSQL and into SQLite, the whole
#     catalogue computed over libpq and over the SQLite ODBC driver:
#     identical results, the diabetes person found, the drug indicators
#     reported not computable (the sample has no ATC vocabulary) and absent
#     from the results rather than zero;
#  2. the hand-made decks tests/omop/decks/NAME.sql (+ NAME.expected, the
#     format of tests/decks/) through both transports;
#  3. the harness checks itself with a deliberately wrong expectation.
# FILTER=re (make check-omop FILTER=eunomia; KV_FILTER here) runs 1 or 2-3
# (3 reads a deck of 2) when the name matches.
# Usage: bash tests/omop/run.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
eunomia=${EUNOMIA_DIR:-$src/tests/omop/eunomia}
. tests/lib/pg.sh
suite_filter omop tests/omop/run.sh

tmp=$(mktemp -d /tmp/kvomop.XXXXXX)
chmod 755 "$tmp"
trap 'pg_stop; rm -rf "$tmp"' EXIT
pg_start "$tmp/pg" || { echo "omop: could not start PostgreSQL"; exit 1; }

passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

indicators="addictive_drugs anxiety chd copd depression diabetes elderly medication_review
	multimorbidity risk_patients"

# compute DSN FROM TO OUT -> kvalind's status; the run summary in OUT.log
compute() {
	local dsn=$1 from=$2 to=$3 out=$4 conf="$tmp/kvalind.ini"
	{
		printf '[office]\nid = omop-test\n[core]\n'
		printf 'connector_dir = %s\nindicator_dir = %s\n' "$build/connectors" "$build/indicators"
		printf 'value_sets = %s\nlog_level = warning\n' "$src/conf/valuesets.txt"
		printf '[connector.omop]\ndsn = %s\n' "$dsn"
		for i in $indicators; do printf '[indicator.%s]\n' "$i"; done
	} > "$conf"
	chmod 600 "$conf"
	"$build/kvalind" compute --config "$conf" --from "$from" --to "$to" --output "$out" \
		2> "$out.log"
}

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

# load NAME SQL_OR_CSVDIR -> $tmp/NAME.sqlite and PostgreSQL database NAME
load() {
	local name=$1 what=$2
	pg_sql postgres "CREATE DATABASE $name" >/dev/null || return 1
	if [ -d "$what" ]; then
		bash tests/omop/load.sh sqlite "$tmp/$name.sqlite" "$what" &&
			bash tests/omop/load.sh postgres "$name" "$what"
	else
		sqlite3 -bail "$tmp/$name.sqlite" < plugins/omop/schema/omop_sqlite.sql &&
			sqlite3 -bail "$tmp/$name.sqlite" < "$what" &&
			psql -X -q -v ON_ERROR_STOP=1 -d "$name" -f plugins/omop/schema/omop_postgresql.sql &&
			psql -X -q -v ON_ERROR_STOP=1 -d "$name" -f "$what"
	fi
}

pgdsn() { echo "host=127.0.0.1 port=$PGPORT dbname=$1 user=postgres"; }
odbcdsn() { echo "Driver=SQLite3;Database=$tmp/$1.sqlite"; }

# ---- 1. Eunomia ----------------------------------------------------------
if suite_want "1 Eunomia"; then

	from=2014-12 to=2022-09   # the sample's data end on 2022-10-10
	if [ ! -f "$eunomia/PERSON.csv" ]; then
		bad "eunomia: no sample in $eunomia"
	elif ! load eunomia "$eunomia" > "$tmp/load.log" 2>&1; then
		bad "eunomia: does not load"; sed 's/^/    /' "$tmp/load.log"
	else
		compute "$(pgdsn eunomia)" $from $to "$tmp/eu-pg.csv"; s1=$?
		compute "$(odbcdsn eunomia)" $from $to "$tmp/eu-odbc.csv"; s2=$?
		if [ $s1 -ne 0 ] || [ $s2 -ne 0 ]; then
			bad "eunomia: compute failed (libpq $s1, ODBC $s2)"
			cat "$tmp/eu-pg.csv.log" "$tmp/eu-odbc.csv.log" | sed 's/^/    /'
		else
			if cmp -s "$tmp/eu-pg.csv" "$tmp/eu-odbc.csv"; then
				ok "eunomia: libpq and SQLite ODBC give identical results ($(($(wc -l < "$tmp/eu-pg.csv") - 1)) rows)"
			else
				bad "eunomia: libpq and SQLite ODBC differ"
				diff "$tmp/eu-pg.csv" "$tmp/eu-odbc.csv" | head -20 | sed 's/^/    /'
			fi
			# the one person with type 2 diabetes is found, with HbA1c (%) and UACR
			if compare tests/omop/eunomia.expected "$tmp/eu-pg.csv"; then
				ok "eunomia: the expected values (tests/omop/eunomia.expected)"
			else
				bad "eunomia: the expected values (tests/omop/eunomia.expected)"
			fi
			# no ATC vocabulary in the sample: the drug indicators (and those
			# needing forms, groups, DDD) are not computable, never zero rows
			nc_ok=1
			for id in ADD_DDD_MEAN ADD_PRESCRIBED AD_WITH_DIAGNOSIS ANX_ANTIDEPRESSANT \
				ANX_BENZODIAZEPINE ANX_CONTROL_AD_START CHD_BETA_BLOCKER COPD_CONTROL_6W \
				COPD_CONTROL_AFTER_EXAC DEP_ANTIDEPRESSANT DM_ANNUAL_CHECK DM_STATIN LMG_4PLUS \
				RISK_HIGH_RISK_DRUGS; do
				if ! grep -q "not computable: $id " "$tmp/eu-pg.csv.log" ||
				   grep -q ",$id," "$tmp/eu-pg.csv"; then
					echo "    $id is not reported not computable (or has result rows)"; nc_ok=0
				fi
			done
			if [ $nc_ok = 1 ] && [ "$(grep -c 'not computable:' "$tmp/eu-pg.csv.log")" = 14 ]; then
				ok "eunomia: 14 indicators not computable (no ATC vocabulary, forms, groups, DDD), none as zero"
			else
				bad "eunomia: not-computable indicators"; grep 'not computable' "$tmp/eu-pg.csv.log" | sed 's/^/    /'
			fi
		fi
	fi
fi

# ---- 2. decks ------------------------------------------------------------
if suite_want "2-3 the decks, the harness fails a wrong expectation"; then

	for sql in tests/omop/decks/*.sql; do
		deck=$(basename "$sql" .sql)
		expected=${sql%.sql}.expected
		name=deck_$(echo "$deck" | tr -c 'a-z0-9_\n' '_')
		if ! load "$name" "$sql" > "$tmp/load.log" 2>&1; then
			bad "deck $deck: does not load"; sed 's/^/    /' "$tmp/load.log"; continue
		fi
		read -r _ _ dfrom dto < "$expected"
		for tr in libpq odbc; do
			if [ $tr = libpq ]; then dsn=$(pgdsn "$name"); else dsn=$(odbcdsn "$name"); fi
			out="$tmp/$deck-$tr.csv"
			if ! compute "$dsn" "$dfrom" "$dto" "$out"; then
				bad "deck $deck over $tr: compute failed"; sed 's/^/    /' "$out.log"; continue
			fi
			if compare "$expected" "$out"; then ok "deck $deck over $tr"; else bad "deck $deck over $tr"; fi
		done
		if cmp -s "$tmp/$deck-libpq.csv" "$tmp/$deck-odbc.csv"; then
			ok "deck $deck: identical over both transports"
		else
			bad "deck $deck: the transports differ"
		fi
		# drugs are provided here (ATC vocabulary present); what OMOP cannot
		# express still is not computable
		for id in ADD_DDD_MEAN ADD_PRESCRIBED DM_ANNUAL_CHECK; do
			grep -q "not computable: $id " "$tmp/$deck-libpq.csv.log" ||
				{ bad "deck $deck: $id should be not computable"; continue 2; }
		done
		ok "deck $deck: DDD, prescription group and forms not computable, drugs computable"
	done

	# ---- 3. the harness fails a wrong expectation ----------------------------

	sed 's/^DM_PREVALENCE,2022-06,2,2$/DM_PREVALENCE,2022-06,1,2/' tests/omop/decks/diabetes_lmg.expected \
		> "$tmp/wrong.expected"
	if [ -f "$tmp/diabetes_lmg-libpq.csv" ] && ! compare "$tmp/wrong.expected" "$tmp/diabetes_lmg-libpq.csv" >/dev/null; then
		ok "harness: a wrong expectation fails"
	else
		bad "harness: a wrong expectation passed"
	fi
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
