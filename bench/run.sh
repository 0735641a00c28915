#!/bin/bash
# bench/run.sh - kvalind against the database's own limit (`make bench`).
#
# For each practice size (BENCH_SIZES, default "5000 30000 100000"; history
# from 2012, seed BENCH_SEED) in a throwaway PostgreSQL started here
# (tests/lib/pg.sh), BENCH_PAIRS (default 3) alternating pairs of
#   libpq:   the floor (build/bench/kv-floor --libpq: binary COPY of exactly
#            the connector's queries, rows discarded) and `kvalind compute`
#            of the whole catalogue 2014-12..2023-04;
#   psqlODBC: the ODBC floor (kv-floor --odbc: row-array fetch, the
#            connector's driver options) and the same compute over psqlODBC;
#   the monthly incremental run (2023-04 only), whose rows must equal the
#   backfill's 2023-04 rows byte for byte;
#   the follow-up list of that month (`kvalind patients`, DM_ANNUAL_CHECK's
#   whole denominator as CSV to a file), whose row count must equal the
#   incremental run's denominator: a list costs one month's compute plus
#   the printing.
# Then the 30,000 practice in SQLite (through the SQLite ODBC driver), the
# DM_ANNUAL_CHECK indicator written as one plain SQL query over 101 months,
# and (BENCH_200K=1, the default) the 200,000-patient peak-memory check.
#
# Timing never fails the benchmark; a wrong result (incremental differing
# from the backfill) does. Writes bench/results.md and prints it. An INT or
# TERM (Ctrl-C, or kill of this script alone) stops it at once: the program
# being run is stopped, then PostgreSQL, and the temporary files go.
#
# BENCH_BASE=REV (any git revision, e.g. b03b7d6) adds a comparison with
# that revision: it is checked out in a temporary `git worktree` under /tmp
# and built there with `make -j2 all` (make bench passes its CC, CFLAGS,
# LDFLAGS and SANITIZE as KV_BENCH_*; output kept out of this tree; the
# worktree is removed at the end, also on failure or interrupt). For each
# size and transport (libpq, psqlODBC), BENCH_PAIRS alternating pairs (base
# first in odd pairs, current first in even ones) of the base's and the
# current `kvalind compute` of the whole catalogue on the same database and
# config, each side with its own plugins (connector_dir, indicator_dir) and
# value-set file from its own tree. Both outputs must be identical byte for
# byte (a difference fails the benchmark, after the results are written).
# The section "## Against REV (short hash)" comes last in bench/results.md.
# BENCH_ONLY_BASE=1 (needs BENCH_BASE) runs only that comparison: it
# generates the practices, skips every other measurement and replaces that
# section (any against the same commit) in the existing bench/results.md,
# keeping the rest.
#
# Usage: bash bench/run.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
sizes=${BENCH_SIZES:-5000 30000 100000}
pairs=${BENCH_PAIRS:-3}
seed=${BENCH_SEED:-2024}
big=${BENCH_200K:-1}
sql_size=${BENCH_SQL_SIZE:-30000}
sqlite_size=${BENCH_SQLITE_SIZE:-30000}
out=${BENCH_OUT:-$src/bench/results.md}
base_rev=${BENCH_BASE:-}
only_base=${BENCH_ONLY_BASE:-0}
FROM=2014-12
TO=2023-04
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: /usr/bin/time is missing (sh packaging/install-deps.sh)" >&2; exit 1; }
if [ "$only_base" = 1 ] && [ -z "$base_rev" ]; then
	echo "bench: BENCH_ONLY_BASE=1 needs BENCH_BASE=<git revision>" >&2; exit 1
fi
if [ -n "$base_rev" ]; then
	base_hash=$(git rev-parse --verify --quiet --end-of-options "$base_rev^{commit}") ||
		{ echo "bench: BENCH_BASE=$base_rev is not a commit of this repository" >&2; exit 1; }
	base_short=$(git rev-parse --short "$base_hash")
fi
. tests/lib/pg.sh

