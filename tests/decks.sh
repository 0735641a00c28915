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
# transport:
#  - `kvalind compute --by gp` over the deck's months: for every count line
#    the "all" rows give it, and for every indicator and month the GPs' rows
#    add up to the "all" row;
#  - one `kvalind patients --month M --all --denominator --format csv` per
#    month M that has a patient list (a deck with none: its last month),
#    every indicator's patients from one run. Its columns are read by their
#    header's names (indicator, patient_key, list_holder, numerator: the
#    patient's flag, so one run gives both sides). It must give every list
#    line's patients exactly (missing and unexpected keys are reported), the
#    count lines of its month as the lists' sizes, and for every indicator
#    each GP's counts in `compute --by gp` (a second code path) as the
#    number of its patients with that list holder;
#  - `patients --all --denominator --gp N` for the deck's first list holder
#    N and its first such month: exactly the office run's rows with list
#    holder N (the --gp filter itself; tests/patients.sh has --gp 0).
# The decks run in parallel (KV_DECK_JOBS at a time, default twice the
# CPUs), their reports printed in deck order.
#
# Finally the harness checks itself: a deck with one deliberately wrong
# count, one with a wrong patient in a list, one whose list does not match
# its count line, a patient on another GP's list, GP counts that do not add
# up and a --gp list short of a patient must each fail.
#
# FILTER=re (make check-decks FILTER=diabetes; KV_FILTER here) runs only the
# decks whose PLUGIN/NAME matches (and the self-test, on the first of them,
# when "harness self-test" matches too).
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

# list_months EXPECTED -> the months the patients lists are run for: every
# month that has a patient list, in order; a deck without any, its last month
# (so that its GP counts are still held against its lists)
list_months() {
	awk -F, '
		NR == 1 { split($0, w, " "); last = w[4]; next }
		/^#/ || NF == 0 { next }
		$1 == "patients" && !($3 in seen) { seen[$3] = 1; order[++n] = $3 }
		END { if (n == 0) print last; for (i = 1; i <= n; i++) print order[i] }
	' "$1"
}

# An awk function: fields(LINE, F) splits one CSV line into F[1..n] (quoted
# fields, "" inside quotes) and returns n
csv_fields='
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
	}'

# members [HOLDER] < PATIENTS_CSV -> "INDICATOR KEY HOLDER FLAG" per row of a
# `patients --all` CSV, the columns found by their header names (more columns
# may come, in any order, quoted); with HOLDER, the raw rows of that list
# holder's patients instead
members() {
	awk -v only="${1-}" "$csv_fields"'
		{ sub(/\r$/, "") }
		NR == 1 {
			n = fields($0, h)
			for (i = 1; i <= n; i++) col[h[i]] = i
			ind = col["indicator"]; key = col["patient_key"]; gp = col["list_holder"]; num = col["numerator"]
			if (!ind || !key || !gp || !num) {
				print "no indicator, patient_key, list_holder or numerator column in: " $0 > "/dev/stderr"; exit 2
			}
			next
		}
		{ fields($0, f) }
		only == "" { print f[ind], f[key], f[gp], f[num]; next }
		f[gp] == only { print }
	'
}

# by_gp < COMPUTE_BY_GP_CSV -> "GP INDICATOR MONTH NUMERATOR DENOMINATOR
# [VALUE_SUM]" per row of a `compute --by gp` CSV, columns by header name
by_gp() {
	awk "$csv_fields"'
		{ sub(/\r$/, "") }
		NR == 1 {
			n = fields($0, h)
			for (i = 1; i <= n; i++) col[h[i]] = i
			if (!col["gp"] || !col["indicator"] || !col["month"] || !col["numerator"] || !col["denominator"]) {
				print "no gp, indicator, month, numerator or denominator column in: " $0 > "/dev/stderr"; exit 2
			}
			next
		}
		{
			fields($0, f)
			print f[col["gp"]], f[col["indicator"]], f[col["month"]], f[col["numerator"]], f[col["denominator"]],
				col["value_sum"] ? f[col["value_sum"]] : ""
		}
	'
}

