#!/usr/bin/env bash
# Make sure the programs the test suite drives are installed, and install the missing ones from
# Debian's packages in one apt-get run:
#   mariadbd, mariadb-install-db  (mariadb-server)  the test bed's throwaway primary + replica
#   libgalera_smm.so              (galera-4)        the Galera test files' three-node cluster
#                                                   (test/support/galera.ts)
#   systemd-analyze               (systemd)         `verify` on contrib/systemd, works offline
#   tmux                          (tmux)            the live progress view in a real terminal
#   /usr/bin/chromium             (chromium)        headless: opens the HTML report offline over the
#                                                   DevTools protocol (test/support/chromium.ts)
#   DejaVu Sans                   (fonts-dejavu-core) a font for Chromium's screenshots, which a
#                                                   --no-install-recommends chromium may lack
#   puppetdb.jar                  (puppetdb)        the real PuppetDB the enrichment tests query
#                                                   (test/support/puppetdb.ts); brings Java
#   initdb, pg_ctl                (postgresql-15)   PuppetDB's own throwaway PostgreSQL 15
# Never starts or enables a service: the tests start their own servers.
set -euo pipefail

# "program:package" — a program found in PATH or /usr/sbin counts as installed; an absolute path
# (the tests start /usr/bin/chromium itself, not whatever `chromium` PATH finds) when it exists.
NEEDS=(mariadbd:mariadb-server mariadb-install-db:mariadb-server /usr/lib/galera/libgalera_smm.so:galera-4
  systemd-analyze:systemd tmux:tmux
  /usr/bin/chromium:chromium /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core
  /usr/share/puppetdb/puppetdb.jar:puppetdb
  /usr/lib/postgresql/15/bin/initdb:postgresql-15 /usr/lib/postgresql/15/bin/pg_ctl:postgresql-15)

have() {
  if [[ $1 == /* ]]; then [ -e "$1" ]; return; fi
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]
}

missing=()
for need in "${NEEDS[@]}"; do
  program=${need%%:*} package=${need#*:}
  if have "$program"; then continue; fi
  [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure-test-tools: mariadbd, galera, systemd-analyze, tmux, chromium, puppetdb and postgresql-15 are installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-tools: missing ${missing[*]}; install as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "ensure-test-tools: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
# Keep the packages' postinst from starting services where no init system runs them
# (containers, CI): policy-rc.d exit 101 means "not allowed", and only for this install.
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
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null

for need in "${NEEDS[@]}"; do
  program=${need%%:*}
  if ! have "$program"; then
    echo "ensure-test-tools: ${need#*:} installed but $program is still missing" >&2
    exit 1
  fi
done
echo "ensure-test-tools: installed ${missing[*]}"
