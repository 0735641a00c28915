#!/bin/sh
# The Debian packages kvalind and kvalind-hub on this machine (as root; make
# check-deb).
#
# kvalind: what is in the .deb, then dpkg -i, the user, the state directory,
# the configuration's ownership and conffile status, `systemd-analyze
# verify` and `security` of the unit, kvalind run as the kvalind user with
# the shipped configuration (and under the W^X rule MemoryDenyWriteExecute=
# stands for), an edited configuration kept across a reinstall and two
# upgrades, a new example configuration installed with the right ownership,
# then dpkg -r and dpkg --purge and what each leaves.
#
# kvalind-hub, the same, installed while kvalind is not (the hub needs
# nothing of the office's package): what is in the .deb (no file shared with
# kvalind), its user, CA and data directories, its unit; then, as the
# kvalind-hub user with the shipped configuration pointed at a throwaway
# PostgreSQL: init-ca, register, serve (under the W^X rule) answering an
# office's certificate and refusing a client without one, list, and SIGTERM;
# a reinstall and upgrades keep the edited configuration, the CA and what
# register issued; kvalind installed beside it; dpkg -r keeps configuration
# and data, dpkg --purge removes them and leaves kvalind alone.
#
# It installs and purges both packages; it refuses to run when either is
# installed already (KV_CHECK_DEB_FORCE=1 to purge them anyway). One
# check-deb runs on a machine at a time: another (from another clone) waits
# for the lock /run/lock/kvalind-check-deb.lock, saying so.
# No FILTER (KV_FILTER): one install, upgrade, remove and purge of both packages, in order.
# Usage: sh tests/check_deb.sh BUILD_DIR VERSION
set -u
b=$1 version=$2
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/lib/suite.sh"
suite_no_filter deb "one install, upgrade, remove and purge of both packages, in order"
arch=$(dpkg --print-architecture)
deb=$(cd "$b" && pwd)/kvalind_${version}_${arch}.deb
hubdeb=$(cd "$b" && pwd)/kvalind-hub_${version}_${arch}.deb
CONF=/etc/kvalind/kvalind.ini SECRETS=/etc/kvalind/secrets.ini STATE=/var/lib/kvalind
UNIT=/lib/systemd/system/kvalind.service
HUBCONF=/etc/kvalind-hub/hub.ini HUBCA=/etc/kvalind-hub/ca HUBDATA=/var/lib/kvalind-hub
HUBUNIT=/lib/systemd/system/kvalind-hub.service
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
status=0

say() { echo "check-deb: $*"; }
fail() { echo "check-deb: FAIL: $*" >&2; status=1; }
# must DESCRIPTION COMMAND...: run it, fail with its output when it fails.
must() {
	what=$1
	shift
	if ! "$@" > "$tmp/out" 2>&1; then
		fail "$what: $* failed:"
		sed 's/^/    /' "$tmp/out" >&2
		return 1
	fi
}
mode_of() { stat -c '%a %U %G' "$1" 2> /dev/null || echo missing; }
expect_mode() {
	got=$(mode_of "$1")
	[ "$got" = "$2" ] || fail "$1 is \"$got\", expected \"$2\""
}
# installed [PACKAGE]: dpkg's status of it (default kvalind): ii, rc, ...
installed() { dpkg-query -W -f='${db:Status-Abbrev}' "${1:-kvalind}" 2> /dev/null | cut -c1-2; }
# dpkg knows the package: installed, half-installed or its configuration left.
present() { case "$(installed "${1:-kvalind}")" in "" | un) return 1 ;; *) return 0 ;; esac; }
as_kvalind() { runuser -u kvalind -- "$@"; }
as_hub() { runuser -u kvalind-hub -- "$@"; }
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

[ "$(id -u)" -eq 0 ] || { echo "check-deb: run as root (it installs the packages)" >&2; exit 1; }
# The packages, their users and /etc, /var/lib are the machine's: one run at a time.
lockdir=/run/lock
[ -d "$lockdir" ] || lockdir=/var/lock
lock=$lockdir/kvalind-check-deb.lock
exec 9>> "$lock"
if ! flock -n 9; then
	say "another check-deb is running on this machine; waiting for it to end ($lock)"
	flock 9 || { echo "check-deb: cannot lock $lock" >&2; exit 1; }
fi
for f in "$deb" "$hubdeb"; do
	[ -f "$f" ] || { echo "check-deb: $f is missing (make deb)" >&2; exit 1; }
done
for p in kvalind kvalind-hub; do
	if present "$p" && [ "${KV_CHECK_DEB_FORCE:-}" != 1 ]; then
		echo "check-deb: the package $p is installed here; not touching it" \
			"(KV_CHECK_DEB_FORCE=1 purges it)" >&2
		exit 1
	fi
done
tmp=$(mktemp -d)
pgdir=
daemon_pid=
hub_pid=
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2> /dev/null
	[ -n "$hub_pid" ] && kill "$hub_pid" 2> /dev/null
	for p in kvalind-hub kvalind; do
		if present "$p"; then dpkg --purge "$p" > /dev/null 2>&1; fi
	done
	if [ -n "$pgdir" ]; then
		pg_stop
		rm -rf "$pgdir"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
