# lib.sh - the hub's test world, shared by tests/hub/did_e2e.sh and
# tests/hub/browser.sh (tests/hub/run.sh has its own, with more checks):
# a throwaway PostgreSQL, the hub's CA and configuration, `kvalind-hub
# serve`, and synthetic offices that are `kvalind daemon`s with a fake clock
# pushing their backfill to the hub, as in run.sh.
#
# Source it after setting build (the build directory, absolute) and src (the
# source tree); then:
#   world_start DIR          PostgreSQL, CA, hub.ini (sets conf, port, hub_pid)
#   office_add ID SEED "SYNTH OPTIONS" GROUP...   synth, register, daemon
#   offices_wait N SECONDS   until every daemon started delivered N extracts
#   world_stop               (the EXIT trap calls it)
# $HUB_LOG_LEVEL (default info) and $HUB_INI_EXTRA (more lines for [hub],
# keys not set here, e.g. "request_timeout = 5") change the hub's configuration; tests/hub/load.sh and
# hostile.sh use them.
# Runs as root (the daemons switch to nobody). Sourcing it from a checkout
# those users cannot reach runs the sourcing script (tests/hub/*.sh, its
# arguments) again from where they can (suite_reachable, tests/lib/suite.sh).

. "$src/tests/lib/pg.sh"
suite_reachable "tests/hub/$(basename "$0")" "tests/hub/$(basename "$0")" "$@"

W=
hub_pid=
daemon_pids=()
office_ids=()
export TZ=UTC KVALIND_TICK_MS=100 KVALIND_PUSH_TIMEOUT=10

world_stop() {
	local p
	for p in "${daemon_pids[@]}"; do kill -9 "$p" 2> /dev/null; done
	[ -n "$hub_pid" ] && kill "$hub_pid" 2> /dev/null && wait "$hub_pid" 2> /dev/null
	hub_pid=
	pg_stop
	if [ -n "$W" ]; then
		if [ -n "${KEEP:-}" ]; then echo "kept $W"; else rm -rf "$W"; fi
	fi
}

hub_sql() { psql -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d hub -c "$1"; }

# world_start DIR [CLOCK]: the clock (UTC) decides the months backfilled.
world_start() {
	W=$1
	mkdir -p "$W"
	chmod 755 "$W"
	pg_start "$W/pg" || return 1
	pg_sql postgres "CREATE DATABASE hub" > /dev/null || return 1
	"$build/kvalind-hub" init-ca "$W/ca" --server-name 127.0.0.1 --server-name localhost \
		> /dev/null || return 1
	port=$(free_port)
	conf="$W/hub.ini"
	cat > "$conf" <<INI
[hub]
listen_address = 127.0.0.1
port = $port
threads = 4
user = nobody
indicator_dir = $build/indicators
data_dir = $W/hubdata
log_level = ${HUB_LOG_LEVEL:-info}
${HUB_INI_EXTRA:-}
[tls]
cert = $W/ca/server.pem
key = $W/ca/server.key
ca_cert = $W/ca/ca.pem
ca_key = $W/ca/ca.key
[database]
dsn = host=127.0.0.1 port=$PGPORT dbname=hub user=postgres
[disclosure]
min_count = 5
rounding_base = 5
INI
	chmod 600 "$conf"
	# Until it listens, or it exits; on another port when something took this
	# one since free_port (another suite running at once).
	local tries=0
	while :; do
		"$build/kvalind-hub" serve --config "$conf" > "$W/hub.log" 2>&1 &
		hub_pid=$!
		wait_until 20 hub_up
		if kill -0 "$hub_pid" 2> /dev/null; then
			hub_up && break
			cat "$W/hub.log"
			return 1
		fi
		wait "$hub_pid" 2> /dev/null
		hub_pid=
		tries=$((tries + 1))
		if [ $tries -lt 10 ] && grep -q "cannot listen on .*Address already in use" "$W/hub.log"; then
			port=$(free_port)
			sed -i "s/^port = .*/port = $port/" "$conf"
			continue
		fi
		cat "$W/hub.log"
		return 1
	done
	clock="$W/clock"
	date -u -d "${2:-2023-05-06 03:00}" +%s > "$clock"
	chmod 644 "$clock"
	export KVALIND_CLOCK_FILE="$clock"
}

# hub_up: the hub listens (its log says so at level info and debug), or it
# has exited (then wait_until stops waiting)
hub_up() {
	kill -0 "$hub_pid" 2> /dev/null || return 0
	case ${HUB_LOG_LEVEL:-info} in
	info | debug) grep -q "listening on" "$W/hub.log" 2> /dev/null ;;
	*) (echo > "/dev/tcp/127.0.0.1/$port") 2> /dev/null ;;
	esac
}

