#!/bin/sh
# `kvalind patients` against `kvalind compute` on a synthetic practice in
# SQLite (issue 19, item 1): for every indicator and two months, the listed
# denominator and numerator are compute's counts; --missing is the one less
# the other; the lists of every GP and of no GP together are the office's;
# nothing is written to the state directory; --output makes a new 0600 file
# and never writes over one; bad arguments are refused.
# Usage: sh tests/patients.sh BUILD_DIR   (run by `make check-patients`)
set -u
build=$(cd "${1:-build}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
kv="$build/kvalind"
. "$src/tests/lib/suite.sh"
suite_filter patients tests/patients.sh

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

w=$(mktemp -d /tmp/kvpatients.XXXXXX)
trap 'rm -rf "$w"' EXIT
chmod 700 "$w"
"$build/kvalind-synth" --sqlite "$w/practice.sqlite" --patients 1500 --seed 19 --quiet ||
	{ echo "FAIL no synthetic practice"; exit 1; }
umask 077
cat > "$w/kvalind.ini" <<INI
[office]
id = patients-test
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $w/state
log_level = warning
[connector.reference]
dsn = Driver=SQLite3;Database=$w/practice.sqlite
INI
for plugin in "$build"/indicators/*.so; do
	echo "[indicator.$(basename "$plugin" .so)]" >> "$w/kvalind.ini"
done
mkdir "$w/state"
cfg="--config $w/kvalind.ini"

# --- every indicator: the list's counts are compute's -----------------------------
# One `patients --all` per month lists every indicator's denominator (with
# the numerator flag); its counts per indicator must be compute's.
for month in 2019-06 2023-04; do
	"$kv" compute $cfg --from $month --to $month > "$w/compute.csv" 2>/dev/null ||
		{ fail "compute $month"; continue; }
	"$kv" patients $cfg --month $month --all --denominator --format csv > "$w/all.csv" 2> "$w/err" ||
		{ fail "patients --all $month: $(cat "$w/err")"; continue; }
	awk -F, 'NR == FNR { if (FNR > 1) { num[$2] = $5; den[$2] = $6 } next }
		FNR == 1 { if ($1 != "indicator" || $8 != "numerator") { print "header: " $0; bad = 1 } next }
		{ lden[$1]++; if ($8 == 1) lnum[$1]++ }
		END {
			for (id in den) if (lden[id] + 0 != den[id] || lnum[id] + 0 != num[id]) {
				printf "%s: listed %d/%d, compute %s/%s\n", id, lnum[id], lden[id], num[id], den[id]; bad = 1 }
			for (id in lden) if (!(id in den)) { print id ": listed, not computed"; bad = 1 }
			exit bad
		}' "$w/compute.csv" "$w/all.csv" > "$w/mismatch"
	n=$(tail -n +2 "$w/compute.csv" | wc -l)
	if [ -s "$w/mismatch" ] || [ "$n" -lt 37 ]; then
		fail "$month: lists differ from compute ($n indicators): $(head -3 "$w/mismatch")"
	else
		ok "$month: for all $n indicators the listed denominator and numerator are compute's"
	fi
done
# --all is the single-indicator lists put together
"$kv" patients $cfg --month 2023-04 --indicator DM_HBA1C_MEASURED --denominator --format csv > "$w/one.csv"
if [ -n "$(tail -n +2 "$w/one.csv")" ] &&
	[ "$(awk -F, '$1 == "DM_HBA1C_MEASURED"' "$w/all.csv" | cut -d, -f2-)" = "$(tail -n +2 "$w/one.csv")" ]; then
	ok "--all holds each indicator's list, row for row"
else
	fail "--all and --indicator DM_HBA1C_MEASURED differ"
fi

# --- --missing, --numerator, and the GPs' lists ---------------------------------------
month=2023-04
id=DM_ANNUAL_CHECK
"$kv" patients $cfg --month $month --indicator $id --denominator --format csv > "$w/den.csv"
"$kv" patients $cfg --month $month --indicator $id --numerator --format csv > "$w/num.csv"
"$kv" patients $cfg --month $month --indicator $id --missing --format csv > "$w/mis.csv"
"$kv" patients $cfg --month $month --indicator $id --format csv > "$w/default.csv"
keys() { tail -n +2 "$1" | cut -d, -f1 | sort; }
keys "$w/den.csv" > "$w/den.k"
keys "$w/num.csv" > "$w/num.k"
keys "$w/mis.csv" > "$w/mis.k"
sort "$w/num.k" "$w/mis.k" > "$w/nummis.k"
if [ -s "$w/den.k" ] && [ -s "$w/num.k" ] && [ -s "$w/mis.k" ] &&
	cmp -s "$w/den.k" "$w/nummis.k" && [ -z "$(comm -12 "$w/num.k" "$w/mis.k")" ]; then
	ok "$id: numerator and --missing split the denominator ($(wc -l < "$w/den.k") patients)"
else
	fail "$id: numerator + missing is not the denominator"
fi
cmp -s "$w/default.csv" "$w/mis.csv" && ok "$id (higher is better): --missing is the default" ||
	fail "$id: the default is not --missing"
gps=$(tail -n +2 "$w/den.csv" | cut -d, -f5 | sort -u)
: > "$w/gps.k"
for gp in $gps; do
	"$kv" patients $cfg --month $month --indicator $id --denominator --gp "$gp" --format csv |
		tail -n +2 | awk -F, -v gp="$gp" '$5 != gp { print "WRONG GP" } { print $1 }' >> "$w/gps.k"
done
sort "$w/gps.k" > "$w/gps.sorted"
if [ "$(echo "$gps" | wc -w)" -ge 2 ] && cmp -s "$w/gps.sorted" "$w/den.k"; then
	ok "$id: the lists of the $(echo "$gps" | wc -w) list holders together are the office's"
else
	fail "$id: the GPs' lists are not the office's ($(echo "$gps" | wc -w) holders)"
fi
if tail -n +2 "$w/den.csv" | awk -F, '$3 < 0 || $3 > 120 || ($4 != "F" && $4 != "M" && $4 != "?") { bad = 1 } END { exit bad }'; then
	ok "$id: ages and sexes are sane"
else
	fail "$id: an age or sex is off"
fi
"$kv" patients $cfg --month $month --indicator $id > "$w/table.txt"
grep -q "^$id 2023-04" "$w/table.txt" && grep -q "patients$" "$w/table.txt" &&
	ok "the table names the indicator and counts the patients" || fail "the table: $(head -2 "$w/table.txt")"

# --- compute --by gp -----------------------------------------------------------------
# Over many months (a patient who changes GP counts on each list in turn):
# for every indicator and month the GPs' rows add up to the office's.
if "$kv" compute $cfg --from 2019-01 --to $month --by gp > "$w/bygp.csv" 2> "$w/err"; then
	awk -F, 'NR == 1 { if ($2 != "gp") bad = "no gp column"; next }
		$2 == "all" { n[$3 "," $5] = $6; d[$3 "," $5] = $7; next }
		{ gn[$3 "," $5] += $6; gd[$3 "," $5] += $7; holders[$2] = 1 }
		END {
			for (k in n) { cells++; if (n[k] != gn[k] || d[k] != gd[k]) { bad = bad " " k } }
			for (h in holders) nh++
			if (cells < 37 * 52 || nh < 3) bad = bad " only " cells " cells, " nh " holders"
			if (bad != "") { print bad; exit 1 }
			print cells " cells, " nh " list holders"
		}' "$w/bygp.csv" > "$w/bygp.out" &&
		ok "compute --by gp: the GPs' rows add up to the office's ($(cat "$w/bygp.out"))" ||
		fail "compute --by gp does not add up:$(head -c 300 "$w/bygp.out")"
	# and each GP's counts are the sizes of that GP's lists
	bad=""
	for gp in $gps 0; do
		want=$(awk -F, -v gp="$gp" -v m="$month" -v id="$id" \
			'$2 == gp && $3 == id && $5 == m { print $6 "/" $7 }' "$w/bygp.csv")
		"$kv" patients $cfg --month $month --indicator $id --denominator --gp "$gp" --format csv \
			> "$w/gp.csv" 2> /dev/null
		got="$(tail -n +2 "$w/gp.csv" | awk -F, '$7 == 1' | wc -l)/$(tail -n +2 "$w/gp.csv" | wc -l)"
		[ "$got" = "${want:-0/0}" ] || bad="$bad gp $gp: list $got, compute ${want:-none}"
	done
	[ -z "$bad" ] && ok "$id $month: each GP's counts are the sizes of that GP's lists" ||
		fail "$id: GP counts and lists differ:$bad"
else
	fail "compute --by gp: $(cat "$w/err")"
fi
"$kv" compute $cfg --from $month --to $month --by doctor > /dev/null 2> "$w/err" &&
	fail "--by doctor was accepted" || ok "compute --by takes gp only: $(head -1 "$w/err")"

# --- nothing kept, the output file ----------------------------------------------------
[ -z "$(ls -A "$w/state")" ] && ok "nothing was written to the state directory" ||
	fail "the state directory holds: $(ls -A "$w/state")"
"$kv" patients $cfg --month $month --indicator $id --output "$w/list.txt" &&
	[ "$(stat -c %a "$w/list.txt")" = 600 ] && cmp -s "$w/list.txt" "$w/table.txt" &&
	ok "--output writes the same list to a new file readable by its owner only" ||
	fail "--output: $(stat -c %a "$w/list.txt" 2>&1)"
echo precious > "$w/other"
if ! "$kv" patients $cfg --month $month --indicator $id --output "$w/other" 2> "$w/err" &&
	[ "$(cat "$w/other")" = precious ] && grep -q "never written over" "$w/err"; then
	ok "--output refuses a file that exists: $(cat "$w/err")"
else
	fail "--output wrote over a file"
fi

# --- hostile text from the record system -------------------------------------------
# A GP named like a spreadsheet formula, with a comma and a quote, and a
# terminal escape: the CSV quotes it as text, the table shows no control
# character. (On a copy: the practice above stays as it was.)
cp "$w/practice.sqlite" "$w/hostile.sqlite"
sqlite3 "$w/hostile.sqlite" "UPDATE practitioner SET name = '=HYPERLINK(\"x\"),Dr' || char(27) || '[2J'
	WHERE practitioner_id IN (SELECT gp_id FROM list_period)"
sed "s|$w/practice.sqlite|$w/hostile.sqlite|" "$w/kvalind.ini" > "$w/hostile.ini"
"$kv" patients --config "$w/hostile.ini" --month $month --indicator $id --denominator --format csv \
	> "$w/hostile.csv" 2> "$w/err"
"$kv" patients --config "$w/hostile.ini" --month $month --indicator $id --denominator \
	> "$w/hostile.txt" 2>> "$w/err"
if grep -qF '"'"'"'=HYPERLINK(""x""),Dr?[2J"' "$w/hostile.csv" &&
	! grep -q "$(printf '\033')" "$w/hostile.csv" "$w/hostile.txt" &&
	[ "$(tail -n +2 "$w/hostile.csv" | wc -l)" = "$(tail -n +2 "$w/den.csv" | wc -l)" ]; then
	ok "a hostile GP name: quoted as text in CSV, no escape reaches the terminal"
else
	fail "a hostile GP name: $(sed -n 2p "$w/hostile.csv") $(cat "$w/err")"
fi

# --- bad input --------------------------------------------------------------------
expect_usage() {
	what=$1
	shift
	"$kv" patients $cfg "$@" > /dev/null 2> "$w/err"
	rc=$?
	[ $rc -ne 0 ] && [ -s "$w/err" ] && ok "$what: exit $rc, $(head -1 "$w/err")" ||
		fail "$what: exit $rc"
}
expect_usage "no indicator" --month 2023-04
expect_usage "unknown indicator" --month 2023-04 --indicator NO_SUCH
expect_usage "bad month" --month 2023-13 --indicator $id
expect_usage "two selections" --month 2023-04 --indicator $id --missing --numerator
expect_usage "bad --gp" --month 2023-04 --indicator $id --gp x
expect_usage "bad --format" --month 2023-04 --indicator $id --format xml
expect_usage "--all and --indicator" --month 2023-04 --indicator $id --all

echo "patients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