tmp=$(mktemp -d /tmp/kvbench.XXXXXX)
chmod 755 "$tmp"
wt=  # the base's worktree (BENCH_BASE)
bg=  # the program run() is waiting for
# run CMD...: CMD, waited for in the background, so that an INT or TERM sent
# to this script alone stops it at once (bash defers its traps until a
# foreground child ends, and goes on if that child did not die of SIGINT)
run() {
	"$@" 3>&- &
	bg=$!
	wait "$bg"
	local rc=$?
	bg=
	return $rc
}
# stop_run: stop what run() waits for, and its children (time's command,
# make's jobs), found by parent pid in /proc
stop_run() {
	[ -n "$bg" ] || return 0
	local c
	for c in $(awk -v p="$bg" '{ pid = $1; sub(/.*\) /, ""); if ($2 == p) print pid }' /proc/[0-9]*/stat 2>/dev/null); do
		kill -TERM "$c" 2>/dev/null
	done
	kill -TERM "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
	bg=
}
cleanup() {
	trap '' INT TERM
	stop_run
	pg_stop
	if [ -n "$wt" ]; then
		git worktree remove --force "$wt" 2>/dev/null || { rm -rf "$wt"; git worktree prune; }
	fi
	rm -rf "$tmp"
} 2>&3
# fd 3: this script's stderr, for the traps (which may run inside a run()
# whose stderr goes to a log)
exec 3>&2
trap cleanup EXIT
trap 'echo "bench: interrupted" >&3; exit 130' INT
trap 'echo "bench: terminated" >&3; exit 143' TERM

if [ -n "$base_rev" ]; then
	# the base's own build, before anything is measured: a revision that
	# does not build fails here. Not this make's MAKEFLAGS (its -j, its
	# jobserver, a B= that may be absolute): only the flags of the current build.
	wt="$tmp/kvbench-base"
	echo "bench: building $base_rev ($base_short) in a temporary worktree" >&2
	git worktree add --detach --quiet "$wt" "$base_hash" ||
		{ echo "bench: could not check out $base_rev in $wt" >&2; exit 1; }
	base_vars=()  # for make
	base_shown="" # for results.md
	for v in CC CFLAGS LDFLAGS SANITIZE; do
		k=KV_BENCH_$v
		[ -n "${!k+set}" ] || continue
		base_vars+=("$v=${!k}")
		[ -n "${!k}" ] && base_shown="$base_shown $v=\"${!k}\""
	done
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -C "$wt" -j2 all "${base_vars[@]}" > "$tmp/base-build.log" 2>&1 ||
		{ echo "bench: building $base_rev failed:" >&2; tail -n 30 "$tmp/base-build.log" >&2; exit 1; }
	base_build="$wt/build"
fi

pg_start "$tmp/pg" 3>&- || { echo "bench: could not start PostgreSQL" >&2; exit 1; }
pg_sql postgres "ALTER SYSTEM SET statement_timeout = '0'" >/dev/null

# The keyword rules kvalind passes (value-set file order, words joined by |).
rules=()
while IFS= read -r r; do rules+=(--rule "$r"); done < <(awk '
	$2 == "KEYWORD" { if ($1 in w) w[$1] = w[$1] "|" $3; else { order[n++] = $1; w[$1] = $3 } }
	END { for (i = 0; i < n; i++) print w[order[i]] }' conf/valuesets.txt)

config() { # NAME DSN -> path
	config_of "$build" "$src" "$@"
}
# the same for another build (BUILD_DIR) and source tree (SRC_DIR): the base's
config_of() { # BUILD_DIR SRC_DIR NAME DSN -> path
	local b=$1 s=$2 path="$tmp/$3.ini"
	{
		printf '[office]\nid = bench\n[core]\nconnector_dir = %s\nindicator_dir = %s\n' \
			"$b/connectors" "$b/indicators"
		printf 'value_sets = %s\nlog_level = warning\n[connector.reference]\ndsn = %s\n' \
			"$s/conf/valuesets.txt" "$4"
		for p in "$b"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done
	} > "$path"
	chmod 600 "$path"
	echo "$path"
}

# measure OUTFILE CMD... : runs CMD, leaves "wall user sys maxrss_kb" in OUTFILE.tm
measure() {
	local o=$1; shift
	run "$TIME" -f '%e %U %S %M' -o "$o.tm" "$@" > "$o.out" 2> "$o.err"
	local rc=$?
	[ $rc -eq 0 ] || { echo "bench: failed ($rc): $*" >&2; sed 's/^/    /' "$o.err" "$o.out" >&2; }
	return $rc
}
tm() { tail -n 1 "$1.tm"; } # the last line (time -o writes a status line on failure)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxof() { sort -g | tail -n 1; }
# rows read, from a compute run summary
rows_of() { awk '/rows read:/ { on = 1; next } on && /^    [a-z_]+ +[0-9]+$/ { s += $2; next } on { on = 0 } END { print s + 0 }' "$1"; }
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { printf f, v }'; }

md="$tmp/results.md"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit (with uncommitted changes)"
cpu=$(awk -F: '/model name/ { sub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo)
memgb=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
pgver=$(psql -X -At -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c 'SHOW server_version')
against_head="## Against $base_rev (${base_short:-})"
if [ "$only_base" = 1 ] && [ -f "$out" ]; then
	# the existing results, without an earlier comparison against the same
	# commit (however it was named)
	awk -v t=" ($base_short)" '/^## / { skip = (index($0, "## Against ") == 1 &&
		substr($0, length($0) - length(t) + 1) == t) } !skip' "$out" > "$md"