for p in kvalind-hub kvalind; do
	if present "$p"; then dpkg --purge "$p" > /dev/null; fi
done
# The users kvalind and kvalind-hub reach files made here.
chmod 0755 "$tmp"

# The kernel's W^X rule, which MemoryDenyWriteExecute= stands for:
# "$mdwe PROGRAM ARGS" sets PR_SET_MDWE (Linux 6.3+), inherited across
# execve, and runs PROGRAM. Empty where the kernel lacks it.
mdwe=
if command -v cc > /dev/null 2>&1; then
	cat > "$tmp/mdwe.c" << 'EOF'
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	(void)argc;
	if (prctl(65 /* PR_SET_MDWE */, 1 /* PR_MDWE_REFUSE_EXEC_GAIN */, 0, 0, 0) != 0) {
		perror("prctl(PR_SET_MDWE)");
		return 77;
	}
	execv(argv[1], argv + 1);
	perror("execv");
	return 126;
}
EOF
	if cc -o "$tmp/mdwe" "$tmp/mdwe.c" 2> /dev/null; then
		chmod 0755 "$tmp/mdwe"
		"$tmp/mdwe" /bin/true 2> /dev/null && mdwe=$tmp/mdwe
	fi
fi
[ -n "$mdwe" ] ||
	say "PR_SET_MDWE is not available on this kernel (or no cc); W^X checked statically only"

# wx_static DIR: no ELF file of the unpacked package DIR, nor a library
# they load, nor an ODBC driver, may want an executable stack or text
# relocations (MemoryDenyWriteExecute=yes refuses writable+executable
# memory). Sets n_elf.
wx_static() {
	{
		find "$1" -type f \( -name '*.so' -o -path '*/usr/bin/*' \)
		ldd "$1"/usr/bin/* "$1"/usr/lib/*/*/*.so 2> /dev/null |
			sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'
		sed -n 's/^Driver[ \t]*=[ \t]*//p' /etc/odbcinst.ini 2> /dev/null | while read -r d; do
			case "$d" in /*) echo "$d" ;; *) ls /usr/lib/*/odbc/"$d" 2> /dev/null ;; esac
		done
	} | sort -u > "$tmp/elfs"
	n_elf=0
	while read -r f; do
		[ -f "$f" ] || continue
		n_elf=$((n_elf + 1))
		readelf -lW "$f" | grep -q 'GNU_STACK.* RWE ' && fail "$f wants an executable stack"
		readelf -dW "$f" | grep -q 'TEXTREL' && fail "$f has text relocations"
	done < "$tmp/elfs"
}

# verify_unit UNIT: systemd-analyze works without systemd as PID 1: verify
# loads the unit, its ExecStart binary and its Documentation= man pages;
# the sandbox's exposure score (0 best, 10 worst) must be 2.5 at most.
verify_unit() {
	if command -v systemd-analyze > /dev/null 2>&1; then
		systemd-analyze verify "$1" > "$tmp/verify" 2>&1
		rc=$?
		say "systemd-analyze verify $1: exit $rc, output:"
		sed 's/^/    /' "$tmp/verify"
		[ $rc -eq 0 ] && [ ! -s "$tmp/verify" ] || fail "systemd-analyze verify does not accept $1"
		systemd-analyze security --offline=yes --threshold=25 "$1" > "$tmp/security" 2>&1 ||
			fail "systemd-analyze security $1: exposure above 2.5 (or it failed):"
		say "systemd-analyze security: $(grep 'Overall exposure' "$tmp/security")"
		grep -q '^✗' "$tmp/security" && grep '^✗' "$tmp/security" | sed 's/^/    /'
	else
		fail "systemd-analyze is missing (apt-get install systemd)"
	fi
}

# check_contents DEB CONFFILE: all root:root, nothing writable by group or
# others, the configuration -rw-r-----, nothing under /usr/local or
# /usr/include. Leaves the listing in $tmp/contents.
check_contents() {
	dpkg-deb --contents "$1" > "$tmp/contents"
	awk '$2 != "root/root" { print "    " $0 }' "$tmp/contents" > "$tmp/notroot"
	[ -s "$tmp/notroot" ] && { fail "$(basename "$1"): files not owned by root:"; cat "$tmp/notroot" >&2; }
	awk '$1 ~ /^.....w/ || $1 ~ /^........w/ { print "    " $0 }' "$tmp/contents" > "$tmp/writable"
	[ -s "$tmp/writable" ] &&
		{ fail "$(basename "$1"): files writable by group or others:"; cat "$tmp/writable" >&2; }
	grep -q "^-rw-r----- .* \\.$2\$" "$tmp/contents" || fail "$2 is not -rw-r----- in $(basename "$1")"
	grep -Eq ' \./usr/local/| \./usr/include/' "$tmp/contents" &&
		fail "$(basename "$1") has files under /usr/local or /usr/include"
	say "$(basename "$1"): $(grep -c '^-' "$tmp/contents") files, all root:root, none writable by group or others"
}

