#!/bin/sh
# Install what building, testing and running the demo of kvalind need, from
# Debian 12's packages. Installs only what is missing; needs root for that.
# Usage: sh packaging/install-deps.sh
set -eu

packages="
  build-essential pkg-config
  libinih-dev libpq-dev unixodbc-dev libcurl4-openssl-dev libssl-dev
  check valgrind
  postgresql odbc-postgresql libsqliteodbc sqlite3 libsqlite3-dev
  openssl python3 time
  libmicrohttpd-dev libgnutls28-dev libjson-c-dev curl
  libgsl-dev python3-statsmodels python3-scipy
  groff-base man-db dpkg-dev systemd adduser
  chromium libnss3-tools
"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all build and test packages are installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Another apt-get (another clone's install-deps, unattended upgrades) is
# waited for, not failed on.
lock="-o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086
apt-get $lock update -qq
# shellcheck disable=SC2086
apt-get $lock install -y -qq $missing
echo "install-deps: done"