elif [ "$only_base" = 1 ]; then
	{
		echo "# kvalind benchmark"
		echo
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $commit"
		echo "- machine: $cpu, $(nproc) cores, ${memgb} GB; $(. /etc/os-release; echo "$PRETTY_NAME"); PostgreSQL $pgver (fsync off, on 127.0.0.1, started by the bench)"
		echo
	} > "$md"
else {
	echo "# kvalind benchmark"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $commit"
	echo "- machine: $cpu, $(nproc) cores, ${memgb} GB; $(. /etc/os-release; echo "$PRETTY_NAME"); PostgreSQL $pgver (fsync off, on 127.0.0.1, started by the bench)"
	echo "- command: \`make bench\` (BENCH_SIZES=\"$sizes\", BENCH_PAIRS=$pairs, seed $seed); compute of the whole catalogue $FROM..$TO (101 months) with the default memory budget"
	echo "- time: wall seconds, median of $pairs pairs run alternately (floor first in odd pairs, kvalind first in even ones); ratio: median of the per-pair ratios kvalind/floor"
	echo "- CPU: kvalind's own user+sys seconds (median; over libpq two reader threads, one per connection, add up); wait: wall - CPU, about the time kvalind spent waiting for the database (with two readers an underestimate)"
	echo "- peak RSS: the largest maxrss of kvalind's runs (GNU time)"
	echo
} > "$md"
fi

