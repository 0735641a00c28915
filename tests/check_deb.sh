#!/bin/sh
# The Debian package on this machine (as root; make check-deb): what is in
# the .deb, then dpkg -i, the user, the state directory, the configuration's
# ownership and conffile status, `systemd-analyze verify` and `security` of
# the unit, kvalind run as the kvalind user with the shipped configuration
# (and under the W^X rule MemoryDenyWriteExecute= stands for), an edited
# configuration kept across a reinstall and two upgrades, a new example
# configuration installed with the right ownership, then dpkg -r and
# dpkg --purge and what each leaves.
#
# It installs and purges the package kvalind; it refuses to run when kvalind
# is installed already (KV_CHECK_DEB_FORCE=1 to purge it anyway).
# Usage: sh tests/check_deb.sh BUILD_DIR VERSION
set -u
b=$1 version=$2
arch=$(dpkg --print-architecture)
deb=$(cd "$b" && pwd)/kvalind_${version}_${arch}.deb
CONF=/etc/kvalind/kvalind.ini SECRETS=/etc/kvalind/secrets.ini STATE=/var/lib/kvalind
UNIT=/lib/systemd/system/kvalind.service
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
installed() { dpkg-query -W -f='${db:Status-Abbrev}' kvalind 2> /dev/null | cut -c1-2; }
# dpkg knows kvalind: installed, half-installed or its configuration left.
present() { case "$(installed)" in "" | un) return 1 ;; *) return 0 ;; esac; }
as_kvalind() { runuser -u kvalind -- "$@"; }

[ "$(id -u)" -eq 0 ] || { echo "check-deb: run as root (it installs the package)" >&2; exit 1; }
[ -f "$deb" ] || { echo "check-deb: $deb is missing (make deb)" >&2; exit 1; }
if present && [ "${KV_CHECK_DEB_FORCE:-}" != 1 ]; then
	echo "check-deb: the package kvalind is installed here; not touching it" \
		"(KV_CHECK_DEB_FORCE=1 purges it)" >&2
	exit 1
