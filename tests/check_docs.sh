#!/bin/sh
# Every configuration key kvalind declares (its own tables and those of every
# built plugin) must be documented in the README's configuration reference
# (a "#### `[section]`" heading followed by a "| `key` |" row) and appear in
# the example configuration (as "key =" or commented out as "; key =" under
# its [section]).
#
# With --hub: every key of kvalind-hub's key table (packaging/man/hub-keys.sh)
# appears in the hub's example configuration under its section and the file
# has no other key; a required key is set there (not commented out), and a
# key shown commented out shows its built-in default (indicator_dir aside:
# make install writes the installed path there).
# Usage: check_docs.sh KVALIND README INI
#        check_docs.sh --hub KVALIND_HUB HUB_INI
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# "section.key<TAB>value<TAB>0|1 (commented out)" for each key line of an
# INI file, commented out ("; key =") or not.
ini_keys() {
	awk '
	/^[ \t]*[;#]?[ \t]*\[[a-z0-9_.]+\]/ { s = $0; sub(/^[^\[]*\[/, "", s); sub(/\].*/, "", s); next }
	/^[ \t]*[;#]?[ \t]*[a-z0-9_]+[ \t]*=/ {
		c = ($0 ~ /^[ \t]*[;#]/) ? 1 : 0
		k = $0; sub(/^[ \t]*[;#]?[ \t]*/, "", k); sub(/[ \t]*=.*/, "", k)
		v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
		print s "." k "\t" v "\t" c
	}' "$1"
}

if [ "${1:-}" = --hub ]; then
	hub=$2 ini=$3
	sh "$(dirname "$0")/../packaging/man/hub-keys.sh" "$hub" > "$tmp/keys" || exit 1
	awk -F'\t' '$1 == "K" { print $2 "." $3 }' "$tmp/keys" | sort -u > "$tmp/declared"
	ini_keys "$ini" > "$tmp/lines"
	cut -f1 "$tmp/lines" | sort -u > "$tmp/ini"
	status=0
	missing=$(comm -23 "$tmp/declared" "$tmp/ini")
	unknown=$(comm -13 "$tmp/declared" "$tmp/ini")
	[ -n "$missing" ] && { echo "check-docs: keys missing from $ini:" $missing >&2; status=1; }
	[ -n "$unknown" ] && { echo "check-docs: $ini has undeclared keys:" $unknown >&2; status=1; }
	# Required keys set; commented-out keys showing their default.
	awk -F'\t' -v ini="$ini" '
	NR == FNR { if ($1 == "K") { req[$2 "." $3] = $4; def[$2 "." $3] = $5 }; next }
	{
		k = $1
		if (!(k in req)) next
		if ($3 == 0) set[k] = 1
		if ($3 == 1 && def[k] != "" && k != "hub.indicator_dir" && $2 != def[k]) {
			print "check-docs: " ini ": \"; " k "\" shows " $2 ", but its default is " def[k] > "/dev/stderr"
			bad = 1
		}
	}
	END {
		for (k in req) if (req[k] == "yes" && !(k in set)) {
			print "check-docs: " ini ": the required key " k " is not set" > "/dev/stderr"
			bad = 1
		}
		exit bad
	}' "$tmp/keys" "$tmp/lines" || status=1
	echo "check-docs: $(wc -l < "$tmp/declared") keys of kvalind-hub checked against $ini"
	exit $status
fi

kvalind=$1 readme=$2 ini=$3
build=$(cd "$(dirname "$kvalind")" && pwd)

# Use the built plugins, whatever the built-in directories say.
cat > "$tmp/list.ini" <<INI
[office]
id = docs-check
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
INI
chmod 600 "$tmp/list.ini"
"$kvalind" list-keys --config "$tmp/list.ini" | awk -F'\t' '{print $1 "." $2}' | sort -u > "$tmp/declared" || exit 1

awk '
	/^#### `\[[a-z0-9_.]+\]`/ { s = $2; gsub(/[`\[\]]/, "", s); next }
	/^#+ / { s = "" }
	s != "" && /^\| `[a-z0-9_]+` \|/ { k = $2; gsub(/`/, "", k); print s "." k }
' "$readme" | sort -u > "$tmp/readme"

ini_keys "$ini" | cut -f1 | sort -u > "$tmp/ini"

status=0
missing_readme=$(comm -23 "$tmp/declared" "$tmp/readme")
missing_ini=$(comm -23 "$tmp/declared" "$tmp/ini")
unknown_readme=$(comm -13 "$tmp/declared" "$tmp/readme")
unknown_ini=$(comm -13 "$tmp/declared" "$tmp/ini")
[ -n "$missing_readme" ] && { echo "check-docs: keys missing from $readme:" $missing_readme >&2; status=1; }
[ -n "$missing_ini" ] && { echo "check-docs: keys missing from $ini:" $missing_ini >&2; status=1; }
[ -n "$unknown_readme" ] && { echo "check-docs: $readme documents undeclared keys:" $unknown_readme >&2; status=1; }
[ -n "$unknown_ini" ] && { echo "check-docs: $ini has undeclared keys:" $unknown_ini >&2; status=1; }
# The README's generated tables (configuration reference, indicator list)
# must be what the built kvalind and plugins say now.
cp "$readme" "$tmp/README.md"
sh "$(dirname "$0")/readme_tables.sh" "$(dirname "$kvalind")" "$tmp/README.md"
if ! diff -u "$readme" "$tmp/README.md" > "$tmp/readme.diff"; then
	echo "check-docs: the generated tables in $readme are out of date; run 'make readme':" >&2
	head -20 "$tmp/readme.diff" >&2
	status=1
fi
# The shortest complete plugins the READMEs quote are the files the unit
# tests build and load, word for word (from their #include on).
src=$(cd "$(dirname "$0")/.." && pwd)
for pair in indicators/README.md:tests/plugins/t_example_indicator.c \
	    plugins/README.md:tests/plugins/t_good_connector.c; do
	doc=$src/${pair%%:*} file=$src/${pair#*:}
	sed -n '/^#include/,$p' "$file" > "$tmp/quoted.c"
	awk -v f="${pair#*:}" 'index($0, "`" f "`") { on = 1 } on && /^```c$/ { grab = 1; next }
		grab && /^```$/ { exit } grab { print }' "$doc" > "$tmp/readme.c"
	if ! cmp -s "$tmp/quoted.c" "$tmp/readme.c"; then
		echo "check-docs: ${pair%%:*} does not quote ${pair#*:} as it is now" >&2
		status=1
	fi
done
echo "check-docs: $(wc -l < "$tmp/declared") declared keys checked against $readme and $ini;" \
	"$(grep -c '^| `[A-Z0-9_]*` |' "$readme") indicators listed"
exit $status