declare -A R
for n in $sizes; do
	db="p$n"
	echo "bench: generating $n patients into PostgreSQL" >&2
	pg_sql postgres "CREATE DATABASE $db" >/dev/null
	run "$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=$db user=postgres" \
		--patients "$n" --seed "$seed" --quiet || { echo "bench: synth failed" >&2; exit 1; }
	pg_sql "$db" "VACUUM ANALYZE" >/dev/null
	[ "$only_base" = 1 ] && continue
	conninfo="host=127.0.0.1 port=$PGPORT dbname=$db user=postgres"
	libpq=$(config "libpq-$n" "postgresql://postgres@127.0.0.1:$PGPORT/$db")
	odbcstr="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=$db;Uid=postgres"
	odbc=$(config "odbc-$n" "$odbcstr")
	floor_pg=("$build/bench/kv-floor" --libpq "$conninfo" "${rules[@]}")
	floor_odbc=("$build/bench/kv-floor" --odbc "$odbcstr" "${rules[@]}")
	kv_pg=("$build/kvalind" compute --config "$libpq" --from $FROM --to $TO --output "$tmp/back-$n.csv")
	kv_odbc=("$build/kvalind" compute --config "$odbc" --from $FROM --to $TO --output "$tmp/odbc-$n.csv")
	kv_inc=("$build/kvalind" compute --config "$libpq" --from $TO --to $TO --output "$tmp/inc-$n.csv")
	kv_list=("$build/kvalind" patients --config "$libpq" --month $TO --indicator DM_ANNUAL_CHECK \
		--denominator --format csv --output "$tmp/list-$n.csv")
	# warm the cache once (not counted)
	measure "$tmp/warm" "${floor_pg[@]}" || exit 1

	: > "$tmp/pg-$n.dat"; : > "$tmp/odbc-$n.dat"; : > "$tmp/inc-$n.dat"; : > "$tmp/list-$n.dat"
	for i in $(seq 1 "$pairs"); do
		echo "bench: $n patients, pair $i of $pairs" >&2
		for side in pg odbc; do
			if [ $side = pg ]; then f=("${floor_pg[@]}"); k=("${kv_pg[@]}"); else f=("${floor_odbc[@]}"); k=("${kv_odbc[@]}"); fi
			if [ $((i % 2)) -eq 1 ]; then
				measure "$tmp/f" "${f[@]}" || exit 1
				measure "$tmp/k" "${k[@]}" || exit 1
			else
				measure "$tmp/k" "${k[@]}" || exit 1
				measure "$tmp/f" "${f[@]}" || exit 1
			fi
			# floor_wall kv_wall kv_user kv_sys kv_rss floor_rows
			echo "$(tm "$tmp/f" | cut -d' ' -f1) $(tm "$tmp/k") $(awk '/^rows/ { print $2 }' "$tmp/f.out")" >> "$tmp/$side-$n.dat"
			cp "$tmp/k.err" "$tmp/summary-$side-$n.txt"
		done
		measure "$tmp/i" "${kv_inc[@]}" || exit 1
		echo "$(tm "$tmp/i")" >> "$tmp/inc-$n.dat"
		cp "$tmp/i.err" "$tmp/summary-inc-$n.txt"
		rm -f "$tmp/list-$n.csv" # patients never writes over a file
		measure "$tmp/l" "${kv_list[@]}" || exit 1
		echo "$(tm "$tmp/l")" >> "$tmp/list-$n.dat"
	done
	# the list holds exactly the incremental run's denominator
	R[list-rows-$n]=$(($(wc -l < "$tmp/list-$n.csv") - 1))
	lden=$(awk -F, '$2 == "DM_ANNUAL_CHECK" { print $6 }' "$tmp/inc-$n.csv")
	[ "${R[list-rows-$n]}" = "$lden" ] && R[listsame-$n]=yes || R[listsame-$n]="NO ($lden)"
	# the incremental month must equal the backfill's month, byte for byte
	head -n 1 "$tmp/back-$n.csv" > "$tmp/back-last-$n.csv"
	grep ",$TO," "$tmp/back-$n.csv" >> "$tmp/back-last-$n.csv"
	if cmp -s "$tmp/back-last-$n.csv" "$tmp/inc-$n.csv"; then
		R[incsame-$n]=identical
	else
		R[incsame-$n]=DIFFERENT
		diff "$tmp/back-last-$n.csv" "$tmp/inc-$n.csv" | head -n 20 >&2
	fi
	cmp -s "$tmp/back-$n.csv" "$tmp/odbc-$n.csv" && R[odbcsame-$n]=identical || R[odbcsame-$n]=DIFFERENT
	R[rows-$n]=$(rows_of "$tmp/summary-pg-$n.txt")
	R[rows-inc-$n]=$(rows_of "$tmp/summary-inc-$n.txt")
	for side in pg odbc; do
		d="$tmp/$side-$n.dat"
		R[$side-floor-$n]=$(awk '{ print $1 }' "$d" | median)
		R[$side-kv-$n]=$(awk '{ print $2 }' "$d" | median)
		R[$side-ratio-$n]=$(awk '{ print $2 / $1 }' "$d" | median)
		R[$side-cpu-$n]=$(awk '{ print $3 + $4 }' "$d" | median)
		R[$side-rss-$n]=$(awk '{ print $5 }' "$d" | maxof)
		R[$side-frows-$n]=$(awk '{ print $6 }' "$d" | median)
	done
	R[inc-$n]=$(awk '{ print $1 }' "$tmp/inc-$n.dat" | median)
	R[inc-cpu-$n]=$(awk '{ print $2 + $3 }' "$tmp/inc-$n.dat" | median)
	R[inc-rss-$n]=$(awk '{ print $4 }' "$tmp/inc-$n.dat" | maxof)
	R[list-$n]=$(awk '{ print $1 }' "$tmp/list-$n.dat" | median)
	R[list-cpu-$n]=$(awk '{ print $2 + $3 }' "$tmp/list-$n.dat" | median)
	R[list-rss-$n]=$(awk '{ print $4 }' "$tmp/list-$n.dat" | maxof)
done