# check_members EXPECTED MEMBERS BYGP -> 0 when
#  - BYGP (by_gp's lines of `compute --by gp` over the deck's months) has
#    an "all" row equal to every count line, and for every indicator and
#    month the GPs' rows add up to it;
#  - MEMBERS (a line "MONTH" per `patients --all` run, then "MONTH
#    INDICATOR KEY HOLDER FLAG" per row) gives every patient list exactly,
#    the count lines' numerators and denominators as the office lists'
#    sizes, and, for every indicator of every month run, each GP's counts in
#    BYGP as the number of its list's patients with that list holder (so the
#    GPs' lists together are the office's, counted by a second code path).
check_members() {
	awk '
		function abs(x) { return x < 0 ? -x : x }
		FILENAME == ARGV[1] {
			cell = $2 "," $3
			if ($1 == "all") { all[cell] = 1; anum[cell] = $4; aden[cell] = $5; avs[cell] = $6; next }
			gcell[cell] = 1; gnum[cell] += $4; gden[cell] += $5; gvs[cell] += $6
			gp[cell, $1] = $4 "/" $5
			next
		}
		FILENAME == ARGV[2] {
			if (NF == 1) { ran[$1] = 1; next }
			cell = $2 "," $1; key = $3; flag = ($5 == 1)
			if ((cell SUBSEP key) in office) { printf "    %s: patient %s is listed twice\n", cell, key; bad = 1; next }
			lcell[cell] = 1; office[cell, key] = flag; keys[cell] = keys[cell] " " key
			onum[cell] += flag; oden[cell]++
			hnum[cell, $4] += flag; hden[cell, $4]++
			next
		}
		/^#/ || NF == 0 { next }
		{ nf = split($0, f, ",") }
		f[1] == "patients" {
			cell = f[2] "," f[3]
			if (!(f[3] in ran)) { printf "    %s: no patients run\n", cell; bad = 1; next }
			want_num = (f[4] == "numerator")
			split("", want)
			if (f[5] != "-") { k = split(f[5], ids, " "); for (i = 1; i <= k; i++) want[ids[i]] = 1 }
			miss = ""; extra = ""
			for (id in want)
				if (!((cell SUBSEP id) in office) || (want_num && !office[cell, id])) miss = miss " " id
			k = split(keys[cell], lk, " ")
			for (i = 1; i <= k; i++)
				if ((!want_num || office[cell, lk[i]]) && !(lk[i] in want)) extra = extra " " lk[i]
			if (miss != "" || extra != "") {
				printf "    patients,%s,%s:%s%s\n", cell, f[4], (miss != "") ? " missing" miss : "",
					(extra != "") ? (miss != "" ? ";" : "") " unexpected" extra : ""
				bad = 1
			}
			next
		}
		{
			cell = f[1] "," f[2]
			if (!(cell in all)) { printf "    %s: compute --by gp has no \"all\" row\n", cell; bad = 1 }
			else if (anum[cell] != f[3] || aden[cell] != f[4] || (nf >= 5 && avs[cell] != f[5])) {
				printf "    %s: compute --by gp gives %s,%s%s for the office, the count is %s\n", cell, anum[cell], aden[cell],
					(nf >= 5) ? "," avs[cell] : "", substr($0, length(f[1]) + length(f[2]) + 3); bad = 1
			}
			if (f[2] in ran && (onum[cell] != f[3] || oden[cell] != f[4])) {
				printf "    %s: patients lists %d of %d, the count is %s of %s\n", cell, onum[cell], oden[cell], f[3], f[4]; bad = 1
			}
		}
		END {
			for (cell in gcell)
				if (!(cell in all)) { printf "    %s: compute --by gp has GP rows, no \"all\" row\n", cell; bad = 1 }
			for (cell in all) {
				if (gnum[cell] != anum[cell] || gden[cell] != aden[cell] ||
				    abs(gvs[cell] - avs[cell]) > 1e-9 * (abs(avs[cell]) + 1)) {
					printf "    %s: the GPs add up to %d,%d,%s, the office is %s,%s,%s\n", cell, gnum[cell], gden[cell], gvs[cell],
						anum[cell], aden[cell], avs[cell]; bad = 1
				}
				split(cell, c, ",")
				if (!(c[2] in ran)) continue
				if (onum[cell] != anum[cell] || oden[cell] != aden[cell]) {
					printf "    %s: patients lists %d of %d, compute --by gp counts %s of %s\n", cell, onum[cell], oden[cell],
						anum[cell], aden[cell]; bad = 1
				}
			}
			for (cell in lcell)
				if (!(cell in all)) { printf "    %s: patients lists %d, compute --by gp has no row\n", cell, oden[cell]; bad = 1 }
			# each GP: its compute row against its patients in the list
			for (k in gp) {
				split(k, p, SUBSEP); split(p[1], c, ",")
				if (!(c[2] in ran)) continue
				got = (hnum[k] + 0) "/" (hden[k] + 0)
				if (gp[k] != got) {
					printf "    %s GP %s: compute --by gp counts %s, the list has %s with that list holder\n", p[1], p[2], gp[k], got; bad = 1
				}
			}
			for (k in hden)
				if (!(k in gp)) {
					split(k, p, SUBSEP)
					printf "    %s GP %s: the list has %d/%d with that list holder, compute --by gp no row\n", p[1], p[2],
						hnum[k], hden[k]; bad = 1
				}
			exit bad
		}
	' "$3" "$2" "$1"
}