# check_man_pages PAGE.gz...: man formats each without a warning, and none
# names /usr/local.
check_man_pages() {
	for m in "$@"; do
		zcat "$m" > "$tmp/page"
		MANWIDTH=80 man --warnings -E UTF-8 -l "$tmp/page" > /dev/null 2> "$tmp/manwarn"
		[ -s "$tmp/manwarn" ] && { fail "man warns about $m:"; cat "$tmp/manwarn" >&2; }
		grep -q '/usr/local' "$tmp/page" && fail "$m names /usr/local paths"
	done
}

# bump DEB N CHANGE_EXAMPLE CONF: the path of a package of version
# VERSION+checkdebN made from DEB, whose example configuration CONF gained
# a line if CHANGE_EXAMPLE is yes.
bump() {
	rm -rf "$tmp/stage$2"
	dpkg-deb -R "$1" "$tmp/stage$2"
	v2="$version+checkdeb$2"
	name=$(dpkg-deb --field "$1" Package)
	sed -i "s/^Version: .*/Version: $v2/" "$tmp/stage$2/DEBIAN/control"
	if [ "$3" = yes ]; then
		echo "; new in $v2" >> "$tmp/stage$2$4"
		(cd "$tmp/stage$2" && find . -path ./DEBIAN -prune -o -type f -print |
			sed 's|^\./||' | sort | xargs md5sum) > "$tmp/stage$2/DEBIAN/md5sums"
	fi
	dpkg-deb --root-owner-group --build "$tmp/stage$2" "$tmp/${name}_${v2}_$arch.deb" > /dev/null &&
		echo "$tmp/${name}_${v2}_$arch.deb"
}

# check_system_user NAME HOME: a system user without a login shell, and its
# group.
check_system_user() {
	pw=$(getent passwd "$1") || fail "no user $1"
	uid=$(echo "$pw" | cut -d: -f3)
	[ "${uid:-1000}" -lt 1000 ] || fail "$1 is not a system user (uid $uid)"
	[ "$(echo "$pw" | cut -d: -f6)" = "$2" ] || fail "$1's home is not $2: $pw"
	case "$(echo "$pw" | cut -d: -f7)" in
	*/nologin | /bin/false) ;;
	*) fail "$1 has a login shell: $pw" ;;
	esac
	getent group "$1" > /dev/null || fail "no group $1"
	say "user: $pw"
}

# ===========================================================================
# kvalind
# ===========================================================================

# ---- 1. the .deb itself ---------------------------------------------------
say "package $deb"
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = kvalind ] || fail "Package is \"$(field Package)\""
[ "$(field Version)" = "$version" ] || fail "Version is \"$(field Version)\", expected $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is \"$(field Architecture)\""
depends=$(field Depends)
say "Depends: $depends"
for lib in libc6 libinih1 libpq5 libodbc2 libcurl4 libssl3 adduser; do
	echo "$depends" | grep -Eq "(^|, )$lib( |,|$)" || fail "Depends lacks $lib"
done
conffiles=$(dpkg-deb --info "$deb" conffiles)
[ "$conffiles" = "$CONF" ] || fail "conffiles is \"$conffiles\", expected $CONF"
check_contents "$deb" "$CONF"
for p in ./usr/bin/kvalind ./usr/lib/kvalind/connectors/reference.so \
	./usr/lib/kvalind/indicators/diabetes.so ./usr/share/kvalind/valuesets.txt \
	./etc/kvalind/kvalind.ini ./lib/systemd/system/kvalind.service \
	./usr/share/man/man8/kvalind.8.gz ./usr/share/man/man5/kvalind.ini.5.gz; do
	grep -q " $p\$" "$tmp/contents" || fail "the package lacks $p"
done
awk '/^-/ { print $NF }' "$tmp/contents" | sort > "$tmp/files.kvalind"

mkdir "$tmp/x" "$tmp/ctl"
dpkg-deb -x "$deb" "$tmp/x" && dpkg-deb -e "$deb" "$tmp/ctl"
for s in postinst prerm postrm; do
	must "maintainer script $s" sh -n "$tmp/ctl/$s"
done
grep -q '/usr/local' "$tmp/x/etc/kvalind/kvalind.ini" &&
	fail "the shipped kvalind.ini names /usr/local paths"
check_man_pages "$tmp/x/usr/share/man/man8/kvalind.8.gz" "$tmp/x/usr/share/man/man5/kvalind.ini.5.gz"

# MemoryDenyWriteExecute=yes refuses writable+executable memory: no ELF
# file kvalind maps (binary, plugins, the libraries they load, the ODBC
# drivers) may want an executable stack or text relocations.
wx_static "$tmp/x"
say "$n_elf ELF files (kvalind, plugins, their libraries, ODBC drivers): no executable stack, no text relocations"

