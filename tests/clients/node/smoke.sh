#!/usr/bin/env bash
# Installs the openai Node SDK (pinned in package.json) into this directory and runs smoke.mjs against a gateway.
# usage: tests/clients/node/smoke.sh [BASE_URL]   (default http://127.0.0.1:8000/v1; needs node >= 18 and npm)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GATEWAY_BASE_URL="${1:-${GATEWAY_BASE_URL:-http://127.0.0.1:8000/v1}}"
if [[ ! -d "$here/node_modules/openai" ]]; then
  timeout 180 npm install --prefix "$here" --no-audit --no-fund --no-package-lock --silent
fi
timeout 60 node "$here/smoke.mjs"
