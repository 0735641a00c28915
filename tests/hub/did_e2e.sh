#!/bin/bash
# The evaluation end to end: 23 synthetic offices - 6 fee-for-service (group
# ffs) and 5 operating-grant (group grant) offices with the primary-care-
# team effect from 2018-01, 12 controls without it - are `kvalind daemon`s
# with a fake clock pushing 2015-01..2022-12 to the hub (a real PostgreSQL);
# then `kvalind-hub did` on what the hub stored:
#
#  1. ffs vs control and grant vs control on DM_ANNUAL_CHECK recover the
#     planted effect within their 95% CIs. The planted truth is the average
#     effect on the treated offices in 2018-2022, from exact local counts
#     (`kvalind compute`): each treated office's yearly share minus that of
#     its counterfactual, the same synthetic office (same seed) made with
#     --no-team-effect;
#  2. none where none was planted: the controls split into two pseudo-groups
#     (control-a vs control-b) on DM_ANNUAL_CHECK, and ffs vs control on an
#     indicator the team effect does not touch (its planted truth is ~0):
#     both CIs cover 0;
#  3. the hub's panel CSV (kvalind-hub panel) run through statsmodels
#     (tests/analysis/did_statsmodels.py) gives the numbers `did` printed.
#
# No FILTER (KV_FILTER): one estimate from 23 offices' pushes, checked three ways.
# Runs as root. KEEP=1 keeps the directory. Usage: bash tests/hub/did_e2e.sh BUILD
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
hub="$build/kvalind-hub"
. tests/hub/lib.sh
suite_no_filter hub-did "one estimate from 23 offices' pushes, checked three ways"

passed=0
failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "hub-did: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || suite_skip hub-did "the daemons switch users; run as root"
start=$(date +%s)
tmp=$(mktemp -d /tmp/kvdid.XXXXXX)
trap world_stop EXIT
world_start "$tmp" "2023-01-06 03:00" || { fail "could not start PostgreSQL and the hub"; finish; }

# --- 23 offices, in batches (2 cores) --------------------------------------------
export BACKFILL_FROM=2015-01
treated=()
for i in 1 2 3 4 5 6; do treated+=("ffs-$i:$((100 + i)):ffs"); done
for i in 1 2 3 4 5; do treated+=("grant-$i:$((200 + i)):grant"); done
batch=0
for t in "${treated[@]}"; do
	IFS=: read -r id seed group <<< "$t"
	office_add "$id" "$seed" "--team-effect-from 2018-01" "$group" || { fail "office $id"; finish; }
	batch=$((batch + 1))
	[ $((batch % 8)) = 0 ] && { offices_wait 96 300 || { fail "batch"; finish; }; }
done
for i in $(seq -w 1 12); do
	half=a
	[ "$i" -gt 6 ] && half=b
	office_add "control-$i" "$((300 + 10#$i))" "--no-team-effect" control "control-$half" ||
		{ fail "office control-$i"; finish; }
	batch=$((batch + 1))
	[ $((batch % 8)) = 0 ] && { offices_wait 96 300 || { fail "batch"; finish; }; }
done
offices_wait 96 300 || { fail "the daemons did not deliver"; finish; }
n=$(hub_sql "SELECT count(*) FROM extracts WHERE superseded_by IS NULL")
[ "$n" = $((23 * 96)) ] && ok "23 daemons delivered 2015-01..2022-12: $n extracts stored ($(( $(date +%s) - start )) s)" ||
	{ fail "stored $n extracts, expected $((23 * 96))"; finish; }

