#!/bin/sh
# shellcheck disable=SC2013
# The man pages against the code:
#  - every command `kvalind --help` lists has its ".SS COMMAND" in kvalind(8),
#    and every long option its `kvalind COMMAND --help` mentions is described
#    in that subsection (commands the page describes that --help does not
#    list yet are only noted);
#  - every exit status of `kvalind --help` is in kvalind(8)'s EXIT STATUS;
#  - kvalind.ini(5) lists every key of `kvalind list-keys` (the page is
#    generated from it; this catches a stale page);
#  - both pages format without a single groff or man warning.
# Usage: sh tests/check_man.sh KVALIND MAN_DIR
set -u
kvalind=$1 mandir=$2
page8=$mandir/kvalind.8 page5=$mandir/kvalind.ini.5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "check-man: $*" >&2; status=1; }

for f in "$page8" "$page5"; do
	[ -s "$f" ] || { fail "$f is missing (make man)"; exit 1; }
done

# The page as plain words: fonts dropped, \- as -, \(em etc. dropped.
plain() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\&//g' \
	    -e 's/\\(..//g' -e 's/\\c$//' "$1"
}
plain "$page8" > "$tmp/page8"

# Commands: the lines after "Commands:" up to the first empty line.
"$kvalind" --help > "$tmp/help" 2>&1 || fail "kvalind --help failed"
awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$tmp/help" > "$tmp/commands"
[ -s "$tmp/commands" ] || fail "no commands found in kvalind --help"

# One ".SS name" per documented command.
sed -n 's/^\.SS  *"\{0,1\}\([a-z][a-z-]*\)"\{0,1\} *$/\1/p' "$tmp/page8" | sort > "$tmp/documented"

n=0
while read -r cmd; do
	n=$((n + 1))
	if ! grep -qx -- "$cmd" "$tmp/documented"; then
		fail "kvalind.8 has no section (.SS $cmd) for the command '$cmd' of kvalind --help"
		continue
	fi
	# The command's subsection: from its .SS to the next .SS or .SH.
	awk -v c="$cmd" '
		/^\.S[SH] / { on = ($0 ~ "^\\.SS +\"?" c "\"? *$") ; next }
		on
	' "$tmp/page8" > "$tmp/section"
	"$kvalind" "$cmd" --help < /dev/null > "$tmp/cmdhelp" 2>&1 || fail "kvalind $cmd --help failed"
	for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/cmdhelp" | sort -u); do
		[ "$opt" = --help ] && continue
		grep -q -- "$opt\\b" "$tmp/section" ||
			fail "kvalind.8, section $cmd: option $opt (from kvalind $cmd --help) is not described"
	done
	for short in $(sed -n 's/^ *\(-[a-zA-Z]\), --.*/\1/p' "$tmp/cmdhelp"); do
		[ "$short" = -h ] && continue
		grep -q -- "$short\\b" "$tmp/section" ||
			fail "kvalind.8, section $cmd: option $short (from kvalind $cmd --help) is not described"
	done
done < "$tmp/commands"

extra=$(sort "$tmp/commands" | comm -13 - "$tmp/documented" | tr '\n' ' ')
[ -n "$extra" ] && echo "check-man: note: kvalind.8 describes commands kvalind --help does not list (yet): $extra"

# Exit status: each code of --help appears as a .TP/.B entry in EXIT STATUS.
awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH / { on = 0 } on' "$tmp/page8" > "$tmp/exit"
for code in $(awk '/^Exit status:/ { on = 1; next } on && /^  [0-9]+  / { print $1 }' "$tmp/help"); do
	grep -qx "\\.B $code" "$tmp/exit" ||
		fail "kvalind.8: exit status $code (from kvalind --help) is not under EXIT STATUS"
done

# kvalind.ini(5) holds every declared key under its section.
build=$(dirname "$kvalind")
cat > "$tmp/k.ini" <<INI
[office]
id = man-check
[core]
connector_dir = $(cd "$build" && pwd)/connectors
indicator_dir = $(cd "$build" && pwd)/indicators
INI
chmod 600 "$tmp/k.ini"
"$kvalind" list-keys --config "$tmp/k.ini" | awk -F'\t' '{ print $1 "." $2 }' | sort -u > "$tmp/declared"
awk '
	/^\.SS \[[a-z0-9_.]+\]/ { s = $2; gsub(/[\[\]]/, "", s); next }
	/^\.S[HS] / { s = "" }
	s != "" && /^\\fB[a-z0-9_]+\\fR = / { k = $0; sub(/^\\fB/, "", k); sub(/\\fR.*/, "", k); print s "." k }
' "$page5" | sort -u > "$tmp/page5keys"
missing=$(comm -23 "$tmp/declared" "$tmp/page5keys" | tr '\n' ' ')
unknown=$(comm -13 "$tmp/declared" "$tmp/page5keys" | tr '\n' ' ')
[ -n "$missing" ] && fail "kvalind.ini.5 lacks keys (make man): $missing"
[ -n "$unknown" ] && fail "kvalind.ini.5 lists undeclared keys (make man): $unknown"

# No warnings from groff (all warnings on) nor from man-db's formatting.
for f in "$page8" "$page5"; do
	if ! LC_ALL=C.UTF-8 groff -man -k -ww -z "$f" > "$tmp/groff" 2>&1 || [ -s "$tmp/groff" ]; then
		fail "groff warns about $f:"
		cat "$tmp/groff" >&2
	fi
	if command -v man > /dev/null 2>&1; then
		if ! LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$f" > /dev/null 2> "$tmp/man" ||
			[ -s "$tmp/man" ]; then
			fail "man warns about $f:"
			cat "$tmp/man" >&2
		fi
	fi
done

if [ $status -eq 0 ]; then
	echo "check-man: $n commands of kvalind --help and their options checked against $page8;" \
		"$(wc -l < "$tmp/declared") keys against $page5; both pages format without warnings"
else
	echo "check-man: FAILED" >&2
fi
exit $status
