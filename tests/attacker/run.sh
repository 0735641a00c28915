#!/bin/sh
# The attacker test: an independent adversary (tests/attacker/attacker.c)
# attacks the full 101-month series of published extracts of a small
# synthetic office and must recover nothing; against a deliberately naive
# extract (the negative control, built here from the truth) it must recover
# values, which proves it has teeth.
#
# For each disclosure setting (min_count/rounding_base 5/5 = the defaults,
# 10/10, 3/3): a state dir of its own, `kvalind compute` for the truth (for
# judging only), `kvalind export` for the extracts, the attack over
# STATE_DIR/outbox/*/*/data.csv (every state but rejected: whatever may leave;
# several extracts of one month are attacked together). The relations are `kvalind list-relations`
# (else tests/attacker/relations.fallback.tsv). The attacker also tries the
# relations it reads off the indicator definitions that kvalind does not
# declare (advisory-relations.tsv); what only they reveal is reported as
# ADVISORY and does not fail the test (ATTACKER_ADVISORY_FATAL=1: it does).
#
# Usage: sh tests/attacker/run.sh BUILD_DIR   (run by `make check-attacker`)
# ATTACKER_KEEP=1 keeps the temporary directory (extracts, truth) for a look.
# Exit status: 0 ok (or the export half skipped), 1 a failure.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
attacker="$build/tests/kv_attacker"
here="$src/tests/attacker"
tmp=$(mktemp -d /tmp/kvattack.XXXXXX)
if [ "${ATTACKER_KEEP:-0}" = 1 ]; then
	echo "attacker: keeping $tmp (ATTACKER_KEEP=1)"
else
	trap 'rm -rf "$tmp"' EXIT
fi
fail=0
months=101
from=2014-12
to=2023-04
advisory_fatal=
[ "${ATTACKER_ADVISORY_FATAL:-0}" = 1 ] && advisory_fatal=--advisory-fatal

# The synthetic generator's smallest practice is 1,000 patients (about half
# listed at any time): a small office.
db="$tmp/practice.sqlite"
if ! "$build/kvalind-synth" --sqlite "$db" --patients 1000 --seed 7 --quiet; then
	echo "FAIL attacker: could not generate the synthetic practice"
	exit 1
fi

# config NAME [DISCLOSURE LINES] -> path of a config with its own state dir
config() {
	path="$tmp/$1.ini"
	mkdir -p "$tmp/$1"
	{
		echo "[office]"
		echo "id = attacked-office"
		echo "[core]"
		echo "connector_dir = $build/connectors"
		echo "indicator_dir = $build/indicators"
		echo "value_sets = $src/conf/valuesets.txt"
		echo "state_dir = $tmp/$1/state"
		echo "log_level = warning"
		if [ -n "${2:-}" ]; then
			echo "[disclosure]"
			printf '%s\n' "$2"
		fi
		echo "[connector.reference]"
		echo "dsn = Driver=SQLite3;Database=$db"
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

relations="$tmp/relations.tsv"
export_ok=1
if "$build/kvalind" list-relations --config "$(config probe)" > "$relations" 2> "$tmp/rel.err"; then
	echo "attacker: relations from kvalind list-relations ($(grep -vc '^#' "$relations") lines)"
else
	cp "$here/relations.fallback.tsv" "$relations"
	echo "attacker: kvalind list-relations: $(head -n 1 "$tmp/rel.err"); using tests/attacker/relations.fallback.tsv"
fi
if ! "$build/kvalind" export --help > /dev/null 2>&1; then
	export_ok=0
fi

for setting in "5 5" "10 10" "3 3"; do
	set -- $setting
	m=$1
	b=$2
	name="m${m}b${b}"
	if [ "$m" = 5 ] && [ "$b" = 5 ]; then
		cfg=$(config "$name")  # the defaults, no [disclosure] section
	else
		cfg=$(config "$name" "min_count = $m
rounding_base = $b")
	fi
	truth="$tmp/$name/truth.csv"
	if ! "$build/kvalind" compute --config "$cfg" --from $from --to $to --output "$truth" \
		> "$tmp/$name/compute.log" 2>&1; then
		echo "FAIL attacker $name: kvalind compute failed:"
		sed 's/^/  /' "$tmp/$name/compute.log"
		fail=1
		continue
	fi

	# the negative control: the same attacker against a naive extract
	naive "$truth" "$m" "$tmp/$name/naive"
	"$attacker" --label "naive $name" --truth "$truth" --relations "$relations" \
		--naive-rules --expect-recovery --expect-months $months \
		"$tmp/$name"/naive/outbox/*/*/data.csv > "$tmp/$name/naive.out" 2>&1
	rc=$?
	grep -v 'RECOVERED' "$tmp/$name/naive.out"
	grep 'RECOVERED' "$tmp/$name/naive.out" | head -n 4 | sed 's/^/  e.g. /'
	[ $rc -eq 0 ] || { echo "FAIL naive $name: the negative control failed (status $rc)"; fail=1; }

	# the real export
	if [ $export_ok -eq 0 ]; then
		echo "SKIP: export not built yet ($name)"
		continue
	fi
	if ! "$build/kvalind" export --config "$cfg" --from $from --to $to \
		> "$tmp/$name/export.log" 2>&1; then
		echo "FAIL attacker $name: kvalind export failed:"
		sed 's/^/  /' "$tmp/$name/export.log" | head -n 20
		fail=1
		continue
	fi
	# everything that may leave the office: every state but rejected
	set --
	for f in "$tmp/$name"/state/outbox/*/*/data.csv; do
		[ -e "$f" ] || continue
		case "$f" in */outbox/rejected/*) continue ;; esac
		set -- "$@" "$f"
	done
	if [ $# -eq 0 ]; then
		echo "FAIL attacker $name: kvalind export put no extracts in $tmp/$name/state/outbox"
		fail=1
		continue
	fi
	"$attacker" --label "export $name" --truth "$truth" --relations "$relations" \
		--advisory-relations "$here/advisory-relations.tsv" $advisory_fatal \
		--expect-months $months "$@"
	[ $? -eq 0 ] || { echo "FAIL export $name: see above"; fail=1; }
done

if [ $fail -ne 0 ]; then
	echo "attacker: FAILED"
	exit 1
fi
echo "attacker: ok"
exit 0