# ---- 2. install -------------------------------------------------------------
say "dpkg -i $(basename "$deb")"
must "first installation" dpkg -i "$deb" || exit 1
[ "$(installed)" = ii ] || fail "kvalind is not installed after dpkg -i ($(installed))"
check_system_user kvalind "$STATE"
expect_mode "$STATE" "750 kvalind kvalind"
expect_mode "$CONF" "640 root kvalind"
expect_mode "$SECRETS" "600 kvalind kvalind"
expect_mode /usr/lib/kvalind/connectors "755 root root"
dpkg-query -W -f='${Conffiles}\n' kvalind | grep -q "^ $CONF " || fail "$CONF is not a conffile"
dpkg-statoverride --list "$CONF" > /dev/null || fail "no stat override for $CONF"
must "dpkg --verify" dpkg --verify kvalind
ls /etc/systemd/system/*.wants/kvalind.service > /dev/null 2>&1 &&
	fail "kvalind.service was enabled by the installation"
[ -f "$UNIT" ] || fail "$UNIT is not installed"
verify_unit "$UNIT"

# ---- 3. kvalind as the kvalind user, shipped configuration ---------------------
v=$(as_kvalind kvalind --version 2>&1)
[ "$v" = "kvalind ${version%%+*} (plugin ABI $(echo "$v" | sed -n 's/.*ABI \([0-9.]*\)).*/\1/p'))" ] ||
	fail "kvalind --version as kvalind said: $v"
say "$v"
# Plugins load from /usr/lib/kvalind and pass the ownership checks.
must "list-plugins as kvalind" as_kvalind kvalind list-plugins &&
	say "list-plugins: $(grep -c . "$tmp/out") lines, $(grep -c 'reference\|indicator' "$tmp/out") plugins or indicators"
# The shipped configuration is valid as far as it goes...
as_kvalind kvalind check-config > "$tmp/cc" 2>&1
rc=$?
say "check-config as kvalind with the shipped configuration: exit $rc"
sed 's/^/    /' "$tmp/cc"
[ $rc -eq 0 ] || [ $rc -eq 3 ] || fail "check-config exit status $rc"
# ...but names a database that is not there: a clear error, no crash.
as_kvalind kvalind inspect > "$tmp/inspect" 2>&1
rc=$?
say "inspect as kvalind with the shipped configuration: exit $rc"
sed 's/^/    /' "$tmp/inspect"
[ $rc -eq 1 ] || fail "inspect with an unconfigured database exited $rc, expected 1"
grep -q 'kvalind: error: .*\(connect\|database\|reference\)' "$tmp/inspect" ||
	fail "inspect did not say clearly that the database could not be reached"
# status reads the (empty) state directory.
as_kvalind kvalind status > "$tmp/status" 2>&1
rc=$?
say "status as kvalind: exit $rc"
sed 's/^/    /' "$tmp/status"
[ $rc -eq 0 ] || fail "kvalind status exited $rc"

# The W^X rule of MemoryDenyWriteExecute=, for real: every plugin
# dlopen()ed (with libpq and libodbc) under PR_SET_MDWE.
if [ -n "$mdwe" ]; then
	if as_kvalind "$mdwe" /usr/bin/kvalind list-plugins > "$tmp/mdwe.out" 2>&1; then
		say "list-plugins under PR_SET_MDWE (W^X, as MemoryDenyWriteExecute=yes): every plugin loads"
	else
		fail "kvalind list-plugins under PR_SET_MDWE (W^X) failed:"
		sed 's/^/    /' "$tmp/mdwe.out" >&2
	fi
fi

# The daemon as the unit starts it (without the sandbox): it takes its lock
# in the state directory, keeps running with the database down, and stops
# with exit status 0 on SIGTERM.
# setpriv execs kvalind itself (runuser would stay in between as parent).
setpriv --reuid=kvalind --regid=kvalind --init-groups \
	/usr/bin/kvalind daemon --config "$CONF" > "$tmp/daemon.log" 2>&1 &
daemon_pid=$!
sleep 2
if kill -0 "$daemon_pid" 2> /dev/null; then
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	say "kvalind daemon as kvalind: ran, SIGTERM, exit $rc"
	[ $rc -eq 0 ] || fail "kvalind daemon exited $rc on SIGTERM"
else
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	fail "kvalind daemon as kvalind ended by itself with exit $rc"
fi
sed 's/^/    /' "$tmp/daemon.log"
[ -f "$STATE/daemon.lock" ] && expect_mode "$STATE/daemon.lock" "600 kvalind kvalind"

# ---- 4. an edited configuration survives; a new example arrives ------------
mark="; edited by check-deb $$"
echo "$mark" >> "$CONF"
say "dpkg -i $(basename "$deb") again, over an edited $CONF"
must "reinstallation" dpkg -i "$deb"
grep -qx "$mark" "$CONF" || fail "the edit of $CONF was lost on reinstallation"
expect_mode "$CONF" "640 root kvalind"

# Packages of later versions from the same tree.
deb1=$(bump "$deb" 1 no "$CONF") || { fail "could not build a version-bumped package"; exit 1; }
say "upgrade to $(dpkg-deb --field "$deb1" Version) (same example configuration)"
must "upgrade 1" dpkg -i "$deb1"
grep -qx "$mark" "$CONF" || fail "the edit of $CONF was lost on upgrade"
expect_mode "$CONF" "640 root kvalind"
[ -e "$CONF.dpkg-dist" ] && fail "$CONF.dpkg-dist appeared though the example did not change"

deb2=$(bump "$deb" 2 yes "$CONF") || { fail "could not build a version-bumped package"; exit 1; }
say "upgrade to $(dpkg-deb --field "$deb2" Version) (changed example; --force-confdef --force-confold, as unattended apt)"
must "upgrade 2" dpkg --force-confdef --force-confold -i "$deb2"
grep -qx "$mark" "$CONF" || fail "the edit of $CONF was lost on upgrade with a new example"
[ -f "$CONF.dpkg-dist" ] && grep -q "^; new in $version+checkdeb2" "$CONF.dpkg-dist" ||
	fail "the new example is not in $CONF.dpkg-dist"