# check_gp OFFICE_CSV GP_CSV N -> 0 when GP_CSV (`patients --all --gp N`) is
# exactly OFFICE_CSV's (the same month's `patients --all`) rows with list
# holder N: the same header, the same rows, whole, in any order
check_gp() {
	local office=$1 gp=$2 n=$3
	if [ "$(head -n 1 "$office")" != "$(head -n 1 "$gp")" ]; then
		echo "    the headers differ: $(head -n 1 "$gp")"; return 1
	fi
	members "$n" < "$office" | sort > "$gp.want" || return 1
	tail -n +2 "$gp" | sort > "$gp.got"
	if ! cmp -s "$gp.want" "$gp.got"; then
		comm -23 "$gp.want" "$gp.got" | sed 's/^/    missing: /'
		comm -13 "$gp.want" "$gp.got" | sed 's/^/    unexpected: /'
		return 1
	fi
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

# run_lists EXPECTED GP OUT -> 0 when kvalind's runs for the deck's lists
# succeeded, over $conf: `compute --by gp` over the deck's months (OUT.bygp:
# by_gp's lines), one `patients --all --denominator` per list_months month
# (OUT.MONTH.csv; OUT.members: check_members's MEMBERS) and, for the first of
# them, the same with --gp GP (OUT.gp.csv)
run_lists() {
	local expected=$1 gp=$2 out=$3 from to month first=
	read -r _ _ from to < "$expected"
	rm -f "$out.bygp.csv"
	if ! "$build/kvalind" compute --config "$conf" --from "$from" --to "$to" --by gp \
		--output "$out.bygp.csv" 2> "$out.log" ||
	   ! by_gp < "$out.bygp.csv" > "$out.bygp" 2>> "$out.log"; then
		echo "    compute --from $from --to $to --by gp:"; sed 's/^/    /' "$out.log"
		return 1
	fi
	: > "$out.members"
	for month in $(list_months "$expected"); do
		[ -n "$first" ] || first=$month
		if ! "$build/kvalind" patients --config "$conf" --month "$month" --all --denominator \
			--format csv > "$out.$month.csv" 2> "$out.log" ||
		   ! members < "$out.$month.csv" > "$out.rows" 2>> "$out.log"; then
			echo "    patients --month $month --all --denominator:"; sed 's/^/    /' "$out.log"
			return 1
		fi
		{ echo "$month"; sed "s/^/$month /" "$out.rows"; } >> "$out.members"
	done
	if ! "$build/kvalind" patients --config "$conf" --month "$first" --all --denominator --gp "$gp" \
		--format csv > "$out.gp.csv" 2> "$out.log"; then
		echo "    patients --month $first --all --denominator --gp $gp:"; sed 's/^/    /' "$out.log"
		return 1
	fi
}

# deck SQL -> the deck's report: loaded into SQLite and PostgreSQL, linted,
# and run through each transport, "ok   ..." or "FAIL ..." (and indented
# detail) per transport, or one FAIL line for the deck. Runs in a subshell of
# its own (its files are named after the deck), several at once.
deck() {
	local sql=$1 plugin deck expected d db pgdb lists months month1 gp transport dsn out l
	plugin=$(basename "$(dirname "$sql")")
	deck=$(basename "$sql" .sql)
	expected=${sql%.sql}.expected
	if [ ! -f "$expected" ]; then
		echo "FAIL $plugin/$deck: no $expected"; return
	fi
	d="$tmp/$plugin-$deck"
	db="$d.sqlite"
	pgdb=$(echo "deck_${plugin}_${deck}" | tr -c 'a-z0-9_\n' '_')
	# CREATE DATABASE one at a time: copying template1 wants no one else in it
	if ! { sqlite3 -bail "$db" < "$schema" && sqlite3 -bail "$db" < "$sql"; } 2> "$d.load.log" ||
	   ! { flock "$tmp/createdb.lock" psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $pgdb" &&
	       psql -X -q -v ON_ERROR_STOP=1 -d "$pgdb" -f "$schema" &&
	       psql -X -q -v ON_ERROR_STOP=1 -d "$pgdb" -f "$sql"; } >> "$d.load.log" 2>&1; then
		echo "FAIL $plugin/$deck: the deck does not load:"; sed 's/^/    /' "$d.load.log"
		return
	fi
	if ! lint "$expected" > "$d.diff"; then
		echo "FAIL $plugin/$deck: the patient lists do not agree with the count lines:"; cat "$d.diff"
		return
	fi
	lists=$(grep -c '^patients,' "$expected")
	months=$(list_months "$expected")
	month1=$(echo "$months" | head -n 1)
	# the one GP whose --gp list is run: the first list holder
	gp=$(sqlite3 "$db" "SELECT MIN(gp_id) FROM list_period")
	for transport in sqlite-odbc libpq psqlodbc; do
		case $transport in
		sqlite-odbc) dsn="Driver=SQLite3;Database=$db" ;;
		libpq) dsn="postgresql://postgres@127.0.0.1:$PGPORT/$pgdb" ;;
		psqlodbc) dsn="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=$pgdb;Uid=postgres" ;;
		esac
		l="$d-$transport"
		out="$l.csv"
		conf="$l.ini"
		write_conf "$plugin" "$dsn"
		if ! run_deck "$expected" "$out"; then
			echo "FAIL $plugin/$deck via $transport: kvalind failed:"; sed 's/^/    /' "$out.log"
		elif ! compare "$expected" "$out" > "$d.diff"; then
			echo "FAIL $plugin/$deck via $transport:"; cat "$d.diff"
		elif ! run_lists "$expected" "$gp" "$l" > "$d.diff"; then
			echo "FAIL $plugin/$deck via $transport: kvalind failed:"; cat "$d.diff"
		elif ! check_members "$expected" "$l.members" "$l.bygp" > "$d.diff"; then
			echo "FAIL $plugin/$deck via $transport: the patients and counts by GP:"; cat "$d.diff"
		elif ! check_gp "$l.$month1.csv" "$l.gp.csv" "$gp" > "$d.diff"; then
			echo "FAIL $plugin/$deck via $transport: patients --month $month1 --all --gp $gp is not the office list's GP $gp:"
			cat "$d.diff"
		else
			echo "ok   $plugin/$deck via $transport ($(grep -v '^#' "$expected" | grep -vc '^patients,') counts," \
				"$lists patient lists, $(grep -c '^all ' "$l.bygp") cells by GP," \
				"lists of $(echo "$months" | wc -l) months, GP $gp's of $month1)"
		fi
	done
}

