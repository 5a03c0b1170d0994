#!/usr/bin/env bash
# Powers the GPU host off when the gateway has been idle for N minutes. Runs on the GPU host
# (deploy/systemd/gateway-idle-shutdown.timer starts it every 5 minutes).
#
#   idle-shutdown.sh [--dry-run] [--idle-minutes N] [--url URL] [--shutdown-if-down-for M] [--state-file PATH]
#
# It reads GET $URL/health/actors (with "Authorization: Bearer $GATEWAY_ADMIN_KEY" when that is set) and
# uses only the top-level "summary" object:
#   {"summary": {"inFlight": <int>, "queued": <int>, "lastRequestAt": "<ISO-8601 UTC>"|null, "startedAt": "<ISO-8601 UTC>"}}
# Idle = inFlight == 0 && queued == 0 && now - (lastRequestAt ?? startedAt) >= N minutes.
# Gateway down, unreachable or answering something malformed: never power off, unless --shutdown-if-down-for M
# is given and it has been so for M minutes in a row (the first failure time is kept in the state file).
#
# JSON and HTTP are handled by python3 (present on GPU host images; jq often is not).
# Environment: IDLE_MINUTES (30), IDLE_GATEWAY_URL (http://127.0.0.1:8000), GATEWAY_ADMIN_KEY,
# IDLE_STATE_FILE (/var/lib/gateway-idle/down-since), IDLE_POWEROFF_CMD ("systemctl poweroff"),
# IDLE_HTTP_TIMEOUT_S (5), IDLE_NOW (ISO-8601 UTC; tests pin "now" with it).
# Output: one line "idle-shutdown: decision=<shutdown|stay> reason=<why>". Exit 0 whatever the decision;
# 2 on bad arguments; 1 when python3 is missing or the power-off command fails.
set -euo pipefail

usage() {
  echo "usage: $0 [--dry-run] [--idle-minutes N] [--url URL] [--shutdown-if-down-for M] [--state-file PATH]" >&2
}