expect_mode "$CONF" "640 root kvalind"

# An unedited configuration is replaced by a new example, which must then be
# readable by the daemon again (the stat override).
cp "$CONF.dpkg-dist" "$CONF" && rm -f "$CONF.dpkg-dist"
deb3=$(bump "$deb" 3 yes "$CONF") || { fail "could not build a version-bumped package"; exit 1; }
say "upgrade to $(dpkg-deb --field "$deb3" Version) (changed example over an unedited configuration)"
must "upgrade 3" dpkg -i "$deb3"
grep -q "^; new in $version+checkdeb3" "$CONF" || fail "the new example did not replace the unedited $CONF"
expect_mode "$CONF" "640 root kvalind"
expect_mode "$SECRETS" "600 kvalind kvalind"

# ---- 5. remove, purge ---------------------------------------------------------
echo "state of check-deb" > "$STATE/check-deb-file"
chown kvalind:kvalind "$STATE/check-deb-file"
say "dpkg -r kvalind"
must "removal" dpkg -r kvalind
[ "$(installed)" = rc ] || fail "after dpkg -r the package state is \"$(installed)\", expected rc"
[ -e /usr/bin/kvalind ] && fail "/usr/bin/kvalind remains after dpkg -r"
[ -e "$UNIT" ] && fail "$UNIT remains after dpkg -r"
[ -f "$CONF" ] || fail "$CONF was removed by dpkg -r (only purge removes it)"
[ -f "$STATE/check-deb-file" ] || fail "$STATE was removed by dpkg -r (only purge removes it)"

say "dpkg --purge kvalind"
must "purge" dpkg --purge kvalind
present && fail "kvalind is still known to dpkg after purge ($(installed))"
for p in /etc/kvalind "$STATE" "$UNIT" /usr/lib/kvalind /usr/share/kvalind \
	/etc/systemd/system/kvalind.service; do
	[ -e "$p" ] || [ -L "$p" ] && fail "$p remains after purge"
done
dpkg-statoverride --list "$CONF" > /dev/null 2>&1 && fail "the stat override of $CONF remains"
getent passwd kvalind > /dev/null || fail "purge removed the user kvalind (it is to stay)"
say "after purge: no files remain; the system user and group kvalind stay (Debian practice)"

# ===========================================================================
# kvalind-hub (kvalind is not installed now)
# ===========================================================================

# ---- 6. the .deb itself -------------------------------------------------------
say "package $hubdeb"
hfield() { dpkg-deb --field "$hubdeb" "$1"; }
[ "$(hfield Package)" = kvalind-hub ] || fail "Package is \"$(hfield Package)\""
[ "$(hfield Version)" = "$version" ] || fail "Version is \"$(hfield Version)\", expected $version"
[ "$(hfield Architecture)" = "$arch" ] || fail "Architecture is \"$(hfield Architecture)\""
depends=$(hfield Depends)
say "Depends: $depends"
# The runtime libraries of libmicrohttpd, GnuTLS, json-c, libpq and GSL
# (libgsl27 brings libgslcblas0), as Debian 12 names them; not the office's
# package, nor ODBC.
for lib in libc6 libmicrohttpd12 libgnutls30 libjson-c5 libpq5 libgsl27 adduser; do
	echo "$depends" | grep -Eq "(^|, )$lib( |,|$)" || fail "Depends lacks $lib"
done
for p in kvalind libodbc2; do
	echo "$depends" | grep -Eq "(^|, )$p( |,|$)" && fail "Depends has $p, which the hub does not need"
done
conffiles=$(dpkg-deb --info "$hubdeb" conffiles)
[ "$conffiles" = "$HUBCONF" ] || fail "conffiles is \"$conffiles\", expected $HUBCONF"
check_contents "$hubdeb" "$HUBCONF"
for p in ./usr/bin/kvalind-hub ./usr/lib/kvalind-hub/indicators/diabetes.so \
	./etc/kvalind-hub/hub.ini ./lib/systemd/system/kvalind-hub.service \
	./usr/share/man/man8/kvalind-hub.8.gz; do
	grep -q " $p\$" "$tmp/contents" || fail "the package lacks $p"
done
# Its own copy of every indicator plugin kvalind ships; no file of both.
awk '/^-/ { print $NF }' "$tmp/contents" | sort > "$tmp/files.hub"
sed -n 's|^\./usr/lib/kvalind/indicators/||p' "$tmp/files.kvalind" > "$tmp/ind.kvalind"
sed -n 's|^\./usr/lib/kvalind-hub/indicators/||p' "$tmp/files.hub" > "$tmp/ind.hub"
cmp -s "$tmp/ind.kvalind" "$tmp/ind.hub" ||
	fail "the hub's indicator plugins differ from kvalind's: $(diff "$tmp/ind.kvalind" "$tmp/ind.hub" | tr '\n' ' ')"
