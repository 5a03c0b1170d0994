#!/usr/bin/env bash
# Laptop side: forwards 127.0.0.1:LOCAL_PORT to the gateway on the GPU host over SSH, keeps the connection
# alive, reconnects when it drops, and checks that /health and /v1/models answer through it. Then:
#   export OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_API_KEY=<BEARER_TOKEN>
#
#   tunnel.sh --host HOST [--user ubuntu] [--key ~/.ssh/id_ed25519_vllm] [--local-port 8000] [--remote-port 8000]
#             [--once] [--check-only] [--dry-run]
# --once        no reconnect: exit when ssh exits (status of ssh, 255 on connection failure)
# --check-only  do not start ssh; only check an already open tunnel on LOCAL_PORT
# --dry-run     print the ssh command and exit
# The /v1/models check sends "Authorization: Bearer $OPENAI_API_KEY" (or $BEARER_TOKEN) when set.
# Environment: TUNNEL_READY_TIMEOUT_S (30) bounds the wait for the first answer; TUNNEL_MAX_BACKOFF_S (30).
set -euo pipefail

usage() {
  echo "usage: $0 --host HOST [--user USER] [--key PATH] [--local-port N] [--remote-port N] [--once] [--check-only] [--dry-run]" >&2
}

host="${GPU_HOST:-}"
user="${GPU_USER:-ubuntu}"
key="${GPU_SSH_KEY:-$HOME/.ssh/id_ed25519_vllm}"
local_port="${TUNNEL_LOCAL_PORT:-8000}"
remote_port="${TUNNEL_REMOTE_PORT:-8000}"
once=0
check_only=0
dry_run=0
ready_timeout="${TUNNEL_READY_TIMEOUT_S:-30}"
max_backoff="${TUNNEL_MAX_BACKOFF_S:-30}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --host) [[ $# -ge 2 ]] || { usage; exit 2; }; host="$2"; shift 2 ;;
    --user) [[ $# -ge 2 ]] || { usage; exit 2; }; user="$2"; shift 2 ;;
    --key) [[ $# -ge 2 ]] || { usage; exit 2; }; key="$2"; shift 2 ;;
    --local-port) [[ $# -ge 2 ]] || { usage; exit 2; }; local_port="$2"; shift 2 ;;
    --remote-port) [[ $# -ge 2 ]] || { usage; exit 2; }; remote_port="$2"; shift 2 ;;
    --once) once=1; shift ;;
    --check-only) check_only=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "tunnel: unknown argument '$1'" >&2; usage; exit 2 ;;
  esac
done

base="http://127.0.0.1:$local_port"

# One check of the tunnel: /health must answer 200, /v1/models must list at least one model.
check() {
  local token="${OPENAI_API_KEY:-${BEARER_TOKEN:-}}"
  if ! curl -fsS --max-time 5 "$base/health" >/dev/null 2>&1; then
    echo "tunnel: $base/health does not answer" >&2
    return 1
  fi
  local models
  if [[ -n "$token" ]]; then
    models="$(curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$base/v1/models" 2>&1)" || {
      echo "tunnel: $base/v1/models failed: $models" >&2; return 1; }
  else
    models="$(curl -fsS --max-time 10 "$base/v1/models" 2>&1)" || {
      echo "tunnel: $base/v1/models failed (set OPENAI_API_KEY or BEARER_TOKEN?): $models" >&2; return 1; }
  fi
  if [[ "$models" != *'"id"'* ]]; then
    echo "tunnel: $base/v1/models lists no model: $models" >&2
    return 1
  fi
  echo "tunnel: ok: $base/health and $base/v1/models answer; export OPENAI_BASE_URL=$base/v1"
}

if [[ $check_only -eq 1 ]]; then
  check
  exit
fi

[[ -n "$host" ]] || { echo "tunnel: --host is required" >&2; usage; exit 2; }

ssh_args=(-N
  -o ExitOnForwardFailure=yes
  -o ServerAliveInterval=15
  -o ServerAliveCountMax=3
  -o ConnectTimeout=10
  -o BatchMode=yes
  -o StrictHostKeyChecking=accept-new
  -L "127.0.0.1:$local_port:127.0.0.1:$remote_port")
if [[ -f "$key" ]]; then
  ssh_args+=(-i "$key" -o IdentitiesOnly=yes)
fi
ssh_args+=("$user@$host")

if [[ $dry_run -eq 1 ]]; then
  printf 'ssh'
  printf ' %q' "${ssh_args[@]}"
  printf '\n'
  exit 0
fi

ssh_pid=""
stop() {
  if [[ -n "$ssh_pid" ]]; then
    kill "$ssh_pid" 2>/dev/null || true
    wait "$ssh_pid" 2>/dev/null || true
  fi
  exit 0
}
trap stop INT TERM

# Waits (bounded) until the tunnel answers or ssh has exited.
await_ready() {
  local deadline=$((SECONDS + ready_timeout))
  while kill -0 "$ssh_pid" 2>/dev/null; do
    if check 2>/dev/null; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      echo "tunnel: no answer through the tunnel after ${ready_timeout}s:" >&2
      check || true
      return 1
    fi
    sleep 1
  done
  return 1
}

backoff=1
while true; do
  echo "tunnel: connecting 127.0.0.1:$local_port -> $user@$host:127.0.0.1:$remote_port" >&2
  ssh "${ssh_args[@]}" &
  ssh_pid=$!
  if await_ready; then
    backoff=1
  fi
  status=0
  wait "$ssh_pid" || status=$?
  ssh_pid=""
  if [[ $once -eq 1 ]]; then
    echo "tunnel: ssh exited with status $status" >&2
    exit "$status"
  fi
  echo "tunnel: ssh exited with status $status; reconnecting in ${backoff}s (Ctrl-C to stop)" >&2
  sleep "$backoff"
  backoff=$((backoff * 2))
  if ((backoff > max_backoff)); then backoff=$max_backoff; fi
done
