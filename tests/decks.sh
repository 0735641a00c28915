#!/bin/bash
# Indicator test decks through the real connector against real databases.
#
# Each deck is tests/decks/PLUGIN/NAME.sql (hand-written patients as INSERTs
# into the reference schema) with NAME.expected: a first line
# "# months FROM TO" and then lines of two kinds (# starts a comment):
#
#   INDICATOR,YYYY-MM,NUMERATOR,DENOMINATOR[,VALUE_SUM]
#       the counts of one cell, as `kvalind compute` gives them
#   patients,INDICATOR,YYYY-MM,numerator|denominator,ID ID ...
#       the patients of one side of one cell, as `kvalind patients` lists
#       them: their patient keys (patient.patient_id for the reference
#       connector), separated by spaces, in any order; "-" for none. The
#       cell must have a count line, and the list as many patients as it
#       says (the harness checks that before anything runs, so a list cannot
#       drift from its count), and a numerator list is within the cell's
#       denominator list.
#
# Every deck is loaded into SQLite and into a throwaway PostgreSQL and
# computed through three transports (SQLite ODBC, libpq, psqlODBC); every
# count line must match kvalind's output exactly. Then, through the same
# transport, for every month that has a patient list and every indicator
# counted that month: one `kvalind patients --denominator --format csv` run
# for the office and one per list holder (every gp_id of the deck's
# list_period, and 0: on no list). Its columns are read by their header's
# names (patient_key, list_holder, numerator: the patient's flag, so one run
# gives both sides). The office list must give every list line's patients
# exactly (missing and unexpected keys are reported) and the count line's
# numerator and denominator; the GP lists must hold only their own GP's
# patients, together be the office list, and their sizes add up to the
# office's numerator and denominator.
#
# Finally the harness checks itself: a deck with one deliberately wrong
# count, one with a wrong patient in a list, and one whose list does not
# match its count line must each fail. FILTER=re (make check-decks
# FILTER=diabetes; KV_FILTER here) runs only the decks whose PLUGIN/NAME
# matches (and the self-test, on the first of them, when "harness self-test"
# matches too).
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

# compare EXPECTED RESULTS_CSV -> 0 when every expected count line matches
compare() {
	awk -F, '
		NR == FNR { if (FNR > 1) got[$2 "," $4] = $5 "," $6 (($7 != "") ? "," $7 : ""); next }
		/^#/ || NF == 0 || $1 == "patients" { next }
		{
			key = $1 "," $2; want = $3 "," $4 ((NF >= 5) ? "," $5 : "")
			if (!(key in got)) { printf "    missing %s (want %s)\n", key, want; bad = 1 }
			else if (got[key] != want) { printf "    %s: got %s, want %s\n", key, got[key], want; bad = 1 }
		}
		END { exit bad }
	' "$2" "$1"
}

# lint EXPECTED -> 0 when every patient list is well-formed and agrees with
# its cell's count line (as many patients as counted, none twice, the
# numerator within the denominator), before anything runs
lint() {
	awk -F, '
		/^#/ || NF == 0 { next }
		$1 != "patients" { count[$1 "," $2] = $3 "," $4; next }
		{
			cell = $2 "," $3; where = "patients," cell "," $4
			if (NF != 5 || ($4 != "numerator" && $4 != "denominator")) {
				printf "    %s: want patients,INDICATOR,YYYY-MM,numerator|denominator,IDS\n", where; bad = 1; next
			}
			if ((cell "," $4) in seen) { printf "    %s: listed twice\n", where; bad = 1; next }
			seen[cell "," $4] = 1; order[++n] = cell "," $4
			k = ($5 == "-") ? 0 : split($5, ids, " ")
			size[cell "," $4] = k
			for (i = 1; i <= k; i++) {
				if (ids[i] !~ /^[0-9]+$/) { printf "    %s: \"%s\" is no patient key\n", where, ids[i]; bad = 1 }
				if ((cell "," $4 SUBSEP ids[i]) in member) { printf "    %s: %s twice\n", where, ids[i]; bad = 1 }
				member[cell "," $4, ids[i]] = 1
			}
		}
		END {
			for (j = 1; j <= n; j++) {
				split(order[j], f, ","); cell = f[1] "," f[2]
				if (!(cell in count)) { printf "    patients,%s: no count line for %s\n", order[j], cell; bad = 1; continue }
				split(count[cell], c, ",")
				want = (f[3] == "numerator") ? c[1] : c[2]
				if (size[order[j]] != want) {
					printf "    patients,%s: %d patients listed, the count line says %s\n", order[j], size[order[j]], want; bad = 1
				}
			}
			for (key in member) {
				split(key, m, SUBSEP); split(m[1], f, ",")
				den = f[1] "," f[2] ",denominator"
				if (f[3] == "numerator" && (den in seen) && !((den SUBSEP m[2]) in member)) {
					printf "    patients,%s,%s,numerator: %s is not in the denominator list\n", f[1], f[2], m[2]; bad = 1
				}
			}
			exit bad
		}
	' "$1"
}

