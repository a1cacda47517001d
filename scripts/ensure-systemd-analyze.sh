#!/usr/bin/env bash
# Make sure `systemd-analyze` is installed: test/unit/systemd-units.test.ts runs
# `systemd-analyze verify` on contrib/systemd. Installs Debian's systemd package when it is
# missing (slim containers lack it). Needs no running systemd: verify works offline, also where
# PID 1 is not systemd. Never starts or enables anything.
set -euo pipefail

if command -v systemd-analyze >/dev/null 2>&1; then
  echo "ensure-systemd-analyze: $(systemd-analyze --version | head -n1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-systemd-analyze: systemd-analyze is missing; install it as root: apt-get install -y --no-install-recommends systemd" >&2
  exit 1
fi

echo "ensure-systemd-analyze: installing systemd (apt-get)"
export DEBIAN_FRONTEND=noninteractive
# As in ensure-mariadb.sh: no service may be started by a postinst where no init system runs.
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
apt-get install -y -q --no-install-recommends systemd </dev/null

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "ensure-systemd-analyze: systemd installed but systemd-analyze is still missing" >&2
  exit 1
fi
echo "ensure-systemd-analyze: $(systemd-analyze --version | head -n1)"
