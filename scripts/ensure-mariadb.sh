#!/usr/bin/env bash
# Make sure the MariaDB server binaries the test bed needs (mariadbd, mariadb-install-db) are
# installed; install Debian's mariadb-server when they are not. Never starts or uses the system
# service: the tests start their own throwaway servers (test/support/preload.ts).
set -euo pipefail

have_mariadb() {
  { [ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null 2>&1; } &&
    { [ -x /usr/bin/mariadb-install-db ] || command -v mariadb-install-db >/dev/null 2>&1; }
}

if have_mariadb; then
  echo "ensure-mariadb: $( (/usr/sbin/mariadbd --version 2>/dev/null || mariadbd --version) | head -n1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-mariadb: mariadbd is missing; install it as root: apt-get install -y --no-install-recommends mariadb-server" >&2
  exit 1
fi

echo "ensure-mariadb: installing mariadb-server (apt-get)"
export DEBIAN_FRONTEND=noninteractive
# Keep the package's postinst from starting the system service where no init system runs it
# (containers, CI); policy-rc.d exit 101 means "not allowed", and only for this install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -q
apt-get install -y -q --no-install-recommends mariadb-server </dev/null

if ! have_mariadb; then
  echo "ensure-mariadb: mariadb-server installed but mariadbd or mariadb-install-db is still missing" >&2
  exit 1
fi
echo "ensure-mariadb: $(/usr/sbin/mariadbd --version | head -n1)"
