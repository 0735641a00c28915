# pg.sh - a throwaway PostgreSQL for tests: initdb in a temporary directory,
# listening on 127.0.0.1 only, stopped by pg_ctl. Source it, then:
#   pg_start DIR      start a cluster in DIR (sets PGHOST PGPORT PGUSER)
#   pg_stop           stop it (safe to call twice; call from a trap)
#   pg_resume         start the stopped cluster again, on the same port
#   pg_sql DB SQL     run SQL in DB as the superuser
# As root the server runs as the "postgres" system user (initdb refuses root).

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_DIR=
PG_AS=

pg_run() {
	if [ -n "$PG_AS" ]; then
		runuser -u "$PG_AS" -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	port=$((20000 + $$ % 20000))
	while (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null; do
		port=$((port + 1))
	done
	echo "$port"
}

pg_start() {
	PG_DIR=$1
	[ -x "$PG_BIN/initdb" ] || { echo "pg.sh: no PostgreSQL server binaries (install postgresql)" >&2; return 1; }
	mkdir -p "$PG_DIR"
	if [ "$(id -u)" = 0 ]; then
		PG_AS=postgres
		chown postgres "$PG_DIR"
	fi
	PGPORT=$(pg_free_port)
	PGHOST=127.0.0.1
	PGUSER=postgres
	export PGHOST PGPORT PGUSER
	pg_run "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; return 1; }
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_DIR -c fsync=off -c full_page_writes=off" >/dev/null ||
		{ cat "$PG_DIR/server.log" >&2; return 1; }
}

pg_stop() {
	if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
}

pg_resume() {
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_DIR -c fsync=off -c full_page_writes=off" >/dev/null
}

pg_sql() {
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -c "$2"
}
