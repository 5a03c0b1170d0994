#!/usr/bin/env bash
# The one publish command for every deployment: the Dockerfiles and install.sh call it, so they cannot drift.
#   deploy/scripts/publish.sh gateway|simulator|healthcheck OUTPUT_DIR [--self-contained RID] [--dry-run]
# Framework-dependent by default (for the aspnet runtime image); --self-contained RID for bare hosts.
# The gateway publishes ReadyToRun (its csproj): for RID, or else for the SDK's own platform.
set -euo pipefail

usage() {
  echo "usage: $0 gateway|simulator|healthcheck OUTPUT_DIR [--self-contained RID] [--dry-run]" >&2
}

[[ $# -ge 2 ]] || { usage; exit 2; }
component="$1"
output="$2"
shift 2
rid=""
dry_run=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --self-contained) [[ $# -ge 2 ]] || { usage; exit 2; }; rid="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    *) usage; exit 2 ;;
  esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
case "$component" in
  gateway) project="src/Gateway.Host/Gateway.Host.csproj" ;;
  simulator) project="src/Gateway.Simulator/Gateway.Simulator.csproj" ;;
  healthcheck) project="deploy/healthcheck/Gateway.Healthcheck.csproj" ;;
  *) usage; exit 2 ;;
esac

args=(publish "$repo_root/$project" --configuration Release --output "$output" -p:DebugType=none -p:GenerateDocumentationFile=false)
if [[ -n "$rid" ]]; then
  args+=(--runtime "$rid" --self-contained true)
else
  args+=(--self-contained false -p:UseAppHost=false)
fi

if [[ $dry_run -eq 1 ]]; then
  printf 'dotnet'
  printf ' %q' "${args[@]}"
  printf '\n'
  exit 0
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet "${args[@]}"