# --- the planted truth, from exact local counts ------------------------------------
compute_ini() { # ID SQLITE
	cat <<INI
[office]
id = $1
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $tmp/compute-state
[connector.reference]
dsn = Driver=SQLite3;Database=$2
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
INI
}
mkdir -p "$tmp/exact"
for t in "${treated[@]}"; do
	IFS=: read -r id seed group <<< "$t"
	"$build/kvalind-synth" --sqlite "$tmp/exact/$id-cf.sqlite" --patients "${PATIENTS:-1000}" \
		--seed "$seed" --quiet --no-team-effect
	for v in with:"$tmp/$id/practice.sqlite" cf:"$tmp/exact/$id-cf.sqlite"; do
		compute_ini "$id" "${v#*:}" > "$tmp/exact/$id-${v%%:*}.ini"
		chmod 600 "$tmp/exact/$id-${v%%:*}.ini"
		"$build/kvalind" compute --config "$tmp/exact/$id-${v%%:*}.ini" --from 2015-01 --to 2022-12 \
			--output "$tmp/exact/$id-${v%%:*}.csv" 2> /dev/null ||
			{ fail "compute $id ${v%%:*}"; finish; }
	done
done
# truth.txt: "GROUP INDICATOR ATT" - the mean over the group's offices and
# 2018-2022 of (yearly share with the effect - without it), yearly share =
# sum of the 12 monthly numerators / sum of the 12 denominators.
/usr/bin/python3 - "$tmp/exact" > "$tmp/truth.txt" <<'PY'
import csv, collections, sys
d = sys.argv[1]
offices = {"ffs": [f"ffs-{i}" for i in range(1, 7)], "grant": [f"grant-{i}" for i in range(1, 6)]}
def yearly(path):
    s = collections.defaultdict(lambda: [0, 0])
    for r in csv.DictReader(open(path)):
        if r["numerator"] == "" or r["denominator"] == "" or r["value_sum"] != "":
            continue
        y = int(r["month"][:4])
        s[(r["indicator"], y)][0] += int(r["numerator"])
        s[(r["indicator"], y)][1] += int(r["denominator"])
    return s
for group, ids in offices.items():
    diffs = collections.defaultdict(list)
    for o in ids:
        w, c = yearly(f"{d}/{o}-with.csv"), yearly(f"{d}/{o}-cf.csv")
        for (ind, y), (n1, d1) in w.items():
            n0, d0 = c.get((ind, y), (0, 0))
            if 2018 <= y <= 2022 and d1 > 0 and d0 > 0:
                diffs[ind].append(n1 / d1 - n0 / d0)
    for ind in sorted(diffs):
        print(group, ind, repr(sum(diffs[ind]) / len(diffs[ind])))
PY
truth() { awk -v g="$1" -v i="$2" '$1 == g && $2 == i { print $3 }' "$tmp/truth.txt"; }
t_ffs=$(truth ffs DM_ANNUAL_CHECK)
t_grant=$(truth grant DM_ANNUAL_CHECK)
# An indicator the team effect leaves alone: planted ~0 in both groups.
null_ind=DEP_PREVALENCE
t_null=$(truth ffs "$null_ind")
echo "     planted (exact counts, vs counterfactual): ffs $t_ffs, grant $t_grant; $null_ind ffs $t_null"

# --- did ------------------------------------------------------------------------------
# did_line GROUP OUT -> "coef se p lo hi n offices" of that comparison's line
did_line() {
	/usr/bin/python3 -c '
import re, sys
for line in open(sys.argv[2]):
    m = re.match(r"\s+(\S+) vs \S+\s+([-+]\d+\.\d+)\s+(\d+\.\d+)\s+(<?\d+\.\d+)\s+\[([-+]\d+\.\d+), ([-+]\d+\.\d+)\]\s+(\d+)\s+(\d+)", line)
    if m and m.group(1) == sys.argv[1]:
        print(" ".join(g.lstrip("<") for g in m.groups()[1:]))' "$1" "$2"
}
covers() { /usr/bin/python3 -c 'import sys; lo, hi, x = map(float, sys.argv[1:]); sys.exit(0 if lo <= x <= hi else 1)' "$@"; }

"$hub" did --config "$conf" --indicator DM_ANNUAL_CHECK --treated ffs --treated grant --control control \
	--before 2015..2017 --after 2018..2022 --unit year > "$tmp/did.out" 2> "$tmp/did.err" ||
	{ fail "did exited $?"; cat "$tmp/did.out" "$tmp/did.err"; }
