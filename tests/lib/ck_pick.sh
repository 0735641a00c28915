#!/bin/sh
# ck_pick.sh - which of several Check programs have the case that
# CK_RUN_SUITE / CK_RUN_CASE (make's SUITE= / CASE=) aim at. For the make
# targets that run more than one program (check-connector, check-memory):
#
#   ck_pick.sh BIN...        fail, listing every program's suites and cases,
#                            if none of them has it (nothing aimed: true)
#   ck_pick.sh --has BIN     true if BIN has it
#
# A program's --list prints "suite<TAB>case" lines (tests/lib/ck_aim.c).

has() {
	"$1" --list | awk -F '\t' -v s="${CK_RUN_SUITE:-}" -v c="${CK_RUN_CASE:-}" \
		'(s == "" || $1 == s) && (c == "" || $2 == c) { found = 1 } END { exit !found }'
}

if [ "${1:-}" = --has ]; then
	has "$2"
	exit
fi
[ -n "${CK_RUN_SUITE:-}${CK_RUN_CASE:-}" ] || exit 0
for bin; do
	has "$bin" && exit 0
done
echo "no test program here has${CK_RUN_SUITE:+ suite $CK_RUN_SUITE}${CK_RUN_SUITE:+${CK_RUN_CASE:+ with}}${CK_RUN_CASE:+ case $CK_RUN_CASE}; their suites and cases are:" >&2
for bin; do
	echo "  $(basename "$bin"):" >&2
	"$bin" --list | sed 's/^/    /' >&2
done
exit 1
