# pg.sh - a throwaway PostgreSQL for tests: initdb in a temporary directory,
# listening on 127.0.0.1 only, stopped by pg_ctl. Source it, then:
#   pg_start DIR      start a cluster in DIR (sets PGHOST PGPORT PGUSER)
#   pg_stop           stop it (safe to call twice; call from a trap)
#   pg_resume         start the stopped cluster again, on the same port
#   pg_sql DB SQL     run SQL in DB as the superuser
# As root the server runs as the "postgres" system user (initdb refuses root).
# The port is free_port's (tests/lib/suite.sh); if another program takes it
# before the server binds it (two suites running at once), pg_start tries
# another.

. "${src:-$(pwd)}/tests/lib/suite.sh"

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_DIR=
PG_AS=

pg_run() {
	if [ -n "$PG_AS" ]; then
		# from /: the postgres user may not enter the current directory;
		# without check-asan-all's LD_PRELOAD, which it may not read either
		(cd / && env -u LD_PRELOAD runuser -u "$PG_AS" -- "$@")
	else
		"$@"
	fi
}

pg_free_port() { free_port; }

pg_start() {
	PG_DIR=$1
	[ -x "$PG_BIN/initdb" ] || { echo "pg.sh: no PostgreSQL server binaries (install postgresql)" >&2; return 1; }
	mkdir -p "$PG_DIR"
	if [ "$(id -u)" = 0 ]; then
		PG_AS=postgres
		chown postgres "$PG_DIR"
	fi
	PGHOST=127.0.0.1
	PGUSER=postgres
	export PGHOST PGPORT PGUSER
	pg_run "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; return 1; }
	_pg_tries=0
	while :; do
		PGPORT=$(pg_free_port)
		export PGPORT
		pg_resume && return 0
		_pg_tries=$((_pg_tries + 1))
		# the port was taken between free_port and the server's bind
		[ $_pg_tries -lt 10 ] && grep -q 'could not bind IPv4 address.*Address already in use' \
			"$PG_DIR/server.log" 2>/dev/null || break
	done
	cat "$PG_DIR/server.log" >&2
	return 1
}

pg_stop() {
	if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
}

# -t: pg_ctl's wait for the server is a bound for a hang, not a speed test
pg_resume() {
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 600 start \
		-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_DIR -c fsync=off -c full_page_writes=off" >/dev/null
}

pg_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -c "$2"
}
