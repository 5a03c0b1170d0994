#!/usr/bin/env bash
# Installs the gateway on a bare Linux host as a systemd service (no containers):
#   self-contained build  -> /opt/gateway          (deploy/scripts/publish.sh, the Dockerfile's publish step)
#   settings              -> /etc/gateway/gateway.env (from deploy/.env.example, only if absent; set BEARER_TOKEN)
#   units                 -> /etc/systemd/system/gateway.service (+ idle shutdown service and timer)
#   idle-shutdown script  -> /usr/local/lib/gateway/idle-shutdown.sh
#
#   sudo deploy/scripts/install.sh [--dry-run] [--rid RID] [--from PUBLISH_DIR] [--no-idle-shutdown] [--no-start]
# --dry-run prints every command instead of running it. --from installs an existing self-contained publish
# output (e.g. built on another machine with: deploy/scripts/publish.sh gateway OUT --self-contained linux-x64).
# Needs the .NET 10 SDK on the host unless --from is given. Idempotent: re-running upgrades in place.
set -euo pipefail

usage() {
  echo "usage: $0 [--dry-run] [--rid RID] [--from PUBLISH_DIR] [--no-idle-shutdown] [--no-start]" >&2
}

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="${GATEWAY_PREFIX:-/opt/gateway}"
config_dir="${GATEWAY_CONFIG_DIR:-/etc/gateway}"
unit_dir="${GATEWAY_UNIT_DIR:-/etc/systemd/system}"
lib_dir="${GATEWAY_LIB_DIR:-/usr/local/lib/gateway}"
dry_run=0
rid=""
from=""
idle=1
start=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry_run=1; shift ;;
    --rid) [[ $# -ge 2 ]] || { usage; exit 2; }; rid="$2"; shift 2 ;;
    --from) [[ $# -ge 2 ]] || { usage; exit 2; }; from="$2"; shift 2 ;;
    --no-idle-shutdown) idle=0; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install: unknown argument '$1'" >&2; usage; exit 2 ;;
  esac
done

if [[ -z "$rid" ]]; then
  case "$(uname -m)" in
    x86_64|amd64) rid=linux-x64 ;;
    aarch64|arm64) rid=linux-arm64 ;;
    *) echo "install: unknown machine '$(uname -m)'; pass --rid" >&2; exit 2 ;;
  esac
fi

run() {
  if [[ $dry_run -eq 1 ]]; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

if [[ $dry_run -eq 0 && $(id -u) -ne 0 ]]; then
  echo "install: run as root (or with --dry-run to see what it would do)" >&2
  exit 1
fi

# 1. Build (or take) the self-contained publish output.
if [[ -n "$from" ]]; then
  [[ -x "$from/Gateway.Host" || $dry_run -eq 1 ]] || { echo "install: $from/Gateway.Host not found" >&2; exit 1; }
  build="$from"
else
  build="${TMPDIR:-/tmp}/gateway-publish"
  run rm -rf "$build"
  run "$repo_root/deploy/scripts/publish.sh" gateway "$build" --self-contained "$rid"
fi

# 2. Program files: copy next to the old ones, then swap.
run install -d -m 0755 "$(dirname "$prefix")"
run rm -rf "$prefix.new"
run cp -a "$build" "$prefix.new"
run install -m 0644 "$repo_root/README.md" "$prefix.new/README.md"
run rm -rf "$prefix.old"
if [[ -e "$prefix" || $dry_run -eq 1 ]]; then
  run mv "$prefix" "$prefix.old"
fi
run mv "$prefix.new" "$prefix"
run chown -R root:root "$prefix"

# 3. Settings: never overwrite an existing file (it holds the token).
run install -d -m 0750 "$config_dir"
if [[ ! -e "$config_dir/gateway.env" ]]; then
  run install -m 0640 "$repo_root/deploy/.env.example" "$config_dir/gateway.env"
  echo "install: created $config_dir/gateway.env: set BEARER_TOKEN (openssl rand -hex 32) and VLLM_UPSTREAM_URL or GATEWAY_CONFIG_FILE" >&2
fi

# 4. Units.
run install -m 0644 "$repo_root/deploy/systemd/gateway.service" "$unit_dir/gateway.service"
if [[ $idle -eq 1 ]]; then
  run install -d -m 0755 "$lib_dir"
  run install -m 0755 "$repo_root/deploy/scripts/idle-shutdown.sh" "$lib_dir/idle-shutdown.sh"
  run install -m 0644 "$repo_root/deploy/systemd/gateway-idle-shutdown.service" "$unit_dir/gateway-idle-shutdown.service"
  run install -m 0644 "$repo_root/deploy/systemd/gateway-idle-shutdown.timer" "$unit_dir/gateway-idle-shutdown.timer"
fi
run systemctl daemon-reload

# 5. Start.
if [[ $start -eq 1 ]]; then
  run systemctl enable gateway.service
  run systemctl restart gateway.service
  if [[ $idle -eq 1 ]]; then
    run systemctl enable --now gateway-idle-shutdown.timer
  fi
fi
run rm -rf "$prefix.old"
echo "install: done. Check: systemctl status gateway; curl -fsS http://127.0.0.1:8000/health" >&2
