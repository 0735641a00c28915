#!/bin/bash
# load.sh - the hub under load (`make bench-hub`; a benchmark, not a test
# with a time limit): a throwaway PostgreSQL and `kvalind-hub serve` as in
# tests/hub/lib.sh, HUB_LOAD_OFFICES simulated offices registered in one
# process with the hub's own CA and database code (build/tests/hub_load
# register: a key and a certificate per office, CN = its participant id),
# each pushing HUB_LOAD_MONTHS monthly extracts (2014-12 on) over loopback,
# HUB_LOAD_PARALLEL offices at a time (libcurl multi: at most that many
# requests in flight; each office reuses its connection for its months, and
# connects from its own loopback address), then 1% of the extracts again at
# random. The extracts carry the counts of a real export (tests/hub/lib.sh
# real_extract), since the hub refuses counts no office could publish.
#
# In two halves: the first half of the offices push with nobody reading,
# the second half while HUB_LOAD_READERS (3) offices read report pages one
# after the other (GET /reports/ID.html over the data stored so far), so
# that push latency with and without readers can be compared. Then the
# database is checked: every extract pushed is stored exactly once with one
# value row per indicator, the resends stored nothing, nothing superseded;
# and readers must not stall pushes: the run fails if push p99 with readers
# is above 3 x p99 without + 500 ms (before issue 17 a page held the hub's
# only database connection, and pushes waited up to 8.4 s).
#
# Figures go to bench/hub-results.md (HUB_LOAD_RESULTS to change, "-" for
# none). Defaults: 2000 offices x 101 months, 32 in flight (about 15
# minutes on 2 cores); HUB_LOAD_OFFICES=200 for a quick run.
# No FILTER (KV_FILTER): a benchmark, one measurement.
# Usage: bash tests/hub/load.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
offices=${HUB_LOAD_OFFICES:-2000}
months=${HUB_LOAD_MONTHS:-101}
parallel=${HUB_LOAD_PARALLEL:-32}
readers=${HUB_LOAD_READERS:-3}
results=${HUB_LOAD_RESULTS:-$src/bench/hub-results.md}
load="$build/tests/hub_load"

. tests/lib/suite.sh
suite_no_filter bench-hub "a benchmark, one measurement"
[ "$(id -u)" = 0 ] || suite_skip load "the hub switches to nobody; run as root"
. tests/hub/lib.sh
trap world_stop EXIT

HUB_LOG_LEVEL=warning world_start "$(mktemp -d /tmp/kvhubload.XXXXXX)" || { echo "load: the world did not start"; exit 1; }
real_extract "$W/template" > "$W/template.out" 2>&1 || { cat "$W/template.out"; echo "load: no template extract"; exit 1; }
tpl="$W/template/extract/data.csv"
n_ind=$(($(wc -l < "$tpl") - 1))
half=$((offices / 2))

echo "load: registering $offices offices"
"$load" register --config "$conf" --offices "$offices" --out "$W/certs" | tee "$W/register.out" || exit 1
echo "load: $offices offices x $months months, $parallel in flight, $n_ind indicators per extract"
echo "load: the first $half offices, nobody reading reports"
"$load" push --url "https://127.0.0.1:$port/extracts" --ca "$W/ca/ca.pem" --certs "$W/certs" \
	--template "$tpl" --offices "$half" --months "$months" --parallel "$parallel" --spread \
	--resend-permille 10 --ids "$W/ids" | tee "$W/push.out"
rc1=${PIPESTATUS[0]}
echo "load: the other $((offices - half)) offices while $readers offices read report pages"
"$load" push --url "https://127.0.0.1:$port/extracts" --ca "$W/ca/ca.pem" --certs "$W/certs" \
	--template "$tpl" --offices "$((offices - half))" --first "$half" --months "$months" \
	--parallel "$parallel" --spread --readers "$readers" --resend-permille 10 --seed 2 \
	--ids "$W/ids2" | tee "$W/push2.out"
rc2=${PIPESTATUS[0]}
cat "$W/ids2" >> "$W/ids"
push_rc=$((rc1 | rc2))
p99() { grep -o 'p99 [0-9.]* ms' "$1" | head -1 | awk '{print $2}'; }
p99_alone=$(p99 "$W/push.out")
p99_read=$(p99 "$W/push2.out")
pages=$(grep -o 'read [0-9]* report pages' "$W/push2.out" | awk '{print $2}')
hub_rss=$(ps -o rss= -p "$hub_pid" | tr -d ' ')
hub_cpu=$(ps -o time= -p "$hub_pid" | tr -d ' ')

