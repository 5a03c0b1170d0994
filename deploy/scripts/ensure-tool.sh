#!/usr/bin/env bash
# Makes sure a command-line tool the deploy tests need is installed (Debian/Ubuntu hosts, run as root).
#   deploy/scripts/ensure-tool.sh shellcheck
# Exits 0 when the tool is on PATH (already or after apt-get install), non-zero with a message otherwise.
# Each apt-get step is bounded by ENSURE_TOOL_TIMEOUT_S (default 300 s).
set -euo pipefail

usage() { echo "usage: $0 TOOL   (known: shellcheck, jq)" >&2; }

[[ $# -eq 1 ]] || { usage; exit 2; }
tool="$1"
case "$tool" in
  shellcheck) package=shellcheck ;;
  jq) package=jq ;;
  *) usage; exit 2 ;;
esac

if command -v "$tool" >/dev/null 2>&1; then
  exit 0
fi

limit="${ENSURE_TOOL_TIMEOUT_S:-300}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-tool: '$tool' is not installed and apt-get is not available; install package '$package' by hand." >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "ensure-tool: '$tool' is not installed; run as root (or: sudo apt-get install -y $package)." >&2
  exit 1
fi

echo "ensure-tool: installing '$package' with apt-get (each step bounded to ${limit}s)..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! timeout "$limit" apt-get install -y --no-install-recommends "$package" >&2; then
  timeout "$limit" apt-get update >&2 || true
  if ! timeout "$limit" apt-get install -y --no-install-recommends "$package" >&2; then
    echo "ensure-tool: could not install '$package' with apt-get." >&2
    exit 1
  fi
fi

command -v "$tool" >/dev/null 2>&1 || { echo "ensure-tool: '$package' installed but '$tool' is still not on PATH." >&2; exit 1; }