# list_cells EXPECTED -> "INDICATOR MONTH" for every count line in a month
# that has a patient list: the cells `patients` is run for
list_cells() {
	awk -F, '
		/^#/ || NF == 0 { next }
		$1 == "patients" { listed[$3] = 1; next }
		{ cell[++n] = $1 " " $2; month[n] = $2 }
		END { for (i = 1; i <= n; i++) if (month[i] in listed) print cell[i] }
	' "$1"
}

# members < PATIENTS_CSV -> "KEY HOLDER FLAG" per patient, the columns found
# by their header names (more columns may come, in any order, quoted)
members() {
	awk '
		function fields(line, f,   n, i, c, q, cur) {
			n = 0; cur = ""; q = 0
			for (i = 1; i <= length(line); i++) {
				c = substr(line, i, 1)
				if (q) {
					if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
					else if (c == "\"") q = 0
					else cur = cur c
				} else if (c == "\"") q = 1
				else if (c == ",") { f[++n] = cur; cur = "" }
				else cur = cur c
			}
			f[++n] = cur
			return n
		}
		{ sub(/\r$/, "") }
		NR == 1 {
			n = fields($0, h)
			for (i = 1; i <= n; i++) col[h[i]] = i
			key = ("patient_key" in col) ? col["patient_key"] : col["key"]
			gp = ("list_holder" in col) ? col["list_holder"] : col["gp"]
			num = col["numerator"]
			if (!key || !gp || !num) {
				print "no patient_key, list_holder or numerator column in: " $0 > "/dev/stderr"; exit 2
			}
			next
		}
		{ fields($0, f); print f[key], f[gp], f[num] }
	'
}

