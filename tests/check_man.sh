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
#  - with KVALIND_HUB: the same for `kvalind-hub --help` and kvalind-hub(8),
#    whose CONFIGURATION section must list every key of the hub's key table
#    (packaging/man/hub-keys.sh), each under its section;
#  - every page formats without a single groff or man warning.
# Usage: sh tests/check_man.sh KVALIND MAN_DIR [KVALIND_HUB]
set -u
kvalind=$1 mandir=$2 hub=${3:-}
page8=$mandir/kvalind.8 page5=$mandir/kvalind.ini.5 pagehub=$mandir/kvalind-hub.8
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "check-man: $*" >&2; status=1; }

pages="$page8 $page5"
[ -n "$hub" ] && pages="$pages $pagehub"
for f in $pages; do
	[ -s "$f" ] || { fail "$f is missing (make man)"; exit 1; }
done

# The page as plain words: fonts dropped, \- as -, \(em etc. dropped.
plain() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\&//g' \
	    -e 's/\\(..//g' -e 's/\\c$//' "$1"
}
# check_commands PROGRAM PAGE: every command PROGRAM --help lists has its
# ".SS COMMAND" in PAGE, every option of PROGRAM COMMAND --help is in that
# subsection, every exit status of PROGRAM --help under EXIT STATUS. Sets n
# to the number of commands.
check_commands() {
	prog=$1 page=$2
	name=$(basename "$prog") pname=$(basename "$page")
	plain "$page" > "$tmp/page"

	# Commands: the lines after "Commands:" up to the first empty line.
	"$prog" --help > "$tmp/help" 2>&1 || fail "$name --help failed"
	awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$tmp/help" > "$tmp/commands"
	[ -s "$tmp/commands" ] || fail "no commands found in $name --help"

	# One ".SS name" per documented command.
	sed -n 's/^\.SS  *"\{0,1\}\([a-z][a-z-]*\)"\{0,1\} *$/\1/p' "$tmp/page" | sort > "$tmp/documented"

	n=0
	while read -r cmd; do
		n=$((n + 1))
		if ! grep -qx -- "$cmd" "$tmp/documented"; then
			fail "$pname has no section (.SS $cmd) for the command '$cmd' of $name --help"
			continue
		fi
		# The command's subsection: from its .SS to the next .SS or .SH.
		awk -v c="$cmd" '
			/^\.S[SH] / { on = ($0 ~ "^\\.SS +\"?" c "\"? *$") ; next }
			on
		' "$tmp/page" > "$tmp/section"
		# (kvalind-hub check-config --help ends in the key table, whose
		# descriptions name other commands' options: not read.)
		"$prog" "$cmd" --help < /dev/null > "$tmp/cmdhelp.all" 2>&1 ||
			fail "$name $cmd --help failed"
		sed '/Keys:$/q' "$tmp/cmdhelp.all" > "$tmp/cmdhelp"
		for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/cmdhelp" | sort -u); do
			[ "$opt" = --help ] && continue
			grep -q -- "$opt\\b" "$tmp/section" ||
				fail "$pname, section $cmd: option $opt (from $name $cmd --help) is not described"
		done
		for short in $(sed -n 's/^ *\(-[a-zA-Z]\), --.*/\1/p' "$tmp/cmdhelp"); do
			[ "$short" = -h ] && continue
			grep -q -- "$short\\b" "$tmp/section" ||
				fail "$pname, section $cmd: option $short (from $name $cmd --help) is not described"
		done
	done < "$tmp/commands"

	extra=$(sort "$tmp/commands" | comm -13 - "$tmp/documented" | tr '\n' ' ')
	[ -n "$extra" ] && echo "check-man: note: $pname describes commands $name --help does not list (yet): $extra"

	# Exit status: each code of --help appears as a .TP/.B entry in EXIT STATUS.
	awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH / { on = 0 } on' "$tmp/page" > "$tmp/exit"
	for code in $(awk '/^Exit status:/ { on = 1; next } on && /^  [0-9]+  / { print $1 }' "$tmp/help"); do
		grep -qx "\\.B $code" "$tmp/exit" ||
			fail "$pname: exit status $code (from $name --help) is not under EXIT STATUS"
	done
}

check_commands "$kvalind" "$page8"
n_office=$n
if [ -n "$hub" ]; then
	check_commands "$hub" "$pagehub"
	n_hub=$n
	# Every key of the hub's key table, under its section, in CONFIGURATION.
	sh "$(dirname "$0")/../packaging/man/hub-keys.sh" "$hub" > "$tmp/hubkeys" ||
		fail "cannot read the key table of $hub"
	awk -F'\t' '$1 == "K" { print $2 "." $3 }' "$tmp/hubkeys" | sort -u > "$tmp/hubdeclared"
	awk '
		/^\.SH CONFIGURATION/ { on = 1; next }
		/^\.SH / { on = 0 }
		on && /^\.SS \[[a-z0-9_.]+\]/ { s = $2; gsub(/[\[\]]/, "", s); next }
		on && s != "" && /^\\fB[a-z0-9_]+\\fR \(/ { k = $0; sub(/^\\fB/, "", k); sub(/\\fR.*/, "", k); print s "." k }
	' "$pagehub" | sort -u > "$tmp/hubpage"
	missing=$(comm -23 "$tmp/hubdeclared" "$tmp/hubpage" | tr '\n' ' ')
	unknown=$(comm -13 "$tmp/hubdeclared" "$tmp/hubpage" | tr '\n' ' ')
	[ -n "$missing" ] && fail "kvalind-hub.8 lacks keys (make man): $missing"
	[ -n "$unknown" ] && fail "kvalind-hub.8 lists undeclared keys (make man): $unknown"
fi

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
for f in $pages; do
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
	echo "check-man: $n_office commands of kvalind --help and their options checked against $page8;" \
		"$(wc -l < "$tmp/declared") keys against $page5"
	[ -n "$hub" ] && echo "check-man: $n_hub commands of kvalind-hub --help and their options and" \
		"$(wc -l < "$tmp/hubdeclared") keys checked against $pagehub"
	echo "check-man: every page formats without warnings"
else
	echo "check-man: FAILED" >&2
fi
exit $status