# ---- against a baseline revision (BENCH_BASE) ---------------------------------
# Per size and transport: BENCH_PAIRS pairs of the base's and the current
# compute, alternately; both outputs compared byte for byte after every pair.
# Writes $tmp/against.md; leaves against_failed=1 if any output differed.
against_failed=0
against() {
	local n db side i ratios name verdict spread=""
	echo "$against_head" > "$tmp/against.md"
	{
		echo
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg); BENCH_SIZES=\"$sizes\", BENCH_PAIRS=$pairs, seed $seed"
		echo "- base: $base_rev = $base_short ($(git log -1 --format='%s' "$base_hash")), built with \`make -j2 all$base_shown\` in a temporary worktree; current: $commit, $build"
		echo "- each side with its own kvalind, plugins (connector_dir, indicator_dir of its own build) and value-set file, on the same database and otherwise the same config; compute of the whole catalogue $FROM..$TO"
		echo "- wall, CPU (user+sys): medians of $pairs pair(s) run alternately (base first in odd pairs, current first in even ones); ratio: median of the per-pair ratios current/base; peak RSS: the largest maxrss of the side's runs; identical: every pair's two outputs equal byte for byte"
		echo
		echo "| patients | transport | base wall s | current wall s | ratio current/base | base CPU s | current CPU s | base peak RSS MB | current peak RSS MB | results identical |"
		echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"
	} >> "$tmp/against.md"
	for n in $sizes; do
		db="p$n"
		local dsn_pg="postgresql://postgres@127.0.0.1:$PGPORT/$db"
		local dsn_odbc="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=$db;Uid=postgres"
		# the data in the cache once, as before the floor pairs (not counted)
		measure "$tmp/warm" "$build/bench/kv-floor" --libpq "host=127.0.0.1 port=$PGPORT dbname=$db user=postgres" "${rules[@]}" || exit 1
		for side in pg odbc; do
			local dsn=$dsn_pg; [ $side = odbc ] && dsn=$dsn_odbc
			local cc cb
			cc=$(config "cmp-cur-$side-$n" "$dsn")
			cb=$(config_of "$base_build" "$wt" "cmp-base-$side-$n" "$dsn")
			local kc=("$build/kvalind" compute --config "$cc" --from $FROM --to $TO --output "$tmp/cmp-cur.csv")
			local kb=("$base_build/kvalind" compute --config "$cb" --from $FROM --to $TO --output "$tmp/cmp-base.csv")
			local same=yes
			: > "$tmp/cmp-$side-$n.dat"
			for i in $(seq 1 "$pairs"); do
				echo "bench: against $base_short, $n patients, $side, pair $i of $pairs" >&2
				rm -f "$tmp/cmp-cur.csv" "$tmp/cmp-base.csv"
				if [ $((i % 2)) -eq 1 ]; then
					measure "$tmp/cb" "${kb[@]}" || exit 1
					measure "$tmp/cc" "${kc[@]}" || exit 1
				else
					measure "$tmp/cc" "${kc[@]}" || exit 1
					measure "$tmp/cb" "${kb[@]}" || exit 1
				fi
				# base: wall user sys rss, current: wall user sys rss
				echo "$(tm "$tmp/cb") $(tm "$tmp/cc")" >> "$tmp/cmp-$side-$n.dat"
				if ! [ -s "$tmp/cmp-cur.csv" ] || ! cmp -s "$tmp/cmp-base.csv" "$tmp/cmp-cur.csv"; then
					if [ $same = yes ]; then
						echo "bench: $n patients, $side: the results of $base_rev and the current build differ (pair $i; < base, > current):" >&2
						diff "$tmp/cmp-base.csv" "$tmp/cmp-cur.csv" | head -n 20 >&2
					fi
					same=no
					against_failed=1
				fi
			done
			local d="$tmp/cmp-$side-$n.dat"
			name=libpq; [ $side = odbc ] && name=psqlODBC
			printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$name" \
				"$(fmt "$(awk '{ print $1 }' "$d" | median)" %.2f)" \
				"$(fmt "$(awk '{ print $5 }' "$d" | median)" %.2f)" \
				"$(fmt "$(awk '{ print $5 / $1 }' "$d" | median)" %.3f)" \
				"$(fmt "$(awk '{ print $2 + $3 }' "$d" | median)" %.2f)" \
				"$(fmt "$(awk '{ print $6 + $7 }' "$d" | median)" %.2f)" \
				"$(fmt "$(awk '{ print $4 }' "$d" | maxof)" %.0f | awk '{ printf "%.0f", $1 / 1024 }')" \
				"$(fmt "$(awk '{ print $8 }' "$d" | maxof)" %.0f | awk '{ printf "%.0f", $1 / 1024 }')" \
				"$same" >> "$tmp/against.md"
			# min-max of the per-pair ratios, and what they say
			ratios=$(awk '{ print $5 / $1 }' "$d" | sort -g)
			verdict=$(echo "$ratios" | awk 'NR == 1 { lo = $1 } { hi = $1 } END {
				if (NR < 2) s = "one pair, no spread"
				else if (lo <= 1 && hi >= 1) s = "within noise"
				else if (hi < 1) s = "current faster in every pair"
				else s = "current slower in every pair"
				printf "%.3f-%.3f (%s)", lo, hi, s }')
			spread="$spread${spread:+; }$n $name $verdict"
		done
	done
	{
		echo
		echo "Spread of the per-pair ratios current/base, min-max: $spread. A spread that includes 1.000 is within noise; one wholly above (below) it means the current build was slower (faster) in every pair, by about that much."
		if [ $against_failed = 1 ]; then
			echo
			echo "**The results differ from $base_rev's** (the first differing lines were printed by the run): the comparison failed."
		fi
		echo
	} >> "$tmp/against.md"
}
if [ -n "$base_rev" ]; then
	against
