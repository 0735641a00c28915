#!/bin/sh
# The key table of kvalind-hub as tab-separated records, read from the
# program itself, so that kvalind-hub(8) (hub-keys-man.sh), make check-docs
# and make check-man all follow hub/hub_config.c:
#   S <tab> SECTION <tab> DESCRIPTION
#   K <tab> SECTION <tab> KEY <tab> yes|no (required) <tab> DEFAULT <tab> DESCRIPTION
# Sections, keys, defaults and descriptions come from `kvalind-hub
# check-config --help`; which keys are required from `kvalind-hub
# check-config` on a file holding only the section headers (its "missing
# required key" errors).
# Usage: sh packaging/man/hub-keys.sh KVALIND_HUB
set -eu
hub=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$hub" check-config --help > "$tmp/help" 2>&1 ||
	{ echo "hub-keys: $hub check-config --help failed" >&2; exit 1; }
# "  [section] description" and "    key   description (default VALUE)",
# between the "Keys:" line and "Exit status:".
awk '
/Keys:$/ { on = 1; next }
/^Exit status:/ { on = 0 }
!on { next }
/^  \[[a-z0-9_.]+\] / {
	s = $1; gsub(/[\[\]]/, "", s)
	d = $0; sub(/^  \[[^]]*\] /, "", d)
	printf "S\t%s\t%s\n", s, d
	next
}
/^    [a-z0-9_]+ / {
	k = $1
	d = $0; sub(/^    [a-z0-9_]+ +/, "", d)
	def = ""
	if (match(d, / \(default [^()]*\)$/)) {
		def = substr(d, RSTART + 10, RLENGTH - 11)
		d = substr(d, 1, RSTART - 1)
	}
	printf "K\t%s\t%s\t%s\t%s\n", s, k, def, d
}
' "$tmp/help" > "$tmp/keys"
grep -q '^K' "$tmp/keys" || { echo "hub-keys: no keys in $hub check-config --help" >&2; exit 1; }

awk -F'\t' '$1 == "S" { print "[" $2 "]" }' "$tmp/keys" > "$tmp/empty.ini"
chmod 600 "$tmp/empty.ini"
"$hub" check-config --config "$tmp/empty.ini" > /dev/null 2> "$tmp/errors" || true
sed -n 's/.*missing required key "\([a-z0-9_]*\)" in \[\([a-z0-9_.]*\)\].*/\2.\1/p' \
	"$tmp/errors" > "$tmp/required"

awk -F'\t' -v req="$tmp/required" '
BEGIN { while ((getline l < req) > 0) r[l] = 1 }
$1 == "S" { print; next }
{ printf "K\t%s\t%s\t%s\t%s\t%s\n", $2, $3, (($2 "." $3) in r) ? "yes" : "no", $4, $5 }
' "$tmp/keys"
