#!/bin/bash
# load.sh - the hub under load (`make bench-hub`; a benchmark, not a test
# with a time limit): a throwaway PostgreSQL and `kvalind-hub serve` as in
# tests/hub/lib.sh, HUB_LOAD_OFFICES simulated offices registered in one
# process with the hub's own CA and database code (build/tests/hub_load
# register: a key and a certificate per office, CN = its participant id),
# each pushing HUB_LOAD_MONTHS monthly extracts (2014-12 on) over loopback,
# HUB_LOAD_PARALLEL offices at a time (libcurl multi: at most that many
# requests in flight; each office reuses its connection for its months),
# then 1% of the extracts again at random. Then the database is checked:
# every extract pushed is stored exactly once with one value row per
# indicator, the resends stored nothing, nothing superseded.
#
# Figures go to bench/hub-results.md (HUB_LOAD_RESULTS to change, "-" for
# none). Defaults: 2000 offices x 101 months, 32 in flight (about 15
# minutes on 2 cores); HUB_LOAD_OFFICES=200 for a quick run.
# Usage: bash tests/hub/load.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
src=$(pwd)
build=$(cd "${1:-build}" && pwd)
offices=${HUB_LOAD_OFFICES:-2000}
months=${HUB_LOAD_MONTHS:-101}
parallel=${HUB_LOAD_PARALLEL:-32}
results=${HUB_LOAD_RESULTS:-$src/bench/hub-results.md}
load="$build/tests/hub_load"

if [ "$(id -u)" != 0 ]; then
	echo "load: SKIP: the hub switches to nobody; run as root"
	exit 0
fi
. tests/hub/lib.sh
trap world_stop EXIT

HUB_LOG_LEVEL=warning world_start "$(mktemp -d /tmp/kvhubload.XXXXXX)" || { echo "load: the world did not start"; exit 1; }
hub_sql "SELECT id, version, type FROM indicators ORDER BY id" | tr '|' ' ' > "$W/indicators"
n_ind=$(wc -l < "$W/indicators")

echo "load: registering $offices offices"
"$load" register --config "$conf" --offices "$offices" --out "$W/certs" | tee "$W/register.out" || exit 1
echo "load: $offices offices x $months months, $parallel in flight, $n_ind indicators per extract"
"$load" push --url "https://127.0.0.1:$port/extracts" --ca "$W/ca/ca.pem" --certs "$W/certs" \
	--indicators "$W/indicators" --offices "$offices" --months "$months" --parallel "$parallel" \
	--resend-permille 10 --ids "$W/ids" | tee "$W/push.out"
push_rc=${PIPESTATUS[0]}
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
		echo "monthly extracts ($n_ind indicators each, as an office's would be under"
		echo "min_count 5 and rounding_base 5) in month order over its own keep-alive TLS"
		echo "connection with its client certificate; $parallel offices at a time, so at most"
		echo "$parallel requests in flight. Then 1% of the extracts, drawn at random, again"
		echo "(each on a new connection). The hub: [hub] threads = 4, one database"
		echo "connection, log_level = warning."
		echo
		echo '```'
		cat "$W/register.out" "$W/push.out"
		echo '```'
		echo
		echo "Result: $verdict."
		echo "The hub after the run: resident memory $((hub_rss / 1024)) MiB, CPU time $hub_cpu;"
		echo "$errors error lines in its log."
		echo
		echo "Latency is libcurl's total time per request (TLS handshake included for an"
		echo "office's first month, then the reused connection), seen by the client while"
		echo "$parallel requests compete for the hub's threads and its one database"
		echo "connection (held under a mutex for the participant check and for each"
		echo "store). With client, hub and PostgreSQL sharing $(nproc) cores, these are floors"
		echo "for throughput, not a capacity estimate: about 1,700 Norwegian GP offices each"
		echo "send one extract a month (a backfill of 101 once), which the hub takes in"
		echo "minutes."
	} > "$results.tmp" && mv "$results.tmp" "$results"
	echo "load: figures in $results"
fi
exit $failed
