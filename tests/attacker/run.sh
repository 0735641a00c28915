#!/bin/sh
# The attacker test: independent adversaries (tests/attacker/, built as
# BUILD_DIR/tests/kv_attacker) attack what kvalind publishes and must recover
# nothing.
#
#  1. Settings: check-config must refuse rounding_base 3 (the old 3/3
#     setting is gone); min_count 3 is attacked (3/5) only while check-config
#     accepts it.
#  2. Regression fixtures (tests/attacker/fixtures/, see make-fixtures.sh):
#     months published by kvalind's FIRST algorithm (v1), from which an
#     attacker who knows that algorithm recovers counts below min_count. The
#     v1-informed attacker must recover every count the fixture's
#     expected.tsv lists, and the interval attacker (phase 1 alone) nothing:
#     the informed attacker provably has teeth. Then the same offices' same
#     months exported by THIS kvalind at allowed settings: the v2-informed
#     attacker must recover nothing.
#  3. Offices: the full 101-month series (2014-12..2023-04) of synthetic
#     offices (kvalind-synth --patients P --seed S) at every setting
#     min_count/rounding_base 5/5 (the defaults), 10/10, 5/10, 8/5 (and 3/5,
#     see 1), each with cell-key perturbation (the default) and without.
#     `kvalind compute` gives the truth (for judging only), `kvalind export`
#     the extracts (every state of the outbox but rejected: whatever may
#     leave), and one attacker run does phase 1 (interval propagation and
#     probing), phase 1 again with the advisory relations (what the catalogue
#     implies and kvalind does not declare: advisory-relations.tsv), and
#     phase 2 (--informed v2: candidate counts through kvalind's own
#     kv_disclosure_month; the office's cell key is passed only to check the
#     attacker's noise model against the truth). Any recovery, advisory
#     recovery (ATTACKER_ADVISORY_FATAL=0: reported only), unsound result or
#     undecided target (a cell phase 2 could not show to be safe, typically
#     of a withheld month; ATTACKER_UNDECIDED_OK=1: reported only) fails the
#     test.
#     Negative control: a naive extract of the first office (small counts
#     hidden, nothing else), from which the same attacker must recover
#     values, at every min_count.
#  5. The probabilistic attacker across months (bayes.c), with and without
#     the noise; the noise must cut its confident right guesses to a fifth.
#  4. Figures per setting: offices, months, cells, suppressed cells,
#     withheld months, candidates simulated (and model points of perturbed
#     months, which cannot be simulated without the office's key),
#     recoveries, undecided cells, attacker seconds; and the wall time.
#
# Usage: sh tests/attacker/run.sh BUILD_DIR [check|full]
#   check  (make check-attacker): 4 offices of 1,000 to 2,000 patients
#   full   (make check-attacker-full): 24 offices of 1,000 to 3,000 patients
# ATTACKER_OFFICES="PATIENTS:SEED ..." attacks these offices instead;
# ATTACKER_JOBS (default 2) offices at a time; ATTACKER_KEEP=1 keeps the
# temporary directory (extracts, truth, every attacker's full output).
# FILTER=re (make check-attacker FILTER=fixtures; KV_FILTER here) runs only
# the blocks whose name matches, 2 or 3-5 (the settings, 1, always run: the
# others use them).
# Exit status: 0 ok, 1 a failure.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
set_name=${2:-check}
attacker="$build/tests/kv_attacker"
kvalind="$build/kvalind"
here="$src/tests/attacker"
. "$src/tests/lib/suite.sh"
suite_filter attacker "$src/tests/attacker/run.sh"
tmp=$(mktemp -d /tmp/kvattack.XXXXXX)
if [ "${ATTACKER_KEEP:-0}" = 1 ]; then
	echo "attacker: keeping $tmp (ATTACKER_KEEP=1)"
else
	trap 'rm -rf "$tmp"' EXIT
fi
started=$(date +%s)
fail=0
months=101
from=2014-12
to=2023-04
advisory_fatal=--advisory-fatal
[ "${ATTACKER_ADVISORY_FATAL:-1}" = 0 ] && advisory_fatal=
undecided_ok=
[ "${ATTACKER_UNDECIDED_OK:-0}" = 1 ] && undecided_ok=--undecided-ok
jobs=${ATTACKER_JOBS:-2}

case "$set_name" in
check) offices=${ATTACKER_OFFICES:-"1000:7 1000:38 1500:34 2000:48"} ;;
full) offices=${ATTACKER_OFFICES:-"1000:7 1000:38 1000:34 1000:44 1000:48 1000:11 1000:12
	1000:13 1200:21 1200:22 1400:23 1400:24 1600:25 1600:26 1800:27 1800:28 2000:29
	2000:30 2200:31 2400:32 2600:33 2800:35 3000:36 3000:37"} ;;
*) echo "usage: run.sh BUILD_DIR [check|full]" >&2; exit 2 ;;
esac