shared=$(comm -12 "$tmp/files.kvalind" "$tmp/files.hub" | tr '\n' ' ')
[ -n "$shared" ] && fail "files in both kvalind and kvalind-hub: $shared"
say "$(wc -l < "$tmp/ind.hub") indicator plugins of its own; no file shared with kvalind"

mkdir "$tmp/hx" "$tmp/hctl"
dpkg-deb -x "$hubdeb" "$tmp/hx" && dpkg-deb -e "$hubdeb" "$tmp/hctl"
for s in postinst prerm postrm; do
	must "maintainer script $s of kvalind-hub" sh -n "$tmp/hctl/$s"
done
grep -q '/usr/local' "$tmp/hx$HUBCONF" && fail "the shipped hub.ini names /usr/local paths"
check_man_pages "$tmp/hx/usr/share/man/man8/kvalind-hub.8.gz"
wx_static "$tmp/hx"
say "$n_elf ELF files (kvalind-hub, plugins, their libraries): no executable stack, no text relocations"

# ---- 7. install, without kvalind ------------------------------------------------
say "dpkg -i $(basename "$hubdeb") (kvalind is not installed)"
must "first installation of kvalind-hub" dpkg -i "$hubdeb" || exit 1
[ "$(installed kvalind-hub)" = ii ] ||
	fail "kvalind-hub is not installed after dpkg -i ($(installed kvalind-hub))"
check_system_user kvalind-hub "$HUBDATA"
expect_mode "$HUBCONF" "640 root kvalind-hub"
expect_mode "$HUBCA" "700 kvalind-hub kvalind-hub"
expect_mode "$HUBDATA" "750 kvalind-hub kvalind-hub"
expect_mode "$HUBDATA/issued" "700 kvalind-hub kvalind-hub"
expect_mode /usr/lib/kvalind-hub/indicators "755 root root"
dpkg-query -W -f='${Conffiles}\n' kvalind-hub | grep -q "^ $HUBCONF " ||
	fail "$HUBCONF is not a conffile"
dpkg-statoverride --list "$HUBCONF" > /dev/null || fail "no stat override for $HUBCONF"
must "dpkg --verify kvalind-hub" dpkg --verify kvalind-hub
ls /etc/systemd/system/*.wants/kvalind-hub.service > /dev/null 2>&1 &&
	fail "kvalind-hub.service was enabled by the installation"
[ -f "$HUBUNIT" ] || fail "$HUBUNIT is not installed"
verify_unit "$HUBUNIT"
# What the unit sets, beyond what verify and security see.
for line in User=kvalind-hub Restart=on-failure CapabilityBoundingSet= NoNewPrivileges=yes \
	ProtectSystem=strict PrivateTmp=yes MemoryDenyWriteExecute=yes \
	'ExecStart=/usr/bin/kvalind-hub serve --config /etc/kvalind-hub/hub.ini'; do
	grep -qx -- "$line" "$HUBUNIT" || fail "$HUBUNIT lacks the line $line"
done
grep -q '^ReadWritePaths=' "$HUBUNIT" && fail "$HUBUNIT makes paths writable; serve writes none"
grep -q '^InaccessiblePaths=.*/etc/kvalind-hub/ca/ca.key' "$HUBUNIT" ||
	fail "$HUBUNIT does not hide the CA key from serve"

# ---- 8. the hub as kvalind-hub: shipped configuration, a real database -----------
v=$(as_hub kvalind-hub version 2>&1)
case "$v" in
"kvalind-hub ${version%%+*} "*) say "$v" ;;
*) fail "kvalind-hub version as kvalind-hub said: $v" ;;
esac
# The shipped configuration as it is: valid.
must "check-config as kvalind-hub with the shipped configuration" as_hub kvalind-hub check-config &&
	say "check-config as kvalind-hub: $(cat "$tmp/out")"

# A throwaway PostgreSQL (tests/lib/pg.sh) with the role kvalind-hub owning
# the database kvalind_hub, as the README has the administrator make them,
# and, as Debian's PostgreSQL has it, peer authentication on its Unix socket:
# the hub reaches it as the shipped dsn does, with no user and no password.
. "$src/tests/lib/pg.sh"
pg_free_port() { free_port; }
pgdir=$(mktemp -d)
chmod 0755 "$pgdir"
pg_start "$pgdir/pg" || { fail "could not start a throwaway PostgreSQL (apt-get install postgresql)"; exit 1; }
pgport=$PGPORT
unset PGHOST PGPORT PGUSER
pg_sql() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pgport" -U postgres -d "$1" -c "$2"; }
must "CREATE ROLE" pg_sql postgres 'CREATE ROLE "kvalind-hub" LOGIN' || exit 1
must "CREATE DATABASE" pg_sql postgres 'CREATE DATABASE kvalind_hub OWNER "kvalind-hub"' || exit 1
hba=$pgdir/pg/data/pg_hba.conf
{ echo "local all all peer"; grep -v '^local' "$hba"; } > "$tmp/hba" && cat "$tmp/hba" > "$hba"
must "pg_ctl reload" pg_run "$PG_BIN/pg_ctl" -D "$pgdir/pg/data" reload || exit 1
# In effect once root may no longer connect over the socket as postgres.
i=0
while psql -X -q -h "$pgdir/pg" -p "$pgport" -U postgres -d postgres -c 'SELECT 1' > /dev/null 2>&1 &&
	[ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -lt 300 ] || fail "peer authentication did not take effect in the throwaway PostgreSQL"

