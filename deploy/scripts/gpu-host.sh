#!/usr/bin/env bash
# Laptop side: the daily EC2 workflow for the GPU host that runs vLLM + the gateway.
#   gpu-host.sh up     [--env ENV] [--region R] [--dry-run] [--no-tunnel]
#   gpu-host.sh down   [--env ENV] [--region R] [--dry-run] [--no-wait]
#   gpu-host.sh status [--env ENV] [--region R]
# The instance is found by its tags (tag:application=vllm-serving, tag:environment=ENV, default dev); there are
# no instance ids in this script. Exactly one matching instance (not terminated) must exist.
# up:     start it if stopped, wait until running and SSH answers, open the tunnel (deploy/scripts/tunnel.sh)
#         in the background and check /health and /v1/models through it.
# down:   close the tunnel this script opened, stop the instance (and wait until stopped unless --no-wait).
# status: instance state and address, and whether the tunnel answers.
# --dry-run runs only the read-only describe call and prints every call that would change something.
# Needs the aws CLI v2 with credentials allowed ec2:DescribeInstances, ec2:StartInstances, ec2:StopInstances.
# Environment: GPU_USER (ubuntu), GPU_SSH_KEY (~/.ssh/id_ed25519_vllm), TUNNEL_LOCAL_PORT (8000),
# TUNNEL_REMOTE_PORT (8000), GPU_SSH_WAIT_S (300), GPU_HOST_TAG_APPLICATION (vllm-serving),
# GPU_HOST_STATE_DIR (~/.local/state/gateway: tunnel pid and log files).
set -euo pipefail

usage() {
  echo "usage: $0 up|down|status [--env ENV] [--region REGION] [--host ADDRESS] [--dry-run] [--no-tunnel] [--no-wait]" >&2
}

[[ $# -ge 1 ]] || { usage; exit 2; }
command_name="$1"
shift
case "$command_name" in
  up|down|status) ;;
  -h|--help) usage; exit 0 ;;
  *) echo "gpu-host: unknown command '$command_name'" >&2; usage; exit 2 ;;
esac

