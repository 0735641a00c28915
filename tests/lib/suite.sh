# suite.sh - what the shell test suites share. Source it (sh or bash) after
# cd to the top of the checkout:
#
#   suite_skip NAME REASON [STATUS]   print "NAME: SKIP: REASON" and exit
#                            STATUS (default 0); in CI (CI=true) a skip is a
#                            failure: it says so and exits 1
#   suite_ci                 true in CI (CI=true, 1 or yes)
#   suite_reachable NAME SCRIPT [ARGS...]   (bash) the tests run PostgreSQL
#                            as postgres and daemons as nobody, which must
#                            read the build and conf/. Run as root from a
#                            checkout under a directory they cannot enter
#                            (/root is 0700 on Debian), it says so in one
#                            line and runs SCRIPT (its path from the top of
#                            the checkout) again from a bind mount of the
#                            checkout on a directory they can enter
#                            (/tmp/kvalind-src.XXXXXX, in a private mount
#                            namespace: nothing outlives the run), with
#                            ARGS and the environment pointed there, and
#                            exits with its status. Anywhere else it returns.
#   suite_preflight          (`make check` first) exit 1 at once, saying why
#                            and what to do, where suite_reachable could not
#                            help: as root from a closed checkout where no
#                            mount namespace can be made, or files others
#                            cannot read (umask 077)
#   free_port                a TCP port on 127.0.0.1 that nothing is bound
#                            to, at random below the kernel's ephemeral
#                            range (so no outgoing connection takes it while
#                            a server is down, and two suites running at
#                            once rarely pick the same one; start servers
#                            with a retry all the same)
#   wait_until SECONDS COMMAND...   run COMMAND every 0.1 s until it
#                            succeeds (0), or 1 after SECONDS times
#                            $KV_WAIT_SCALE (default 5): a bound for a hang,
#                            never a test of the machine's speed
#   wait_for FILE PATTERN [SECONDS]   wait_until grep finds PATTERN in FILE
#                            (default 30 s, scaled likewise)
#   suite_filter NAME SCRIPT [TEST...]   (at the start of a suite that
#                            takes a filter) with KV_FILTER set (make's
#                            FILTER=), exit 1 at once, listing the tests, if
#                            none matches it; the tests are the literal
#                            `suite_want "..."` names in SCRIPT and the TESTs
#                            (names made at run time: one per deck, say)
#   suite_want TEST          true if TEST is to run: always without a
#                            filter, else if TEST matches KV_FILTER (an
#                            extended regular expression, any case). Guard
#                            each test, or each chain of tests that share
#                            state, with it: if suite_want "sigterm ..."; then
#   suite_no_filter NAME WHY (a suite whose tests cannot run apart) with
#                            KV_FILTER set, say NAME takes no filter and why,
#                            and exit 1

suite_ci() {
	case ${CI:-} in true | 1 | yes) return 0 ;; *) return 1 ;; esac
}

suite_skip() {
	if suite_ci; then
		echo "$1: SKIP: $2"
		echo "$1: FAIL: CI=true, where a skipped suite is a failure"
		exit 1
	fi
	echo "$1: SKIP: $2"
	exit "${3:-0}"
}

# suite_others_read FILE: nobody (no groups) can read FILE
suite_others_read() {
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- test -r "$1" 2> /dev/null
}

# suite_closed_dir DIR: the first directory from / down to DIR that others
# cannot search (o+x missing), or nothing
suite_closed_dir() {
	_d=$1 _closed=
	while :; do
		case $(stat -c %A "$_d" 2> /dev/null) in
		?????????[xt]) ;;
		*) _closed=$_d ;;
		esac
		[ "$_d" = / ] && break
		_d=$(dirname "$_d")
	done
	echo "$_closed"
}

# suite_reach_state: "open" (others read the checkout, or not root: every
# test runs as this user), "closed DIR" (root; DIR, above the checkout, is
# closed to others; a mount namespace can be made) or "stuck: WHY" (no way
# round it here)
suite_reach_state() {
	[ "$(id -u)" = 0 ] || { echo open; return; }
	_top=$(pwd -P)
	suite_others_read "$_top/tests/lib/suite.sh" && { echo open; return; }
	case $(stat -c %A "$_top")/$(stat -c %A "$_top/tests/lib/suite.sh") in
	?????????[xt]/???????r??) ;;
	*)
		echo "stuck: the checkout $_top or its files are closed to other users (cloned with umask 077?); the tests' PostgreSQL and daemons run as postgres and nobody and must read them: chmod -R o+rX $_top"
		return
		;;
	esac
	_closed=$(suite_closed_dir "$_top")
	if [ -z "$_closed" ]; then
		echo "stuck: nobody cannot read $_top/tests/lib/suite.sh, though every directory above it is open to others (an ACL? a mount option?); the tests' PostgreSQL and daemons run as postgres and nobody and must read the checkout: clone it where they can"
	elif ! unshare -m --propagation private true 2> /dev/null; then
		echo "stuck: $_top lies under $_closed ($(stat -c %A "$_closed")), which other users cannot enter, and no mount namespace can be made here to reach it from elsewhere; the tests' PostgreSQL and daemons run as postgres and nobody and must read the build: clone into a directory others can enter (/srv, /opt, /tmp), or chmod o+x $_closed"
	else
		echo "closed $_closed"
	fi
}