cat "$tmp/did.out" | sed 's/^/     | /'
for g in ffs grant; do
	t=$t_ffs
	[ $g = grant ] && t=$t_grant
	read -r coef se p lo hi nobs offices <<< "$(did_line $g "$tmp/did.out")"
	want_offices=18
	[ $g = grant ] && want_offices=17
	if [ -n "${coef:-}" ] && covers "$lo" "$hi" "$t" && [ "$offices" = $want_offices ] &&
	   /usr/bin/python3 -c "import sys; sys.exit(0 if float('$coef') > 0.05 else 1)"; then
		ok "DM_ANNUAL_CHECK $g vs control: DiD $coef (SE $se, p $p, 95% CI [$lo, $hi], N $nobs, $offices offices) covers the planted $(printf %.3f "$t")"
	else
		fail "DM_ANNUAL_CHECK $g vs control: '${coef:-?}' [${lo:-?}, ${hi:-?}] vs planted $t"
	fi
done

# none planted: control vs control, and an untouched indicator
"$hub" did --config "$conf" --indicator DM_ANNUAL_CHECK --treated control-a --control control-b \
	--before 2015..2017 --after 2018..2022 > "$tmp/null1.out" 2>&1
read -r coef se p lo hi nobs offices <<< "$(did_line control-a "$tmp/null1.out")"
if [ -n "${coef:-}" ] && covers "$lo" "$hi" 0 && [ "$offices" = 12 ]; then
	ok "none planted, control-a vs control-b (6 + 6 controls): DiD $coef (p $p, 95% CI [$lo, $hi]) covers 0"
else
	fail "control vs control: $(cat "$tmp/null1.out")"
fi
"$hub" did --config "$conf" --indicator "$null_ind" --treated ffs --control control \
	--before 2015..2017 --after 2018..2022 > "$tmp/null2.out" 2>&1
read -r coef se p lo hi nobs offices <<< "$(did_line ffs "$tmp/null2.out")"
if [ -n "${coef:-}" ] && covers "$lo" "$hi" 0 && covers -0.01 0.01 "${t_null:-1}"; then
	ok "none planted, $null_ind ffs vs control (planted $(printf %.4f "$t_null")): DiD $coef (p $p, 95% CI [$lo, $hi]) covers 0"
else
	fail "$null_ind: planted ${t_null:-?}; $(cat "$tmp/null2.out")"
fi

# --- the hub's panel through statsmodels ----------------------------------------------
"$hub" panel --config "$conf" --indicator DM_ANNUAL_CHECK --unit year --group ffs --group control \
	--output "$tmp/panel.csv" 2> "$tmp/panel.err" || { fail "panel"; cat "$tmp/panel.err"; }
rows=$(($(wc -l < "$tmp/panel.csv") - 1))
if [ "$rows" = $((18 * 8)) ] && head -1 "$tmp/panel.csv" | grep -qx "office,group,period,indicator,numerator,denominator,share" &&
   ! ls "$tmp"/panel.csv.tmp* > /dev/null 2>&1; then
	ok "panel --unit year --group ffs --group control: 18 offices x 8 years, written atomically"
else
	fail "panel: $rows rows"; head -3 "$tmp/panel.csv"
fi
read -r coef se p lo hi nobs offices <<< "$(did_line ffs "$tmp/did.out")"
ref=$(/usr/bin/python3 tests/analysis/did_statsmodels.py "$tmp/panel.csv" DM_ANNUAL_CHECK ffs control 2015..2017 2018..2022 0 2>&1)
if /usr/bin/python3 - "$ref" "$coef" "$se" "$p" "$lo" "$hi" "$nobs" <<'PY'
import sys
r = [float(x) for x in sys.argv[1].split()]
coef, se, p, lo, hi, n = map(float, sys.argv[2:8])
want = [r[0], r[1], r[5], r[6], r[7]]
got = [coef, se, p, lo, hi]
sys.exit(0 if all(abs(a - b) <= 0.0005 + 1e-9 for a, b in zip(got, want)) and int(n) == int(r[8]) else 1)
PY
then
	ok "statsmodels on the hub's panel CSV gives did's numbers (to the table's 3 decimals)"
else
	fail "statsmodels: $ref vs $coef $se $p $lo $hi $nobs"
fi
echo "     ($(( $(date +%s) - start )) s)"
finish