fi
finish() { # after the last section: results.md, and the comparison's verdict
	[ -n "$base_rev" ] && cat "$tmp/against.md" >> "$md"
	cp "$md" "$out"
	cat "$md"
	echo "bench: wrote $out" >&2
	if [ "$against_failed" = 1 ]; then
		echo "bench: FAILED: the results of $base_rev ($base_short) and the current build differ" >&2
		exit 1
	fi
	exit 0
}
[ "$only_base" = 1 ] && finish

# ---- the table ------------------------------------------------------------
{
	echo "## Whole catalogue, 101 months"
	echo
	echo "| patients | transport | rows read | floor s | kvalind s | ratio | floor rows/s | kvalind rows/s | kvalind CPU s | wait s | peak RSS MB |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $sizes; do
		for side in pg odbc; do
			rows=${R[rows-$n]}
			fl=${R[$side-floor-$n]}; kv=${R[$side-kv-$n]}; cpu=${R[$side-cpu-$n]}
			name=libpq; [ $side = odbc ] && name=psqlODBC
			printf '| %s | %s | %s | %s | %s | %s× | %s | %s | %s | %s | %s |\n' "$n" "$name" "$rows" \
				"$(fmt "$fl" %.2f)" "$(fmt "$kv" %.2f)" "$(fmt "${R[$side-ratio-$n]}" %.2f)" \
				"$(fmt "$(awk -v r="$rows" -v t="$fl" 'BEGIN { print r / t }')" %.0f)" \
				"$(fmt "$(awk -v r="$rows" -v t="$kv" 'BEGIN { print r / t }')" %.0f)" \
				"$(fmt "$cpu" %.2f)" "$(fmt "$(awk -v a="$kv" -v b="$cpu" 'BEGIN { w = a - b; print w < 0 ? 0 : w }')" %.2f)" \
				"$(fmt "${R[$side-rss-$n]}" '%.0f' | awk '{ printf "%.0f", $1 / 1024 }')"
		done
	done
	echo
	echo "Results through psqlODBC identical to libpq's: $(for n in $sizes; do printf '%s: %s; ' "$n" "${R[odbcsame-$n]}"; done)"
	echo
	echo "## Monthly incremental run (one month, $TO) vs the backfill (101 months), libpq"
	echo
	echo "| patients | rows read (incremental) | rows read (backfill) | incremental s | backfill s | incremental / backfill | CPU s | peak RSS MB | $TO rows = backfill's |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	for n in $sizes; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "${R[rows-inc-$n]}" "${R[rows-$n]}" \
			"$(fmt "${R[inc-$n]}" %.2f)" "$(fmt "${R[pg-kv-$n]}" %.2f)" \
			"$(fmt "$(awk -v a="${R[inc-$n]}" -v b="${R[pg-kv-$n]}" 'BEGIN { print a / b }')" %.2f)" \
			"$(fmt "${R[inc-cpu-$n]}" %.2f)" "$(awk -v k="${R[inc-rss-$n]}" 'BEGIN { printf "%.0f", k / 1024 }')" "${R[incsame-$n]}"
	done
	echo
	echo "## Follow-up list (kvalind patients) of one month, $TO, libpq"
	echo
	echo "DM_ANNUAL_CHECK's whole denominator with key, age, sex, list holder and name, decisive date and value, as CSV to a file; against the monthly compute of the whole catalogue."
	echo
	echo "| patients | month compute s | list s | list / compute | CPU s (list) | peak RSS MB (list) | rows listed | = compute's denominator |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---|"
	for n in $sizes; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$(fmt "${R[inc-$n]}" %.2f)" \
			"$(fmt "${R[list-$n]}" %.2f)" \
			"$(fmt "$(awk -v a="${R[list-$n]}" -v b="${R[inc-$n]}" 'BEGIN { print a / b }')" %.2f)" \
			"$(fmt "${R[list-cpu-$n]}" %.2f)" "$(awk -v k="${R[list-rss-$n]}" 'BEGIN { printf "%.0f", k / 1024 }')" \
			"${R[list-rows-$n]}" "${R[listsame-$n]}"
	done
	echo
	set -- $sizes
	if [ $# -ge 2 ]; then
		first=$1; last=${!#}
		echo "## Scaling"
		echo
		echo "Cost per million rows read (libpq, kvalind wall / CPU): $(for n in $sizes; do
			awk -v n="$n" -v r="${R[rows-$n]}" -v t="${R[pg-kv-$n]}" -v c="${R[pg-cpu-$n]}" \
				'BEGIN { printf "%s: %.3f / %.3f s; ", n, t / r * 1e6, c / r * 1e6 }'; done)"
		awk -v a="$first" -v b="$last" -v ra="${R[rows-$first]}" -v rb="${R[rows-$last]}" \
			-v ta="${R[pg-kv-$first]}" -v tb="${R[pg-kv-$last]}" 'BEGIN {
			printf "slope %s -> %s patients: rows x%.1f, kvalind time x%.1f (%.3f s per million more rows)\n",
				a, b, rb / ra, tb / ta, (tb - ta) / (rb - ra) * 1e6 }'
		echo
	fi
} >> "$md"

