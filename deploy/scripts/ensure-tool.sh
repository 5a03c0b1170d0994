#!/usr/bin/env bash
# Makes sure a command-line tool the deploy tests need is installed, and prints its path.
#   deploy/scripts/ensure-tool.sh shellcheck|jq   Debian package via apt-get (run as root)
#   deploy/scripts/ensure-tool.sh pwsh            PowerShell 7.6 as a .NET tool in deploy/.tools/pwsh (NuGet)
# Exits 0 when the tool is available (already or after installing it), non-zero with a message otherwise.
# Each install step is bounded by ENSURE_TOOL_TIMEOUT_S (default 300 s).
set -euo pipefail

usage() { echo "usage: $0 TOOL   (known: shellcheck, jq, pwsh)" >&2; }

[[ $# -eq 1 ]] || { usage; exit 2; }
tool="$1"
limit="${ENSURE_TOOL_TIMEOUT_S:-300}"

if [[ "$tool" == "pwsh" ]]; then
  if command -v pwsh >/dev/null 2>&1; then
    command -v pwsh
    exit 0
  fi
  tool_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/pwsh"
  if [[ ! -x "$tool_dir/pwsh" ]]; then
    command -v dotnet >/dev/null 2>&1 || { echo "ensure-tool: pwsh is missing and so is dotnet to install it" >&2; exit 1; }
    echo "ensure-tool: installing PowerShell 7.6.10 as a .NET tool in $tool_dir (bounded to ${limit}s)..." >&2
    # 7.6.10 pinned: the newest version of the tool does not install on this .NET SDK.
    if ! timeout "$limit" dotnet tool install PowerShell --version 7.6.10 --tool-path "$tool_dir" >&2; then
      echo "ensure-tool: could not install PowerShell with 'dotnet tool install'." >&2
      exit 1
    fi
  fi
  echo "$tool_dir/pwsh"
  exit 0
fi

case "$tool" in
  shellcheck) package=shellcheck ;;
  jq) package=jq ;;
  *) usage; exit 2 ;;
esac

if command -v "$tool" >/dev/null 2>&1; then
  command -v "$tool"
  exit 0
fi

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

command -v "$tool" || { echo "ensure-tool: '$package' installed but '$tool' is still not on PATH." >&2; exit 1; }