# The decks run KV_DECK_JOBS at a time (default: twice the CPUs: much of a
# run is waiting for PostgreSQL); their reports are printed in deck order,
# each when it and those before it are done, and their ok and FAIL lines
# counted.
max_jobs=${KV_DECK_JOBS:-$(($(nproc 2>/dev/null || echo 1) * 2))}
n=0
shown=1
show() {
	while [ -f "$tmp/report.$shown.done" ]; do
		cat "$tmp/report.$shown"
		passed=$((passed + $(grep -c '^ok ' "$tmp/report.$shown")))
		failed=$((failed + $(grep -c '^FAIL ' "$tmp/report.$shown")))
		shown=$((shown + 1))
	done
}
first=
first_listed=
for sql in $decks; do
	suite_want "$(basename "$(dirname "$sql")")/$(basename "$sql" .sql)" || continue
	[ -n "$first" ] || first=$sql
	[ -n "$first_listed" ] || ! grep -q '^patients,' "${sql%.sql}.expected" 2>/dev/null || first_listed=$sql
	if [ "$n" -ge "$max_jobs" ]; then
		wait -n
		show
	fi
	n=$((n + 1))
	{ deck "$sql" > "$tmp/report.$n" 2>&1; touch "$tmp/report.$n.done"; } &
done
wait
show