# ---- SQLite ----------------------------------------------------------------
if [ "$sqlite_size" -gt 0 ] 2>/dev/null; then
	echo "bench: $sqlite_size patients into SQLite" >&2
	run "$build/kvalind-synth" --sqlite "$tmp/practice.sqlite" --patients "$sqlite_size" --seed "$seed" --quiet || exit 1
	sq=$(config sqlite "Driver=SQLite3;Database=$tmp/practice.sqlite")
	: > "$tmp/sqlite.dat"
	for i in $(seq 1 "$pairs"); do
		measure "$tmp/s" "$build/kvalind" compute --config "$sq" --from $FROM --to $TO --output "$tmp/sqlite.csv" || exit 1
		tm "$tmp/s" >> "$tmp/sqlite.dat"
	done
	rows=$(rows_of "$tmp/s.err")
	t=$(awk '{ print $1 }' "$tmp/sqlite.dat" | median)
	c=$(awk '{ print $2 + $3 }' "$tmp/sqlite.dat" | median)
	rss=$(awk '{ print $4 }' "$tmp/sqlite.dat" | maxof)
	{
		echo "## SQLite (SQLite ODBC driver), $sqlite_size patients, 101 months"
		echo
		awk -v r="$rows" -v t="$t" -v c="$c" -v m="$rss" 'BEGIN {
			printf "%d rows read in %.2f s (%.0f rows/s), CPU %.2f s, peak RSS %.0f MB (median of the runs)\n", r, t, r / t, c, m / 1024 }'
		echo
	} >> "$md"
fi

# ---- one indicator as plain SQL ---------------------------------------------
sqldb=""
for n in $sizes; do [ "$n" = "$sql_size" ] && sqldb="p$n"; done
if [ -n "$sqldb" ]; then
	echo "bench: DM_ANNUAL_CHECK as plain SQL on $sql_size patients" >&2
	cat > "$tmp/dm.sql" <<'SQL'
\timing on
-- DM_ANNUAL_CHECK over 101 months in the style of a hand-written report:
-- per month, listed patients with diabetes (denominator) and those with a
-- Noklus form or fee in the 12 months to R (numerator).
WITH months AS (
    SELECT (d + interval '1 month' - interval '1 day')::date AS r
    FROM generate_series(date '2014-12-01', date '2023-04-01', interval '1 month') d
), den AS (
    SELECT m.r, p.patient_id
    FROM months m JOIN patient p ON (p.death_date IS NULL OR p.death_date > m.r)
        AND p.sex IN ('F', 'M', 'U')
    WHERE EXISTS (SELECT 1 FROM list_period l WHERE l.patient_id = p.patient_id
                  AND l.valid_from <= m.r AND (l.valid_to IS NULL OR m.r < l.valid_to))
      AND EXISTS (SELECT 1 FROM diagnosis d WHERE d.patient_id = p.patient_id
                  AND d.recorded_on <= m.r
                  AND ((d.code_system = 'ICPC-2' AND upper(trim(d.code)) IN ('T89', 'T90'))
                    OR (d.code_system = 'ICD-10'
                        AND left(upper(replace(trim(d.code), '.', '')), 3) IN ('E10', 'E11', 'E13', 'E14'))))
)
SELECT to_char(den.r, 'YYYY-MM') AS month,
       count(*) FILTER (WHERE
           EXISTS (SELECT 1 FROM form f WHERE f.patient_id = den.patient_id
                   AND f.form_type = 'noklus_diabetes'
                   AND f.completed_on BETWEEN (date_trunc('month', den.r) - interval '11 months')::date AND den.r)
        OR EXISTS (SELECT 1 FROM fee x JOIN contact c ON c.contact_id = x.contact_id
                   WHERE c.patient_id = den.patient_id
                   AND c.contact_time::date BETWEEN (date_trunc('month', den.r) - interval '11 months')::date AND den.r
                   AND (upper(trim(x.code)) IN ('105', '100')
                        OR (upper(trim(x.code)) IN ('109', '109A', '109B') AND c.contact_time::date <= date '2022-06-30'))))
           AS numerator,
       count(*) AS denominator
