#!/bin/bash
# Re-record the seeds of the connector targets (fuzz_pgcopy, fuzz_odbc) from
# real reads: tests/connector/fixture.sql in a throwaway PostgreSQL (libpq
# and psqlODBC) and in SQLite (SQLite ODBC), tests/connector/strict.sql in
# SQLite, and the hostile rows of tests/hostile/ where present. Each seed is
# what the real transport decoded, written back in the target's input
# format (record_seeds.c). Not part of any check; run `make fuzz-seeds`
# after a change to the query table (plugins/reference/ref_sql.c), since a
# seed is one segment per statement in ref_read()'s order.
# Usage: bash tests/fuzz/make_seeds.sh BUILD_DIR
set -eu
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build}" && pwd)
rec="$build/fuzz/record_seeds"
. tests/lib/pg.sh
tmp=$(mktemp -d /tmp/kvseeds.XXXXXX)
chmod 755 "$tmp"
trap 'pg_stop; rm -rf "$tmp"' EXIT
pg_start "$tmp/pg"
pg_sql postgres "CREATE DATABASE fixture" > /dev/null
psql -X -q -v ON_ERROR_STOP=1 -d fixture -f plugins/reference/schema.sql > /dev/null
psql -X -q -v ON_ERROR_STOP=1 -d fixture -f tests/connector/fixture.sql > /dev/null
sqlite3 "$tmp/fixture.sqlite" < plugins/reference/schema.sql
sqlite3 "$tmp/fixture.sqlite" < tests/connector/fixture.sql
sqlite3 "$tmp/strict.sqlite" < plugins/reference/schema.sql
sqlite3 "$tmp/strict.sqlite" < tests/connector/strict.sql
libpq="postgresql://postgres@127.0.0.1:$PGPORT/fixture"
psqlodbc="Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=fixture;Uid=postgres"
out=tests/fuzz/corpus
# options (ref_harness.h): bit 0 notes, bits 1-2 budget, bit 3 events_from,
# bit 4 SQLite, bits 5-7 message size
"$rec" pgcopy "$libpq" 0x00 "$out/pgcopy/fixture"
"$rec" pgcopy "$libpq" 0x01 "$out/pgcopy/fixture-notes"
"$rec" pgcopy "$libpq" 0x29 "$out/pgcopy/fixture-notes-from-1byte-messages"
"$rec" pgcopy "$libpq" 0xe0 "$out/pgcopy/fixture-4k-messages"
"$rec" pgcopy "$libpq" 0x04 "$out/pgcopy/fixture-4k-budget"
"$rec" odbc "$psqlodbc" 0x01 "$out/odbc/psqlodbc-fixture-notes"
"$rec" odbc "$psqlodbc" 0x08 "$out/odbc/psqlodbc-fixture-from"
"$rec" odbc "Driver=SQLite3;Database=$tmp/fixture.sqlite" 0x11 "$out/odbc/sqlite-fixture-notes"
"$rec" odbc "Driver=SQLite3;Database=$tmp/strict.sqlite" 0x10 "$out/odbc/sqlite-strict"
if [ -f tests/hostile/rows.sql ]; then
	pg_sql postgres "CREATE DATABASE hostile" > /dev/null
	psql -X -q -v ON_ERROR_STOP=1 -d hostile -f plugins/reference/schema.sql > /dev/null
	psql -X -q -v ON_ERROR_STOP=1 -d hostile -f tests/hostile/rows.sql > /dev/null
	"$rec" pgcopy "postgresql://postgres@127.0.0.1:$PGPORT/hostile" 0x01 "$out/pgcopy/hostile-notes"
	"$rec" odbc "Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$PGPORT;Database=hostile;Uid=postgres" \
		0x00 "$out/odbc/psqlodbc-hostile"
fi