env_name="dev"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-ap-northeast-1}}"
host_override=""
dry_run=0
tunnel=1
wait_stop=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --env) [[ $# -ge 2 ]] || { usage; exit 2; }; env_name="$2"; shift 2 ;;
    --region) [[ $# -ge 2 ]] || { usage; exit 2; }; region="$2"; shift 2 ;;
    --host) [[ $# -ge 2 ]] || { usage; exit 2; }; host_override="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --no-tunnel) tunnel=0; shift ;;
    --no-wait) wait_stop=0; shift ;;
    *) echo "gpu-host: unknown argument '$1'" >&2; usage; exit 2 ;;
  esac
done
[[ "$env_name" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "gpu-host: bad --env '$env_name'" >&2; exit 2; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
application="${GPU_HOST_TAG_APPLICATION:-vllm-serving}"
user="${GPU_USER:-ubuntu}"
key="${GPU_SSH_KEY:-$HOME/.ssh/id_ed25519_vllm}"
local_port="${TUNNEL_LOCAL_PORT:-8000}"
remote_port="${TUNNEL_REMOTE_PORT:-8000}"
ssh_wait="${GPU_SSH_WAIT_S:-300}"
state_dir="${GPU_HOST_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/gateway}"
pid_file="$state_dir/tunnel-$env_name.pid"
log_file="$state_dir/tunnel-$env_name.log"

say() { echo "gpu-host: $*" >&2; }

# Prints a command line to stderr (dry-run output), shell-quoted.
show() {
  {
    printf 'gpu-host: %s' "$1"
    shift
    printf ' %q' "$@"
    printf '\n'
  } >&2
}

# Read-only calls always run (dry-run needs the instance state to say what it would do).
aws_read() { aws --region "$region" "$@"; }
# Calls that change something: printed instead of run under --dry-run.
aws_change() {
  if [[ $dry_run -eq 1 ]]; then
    show "would run: aws" --region "$region" "$@"
  else
    aws --region "$region" "$@"
  fi
}

instance_id=""
instance_state=""
instance_address=""

# Sets instance_id, instance_state and instance_address from the tagged instance.
find_instance() {
  local rows
  rows="$(aws_read ec2 describe-instances \
    --filters "Name=tag:application,Values=$application" "Name=tag:environment,Values=$env_name" \
              "Name=instance-state-name,Values=pending,running,stopping,stopped" \
    --query 'Reservations[].Instances[].[InstanceId,State.Name,PublicIpAddress,PrivateIpAddress]' \
    --output text)"
  local count
  count="$(printf '%s\n' "$rows" | grep -c '^i-' || true)"
  if [[ "$count" -eq 0 ]]; then
    say "no instance tagged application=$application environment=$env_name in $region"
    exit 3
  fi
  if [[ "$count" -gt 1 ]]; then
    say "$count instances tagged application=$application environment=$env_name in $region; expected one:"
    printf '%s\n' "$rows" >&2
    exit 3
  fi
  local public private
  read -r instance_id instance_state public private <<<"$(printf '%s\n' "$rows" | grep '^i-')"
  instance_address="$host_override"
  if [[ -z "$instance_address" && -n "${public:-}" && "$public" != "None" ]]; then
    instance_address="$public"
  elif [[ -z "$instance_address" && -n "${private:-}" && "$private" != "None" ]]; then
    instance_address="$private"
  fi
  say "instance $instance_id is $instance_state${instance_address:+ at $instance_address}"
}

tunnel_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # Only a process this script started: a tunnel.sh still running under that pid.
  ps -p "$pid" -o command= 2>/dev/null | grep -q 'tunnel.sh' || return 1
  echo "$pid"
}

close_tunnel() {
  local pid
  if pid="$(tunnel_pid)"; then
    if [[ $dry_run -eq 1 ]]; then
      show "would run:" kill "$pid"
    else
      kill "$pid" 2>/dev/null || true
      say "closed the tunnel (pid $pid)"
    fi
  else
    say "no tunnel opened by this script is running"
  fi
  [[ $dry_run -eq 1 ]] || rm -f "$pid_file"
}

wait_for_ssh() {
  local ssh_args=(-o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=accept-new)
  [[ -f "$key" ]] && ssh_args+=(-i "$key" -o IdentitiesOnly=yes)
  if [[ $dry_run -eq 1 ]]; then
    show "would run until it succeeds (at most ${ssh_wait}s): ssh" "${ssh_args[@]}" "$user@$instance_address" true
    return 0
  fi
  local deadline=$((SECONDS + ssh_wait))
  until ssh "${ssh_args[@]}" "$user@$instance_address" true 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "SSH to $user@$instance_address does not answer after ${ssh_wait}s"
      exit 4
    fi
    sleep 5
  done
  say "SSH answers on $user@$instance_address"
}

open_tunnel() {
  local args=(--host "$instance_address" --user "$user" --key "$key" --local-port "$local_port" --remote-port "$remote_port")
  if [[ $dry_run -eq 1 ]]; then
    show "would run in the background:" "$script_dir/tunnel.sh" "${args[@]}"
    return 0
  fi
  if tunnel_pid >/dev/null; then
    say "a tunnel is already running (pid $(tunnel_pid))"
  else
    mkdir -p "$state_dir"
    nohup "$script_dir/tunnel.sh" "${args[@]}" >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    say "tunnel started (pid $!, log $log_file)"
  fi
  # The gateway may still be loading the model: wait (bounded) for /health and /v1/models.
  local deadline=$((SECONDS + ssh_wait))
  until "$script_dir/tunnel.sh" --check-only --local-port "$local_port" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "the tunnel does not answer yet; see $log_file and: $script_dir/tunnel.sh --check-only"
      exit 5
    fi
    sleep 5
  done
  echo "export OPENAI_BASE_URL=http://127.0.0.1:$local_port/v1"
}

case "$command_name" in
  up)
    find_instance
    case "$instance_state" in
      running|pending) ;;
      stopping)
        aws_change ec2 wait instance-stopped --instance-ids "$instance_id"
        aws_change ec2 start-instances --instance-ids "$instance_id" >/dev/null
        ;;
      stopped)
        aws_change ec2 start-instances --instance-ids "$instance_id" >/dev/null
        ;;
    esac
    if [[ "$instance_state" != "running" ]]; then
      aws_change ec2 wait instance-running --instance-ids "$instance_id"
      # A started instance gets a new public address.
      if [[ $dry_run -eq 0 ]]; then
        find_instance
      fi
    fi
    if [[ $tunnel -eq 0 ]]; then
      say "--no-tunnel: not opening the tunnel"
      exit 0
    fi
    if [[ -z "$instance_address" ]]; then
      if [[ $dry_run -eq 1 ]]; then instance_address="<address after start>"; else
        say "instance $instance_id has no address; pass --host"; exit 4
      fi
    fi
    wait_for_ssh
    open_tunnel
    ;;
  down)
    close_tunnel
    find_instance
    case "$instance_state" in
      stopped) say "already stopped" ;;
      *)
        aws_change ec2 stop-instances --instance-ids "$instance_id" >/dev/null
        if [[ $wait_stop -eq 1 ]]; then
          aws_change ec2 wait instance-stopped --instance-ids "$instance_id"
        fi
        ;;
    esac
    ;;
  status)
    find_instance
    echo "instance=$instance_id state=$instance_state address=${instance_address:-none} region=$region env=$env_name"
    if pid="$(tunnel_pid)"; then
      echo "tunnel=running pid=$pid"
      "$script_dir/tunnel.sh" --check-only --local-port "$local_port" || true
    else
      echo "tunnel=none"
    fi
    ;;
esac