FROM den GROUP BY den.r ORDER BY den.r;
SQL
	run psql -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$sqldb" -v ON_ERROR_STOP=1 \
		-c "SET statement_timeout = '${BENCH_SQL_TIMEOUT:-600}s'" -f "$tmp/dm.sql" > "$tmp/dm.out" 2>&1
	sqlt=$(awk '/^Time:/ { t = $2 } END { printf "%.1f", t / 1000 }' "$tmp/dm.out")
	timed_out=$(grep -c 'statement timeout' "$tmp/dm.out")
	# compare with kvalind's counts of the same indicator
	awk -F'|' 'NF >= 3 && $1 ~ /20[0-9][0-9]-[0-9][0-9]/ { gsub(/ /, ""); print $1 "," $2 "," $3 }' "$tmp/dm.out" | sort > "$tmp/dm-sql.txt"
	awk -F, '$2 == "DM_ANNUAL_CHECK" { print $4 "," $5 "," $6 }' "$tmp/back-$sql_size.csv" | sort > "$tmp/dm-kv.txt"
	same=$(cmp -s "$tmp/dm-sql.txt" "$tmp/dm-kv.txt" && echo "the same counts as kvalind in every month" ||
		echo "counts differ from kvalind's in $(comm -3 "$tmp/dm-sql.txt" "$tmp/dm-kv.txt" | wc -l) lines (the SQL ignores some of kvalind's data-quality rules)")
	{
		echo "## One indicator as plain SQL in PostgreSQL ($sql_size patients)"
		echo
		if [ "$timed_out" -gt 0 ]; then
			echo "DM_ANNUAL_CHECK over 101 months as one SQL query (generate_series over the months, EXISTS per month): did not finish within ${BENCH_SQL_TIMEOUT:-600} s."
		else
			echo "DM_ANNUAL_CHECK over 101 months as one SQL query (generate_series over the months, EXISTS per month): $sqlt s, $same."
			awk -v s="$sqlt" -v k="${R[pg-kv-$sql_size]}" 'BEGIN {
				printf "kvalind computes all 37 indicators over the same 101 months in %.2f s: %.0f times faster than this one indicator in SQL.\n", k, s / k }'
		fi
		echo
	} >> "$md"
fi

# ---- 200,000 patients: peak memory ---------------------------------------------
if [ "$big" = 1 ]; then
	echo "bench: generating 200000 patients for the memory check" >&2
	pg_sql postgres "CREATE DATABASE p200000" >/dev/null
	run "$build/kvalind-synth" --pg "host=127.0.0.1 port=$PGPORT dbname=p200000 user=postgres" \
		--patients 200000 --seed "$seed" --quiet || exit 1
	pg_sql p200000 "VACUUM ANALYZE" >/dev/null
	c=$(config big "postgresql://postgres@127.0.0.1:$PGPORT/p200000")
	sed -i 's/^log_level = warning/log_level = info/' "$c"
	measure "$tmp/b" "$build/kvalind" compute --config "$c" --from $FROM --to $TO --output "$tmp/big.csv" || exit 1
	read -r w u s m < <(tm "$tmp/b")
	rows=$(rows_of "$tmp/b.err")
	ranges=$(grep -o 'in [0-9]* patient_id ranges\?' "$tmp/b.err" | head -n 1)
	{
		echo "## 200,000 patients, default memory budget"
		echo
		awk -v r="$rows" -v w="$w" -v c="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')" -v m="$m" -v g="$ranges" 'BEGIN {
			printf "%d rows read %s in %.2f s (%.0f rows/s), CPU %.2f s; peak RSS %.0f MB (target: at most 256 MB): %s\n",
				r, g, w, r / w, c, m / 1024, m / 1024 <= 256 ? "met" : "NOT met" }'
		echo
	} >> "$md"
fi

finish
