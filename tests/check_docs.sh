#!/bin/sh
# Every configuration key kvalind declares (its own tables and those of every
# built plugin) must be documented in the README's configuration reference
# (a "#### `[section]`" heading followed by a "| `key` |" row) and appear in
# the example configuration (as "key =" or commented out as "; key =" under
# its [section]).
# Usage: check_docs.sh KVALIND README INI
set -u
kvalind=$1 readme=$2 ini=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Use the built plugins, whatever the built-in directories say.
cat > "$tmp/list.ini" <<INI
[office]
id = docs-check
[core]
connector_dir = $(pwd)/build/connectors
indicator_dir = $(pwd)/build/indicators
INI
chmod 600 "$tmp/list.ini"
"$kvalind" list-keys --config "$tmp/list.ini" | awk -F'\t' '{print $1 "." $2}' | sort -u > "$tmp/declared" || exit 1

awk '
	/^#### `\[[a-z0-9_.]+\]`/ { s = $2; gsub(/[`\[\]]/, "", s); next }
	/^#+ / { s = "" }
	s != "" && /^\| `[a-z0-9_]+` \|/ { k = $2; gsub(/`/, "", k); print s "." k }
' "$readme" | sort -u > "$tmp/readme"

awk '
	/^[ \t]*[;#]?[ \t]*\[[a-z0-9_.]+\]/ { s = $0; sub(/^[^\[]*\[/, "", s); sub(/\].*/, "", s); next }
	/^[ \t]*[;#]?[ \t]*[a-z0-9_]+[ \t]*=/ { k = $0; sub(/^[ \t]*[;#]?[ \t]*/, "", k); sub(/[ \t]*=.*/, "", k); print s "." k }
' "$ini" | sort -u > "$tmp/ini"

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
echo "check-docs: $(wc -l < "$tmp/declared") declared keys checked against $readme and $ini;" \
	"$(grep -c '^| `[A-Z0-9_]*` |' "$readme") indicators listed"
exit $status