# The administrator's edits: the database's socket, a free port on
# loopback, a mark.
hubport=$(free_port)
hubmark="; edited by check-deb $$"
sed -i -e "s|^;listen_address = .*|listen_address = 127.0.0.1|" -e "s|^;port = .*|port = $hubport|" \
	-e "s|^dsn = host=/var/run/postgresql |dsn = host=$pgdir/pg port=$pgport |" "$HUBCONF"
grep -q "^dsn = host=$pgdir/pg port=$pgport dbname=kvalind_hub\$" "$HUBCONF" ||
	fail "the shipped dsn is not \"host=/var/run/postgresql dbname=kvalind_hub\": $(grep '^dsn' "$HUBCONF")"
echo "$hubmark" >> "$HUBCONF"
expect_mode "$HUBCONF" "640 root kvalind-hub"
must "check-config of the edited configuration" as_hub kvalind-hub check-config

# The CA, as the README makes it: files of kvalind-hub, keys 0600.
must "init-ca as kvalind-hub" as_hub kvalind-hub init-ca "$HUBCA" --server-name 127.0.0.1 \
	--server-name localhost || exit 1
expect_mode "$HUBCA/ca.key" "600 kvalind-hub kvalind-hub"
expect_mode "$HUBCA/server.key" "600 kvalind-hub kvalind-hub"
for f in ca.pem server.pem; do
	[ "$(stat -c %U "$HUBCA/$f")" = kvalind-hub ] || fail "$HUBCA/$f is not kvalind-hub's"
done
# An office, its certificate issued into data_dir/issued (the schema is
# created on the way).
office=check-deb-office
must "register as kvalind-hub" as_hub kvalind-hub register "$office" --group region:check-deb ||
	exit 1
issued=$HUBDATA/issued/$office
expect_mode "$issued/$office.key" "600 kvalind-hub kvalind-hub"
[ -f "$issued/$office.pem" ] && [ -f "$issued/ca.pem" ] || fail "register did not write $issued/*.pem"
say "init-ca and register as kvalind-hub: $(ls "$HUBCA" | tr '\n' ' ')and $issued"

# serve as the unit starts it: its user, no way to gain privileges, no
# capabilities, the W^X rule (not the rest of the sandbox: that needs systemd
# as PID 1). TLS files, the port, the indicator plugins of
# /usr/lib/kvalind-hub, the database; then "listening".
setpriv --reuid=kvalind-hub --regid=kvalind-hub --init-groups --no-new-privs \
	--bounding-set=-all --inh-caps=-all $mdwe \
	/usr/bin/kvalind-hub serve --config "$HUBCONF" > "$tmp/hub.log" 2>&1 &
hub_pid=$!
i=0
while ! grep -q 'listening on' "$tmp/hub.log" && kill -0 "$hub_pid" 2> /dev/null && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q 'listening on' "$tmp/hub.log"; then
	say "serve as kvalind-hub, no capabilities${mdwe:+, under PR_SET_MDWE}: $(grep 'listening on' "$tmp/hub.log")"
	# A registered office's certificate gets through TLS to the hub's
	# validation: an empty POST is refused with a 4xx that is not about who
	# it is (401/403).
	code=$(curl -s -o "$tmp/reply" -w '%{http_code}' --max-time 60 --cacert "$HUBCA/ca.pem" \
		--cert "$issued/$office.pem" --key "$issued/$office.key" \
		-X POST "https://127.0.0.1:$hubport/extracts")
	say "an empty POST with $office's certificate: HTTP $code: $(head -c 200 "$tmp/reply")"
	case "$code" in
	401 | 403) fail "the hub did not accept $office's certificate (HTTP $code)" ;;
	4[0-9][0-9]) ;;
	*) fail "an empty POST got HTTP $code, expected a 4xx refusal" ;;
	esac
	# Without a client certificate nothing is served.
	code=$(curl -s -o "$tmp/reply" -w '%{http_code}' --max-time 60 --cacert "$HUBCA/ca.pem" \
		-X POST "https://127.0.0.1:$hubport/extracts")
	say "the same without a client certificate: HTTP $code"
	case "$code" in
	2[0-9][0-9]) fail "the hub answered a client without a certificate with HTTP $code" ;;
	esac
	must "list as kvalind-hub" as_hub kvalind-hub list &&
		{ grep -q '^list: 0 extracts' "$tmp/out" || fail "list: $(tail -1 "$tmp/out")"; }
	kill -TERM "$hub_pid"
	wait "$hub_pid"
	rc=$?
	hub_pid=
	say "serve: SIGTERM, exit $rc"
	[ $rc -eq 0 ] || fail "kvalind-hub serve exited $rc on SIGTERM"
else
	kill "$hub_pid" 2> /dev/null
	wait "$hub_pid"
	rc=$?
	hub_pid=
	fail "kvalind-hub serve as kvalind-hub did not start listening (exit $rc):"
fi
sed 's/^/    /' "$tmp/hub.log"

