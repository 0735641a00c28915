#!/bin/bash
# load.sh - load OMOP CDM CSV files (the Eunomia sample's layout: one
# TABLE.csv per table, upper-case names, a header row, empty = NULL) into
# SQLite and/or PostgreSQL, creating the tables the omop connector reads
# from plugins/omop/schema/. Only those tables are loaded; the others are
# ignored.
#
#   bash tests/omop/load.sh sqlite FILE.sqlite CSV_DIR
#   bash tests/omop/load.sh postgres DBNAME CSV_DIR    (psql with PGHOST etc. set;
#                                                      the database must exist)
set -eu
cd "$(dirname "$0")/../.."
kind=$1 target=$2 dir=$3
tables="person observation_period visit_occurrence condition_occurrence drug_exposure
	drug_strength measurement procedure_occurrence death provider care_site concept
	concept_ancestor"

case $kind in
sqlite)
	rm -f "$target"
	sqlite3 -bail "$target" < plugins/omop/schema/omop_sqlite.sql
	python3 - "$target" "$dir" $tables <<'PY'
import csv, sqlite3, sys, os
db, d, tables = sys.argv[1], sys.argv[2], sys.argv[3:]
con = sqlite3.connect(db)
for t in tables:
    path = os.path.join(d, t.upper() + ".csv")
    if not os.path.exists(path):
        continue
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        head = [h.strip().lower() for h in next(r)]
        sql = "INSERT INTO %s (%s) VALUES (%s)" % (t, ",".join(head), ",".join("?" * len(head)))
        con.executemany(sql, ([v if v != "" else None for v in row] for row in r))
con.commit()
con.close()
PY
	;;
postgres)
	psql -X -q -v ON_ERROR_STOP=1 -d "$target" -f plugins/omop/schema/omop_postgresql.sql
	for t in $tables; do
		f="$dir/$(echo "$t" | tr a-z A-Z).csv"
		[ -f "$f" ] || continue
		cols=$(head -n 1 "$f" | tr -d '\r' | tr 'A-Z' 'a-z')
		psql -X -q -v ON_ERROR_STOP=1 -d "$target" \
			-c "\\copy $t ($cols) FROM '$(cd "$(dirname "$f")" && pwd)/$(basename "$f")' WITH (FORMAT csv, HEADER true)"
	done
	;;
*)
	echo "usage: load.sh sqlite|postgres TARGET CSV_DIR" >&2
	exit 2
	;;
esac