# check_members EXPECTED MEMBERS -> 0 when the patients runs (MEMBERS: a line
# "INDICATOR MONTH RUN" per run, then "INDICATOR MONTH RUN KEY HOLDER FLAG"
# per patient listed; RUN "office" or the --gp given) give
# every patient list exactly, the count lines' numerators and denominators,
# and GP lists that together are the office list
check_members() {
	awk '
		FILENAME == ARGV[1] {
			cell = $1 "," $2; run = $3; key = $4; holder = $5; flag = ($6 == 1)
			if (NF == 3) { if (run == "office") ran[cell] = 1; next }
			if (run == "office") {
				ran[cell] = 1; office[cell, key] = flag; holder_of[cell, key] = holder
				oden[cell]++; onum[cell] += flag
			} else {
				if (holder != run) { printf "    %s --gp %s: lists %s, of list holder %s\n", cell, run, key, holder; bad = 1 }
				if ((cell SUBSEP key) in by_gp) { printf "    %s: %s is listed for GP %s and GP %s\n", cell, key, by_gp[cell, key], run; bad = 1 }
				by_gp[cell, key] = run; gflag[cell, key] = flag
				gden[cell]++; gnum[cell] += flag
			}
			next
		}
		/^#/ || NF == 0 { next }
		{ split($0, f, ","); cell = f[2] "," f[3] }
		f[1] == "patients" {
			lists++
			if (!(cell in ran)) { printf "    %s: no patients run\n", cell; bad = 1; next }
			want_num = (f[4] == "numerator")
			split("", want)
			if (f[5] != "-") { k = split(f[5], ids, " "); for (i = 1; i <= k; i++) want[ids[i]] = 1 }
			miss = ""; extra = ""
			for (id in want)
				if (!((cell SUBSEP id) in office) || (want_num && !office[cell, id])) miss = miss " " id
			for (ck in office) {
				split(ck, p, SUBSEP)
				if (p[1] == cell && (!want_num || office[ck]) && !(p[2] in want)) extra = extra " " p[2]
			}
			if (miss != "" || extra != "") {
				printf "    patients,%s,%s:%s%s\n", cell, f[4], (miss != "") ? " missing" miss : "",
					(extra != "") ? (miss != "" ? ";" : "") " unexpected" extra : ""
				bad = 1
			}
			next
		}
		cell in ran {
			cells++
			if (onum[cell] != f[3] || oden[cell] != f[4]) {
				printf "    %s: patients lists %d of %d, the count is %s of %s\n", cell, onum[cell], oden[cell], f[3], f[4]; bad = 1
			}
			if (gnum[cell] != f[3] || gden[cell] != f[4]) {
				printf "    %s: the GP lists add up to %d of %d, the count is %s of %s\n", cell, gnum[cell], gden[cell], f[3], f[4]; bad = 1
			}
			for (ck in office) {
				split(ck, p, SUBSEP)
				if (p[1] != cell) continue
				if (!(ck in by_gp)) { printf "    %s: %s (list holder %s) is on no GP list\n", cell, p[2], holder_of[ck]; bad = 1 }
				else if (gflag[ck] != office[ck]) { printf "    %s: %s is in the numerator for the office, not for GP %s, or the other way\n", cell, p[2], by_gp[ck]; bad = 1 }
			}
			for (ck in by_gp) {
				split(ck, p, SUBSEP)
				if (p[1] == cell && !(ck in office)) { printf "    %s: %s is on GP %s list, not the office list\n", cell, p[2], by_gp[ck]; bad = 1 }
			}
		}
		END { exit bad }
	' "$2" "$1"
}

# write_conf PLUGIN DSN -> $conf, the configuration for one deck and transport
conf="$tmp/kvalind.ini"
write_conf() {
	rm -f "$conf"
	cat > "$conf" <<INI
[office]
id = deck
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
log_level = warning
[connector.reference]
dsn = $2
[indicator.$1]
INI
	chmod 600 "$conf"
}

# run_deck EXPECTED OUT -> kvalind compute's status, over $conf
run_deck() {
	local expected=$1 out=$2
	local from to
	read -r _ _ from to < "$expected"
	"$build/kvalind" compute --config "$conf" --from "$from" --to "$to" --output "$out" \
		2> "$out.log"
}

# run_patients EXPECTED GPS OUT -> 0 when every patients run of the deck's
# list months succeeded, over $conf; OUT gets check_members's MEMBERS
run_patients() {
	local expected=$1 gps=$2 out=$3 ind month run
	: > "$out"
	list_cells "$expected" | while read -r ind month; do
		for run in office $gps; do
			set -- --denominator
			[ "$run" = office ] || set -- --denominator --gp "$run"
			if ! "$build/kvalind" patients --config "$conf" --month "$month" --indicator "$ind" \
				--format csv "$@" > "$out.csv" 2> "$out.log" ||
			   ! members < "$out.csv" > "$out.rows" 2>> "$out.log"; then
				echo "    patients --month $month --indicator $ind $*:"; sed 's/^/    /' "$out.log"
				return 1
			fi
			{ echo "$ind $month $run"; sed "s/^/$ind $month $run /" "$out.rows"; } >> "$out"
		done
	done
}