dry_run=0
idle_minutes="${IDLE_MINUTES:-30}"
url="${IDLE_GATEWAY_URL:-http://127.0.0.1:8000}"
down_minutes=""
state_file="${IDLE_STATE_FILE:-/var/lib/gateway-idle/down-since}"
poweroff_cmd="${IDLE_POWEROFF_CMD:-systemctl poweroff}"
admin_key="${GATEWAY_ADMIN_KEY:-}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry_run=1; shift ;;
    --idle-minutes) [[ $# -ge 2 ]] || { usage; exit 2; }; idle_minutes="$2"; shift 2 ;;
    --url) [[ $# -ge 2 ]] || { usage; exit 2; }; url="$2"; shift 2 ;;
    --shutdown-if-down-for) [[ $# -ge 2 ]] || { usage; exit 2; }; down_minutes="$2"; shift 2 ;;
    --state-file) [[ $# -ge 2 ]] || { usage; exit 2; }; state_file="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "idle-shutdown: unknown argument '$1'" >&2; usage; exit 2 ;;
  esac
done

is_number() { [[ "$1" =~ ^[0-9]+([.][0-9]+)?$ ]]; }
is_number "$idle_minutes" || { echo "idle-shutdown: --idle-minutes must be a number, got '$idle_minutes'" >&2; exit 2; }
if [[ -n "$down_minutes" ]] && ! is_number "$down_minutes"; then
  echo "idle-shutdown: --shutdown-if-down-for must be a number, got '$down_minutes'" >&2; exit 2
fi
command -v python3 >/dev/null 2>&1 || { echo "idle-shutdown: python3 is required" >&2; exit 1; }

# The decision: python3 prints "shutdown|stay<TAB>reason" and maintains the state file (not in dry-run).
decision="$(IDLE_URL="$url" IDLE_MIN="$idle_minutes" IDLE_DOWN_MIN="$down_minutes" IDLE_STATE="$state_file" \
  IDLE_DRY="$dry_run" IDLE_KEY="$admin_key" python3 - <<'PY'
import datetime as dt
import json
import os
import urllib.error
import urllib.request

UTC = dt.timezone.utc


def parse_time(value):
    if not isinstance(value, str) or not value:
        raise ValueError("not a timestamp")
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    # Python < 3.11 accepts at most 6 fractional digits; .NET writes 7.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = head + "." + (digits[:6] or "0") + rest
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def fmt(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


now = parse_time(os.environ["IDLE_NOW"]) if os.environ.get("IDLE_NOW") else dt.datetime.now(UTC)
idle_min = float(os.environ["IDLE_MIN"])
down_min = float(os.environ["IDLE_DOWN_MIN"]) if os.environ.get("IDLE_DOWN_MIN") else None
state = os.environ["IDLE_STATE"]
dry = os.environ.get("IDLE_DRY") == "1"
url = os.environ["IDLE_URL"].rstrip("/") + "/health/actors"
timeout = float(os.environ.get("IDLE_HTTP_TIMEOUT_S") or "5")


def finish(verdict, reason):
    print(verdict + "\t" + reason)
    raise SystemExit(0)


def gateway_down(why):
    if down_min is None:
        finish("stay", why + "; never powering off while the gateway cannot be read (see --shutdown-if-down-for)")
    since = None
    try:
        with open(state, encoding="utf-8") as f:
            since = parse_time(f.read().strip())
    except (OSError, ValueError):
        since = None
    if since is None or since > now:
        since = now
        if not dry:
            os.makedirs(os.path.dirname(state) or ".", exist_ok=True)
            with open(state, "w", encoding="utf-8") as f:
                f.write(fmt(now) + "\n")
    down_for = (now - since).total_seconds() / 60
    if down_for >= down_min:
        finish("shutdown", "%s; down since %s (%.1f min >= %g)" % (why, fmt(since), down_for, down_min))
    finish("stay", "%s; down since %s (%.1f min < %g)" % (why, fmt(since), down_for, down_min))


def gateway_up():
    if not dry:
        try:
            os.remove(state)
        except FileNotFoundError:
            pass


request = urllib.request.Request(url, headers={"Accept": "application/json"})
key = os.environ.get("IDLE_KEY", "")
if key:
    request.add_header("Authorization", "Bearer " + key)
try:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(1024 * 1024)
except urllib.error.HTTPError as e:
    gateway_down("gateway answered HTTP %d on %s" % (e.code, url))
except (urllib.error.URLError, OSError, ValueError) as e:
    gateway_down("gateway unreachable at %s (%s)" % (url, getattr(e, "reason", e)))

try:
    document = json.loads(body)
    summary = document["summary"]
    in_flight = summary["inFlight"]
    queued = summary["queued"]
    for name, value in (("inFlight", in_flight), ("queued", queued)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("%s is not a non-negative integer" % name)
    last = summary.get("lastRequestAt")
    started = summary.get("startedAt")
    reference = parse_time(last) if last is not None else parse_time(started)
    label = "lastRequestAt" if last is not None else "startedAt (no request yet)"
except (ValueError, KeyError, TypeError) as e:
    gateway_down("malformed /health/actors response (%s: %s)" % (type(e).__name__, e))

gateway_up()
if in_flight > 0 or queued > 0:
    finish("stay", "busy: inFlight=%d queued=%d" % (in_flight, queued))
idle_for = (now - reference).total_seconds() / 60
if idle_for >= idle_min:
    finish("shutdown", "idle: no request for %.1f min (>= %g) since %s %s, nothing in flight or queued"
           % (idle_for, idle_min, label, fmt(reference)))
finish("stay", "recently active: %.1f min (< %g) since %s %s" % (idle_for, idle_min, label, fmt(reference)))
PY
)"

verdict="${decision%%$'\t'*}"
reason="${decision#*$'\t'}"
line="idle-shutdown: decision=$verdict reason=$reason"

if [[ $dry_run -eq 1 ]]; then
  echo "$line (dry run: not powering off)"
  exit 0
fi

echo "$line"
if [[ "$verdict" == "shutdown" ]]; then
  if command -v logger >/dev/null 2>&1; then
    logger -t gateway-idle-shutdown -- "$line; running: $poweroff_cmd" || true
  fi
  # Word splitting is intended: IDLE_POWEROFF_CMD is a command line.
  # shellcheck disable=SC2086
  $poweroff_cmd
fi