suite_preflight() {
	_state=$(suite_reach_state)
	case $_state in
	stuck:*)
		echo "make check: ${_state#stuck: }" >&2
		exit 1
		;;
	closed*)
		_closed=${_state#closed }
		echo "make check: $(pwd -P) lies under $_closed ($(stat -c %A "$_closed")), which postgres and nobody cannot enter: the suites that run PostgreSQL and daemons as them run from a bind mount of it in /tmp (each says so)"
		;;
	esac
}

suite_reachable() {
	local name=$1 script=$2 top mnt closed state v
	shift 2
	[ -z "${KV_REACHABLE_FROM:-}" ] || return 0
	state=$(suite_reach_state)
	case $state in
	open) return 0 ;;
	stuck:*) echo "$name: FAIL: ${state#stuck: }"; exit 1 ;;
	esac
	top=$(pwd -P)
	closed=${state#closed }
	mnt=$(mktemp -d /tmp/kvalind-src.XXXXXX) || exit 1
	# shellcheck disable=SC2064
	trap "rmdir '$mnt' 2> /dev/null" EXIT
	chmod 755 "$mnt"
	echo "$name: $top lies under $closed ($(stat -c %A "$closed")), which the tests' postgres and nobody cannot enter: running from a bind mount of it at $mnt"
	# The environment and the arguments name the checkout by its path (make's
	# $(CURDIR): LSAN_OPTIONS' suppressions, LD_PRELOAD, KV_SOURCE_DIR...).
	local n=$#
	while [ "$n" -gt 0 ]; do
		v=$1
		shift
		case $v in "$top" | "$top"/*) v=$mnt${v#"$top"} ;; esac
		set -- "$@" "$v"
		n=$((n - 1))
	done
	# (rewritten once the mount is there: LD_PRELOAD names a file in it)
	KV_REACHABLE_FROM=$top unshare -m --propagation private -- /bin/bash -c '
		top=$1 mnt=$2 s=$3
		shift 3
		mount --bind "$top" "$mnt" && cd "$mnt" || exit 1
		for v in $(compgen -e); do
			case $v in PWD | OLDPWD | KV_REACHABLE_FROM | *[!A-Za-z0-9_]*) continue ;; esac
			val=${!v-}
			case $val in *"$top"*) export "$v=${val//"$top"/$mnt}" ;; esac
		done
		exec /bin/bash "$s" "$@"' suite-reachable "$top" "$mnt" "$script" "$@"
	exit $?
}

free_port() {
	/usr/bin/python3 -c '
import random, socket
lo = 32768
try:
    lo = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    pass
lo = max(lo, 2048)
for _ in range(1000):
    port = random.randrange(max(1024, lo - 16384), lo)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
'
}

wait_until() {
	_wu_n=$(($1 * ${KV_WAIT_SCALE:-5} * 10))
	shift
	while [ "$_wu_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_wu_n=$((_wu_n - 1))
	done
	return 1
}

wait_for() {
	wait_until "${3:-30}" grep -q -- "$2" "$1" 2> /dev/null
}

suite_want() {
	[ -z "${KV_FILTER:-}" ] || printf '%s\n' "$1" | grep -qiE -- "$KV_FILTER"
}

suite_filter() {
	[ -n "${KV_FILTER:-}" ] || return 0
	_names=$(
		sed -n 's/.*suite_want "\([^"$]*\)".*/\1/p' "$2"
		shift 2
		[ $# -eq 0 ] || printf '%s\n' "$@"
	)
	if printf '%s\n' "$_names" | grep -qiE -- "$KV_FILTER"; then
		echo "$1: FILTER=$KV_FILTER: running only$(printf '%s\n' "$_names" | grep -iE -- "$KV_FILTER" | sed 's/^/ "/; s/$/"/' | tr '\n' ',' | sed 's/,$//')"
		return 0
	fi
	echo "$1: FAIL: no test matches FILTER=$KV_FILTER; the tests are:"
	printf '%s\n' "$_names" | sed 's/^/  /'
	exit 1
}

suite_no_filter() {
	[ -n "${KV_FILTER:-}" ] || return 0
	echo "$1: FAIL: FILTER=$KV_FILTER, but this suite takes no filter: $2"
	exit 1
}