first=
first_listed=
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
	if ! lint "$expected" > "$tmp/diff"; then
		echo "FAIL $plugin/$deck: the patient lists do not agree with the count lines:"; cat "$tmp/diff"
		failed=$((failed + 1)); continue
	fi
	lists=$(grep -c '^patients,' "$expected")
	[ "$lists" -eq 0 ] || [ -n "$first_listed" ] || first_listed=$sql
	gps=$(sqlite3 "$db" "SELECT DISTINCT gp_id FROM list_period UNION SELECT 0 ORDER BY 1")
	for transport in sqlite-odbc libpq psqlodbc; do
		case $transport in
		sqlite-odbc) dsn="Driver=SQLite3;Database=$db" ;;
		libpq) dsn="postgresql://postgres@127.0.0.1:$PGPORT/$pgdb" ;;
		psqlodbc) dsn="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=$pgdb;Uid=postgres" ;;
		esac
		out="$tmp/$plugin-$deck-$transport.csv"
		write_conf "$plugin" "$dsn"
		if ! run_deck "$expected" "$out"; then
			echo "FAIL $plugin/$deck via $transport: kvalind failed:"; sed 's/^/    /' "$out.log"
			failed=$((failed + 1)); continue
		fi
		members="$tmp/$plugin-$deck-$transport.members"
		if ! compare "$expected" "$out" > "$tmp/diff"; then
			echo "FAIL $plugin/$deck via $transport:"; cat "$tmp/diff"
			failed=$((failed + 1))
		elif ! run_patients "$expected" "$gps" "$members" > "$tmp/diff"; then
			echo "FAIL $plugin/$deck via $transport: kvalind patients failed:"; cat "$tmp/diff"
			failed=$((failed + 1))
		elif ! check_members "$expected" "$members" > "$tmp/diff"; then
			echo "FAIL $plugin/$deck via $transport: the patients:"; cat "$tmp/diff"
			failed=$((failed + 1))
		else
			echo "ok   $plugin/$deck via $transport ($(grep -v '^#' "$expected" | grep -vc '^patients,') counts," \
				"$lists patient lists, $(list_cells "$expected" | wc -l) cells by GP)"
			passed=$((passed + 1))
		fi
	done
done

# The harness can fail: change one expected numerator, one patient of a list,
# the length of a list, and expect each to be caught.
self_test() {
	if "$@" > /dev/null; then
		echo "FAIL harness self-test: $what passed"
		failed=$((failed + 1))
	else
		echo "ok   harness self-test: $what fails"
		passed=$((passed + 1))
	fi
}
if ! suite_want "harness self-test"; then
	:
elif [ -n "$first" ]; then
	plugin=$(basename "$(dirname "$first")")
	deck=$(basename "$first" .sql)
	wrong="$tmp/wrong.expected"
	awk -F, 'BEGIN { OFS = "," } !/^#/ && $1 != "patients" && NF >= 4 && !done { $3 = $3 + 1; done = 1 } { print }' \
		"${first%.sql}.expected" > "$wrong"
	what="a deliberately wrong count" self_test compare "$wrong" "$tmp/$plugin-$deck-sqlite-odbc.csv"
	if [ -n "$first_listed" ]; then
		plugin=$(basename "$(dirname "$first_listed")")
		deck=$(basename "$first_listed" .sql)
		# one patient of the first non-empty list swapped, in every list of its
		# cell, for one not in the deck
		awk -F, 'BEGIN { OFS = "," }
			NR == FNR { if ($1 == "patients" && $5 != "-" && cell == "") { cell = $2 "," $3; split($5, ids, " ") }; next }
			$1 == "patients" && $2 "," $3 == cell { $5 = " " $5 " "; sub(" " ids[1] " ", " 999999999 ", $5); gsub(/^ | $/, "", $5) }
			{ print }' "${first_listed%.sql}.expected" "${first_listed%.sql}.expected" > "$wrong"
		if ! lint "$wrong" > /dev/null; then
			echo "FAIL harness self-test: the swapped patient does not pass the lint"
			failed=$((failed + 1))
		fi
		what="a deliberately wrong patient" self_test \
			check_members "$wrong" "$tmp/$plugin-$deck-sqlite-odbc.members"
		# one patient too many
		awk -F, 'BEGIN { OFS = "," } $1 == "patients" && !done { $5 = ($5 == "-") ? "999999999" : $5 " 999999999"; done = 1 } { print }' \
			"${first_listed%.sql}.expected" > "$wrong"
		what="a list longer than its count" self_test lint "$wrong"
	fi
else
	echo "FAIL no decks found under tests/decks"
	failed=$((failed + 1))
fi

echo "decks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