# real_extract DIR: an extract of 2023-03 as an office's kvalind exports
# it (a synthetic practice of 2,000 patients, cell-key noise, no push) in
# DIR/extract/{data.csv,manifest.json}: the template whose counts hub_load
# gives its simulated offices (tests/hub/load.sh, hostile.sh). Needs root.
real_extract() {
	local d=$1 p
	mkdir -p "$d/state"
	"$build/kvalind-synth" --sqlite "$d/practice.sqlite" --patients 2000 --seed 7 --quiet || return 1
	chmod 644 "$d/practice.sqlite"
	chown nobody "$d/state"
	chmod 755 "$d"
	{
		printf '[office]\nid = template\n[core]\nconnector_dir = %s\n' "$build/connectors"
		printf 'indicator_dir = %s\nvalue_sets = %s\n' "$build/indicators" "$src/conf/valuesets.txt"
		printf 'state_dir = %s\nlog_level = warning\nuser = nobody\n' "$d/state"
		printf '[push]\ntransport = none\n[connector.reference]\ndsn = Driver=SQLite3;Database=%s\n' \
			"$d/practice.sqlite"
		for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done
	} > "$d/kvalind.ini"
	chown root:"$(id -gn nobody)" "$d/kvalind.ini"
	chmod 640 "$d/kvalind.ini"
	"$build/kvalind" export --month 2023-03 --config "$d/kvalind.ini" > "$d/export.out" 2>&1 ||
		{ cat "$d/export.out"; return 1; }
	mkdir -p "$d/extract"
	cp "$d"/state/outbox/*/template_2023-03_*/data.csv "$d"/state/outbox/*/template_2023-03_*/manifest.json \
		"$d/extract/"
}

# office_ini ID DIR SQLITE BACKFILL_FROM
office_ini() {
	cat <<INI
[office]
id = $1
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
value_sets = $src/conf/valuesets.txt
state_dir = $2/state
log_level = info
user = nobody
[push]
transport = https
url = https://127.0.0.1:$port/extracts
ca_file = $2/certs/ca.pem
client_cert = $2/certs/$1.pem
client_key = $2/certs/$1.key
approval = automatic
[schedule]
day = 5
hour = 2
backfill_from = $4
[connector.reference]
dsn = Driver=SQLite3;Database=$3
$(for p in "$build"/indicators/*.so; do echo "[indicator.$(basename "$p" .so)]"; done)
$([ -n "${OFFICE_PERTURBATION:-}" ] && printf '[disclosure]\nperturbation = %s\n' "$OFFICE_PERTURBATION")
INI
}

# office_add ID SEED "SYNTH OPTIONS" [GROUP ...]: $BACKFILL_FROM (default
# 2014-12) is the first month; $OFFICE_PERTURBATION, when set, is the
# offices' [disclosure] perturbation (the evaluation of cell-key noise).
office_add() {
	local id=$1 seed=$2 opts=$3
	shift 3
	local dir="$W/$id" g gargs=()
	for g in "$@"; do gargs+=(--group "$g"); done
	mkdir -p "$dir/state"
	# shellcheck disable=SC2086
	"$build/kvalind-synth" --sqlite "$dir/practice.sqlite" --patients "${PATIENTS:-1000}" \
		--seed "$seed" --quiet $opts || return 1
	chmod 644 "$dir/practice.sqlite"
	"$build/kvalind-hub" register "$id" "${gargs[@]}" --out "$dir/certs" --config "$conf" \
		> "$dir/register.out" 2>&1 || { cat "$dir/register.out"; return 1; }
	chown nobody "$dir/state" "$dir/certs/$id.key" "$dir/certs/$id.pem"
	chmod 755 "$dir" "$dir/certs"
	office_ini "$id" "$dir" "$dir/practice.sqlite" "${BACKFILL_FROM:-2014-12}" > "$dir/kvalind.ini"
	chown root:"$(id -gn nobody)" "$dir/kvalind.ini"
	chmod 640 "$dir/kvalind.ini"
	"$build/kvalind" daemon --config "$dir/kvalind.ini" > "$dir/daemon.log" 2>&1 &
	daemon_pids+=($!)
	office_ids+=("$id")
}

# offices_wait N SECONDS: every office's daemon delivered N extracts; the
# daemons are then stopped (they have nothing more to do).
offices_wait() {
	local id p
	for id in "${office_ids[@]}"; do
		wait_for "$W/$id/daemon.log" "push: $1 delivered" "$2" || {
			echo "$id: its daemon did not deliver $1"; tail -5 "$W/$id/daemon.log"; return 1; }
	done
	for p in "${daemon_pids[@]}"; do kill "$p" 2> /dev/null; done
	for p in "${daemon_pids[@]}"; do wait "$p" 2> /dev/null; done
	daemon_pids=()
}