# config NAME DB MIN BASE PERTURBATION -> the path of a configuration with
# a state directory of its own
config() {
	path="$tmp/$1.ini"
	mkdir -p "$tmp/$1/state"
	# a cell key of its own for every office and setting, but the same in
	# every run: a failure can be reproduced
	printf 'kvattack %s' "$1" | openssl dgst -sha256 -binary > "$tmp/$1/state/cell-key"
	chmod 600 "$tmp/$1/state/cell-key"
	{
		echo "[office]"
		echo "id = attacked-office"
		echo "[core]"
		echo "connector_dir = $build/connectors"
		echo "indicator_dir = $build/indicators"
		echo "value_sets = $src/conf/valuesets.txt"
		echo "state_dir = $tmp/$1/state"
		echo "log_level = error"
		echo "[disclosure]"
		echo "min_count = $3"
		echo "rounding_base = $4"
		echo "perturbation = $5"
		echo "[connector.reference]"
		echo "dsn = Driver=SQLite3;Database=$2"
		for p in "$build"/indicators/*.so; do
			[ -e "$p" ] && echo "[indicator.$(basename "$p" .so)]"
		done
	} > "$path"
	chmod 600 "$path"
	echo "$path"
}

# naive TRUTH M OUTDIR: the naive publisher: suppress N < M and D < M only,
# no rounding, no complement or secondary suppression; the same format.
naive() {
	awk -F, -v M="$2" -v out="$3" '
	NR == 1 { next }
	{
		office = $1; ind = $2; ver = $3; month = $4; n = $5; d = $6; vs = $7
		if (!(month in file)) {
			id = office "_" month "_" sprintf("%016x", 4096 + NR)
			dir = out "/outbox/ready/" id
			system("mkdir -p " dir)
			file[month] = dir "/data.csv"
			print "participant,indicator,indicator_version,month,numerator,numerator_status,denominator,denominator_status,share,mean" > file[month]
			printf "{\"extract_id\": \"%s\", \"disclosure\": {\"min_count\": %d, \"rounding_base\": 1}}\n", id, M > (dir "/manifest.json")
			close(dir "/manifest.json")
		}
		dpub = (d != "" && d + 0 >= M)
		if (vs != "") {
			nv = ""; ns = "not_applicable"
		} else if (n == "") {
			nv = ""; ns = "not_computable"
		} else if (n + 0 >= M) {
			nv = n; ns = "published"
		} else {
			nv = ""; ns = "suppressed_small"
		}
		if (d == "") { dv = ""; ds = "not_computable" }
		else if (dpub) { dv = d; ds = "published" }
		else { dv = ""; ds = "suppressed_small" }
		share = (ns == "published" && ds == "published" && d > 0) ? sprintf("%.4f", n / d) : ""
		mean = (vs != "" && dpub && d > 0) ? sprintf("%.2f", vs / d) : ""
		printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", office, ind, ver, month, nv, ns, dv, ds, share, mean > file[month]
	}' "$1"
}

# extracts STATE_DIR: every data.csv that may leave (every state but rejected)
extracts() {
	for f in "$1"/outbox/*/*/data.csv; do
		[ -e "$f" ] || continue
		case "$f" in */outbox/rejected/*) continue ;; esac
		echo "$f"
	done
}

# key STATE_DIR PERTURBATION: --cell-key and the office's key when the
# extracts are perturbed (the attacker uses it only to check its noise model
# against the truth, and to judge witnesses in withheld months)
key() {
	[ "$2" = cell_key ] && echo "--cell-key $1/cell-key"
}

# show FILE: an attacker's output, without the lines of every recovery
# beyond the first few (all of it stays in FILE)
show() {
	grep -E 'UNSOUND|MODEL|FAIL|note:' "$1" | head -n 20
	grep -E 'RECOVERED|UNDECIDED|ADVISORY rec' "$1" | head -n 6 | sed 's/^/  e.g. /'
	grep -E ': (figures|ok )' "$1"
}

# ---- 1. the settings ---------------------------------------------------------

probe_db="$tmp/none.sqlite"
if "$kvalind" check-config --config "$(config refuse "$probe_db" 5 3 none)" > "$tmp/refuse.out" 2>&1; then
	echo "FAIL attacker: check-config accepts rounding_base = 3"
	fail=1
elif ! grep -q rounding_base "$tmp/refuse.out"; then
	echo "FAIL attacker: check-config refuses rounding_base = 3 without naming it:"
	sed 's/^/  /' "$tmp/refuse.out"
	fail=1
else
	echo "attacker: ok check-config refuses rounding_base = 3"
fi
settings="5:5 10:10 5:10 8:5"
if "$kvalind" check-config --config "$(config min3 "$probe_db" 3 5 none)" > /dev/null 2>&1; then
	settings="$settings 3:5"
	echo "attacker: check-config accepts min_count = 3: attacking 3/5 too"
else
	echo "attacker: check-config refuses min_count = 3: 3/5 not attacked"
fi

relations="$tmp/relations.tsv"
if ! "$kvalind" list-relations --config "$(config probe "$probe_db" 5 5 none)" > "$relations" 2> "$tmp/rel.err"; then
	echo "FAIL attacker: kvalind list-relations: $(head -n 1 "$tmp/rel.err")"
	exit 1
fi
echo "attacker: relations from kvalind list-relations ($(grep -vc '^#' "$relations") lines," \
	"$(grep -c 'within' "$relations") of them containments)"

# ---- 2. the regression fixtures ------------------------------------------------

# synth PATIENTS SEED -> a synthetic office's database (made once)
synth() {
	db="$tmp/office-$1-$2.sqlite"
	if [ ! -e "$db" ] && ! "$build/kvalind-synth" --sqlite "$db" --patients "$1" --seed "$2" \
		--quiet; then
		echo "FAIL attacker: kvalind-synth --patients $1 --seed $2 failed" >&2
		return 1
	fi
	echo "$db"
}

if suite_want "2 the regression fixtures"; then
	fixture_start=$(date +%s)
	for fx in "$here"/fixtures/office-*; do
		[ -d "$fx" ] || continue
		seed=${fx##*-}
		out="$tmp/fixture-$seed"
		mkdir -p "$out"
		"$attacker" --label "fixture $seed v1 published, interval attacker" --truth "$fx/truth.csv" \
			--relations "$here/fixtures/relations-v1.tsv" "$fx"/*/data.csv > "$out/plain.out" 2>&1
		rc=$?
		show "$out/plain.out"
		[ $rc -eq 0 ] || { echo "FAIL fixture $seed: the interval attacker should recover nothing"; fail=1; }
		"$attacker" --label "fixture $seed v1 published, v1-informed attacker" --informed v1 \
			--truth "$fx/truth.csv" --relations "$here/fixtures/relations-v1.tsv" \
			--expect-recovered "$fx/expected.tsv" "$fx"/*/data.csv > "$out/v1.out" 2>&1
		rc=$?
		grep -E 'UNSOUND|FAIL|: ok |informed v1:' "$out/v1.out"
		[ $rc -eq 0 ] || { echo "FAIL fixture $seed: the v1-informed attacker must recover $fx/expected.tsv"; fail=1; }

		# the same office and months, published by this kvalind
		db=$(synth 1000 "$seed") || { fail=1; continue; }
		fmonths=$(cd "$fx" && ls -d 2*-* | tr '\n' ' ')
		for s in 5:5:cell_key 5:5:none 3:5:none; do
			m=${s%%:*} rest=${s#*:} b=${rest%%:*} pert=${rest#*:}
			case " $settings " in *" $m:$b "*) ;; *) continue ;; esac
			name="fixture-$seed-m${m}b${b}-$pert"
			cfg=$(config "$name" "$db" "$m" "$b" "$pert")
			truth="$tmp/$name/truth.csv"
			ok=1
			"$kvalind" compute --config "$cfg" --from $from --to $to --output "$truth" \
				> "$tmp/$name/compute.log" 2>&1 || ok=0
			for month in $fmonths; do
				"$kvalind" export --config "$cfg" --month "$month" >> "$tmp/$name/export.log" 2>&1 || ok=0
			done
			if [ $ok -eq 0 ]; then
				echo "FAIL fixture $seed: kvalind compute or export failed at $m/$b $pert:"
				tail -n 5 "$tmp/$name/compute.log" "$tmp/$name/export.log" | sed 's/^/  /'
				fail=1
				continue
			fi
			# shellcheck disable=SC2046
			"$attacker" --label "fixture $seed v2 published at $m/$b $pert, v2-informed attacker" \
				--informed v2 $(key "$tmp/$name/state" "$pert") --truth "$truth" \
				--relations "$relations" $(extracts "$tmp/$name/state") > "$tmp/$name/attack.out" 2>&1
			rc=$?
			show "$tmp/$name/attack.out"
			[ $rc -eq 0 ] || { echo "FAIL fixture $seed at $m/$b $pert: see above"; fail=1; }
		done
	done
	echo "attacker: fixtures: $(( $(date +%s) - fixture_start )) s"
fi

# ---- 3. the offices -------------------------------------------------------------
if suite_want "3-5 the offices, the figures, the probabilistic attacker"; then

	# office_job PATIENTS SEED: every setting of one office; writes
	# $tmp/o-P-S/results ("SETTING STATUS figures...") and $tmp/o-P-S/log
	office_job() {
		o="$tmp/o-$1-$2"
		mkdir -p "$o"
		: > "$o/results"
		db=$(synth "$1" "$2" 2>> "$o/log") || { echo "- FAIL" >> "$o/results"; return; }
		truth="$o/truth.csv"
		if ! "$kvalind" compute --config "$(config "o-$1-$2/compute" "$db" 5 5 none)" \
			--from $from --to $to --output "$truth" > "$o/compute.log" 2>&1; then
			{ echo "FAIL office $1/$2: kvalind compute failed:"; sed 's/^/  /' "$o/compute.log"; } >> "$o/log"
			echo "- FAIL" >> "$o/results"
			return
		fi
		for s in $settings; do
			m=${s%:*} b=${s#*:}
			for pert in cell_key none; do
				set_id="m${m}b${b}-$pert"
				name="o-$1-$2/$set_id"
				cfg=$(config "$name" "$db" "$m" "$b" "$pert")
				if ! "$kvalind" export --config "$cfg" --from $from --to $to \
					> "$tmp/$name/export.log" 2>&1; then
					{ echo "FAIL office $1/$2 $set_id: kvalind export failed:"
					  sed 's/^/  /' "$tmp/$name/export.log" | head -n 20; } >> "$o/log"
					echo "$set_id FAIL" >> "$o/results"
					continue
				fi
				# shellcheck disable=SC2046
				"$attacker" --label "office $1/$2 $m/$b $pert" --informed v2 \
					$(key "$tmp/$name/state" "$pert") --truth "$truth" \
					--relations "$relations" --advisory-relations "$here/advisory-relations.tsv" \
					$advisory_fatal $undecided_ok --expect-months $months \
					$(extracts "$tmp/$name/state") \
					> "$tmp/$name/attack.out" 2>&1
				rc=$?
				show "$tmp/$name/attack.out" >> "$o/log"
				status=ok
				[ $rc -eq 0 ] || { status=FAIL; echo "FAIL office $1/$2 $set_id: see above" >> "$o/log"; }
				echo "$set_id $status $(grep ': figures ' "$tmp/$name/attack.out" | sed 's/.*: figures //')" \
					>> "$o/results"
			done
		done
	}

	offices_start=$(date +%s)
	pids=""
	first_office=
	for po in $offices; do
		[ -n "$first_office" ] || first_office=$po
		office_job "${po%:*}" "${po#*:}" &
		pids="$pids $!"
		set -- $pids
		if [ $# -ge "$jobs" ]; then
			wait "$1"
			shift
			pids="$*"
		fi
	done
	wait

	# the negative control: the first office's truth, published naively
	p=${first_office%:*} s=${first_office#*:}
	for mm in $(for st in $settings; do echo "${st%:*}"; done | sort -un); do
		out="$tmp/naive-m$mm"
		naive "$tmp/o-$p-$s/truth.csv" "$mm" "$out"
		"$attacker" --label "naive extract of office $p/$s, min_count $mm" --truth "$tmp/o-$p-$s/truth.csv" \
			--relations "$relations" --naive-rules --expect-recovery --expect-months $months \
			"$out"/outbox/*/*/data.csv > "$out.out" 2>&1
		rc=$?
		grep -E 'UNSOUND|FAIL|: ok |recoveries ' "$out.out"
		grep 'RECOVERED' "$out.out" | head -n 2 | sed 's/^/  e.g. /'
		[ $rc -eq 0 ] || { echo "FAIL naive m$mm: the negative control failed (status $rc)"; fail=1; }
	done

	for po in $offices; do
		o="$tmp/o-${po%:*}-${po#*:}"
		cat "$o/log"
		grep -q ' FAIL' "$o/results" && fail=1
	done

	# ---- 4. the figures ---------------------------------------------------------------

	echo "attacker: figures per setting ($set_name: $(echo $offices | wc -w) offices, $(( $(date +%s) - offices_start )) s wall for the offices)"
	cat "$tmp"/o-*/results | awk '
		$2 == "ok" || $2 == "FAIL" {
			k = $1; offices[k]++; if ($2 == "FAIL") failed[k]++
			for (i = 3; i <= NF; i++) { split($i, kv, "="); sum[k, kv[1]] += kv[2] }
			if (!(k in seen)) { seen[k] = 1; order[++n] = k }
		}
		END {
			printf "  %-16s %7s %6s %8s %10s %8s %10s %12s %9s %9s %8s\n", "setting", "offices",
				"months", "cells", "suppressed", "withheld", "simulated", "model points",
				"recovered", "undecided", "seconds"
			for (j = 1; j <= n; j++) {
				k = order[j]
				printf "  %-16s %7d %6d %8d %10d %8d %10d %12d %9d %5d+%-3d %8.1f%s\n", k,
					offices[k], sum[k, "months"], sum[k, "cells"], sum[k, "suppressed"],
					sum[k, "withheld_months"], sum[k, "simulated"], sum[k, "model_points"],
					sum[k, "recoveries"] + sum[k, "advisory"], sum[k, "undecided"],
					sum[k, "undecided_other"], sum[k, "seconds"], failed[k] ? "  FAILED" : ""
			}
			print "  (undecided: targets + cells that are no target; recovered: recoveries" \
				" + advisory recoveries; simulated: candidates through kv_disclosure_month)"
		}'

	# ---- 5. the probabilistic attacker across months -------------------------------------
	#
	# bayes.c learns month-to-month changes from the other offices' exact counts
	# and guesses every suppressed_small count of each office at 5/5 (hidden
	# Markov model over the months). Reported: small cells, confident guesses
	# (posterior >= 0.9) and how many were right, with the cell-key noise (the
	# default) and without it. The noise must cut the confident right guesses
	# to at most a fifth (when there are at least 10 without it): it is why the
	# noise is on by default (README, "Disclosure control").
	bayes="$build/tests/kv_bayes"
	bayes_start=$(date +%s)
	for pert in none cell_key; do
		: > "$tmp/bayes-$pert.out"
		for po in $offices; do
			o="$tmp/o-${po%:*}-${po#*:}"
			[ -d "$o/m5b5-$pert/state" ] || continue
			set --
			for other in $offices; do
				[ "$other" = "$po" ] && continue
				t="$tmp/o-${other%:*}-${other#*:}/truth.csv"
				[ -e "$t" ] && set -- "$@" --train "$t"
			done
			[ $# -gt 0 ] || continue
			# shellcheck disable=SC2046
			"$bayes" --label "office $po 5/5 $pert" "$@" --truth "$o/truth.csv" \
				$(extracts "$o/m5b5-$pert/state") >> "$tmp/bayes-$pert.out" 2>&1 ||
				{ echo "FAIL bayes office $po $pert:"; tail -n 3 "$tmp/bayes-$pert.out"; fail=1; }
		done
	done
	for pert in none cell_key; do
		awk -v pert="$pert" '
			/: figures small=/ {
				n++
				for (i = 1; i <= NF; i++) {
					split($i, kv, "=")
					if (kv[1] == "small") small += kv[2]
					else if (kv[1] == "confident") conf += kv[2]
					else if (kv[1] == "right") right += kv[2]
					else if (kv[1] == "likely") likely += kv[2]
					else if (kv[1] == "likely_right") lright += kv[2]
				}
			}
			END {
				printf "attacker: probabilistic (bayes) at 5/5, %s: %d offices, %d small cells, " \
					"confident guesses (posterior >= 0.9) %d, right %d (%.0f%%); posterior >= 0.7: " \
					"%d, right %d\n", pert, n, small, conf, right, conf ? 100 * right / conf : 0,
					likely, lright
			}' "$tmp/bayes-$pert.out" | tee "$tmp/bayes-$pert.sum"
	done
	right_none=$(sed -n 's/.*right \([0-9]*\) (.*/\1/p' "$tmp/bayes-none.sum")
	right_key=$(sed -n 's/.*right \([0-9]*\) (.*/\1/p' "$tmp/bayes-cell_key.sum")
	if [ "${right_none:-0}" -ge 10 ] && [ $(( 5 * ${right_key:-0} )) -gt "$right_none" ]; then
		echo "FAIL attacker: with cell-key noise the probabilistic attacker is still right $right_key" \
			"times (without: $right_none): the noise does not blur where counts cross min_count"
		fail=1
	fi
	echo "attacker: probabilistic attacker: $(( $(date +%s) - bayes_start )) s"
fi

echo "attacker: $(( $(date +%s) - started )) s in all"
if [ $fail -ne 0 ]; then
	echo "attacker: FAILED"
	exit 1
fi
echo "attacker: ok"
exit 0
