#!/bin/sh
# tests/build.sh - the build holds: headers tracked, LDFLAGS on every plugin, no warning
#
# Builds kvalind, kvalind-hub, every plugin and the Check programs into a
# scratch build directory (B=...) with clang when it is installed (else
# $CC or cc), LDFLAGS=-Wl,-z,now, under the Makefile's -Werror, and checks:
#   - the build says no "warning:" (the compiler's, the linker's, make's)
#   - a second make rebuilds nothing
#   - touching a header rebuilds exactly the objects and plugins that
#     include it, directly or through other headers, and no others
#   - every connector and indicator .so carries BIND_NOW (LDFLAGS reached it)
#   - changing LDFLAGS relinks a plugin (the build-flags stamp)
# The headers touched get their modification time back afterwards.
# Usage (from the source tree): sh tests/build.sh     (make check-build)
# No FILTER (KV_FILTER): one scratch build, each check reading it.
# Lists of paths (the tree has no spaces in its names) are split on purpose.
# shellcheck disable=SC2086,SC2046
set -eu
. tests/lib/suite.sh
suite_no_filter build "one scratch build, each check reading it"
make=${MAKE:-make}
if command -v clang >/dev/null 2>&1; then cc=clang; else cc=${CC:-cc}; fi
tmp=$(mktemp -d)
b=$tmp/b
restore=""
cleanup() {
	for r in $restore; do touch -d "@${r#*@}" "${r%@*}"; done
	rm -rf "$tmp"
}
trap cleanup EXIT
status=0
fail() { echo "check-build: FAIL $*" >&2; status=1; }

# What a make run compiled or linked (its -o outputs), one a line, sorted.
outputs() { grep -o -e ' -o [^ ]*' "$1" | awk '{print $2}' | sort -u || true; }
build() { # build LOG [MAKE ARGS]: make with this test's settings
	log=$1; shift
	$make --no-print-directory B="$b" CC="$cc" LDFLAGS="-Wl,-z,now" "$@" > "$log" 2>&1
}
targets="all $b/tests/check_unit $b/tests/check_plugins $b/tests/check_kvdb \
	$b/tests/check_reference $b/tests/check_hub_validate"

start=$(date +%s)
if ! build "$tmp/first.log" -j2 $targets; then
	tail -n 30 "$tmp/first.log" >&2
	fail "make CC=$cc failed"
	exit 1
fi
if grep -n 'warning:' "$tmp/first.log" >&2; then fail "make CC=$cc warns"; fi
echo "check-build: CC=$cc built in $(($(date +%s) - start)) s"

build "$tmp/again.log" $targets
again=$(outputs "$tmp/again.log")
[ -z "$again" ] || fail "a second make rebuilt: $(echo $again)"

# The headers that include $1, directly or not, and $1 (by file name: the
# headers touched below have unique ones).
includers() {
	set_=$1
	while :; do
		new=$(for h in $set_; do
			grep -l "#include \"\(.*/\)\{0,1\}$(basename "$h")\"" core/*.h core/include/kvalind/*.h \
				hub/*.h hub/analysis/*.h plugins/*/*.h indicators/*/*.h || true
		done)
		grown=$(printf '%s\n' $set_ $new | sort -u)
		[ "$grown" = "$(printf '%s\n' $set_ | sort -u)" ] && break
		set_=$grown
	done
	printf '%s\n' $set_
}
# The .c files that include any of the headers given.
sources_including() {
	for h in "$@"; do
		grep -l "#include \"\(.*/\)\{0,1\}$(basename "$h")\"" core/*.c hub/*.c hub/analysis/*.c || true
	done | sort -u
}
# The words given, sorted, without repeats, on one line.
words() { printf '%s\n' "$@" | sed '/^$/d' | sort -u | tr '\n' ' '; }
# touch_and_check HEADER EXPECTED_O EXPECTED_SO: touch HEADER, make, compare
# the rebuilt objects and plugins with the ones expected (space-separated).
touch_and_check() {
	restore="$restore $1@$(stat -c %Y "$1")"
	touch "$1"
	build "$tmp/touch.log" $targets || { fail "make after touching $1"; return; }
	got_o=$(words $(outputs "$tmp/touch.log" | grep '\.o$'))
	got_so=$(words $(outputs "$tmp/touch.log" | grep '\.so$'))
	want_o=$(words $2)
	want_so=$(words $3)
	[ "$got_o" = "$want_o" ] || fail "touching $1 rebuilt objects [$got_o], expected [$want_o]"
	[ "$got_so" = "$want_so" ] || fail "touching $1 rebuilt plugins [$got_so], expected [$want_so]"
	echo "check-build: touched $1: $(echo $got_o $got_so | wc -w) rebuilt"
}

# A core header included through others (sha256.h: by extract.h, ledger.h).
hdr=core/sha256.h
want=$(sources_including $(includers $hdr) | sed "s|^\(.*\)\.c$|$b/\1.o|")
[ -n "$want" ] || fail "no source includes $hdr"
touch_and_check $hdr "$want" ""
# One indicator's own header: only that plugin.
touch_and_check indicators/diabetes/dm_series.h "" "$b/indicators/diabetes.so"
# The connectors' shared layer: every connector, no indicator.
touch_and_check plugins/common/kvdb.h "" "$(ls "$b"/connectors/*.so)"

# LDFLAGS reached every plugin, and a changed LDFLAGS relinks them.
for so in "$b"/connectors/*.so "$b"/indicators/*.so; do
	readelf -d "$so" | grep -q 'BIND_NOW\|Flags:.* NOW' || fail "$so has no BIND_NOW"
done
echo "check-build: BIND_NOW looked for in $(ls "$b"/connectors/*.so "$b"/indicators/*.so | wc -l)" \
	"plugin(s)"
so=$b/indicators/copd.so
$make --no-print-directory B="$b" CC="$cc" LDFLAGS= "$so" > "$tmp/ld.log" 2>&1 ||
	fail "make LDFLAGS= $so"
outputs "$tmp/ld.log" | grep -qx "$so" || fail "changing LDFLAGS did not relink $so"

[ $status -eq 0 ] && echo "check-build: ok ($(($(date +%s) - start)) s)"
exit $status