# what the database holds
total=$((offices * months))
LC_ALL=C sort "$W/ids" > "$W/ids.sorted"
hub_sql "SELECT extract_id FROM extracts ORDER BY 1" | LC_ALL=C sort > "$W/stored"
stored=$(hub_sql "SELECT count(*) || ' ' || count(DISTINCT extract_id) || ' ' || count(DISTINCT (participant, month)) FROM extracts")
values=$(hub_sql "SELECT count(*) FROM extract_values")
superseded=$(hub_sql "SELECT count(*) FROM extracts WHERE superseded_by IS NOT NULL")
failed=0
if [ "$push_rc" = 0 ] && [ "$stored" = "$total $total $total" ] && cmp -s "$W/ids.sorted" "$W/stored" &&
   [ "$values" = $((total * n_ind)) ] && [ "$superseded" = 0 ]; then
	verdict="nothing lost, nothing duplicated: $total extracts pushed, $total stored once each ($values value rows = $total x $n_ind), the resends stored nothing, none superseded"
else
	verdict="FAILED: push exit $push_rc; stored (rows, distinct ids, distinct office-months): $stored of $total; values $values (want $((total * n_ind))); superseded $superseded"
	failed=1
fi
echo "load: $verdict"
if [ -n "$p99_alone" ] && [ -n "$p99_read" ] && [ "${pages:-0}" -gt 0 ] &&
   awk -v a="$p99_alone" -v r="$p99_read" 'BEGIN { exit !(r <= 3 * a + 500) }'; then
	readers_verdict="readers did not stall pushes: push p99 $p99_alone ms with nobody reading, $p99_read ms while $readers offices read $pages report pages"
else
	readers_verdict="FAILED: readers stalled pushes: push p99 $p99_alone ms with nobody reading, $p99_read ms while $readers offices read ${pages:-no} report pages (allowed: 3 x + 500 ms)"
	failed=1
fi
echo "load: $readers_verdict"
grep -c "cut .* connection" "$W/hub.log" > /dev/null && grep "cut .* connection" "$W/hub.log" | head -3
errors=$(grep -c "ERROR\|error:" "$W/hub.log")

if [ "$results" != - ]; then
	{
		echo "# The hub under load"
		echo
		echo "\`make bench-hub\` (tests/hub/load.sh, tests/hub/load_client.c), run $(date -u +%Y-%m-%d) on"
		echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
		echo "Debian $(cat /etc/debian_version), PostgreSQL $(psql -V | awk '{print $3}') (local, fsync off),"
		echo "libmicrohttpd $(pkg-config --modversion libmicrohttpd), GnuTLS $(pkg-config --modversion gnutls):"
		echo "client, hub and database on the same machine, over loopback."
		echo
		echo "What was run: $offices simulated offices (registered in one process: one ECDSA"
		echo "key and hub-CA certificate each, CN = participant id), each pushing $months"
		echo "monthly extracts ($n_ind indicators each, the counts of a real export of a"
		echo "synthetic practice of 2,000 patients under min_count 5 and rounding_base 5)"
		echo "in month order over its own keep-alive TLS connection with its client"
		echo "certificate, from its own loopback address; $parallel offices at a time, so at"
		echo "most $parallel requests in flight. Then 1% of the extracts, drawn at random,"
		echo "again (each on a new connection). The first $half offices pushed with nobody"
		echo "reading; the other $((offices - half)) while $readers offices read report pages one after"
		echo "the other (GET /reports/ID.html, each page made from everything stored so"
		echo "far). The hub: [hub] threads = 4, [database] writers = 2, readers = 2,"
		echo "log_level = warning."
		echo
		echo '```'
		cat "$W/register.out"
		echo "# the first $half offices, nobody reading"
		cat "$W/push.out"
		echo "# the other $((offices - half)), $readers offices reading report pages meanwhile"
		cat "$W/push2.out"
		echo '```'
		echo
		echo "Result: $verdict."
		echo
		echo "Readers: $readers_verdict."
		echo "The hub after the run: resident memory $((hub_rss / 1024)) MiB, CPU time $hub_cpu;"
		echo "$errors error lines in its log."
		echo
		echo "Latency is libcurl's total time per request (TLS handshake included for an"
		echo "office's first month, then the reused connection), seen by the client while"
		echo "$parallel requests compete for the hub's threads and its writer connections."
		echo "A report page is made by one of the hub's report threads on a reader"
		echo "connection, from one REPEATABLE READ READ ONLY snapshot, while the request's"
		echo "connection is suspended: no push waits for a page, only for the CPU the"
		echo "page takes. With client, hub and PostgreSQL sharing $(nproc) cores, these are floors"
		echo "for throughput, not a capacity estimate: about 1,700 Norwegian GP offices each"
		echo "send one extract a month (a backfill of 101 once), which the hub takes in"
		echo "minutes."
	} > "$results.tmp" && mv "$results.tmp" "$results"
	echo "load: figures in $results"
fi
exit $failed
