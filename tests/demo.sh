#!/bin/sh
# The demo: a synthetic 5,000-patient practice with history from 2012 in an
# embedded SQLite database, read by kvalind through the ODBC connector.
# Usage: sh tests/demo.sh BUILD_DIR   (run by `make demo`)
set -eu
build=$(cd "${1:-build}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
demo="$build/demo"
db="$demo/practice.sqlite"
config="$demo/kvalind.ini"

mkdir -p "$demo"
chmod 700 "$demo"
if [ ! -f "$db" ]; then
	echo "demo: generating a synthetic 5,000-patient practice (2012-01..2023-06) into $db"
	"$build/kvalind-synth" --sqlite "$db" --patients 5000 --seed 2024 --quiet
fi

umask 077
cat > "$config" <<INI
; The demo configuration, written by tests/demo.sh.
[office]
id = demo-office
name = Demo legekontor (synthetic)

[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $demo/state
log_level = warning

[connector.reference]
dsn = Driver=SQLite3;Database=$db

INI
for plugin in "$build"/indicators/*.so; do
	echo "[indicator.$(basename "$plugin" .so)]" >> "$config"
done

echo
echo "demo: kvalind check-config --config $config"
"$build/kvalind" check-config --config "$config"
echo
results="$demo/results-2014-12-2023-04.csv"
echo "demo: kvalind compute --config $config --from 2014-12 --to 2023-04 --output $results"
"$build/kvalind" compute --config "$config" --from 2014-12 --to 2023-04 --output "$results"
echo
# The headline indicators of the primary care team evaluation, as the share
# numerator/denominator in December of each year (April for 2023).
awk -F, '
	BEGIN {
		n = split("DM_ANNUAL_CHECK DM_ALBUMINURIA DM_HBA1C_MEASURED LMG_4PLUS", ids, " ")
		title["DM_ANNUAL_CHECK"] = "Noklus annual check (diabetes)"
		title["DM_ALBUMINURIA"] = "Albuminuria (diabetes, UACR >= 3)"
		title["DM_HBA1C_MEASURED"] = "HbA1c measured (diabetes)"
		title["LMG_4PLUS"] = "Medication review, 4+ drugs"
		split("2015-12 2016-12 2017-12 2018-12 2019-12 2020-12 2021-12 2022-12 2023-04", months, " ")
	}
	NR > 1 { num[$2 "," $4] = $5; den[$2 "," $4] = $6 }
	END {
		printf "%-36s", "indicator (% of denominator)"
		for (j = 1; j <= 9; j++) printf " %7s", substr(months[j], 1, 4) (j == 9 ? "-04" : "")
		printf "\n"
		for (i = 1; i <= n; i++) {
			printf "%-36s", title[ids[i]]
			for (j = 1; j <= 9; j++) {
				k = ids[i] "," months[j]
				if (den[k] > 0) printf " %6.1f%%", 100 * num[k] / den[k]; else printf " %7s", "-"
			}
			printf "\n%-36s", "  denominator (patients)"
			for (j = 1; j <= 9; j++) printf " %7s", den[ids[i] "," months[j]]
			printf "\n"
		}
	}' "$results"
echo
echo "demo: the practice is synthetic: $(basename "$db") with a primary-care-team effect from 2018-04."
echo "demo: every indicator and month is in $results"
echo "demo: (exact local counts: they never leave the office as they are)."
echo
echo "demo: what would leave the office for 2023-04, after disclosure control:"
echo "demo: kvalind preview --config $config --month 2023-04"
"$build/kvalind" preview --config "$config" --month 2023-04 | sed -n '1,14p'
echo "  ..."
echo
echo "demo: what the connector read: $build/kvalind inspect --config $config"
echo "demo: put extracts into the outbox: $build/kvalind export --config $config --month 2023-04"
echo
# the first GP with such a patient (the CSV's list_holder column, by name)
"$build/kvalind" patients --config "$config" --month 2023-04 --indicator DM_ANNUAL_CHECK \
	--format csv > "$demo/missing.csv" || { echo "demo: kvalind patients failed" >&2; exit 1; }
gp=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "list_holder") c = i; next }
	c && $c != 0 { print $c; exit }' "$demo/missing.csv")
rm -f "$demo/missing.csv"
[ -n "$gp" ] || { echo "demo: no GP's list has a diabetic without an annual check" >&2; exit 1; }
echo "demo: the office's own follow-up (never leaves it): the diabetics on GP $gp's list"
echo "demo: without a Noklus annual check in the 12 months to 2023-04, the most overdue first:"
echo "demo: kvalind patients --config $config --month 2023-04 --indicator DM_ANNUAL_CHECK --gp $gp"
"$build/kvalind" patients --config "$config" --month 2023-04 --indicator DM_ANNUAL_CHECK \
	--gp "$gp" > "$demo/list.txt" || { echo "demo: kvalind patients failed" >&2; exit 1; }
sed -n '1,14p;$p' "$demo/list.txt"
rm -f "$demo/list.txt"
echo
report="$demo/report"
echo "demo: the office's own report pages (never leave it): one for the office, one per GP"
echo "demo: kvalind report --config $config --month 2023-04 --out $report"
if "$build/kvalind" report --config "$config" --month 2023-04 --out "$report"; then
	echo "demo: open file://$report/index.html in a browser (the GPs' pages are linked from it)"
else
	echo "demo: no local report (see the error above)" >&2
	exit 1
fi
