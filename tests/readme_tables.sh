#!/bin/sh
# Regenerate the README's generated tables from the built kvalind and
# plugins: the indicator list (kvalind list-indicators --markdown) and the
# configuration reference (kvalind list-keys --markdown), each between
# "<!-- generated: NAME -->" and "<!-- end: NAME -->". make check-docs fails
# when they drift; run this (make readme) after changing a key or indicator.
# Usage: sh tests/readme_tables.sh BUILD_DIR README
set -eu
build=$(cd "$1" && pwd)
readme=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/k.ini" <<INI
[office]
id = readme
[core]
connector_dir = $build/connectors
indicator_dir = $build/indicators
INI
chmod 600 "$tmp/k.ini"
# Shown with the installed locations, not this build's.
"$build/kvalind" list-indicators --config "$tmp/k.ini" --markdown > "$tmp/list-indicators"
"$build/kvalind" list-keys --config "$tmp/k.ini" --markdown |
	sed -e "s|$build/connectors|/usr/local/lib/kvalind/connectors|" \
	    -e "s|$build/indicators|/usr/local/lib/kvalind/indicators|" > "$tmp/list-keys"
awk -v dir="$tmp" '
	/^<!-- generated: [a-z-]+ -->$/ {
		print; name = $3; file = dir "/" name
		while ((getline line < file) > 0) print line
		close(file); skipping = 1; next
	}
	/^<!-- end: [a-z-]+ -->$/ { skipping = 0 }
	!skipping { print }
' "$readme" > "$tmp/README.md"
cat "$tmp/README.md" > "$readme"