fi
tmp=$(mktemp -d)
cleanup() {
	if present; then dpkg --purge kvalind > /dev/null 2>&1; fi
	[ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
if present; then dpkg --purge kvalind > /dev/null; fi

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
dpkg-deb --contents "$deb" > "$tmp/contents"
for p in ./usr/bin/kvalind ./usr/lib/kvalind/connectors/reference.so \
	./usr/lib/kvalind/indicators/diabetes.so ./usr/share/kvalind/valuesets.txt \
	./etc/kvalind/kvalind.ini ./lib/systemd/system/kvalind.service \
	./usr/share/man/man8/kvalind.8.gz ./usr/share/man/man5/kvalind.ini.5.gz; do
	grep -q " $p\$" "$tmp/contents" || fail "the package lacks $p"
done
awk '$2 != "root/root" { print "    " $0 }' "$tmp/contents" > "$tmp/notroot"
[ -s "$tmp/notroot" ] && { fail "files not owned by root:"; cat "$tmp/notroot" >&2; }
awk '$1 ~ /^.....w/ || $1 ~ /^........w/ { print "    " $0 }' "$tmp/contents" > "$tmp/writable"
[ -s "$tmp/writable" ] && { fail "files writable by group or others:"; cat "$tmp/writable" >&2; }
grep -q '^-rw-r----- .* ./etc/kvalind/kvalind.ini$' "$tmp/contents" ||
	fail "kvalind.ini is not -rw-r----- in the package"
grep -Eq ' \./usr/local/| \./usr/include/' "$tmp/contents" &&
	fail "the package has files under /usr/local or /usr/include"
say "$(grep -c '^-' "$tmp/contents") files, all root:root, none writable by group or others"

mkdir "$tmp/x" "$tmp/ctl"
dpkg-deb -x "$deb" "$tmp/x" && dpkg-deb -e "$deb" "$tmp/ctl"
for s in postinst prerm postrm; do
	must "maintainer script $s" sh -n "$tmp/ctl/$s"
done
grep -q '/usr/local' "$tmp/x/etc/kvalind/kvalind.ini" &&
	fail "the shipped kvalind.ini names /usr/local paths"
for m in "$tmp/x/usr/share/man/man8/kvalind.8.gz" "$tmp/x/usr/share/man/man5/kvalind.ini.5.gz"; do
	zcat "$m" > "$tmp/page"
	MANWIDTH=80 man --warnings -E UTF-8 -l "$tmp/page" > /dev/null 2> "$tmp/manwarn"
	[ -s "$tmp/manwarn" ] && { fail "man warns about $m:"; cat "$tmp/manwarn" >&2; }
	grep -q '/usr/local' "$tmp/page" && fail "$m names /usr/local paths"
done

# MemoryDenyWriteExecute=yes refuses writable+executable memory: no ELF
# file kvalind maps (binary, plugins, the libraries they load, the ODBC
# drivers) may want an executable stack or text relocations.
{
	find "$tmp/x" -type f \( -name '*.so' -o -path '*/usr/bin/*' \)
	ldd "$tmp/x/usr/bin/kvalind" "$tmp/x"/usr/lib/kvalind/*/*.so 2> /dev/null |
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
say "$n_elf ELF files (kvalind, plugins, their libraries, ODBC drivers): no executable stack, no text relocations"

# ---- 2. install -------------------------------------------------------------
say "dpkg -i $(basename "$deb")"
must "first installation" dpkg -i "$deb" || exit 1
[ "$(installed)" = ii ] || fail "kvalind is not installed after dpkg -i ($(installed))"
pw=$(getent passwd kvalind) || fail "no user kvalind"
uid=$(echo "$pw" | cut -d: -f3)
[ "${uid:-1000}" -lt 1000 ] || fail "kvalind is not a system user (uid $uid)"
[ "$(echo "$pw" | cut -d: -f6)" = "$STATE" ] || fail "kvalind's home is not $STATE: $pw"
case "$(echo "$pw" | cut -d: -f7)" in
*/nologin | /bin/false) ;;
*) fail "kvalind has a login shell: $pw" ;;
esac
getent group kvalind > /dev/null || fail "no group kvalind"
say "user: $pw"
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

# systemd-analyze works without systemd as PID 1: verify loads the unit, its
# ExecStart binary and its Documentation= man pages.
if command -v systemd-analyze > /dev/null 2>&1; then
	systemd-analyze verify "$UNIT" > "$tmp/verify" 2>&1
	rc=$?
	say "systemd-analyze verify $UNIT: exit $rc, output:"
	sed 's/^/    /' "$tmp/verify"
	[ $rc -eq 0 ] && [ ! -s "$tmp/verify" ] || fail "systemd-analyze verify does not accept $UNIT"
	# The sandbox's exposure score (0 best, 10 worst); fail above 2.5.
	systemd-analyze security --offline=yes --threshold=25 "$UNIT" > "$tmp/security" 2>&1 ||
		fail "systemd-analyze security: exposure above 2.5 (or it failed):"
	say "systemd-analyze security: $(grep 'Overall exposure' "$tmp/security")"
	grep -q '^✗' "$tmp/security" && grep '^✗' "$tmp/security" | sed 's/^/    /'
else
	fail "systemd-analyze is missing (apt-get install systemd)"
fi

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

# The W^X rule of MemoryDenyWriteExecute=, for real: the kernel's
# PR_SET_MDWE (Linux 6.3+), inherited across execve, then every plugin
# dlopen()ed (with libpq and libodbc).
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
		chmod 0755 "$tmp" "$tmp/mdwe"
		as_kvalind "$tmp/mdwe" /usr/bin/kvalind list-plugins > "$tmp/mdwe.out" 2>&1
		rc=$?
		if [ $rc -eq 77 ]; then
			say "PR_SET_MDWE is not available on this kernel; W^X checked statically only"
		elif [ $rc -ne 0 ]; then
			fail "kvalind list-plugins under PR_SET_MDWE (W^X) failed:"
			sed 's/^/    /' "$tmp/mdwe.out" >&2
		else
			say "list-plugins under PR_SET_MDWE (W^X, as MemoryDenyWriteExecute=yes): every plugin loads"
		fi
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
bump() { # N CHANGE_EXAMPLE -> path of kvalind_VERSION+checkdebN_ARCH.deb
	rm -rf "$tmp/stage$1"
	dpkg-deb -R "$deb" "$tmp/stage$1"
	v2="$version+checkdeb$1"
	sed -i "s/^Version: .*/Version: $v2/" "$tmp/stage$1/DEBIAN/control"
	if [ "$2" = yes ]; then
		echo "; new in $v2" >> "$tmp/stage$1/etc/kvalind/kvalind.ini"
		(cd "$tmp/stage$1" && find . -path ./DEBIAN -prune -o -type f -print |
			sed 's|^\./||' | sort | xargs md5sum) > "$tmp/stage$1/DEBIAN/md5sums"
	fi
	dpkg-deb --root-owner-group --build "$tmp/stage$1" "$tmp/kvalind_${v2}_$arch.deb" > /dev/null &&
		echo "$tmp/kvalind_${v2}_$arch.deb"
}
deb1=$(bump 1 no) || { fail "could not build a version-bumped package"; exit 1; }
say "upgrade to $(dpkg-deb --field "$deb1" Version) (same example configuration)"
must "upgrade 1" dpkg -i "$deb1"
grep -qx "$mark" "$CONF" || fail "the edit of $CONF was lost on upgrade"
expect_mode "$CONF" "640 root kvalind"
[ -e "$CONF.dpkg-dist" ] && fail "$CONF.dpkg-dist appeared though the example did not change"

deb2=$(bump 2 yes) || { fail "could not build a version-bumped package"; exit 1; }
say "upgrade to $(dpkg-deb --field "$deb2" Version) (changed example; --force-confdef --force-confold, as unattended apt)"
must "upgrade 2" dpkg --force-confdef --force-confold -i "$deb2"
grep -qx "$mark" "$CONF" || fail "the edit of $CONF was lost on upgrade with a new example"
[ -f "$CONF.dpkg-dist" ] && grep -q "^; new in $version+checkdeb2" "$CONF.dpkg-dist" ||
	fail "the new example is not in $CONF.dpkg-dist"
expect_mode "$CONF" "640 root kvalind"

# An unedited configuration is replaced by a new example, which must then be
# readable by the daemon again (the stat override).
cp "$CONF.dpkg-dist" "$CONF" && rm -f "$CONF.dpkg-dist"
deb3=$(bump 3 yes) || { fail "could not build a version-bumped package"; exit 1; }
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

if [ $status -eq 0 ]; then say "all passed"; else say "FAILED"; fi
exit $status
