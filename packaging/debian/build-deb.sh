#!/bin/sh
# Turn a staging tree, filled by the Makefile's install targets (make deb),
# into a binary Debian package: strip the ELF files, add DEBIAN/ (control
# with Depends computed by dpkg-shlibdeps, conffiles, md5sums and the
# maintainer scripts of this directory) and build it with dpkg-deb, every
# file owned by root.
#
# PACKAGE is kvalind (the default: control.in, postinst, prerm and postrm
# of this directory) or kvalind-hub (kvalind-hub.control.in,
# kvalind-hub.postinst, ...: the debhelper convention for a second binary
# package of one source).
# Usage: sh packaging/debian/build-deb.sh STAGE VERSION OUTDIR [PACKAGE]
# Prints the path of the .deb it made.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stage=$(cd "$1" && pwd)
version=$2
outdir=$(cd "$3" && pwd)
pkg=${4:-kvalind}
case "$pkg" in
kvalind) prefix="" ;;
kvalind-hub) prefix="$pkg." ;;
*) echo "build-deb: unknown package \"$pkg\"" >&2; exit 1 ;;
esac
arch=$(dpkg --print-architecture)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$version" in
[0-9]*) ;;
*) echo "build-deb: version \"$version\" does not start with a digit" >&2; exit 1 ;;
esac

# Debugging symbols are not shipped (as dh_strip does, minus the -dbgsym).
elfs=$(find "$stage" -type f \( -name '*.so' -o -perm -0100 \) ! -path "$stage/DEBIAN/*" |
	while read -r f; do
		if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then echo "$f"; fi
	done | sort)
[ -n "$elfs" ] || { echo "build-deb: no ELF files in $stage" >&2; exit 1; }
for f in $elfs; do
	case "$f" in
	*.so) strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f" ;;
	*) strip --remove-section=.comment --remove-section=.note "$f" ;;
	esac
done

# The README, for the administrator.
install -d -m 0755 "$stage/usr/share/doc/$pkg"
gzip -n -9 -c "$here/../../README.md" > "$stage/usr/share/doc/$pkg/README.md.gz"
chmod 0644 "$stage/usr/share/doc/$pkg/README.md.gz"

rm -rf "$stage/DEBIAN"
install -d -m 0755 "$stage/DEBIAN"

# Depends: what the binary and the plugins are linked with, as the shlibs
# and symbols files of the installed library packages say (kvalind: libc6,
# libinih1, libcurl4, libssl3, libpq5, libodbc2; kvalind-hub also
# libmicrohttpd12, libgnutls30, libjson-c5, libgsl27, libgslcblas0).
# dpkg-shlibdeps wants a debian/control naming the package, a minimal one in
# a scratch directory will do, and the files in a tree with a DEBIAN
# directory.
mkdir -p "$tmp/src/debian"
printf 'Source: kvalind\n\nPackage: %s\nArchitecture: any\n' "$pkg" > "$tmp/src/debian/control"
args=""
for f in $elfs; do args="$args -e$f"; done
# shellcheck disable=SC2086
depends=$(cd "$tmp/src" && dpkg-shlibdeps -O $args | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

# Every file under /etc is a conffile: dpkg keeps an edited one on upgrade.
(cd "$stage" && find etc -type f | sort | sed 's|^|/|') > "$stage/DEBIAN/conffiles"
[ -s "$stage/DEBIAN/conffiles" ] || { echo "build-deb: no conffiles under $stage/etc" >&2; exit 1; }
for s in postinst prerm postrm; do
	install -m 0755 "$here/$prefix$s" "$stage/DEBIAN/$s"
done
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort |
	xargs md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
size=$(du -k -s --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" \
	-e "s|@DEPENDS@|$depends|" "$here/${prefix}control.in" > "$stage/DEBIAN/control"
chmod 0644 "$stage/DEBIAN/control"

# Directories 0755 whatever the umask was; files keep the modes the install
# targets gave them (the configuration 0640).
find "$stage" -type d -exec chmod 0755 {} +
deb="$outdir/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" > /dev/null
echo "$deb"