# ---- 9. reinstall and upgrades keep the configuration and the data --------------
sum_ca=$(md5sum < "$HUBCA/ca.key")
sum_issued=$(md5sum < "$issued/$office.key")
# keeps HUBCONF [WHEN]: the edit, the mode, the CA key and what register
# issued are all still there.
keeps() {
	grep -qx "$hubmark" "$HUBCONF" || fail "the edit of $HUBCONF was lost $1"
	expect_mode "$HUBCONF" "640 root kvalind-hub"
	[ "$(md5sum < "$HUBCA/ca.key" 2> /dev/null)" = "$sum_ca" ] || fail "the CA key changed $1"
	[ "$(md5sum < "$issued/$office.key" 2> /dev/null)" = "$sum_issued" ] ||
		fail "the key register issued changed $1"
	expect_mode "$HUBCA" "700 kvalind-hub kvalind-hub"
	expect_mode "$HUBDATA" "750 kvalind-hub kvalind-hub"
}
say "dpkg -i $(basename "$hubdeb") again, over an edited $HUBCONF"
must "reinstallation of kvalind-hub" dpkg -i "$hubdeb"
keeps "on reinstallation"

hdeb1=$(bump "$hubdeb" 11 no "$HUBCONF") || { fail "could not build a version-bumped package"; exit 1; }
say "upgrade to $(dpkg-deb --field "$hdeb1" Version) (same example configuration)"
must "upgrade 1 of kvalind-hub" dpkg -i "$hdeb1"
keeps "on upgrade"
[ -e "$HUBCONF.dpkg-dist" ] && fail "$HUBCONF.dpkg-dist appeared though the example did not change"

hdeb2=$(bump "$hubdeb" 12 yes "$HUBCONF") || { fail "could not build a version-bumped package"; exit 1; }
say "upgrade to $(dpkg-deb --field "$hdeb2" Version) (changed example; --force-confdef --force-confold)"
must "upgrade 2 of kvalind-hub" dpkg --force-confdef --force-confold -i "$hdeb2"
keeps "on upgrade with a new example"
[ -f "$HUBCONF.dpkg-dist" ] && grep -q "^; new in $version+checkdeb12" "$HUBCONF.dpkg-dist" ||
	fail "the new example is not in $HUBCONF.dpkg-dist"
rm -f "$HUBCONF.dpkg-dist"
must "check-config after the upgrades" as_hub kvalind-hub check-config

# ---- 10. kvalind beside it; remove and purge the hub --------------------------------
say "dpkg -i $(basename "$deb") beside kvalind-hub"
must "kvalind beside kvalind-hub" dpkg -i "$deb"
[ "$(installed kvalind)" = ii ] && [ "$(installed kvalind-hub)" = ii ] ||
	fail "kvalind and kvalind-hub are not both installed ($(installed kvalind), $(installed kvalind-hub))"
must "dpkg --verify of both" dpkg --verify kvalind kvalind-hub

echo "data of check-deb" > "$HUBDATA/check-deb-file"
chown kvalind-hub:kvalind-hub "$HUBDATA/check-deb-file"
say "dpkg -r kvalind-hub"
must "removal of kvalind-hub" dpkg -r kvalind-hub
[ "$(installed kvalind-hub)" = rc ] ||
	fail "after dpkg -r the state of kvalind-hub is \"$(installed kvalind-hub)\", expected rc"
[ -e /usr/bin/kvalind-hub ] && fail "/usr/bin/kvalind-hub remains after dpkg -r"
[ -e "$HUBUNIT" ] && fail "$HUBUNIT remains after dpkg -r"
[ -e /usr/lib/kvalind-hub ] && fail "/usr/lib/kvalind-hub remains after dpkg -r"
keeps "on dpkg -r (only purge removes it)"
[ -f "$HUBDATA/check-deb-file" ] || fail "$HUBDATA was emptied by dpkg -r (only purge removes it)"
[ "$(installed kvalind)" = ii ] || fail "removing kvalind-hub touched kvalind ($(installed kvalind))"
must "dpkg --verify kvalind after removing the hub" dpkg --verify kvalind

say "dpkg --purge kvalind-hub"
must "purge of kvalind-hub" dpkg --purge kvalind-hub
present kvalind-hub && fail "kvalind-hub is still known to dpkg after purge ($(installed kvalind-hub))"
for p in /etc/kvalind-hub "$HUBDATA" "$HUBUNIT" /usr/lib/kvalind-hub \
	/etc/systemd/system/kvalind-hub.service /usr/share/doc/kvalind-hub; do
	[ -e "$p" ] || [ -L "$p" ] && fail "$p remains after purge"
done
dpkg-statoverride --list "$HUBCONF" > /dev/null 2>&1 && fail "the stat override of $HUBCONF remains"
getent passwd kvalind-hub > /dev/null || fail "purge removed the user kvalind-hub (it is to stay)"
[ "$(installed kvalind)" = ii ] && [ -f /usr/lib/kvalind/indicators/diabetes.so ] ||
	fail "purging kvalind-hub touched kvalind"
must "purge of kvalind after the hub" dpkg --purge kvalind
say "after purge: no files of kvalind-hub remain; the system user and group kvalind-hub stay"

if [ $status -eq 0 ]; then say "all passed"; else say "FAILED"; fi
exit $status
