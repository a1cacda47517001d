#!/usr/bin/env bash
# Make sure the terminal tools the e2e tests use are installed: test/e2e/tty.test.ts runs the
# built binary inside tmux to see the live progress view as a person would. Installs Debian's
# tmux package only when `tmux` is missing; starts nothing.
set -euo pipefail

if command -v tmux >/dev/null 2>&1; then
  echo "ensure-tools: $(tmux -V)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-tools: tmux is missing; install it as root: apt-get install -y --no-install-recommends tmux" >&2
  exit 1
fi

echo "ensure-tools: installing tmux (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends tmux </dev/null

if ! command -v tmux >/dev/null 2>&1; then
  echo "ensure-tools: tmux installed but still not on PATH" >&2
  exit 1
fi
echo "ensure-tools: $(tmux -V)"