# The harness can fail: change one expected numerator, one patient of a list,
# the length of a list, one patient's list holder, one GP's count, one row of
# the --gp list, and expect each to be caught.
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
	l="$tmp/$plugin-$deck-sqlite-odbc"
	# (a deck that failed before its runs leaves nothing to fail with)
	ran() {
		[ -s "$l.csv" ] && [ -s "$l.members" ] && [ -s "$l.bygp" ] && [ -s "$l.gp.csv" ] && return 0
		echo "FAIL harness self-test: $plugin/$deck via sqlite-odbc left no runs to test with"
		failed=$((failed + 1))
		return 1
	}
	ran &&
	what="a deliberately wrong count" self_test compare "$wrong" "$l.csv" &&
	what="a deliberately wrong count, against compute --by gp and the lists" self_test \
		check_members "$wrong" "$l.members" "$l.bygp"
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
		l="$tmp/$plugin-$deck-sqlite-odbc"
		expected=${first_listed%.sql}.expected
		if ran; then
			what="a deliberately wrong patient" self_test check_members "$wrong" "$l.members" "$l.bygp"
			# the first patient listed on a list holder that compute --by gp
			# does not know: only the GP-by-GP comparison sees it
			awk 'NF > 1 && !done { $4 = 999999999; done = 1 } { print }' "$l.members" > "$tmp/wrong.members"
			what="a patient on another GP's list" self_test check_members "$expected" "$tmp/wrong.members" "$l.bygp"
			# one GP's denominator one higher in a month without lists: only
			# the GPs' sum sees it
			list_months "$expected" | awk 'NR == FNR { listed[$1] = 1; next }
				$1 != "all" && !($3 in listed) && !done { $5 = $5 + 1; done = 1 } { print }' - "$l.bygp" > "$tmp/wrong.bygp"
			what="GP counts that do not add up" self_test check_members "$expected" "$l.members" "$tmp/wrong.bygp"
			# the --gp list short of its last row
			month1=$(list_months "$expected" | head -n 1)
			sed '$d' "$l.gp.csv" > "$tmp/wrong.gp.csv"
			if [ "$(wc -l < "$l.gp.csv")" -lt 2 ]; then
				echo "FAIL harness self-test: the --gp list of $plugin/$deck is empty"
				failed=$((failed + 1))
			else
				what="a --gp list short of a patient" self_test check_gp "$l.$month1.csv" "$tmp/wrong.gp.csv" \
					"$(sqlite3 "$tmp/$plugin-$deck.sqlite" "SELECT MIN(gp_id) FROM list_period")"
			fi
		fi
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
