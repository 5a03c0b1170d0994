#!/usr/bin/env bash
# Side-by-side benchmark: the published gateway beside nginx (raw reverse proxy) and bare YARP 2.3, all in front of
# the same fast mock vLLM (bench/FastUpstream), driven interleaved on loopback. Not part of `dotnet test`.
#
#   bench/side-by-side.sh                 # full default run (~22 min on 2 cores)
#   bench/side-by-side.sh --quick         # short check that the harness works (~5 min)
#   bench/side-by-side.sh --scenarios plain32,stream32 --reps 5 --duration 15
#
# Scenarios: plain1 plain32 plain256 (plain chat at 1/32/256 connections), stream32 (20-event streams at 32
# connections), held (many slow streams held open), cold (cold start), idle (idle CPU, 1 and 10 models).
# Writes bench/results/<date>-side-by-side.md and .svg; scratch files go to bench/out/ (ignored by git).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
OUT="$BENCH/out"
CMDLINE="bench/side-by-side.sh${*:+ $*}"

HELD_WARM=3 NAME="" REPS=3 DURATION=10 WARMUP=3 HELD=9000 SLOW_MS=500 HELD_EVENTS=30 COLD_STARTS=5 IDLE_S=60 IDLE_SETTLE=60 STREAM_EVENTS=20
SCENARIOS="plain1,plain32,plain256,stream32,held,cold,idle"
TARGETS="direct,nginx,yarp,gateway"
QUICK=0 SKIP_BUILD=0
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; cat <<EOF
Options: --quick  --scenarios LIST  --targets LIST  --reps N (3)  --duration S (10)  --warmup S (3)
         --held-streams N (9000)  --slow-ms MS (500)  --held-events N (30)  --cold-starts N (5)
         --idle-seconds S (60)  --idle-settle S (60)  --skip-build  --name NAME (results file name; default <date>-side-by-side)
EOF
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1; HELD_WARM=1 REPS=1 DURATION=3 WARMUP=8 HELD=500 SLOW_MS=200 HELD_EVENTS=15 COLD_STARTS=2 IDLE_S=5 IDLE_SETTLE=5 ;;
    --scenarios) SCENARIOS="$2"; shift ;;
    --targets) TARGETS="$2"; shift ;;
    --reps) REPS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --held-streams) HELD="$2"; shift ;;
    --slow-ms) SLOW_MS="$2"; shift ;;
    --held-events) HELD_EVENTS="$2"; shift ;;
    --cold-starts) COLD_STARTS="$2"; shift ;;
    --idle-seconds) IDLE_S="$2"; shift ;;
    --idle-settle) IDLE_SETTLE="$2"; shift ;;
    --skip-build) SKIP_BUILD=1 ;;
    --name) NAME="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

TOKEN=bench-token MODEL=bench-model
HZ=$(getconf CLK_TCK)
mkdir -p "$OUT/logs" "$OUT/run" "$BENCH/results"
RESULTS="$OUT/results.tsv"; : >"$RESULTS"

# ---------------------------------------------------------------- tools
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need_apt+=(nginx)
if [[ ${#need_apt[@]} -gt 0 ]]; then
  log "installing ${need_apt[*]} from Debian"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq || true
  for _ in 1 2 3 4 5 6; do $SUDO apt-get install -y "${need_apt[@]}" && break; sleep 10; done
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [[ $SKIP_BUILD -eq 0 ]]; then
  log "publishing gateway and bench tools (Release)"
  dotnet publish "$ROOT/src/Gateway.Host" -c Release -o "$OUT/bin/gateway" --nologo -v q
  for p in FastUpstream BareYarp StreamHold; do
    dotnet publish "$BENCH/$p" -c Release -o "$OUT/bin/$p" --nologo -v q
  done
fi
GATEWAY_BIN="$OUT/bin/gateway/Gateway.Host"
[[ -x "$GATEWAY_BIN" ]] || { echo "no published gateway at $GATEWAY_BIN" >&2; exit 1; }

# ---------------------------------------------------------------- processes
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stop_pid() { # stop one process we started and wait for it
  local p=$1 i
  kill -TERM "$p" 2>/dev/null || return 0
  for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
chat_ok() { # port: a plain chat answers 200
  [[ $(curl -s -o /dev/null -w '%{http_code}' -m 2 -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
    "http://127.0.0.1:$1/v1/chat/completions" 2>/dev/null) == 200 ]]
}
wait_chat() { local i; for i in $(seq 600); do chat_ok "$1" && return 0; sleep 0.1; done; echo "port $1 never served a chat" >&2; return 1; }
cpu_ticks() { # sum of utime+stime over pids
  local t=0 p f
  for p in "$@"; do
    f=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
    t=$((t + $(awk '{print $12 + $13}' <<<"$f")))
  done
  echo "$t"
}

MODELS10=(bench-model); for i in $(seq 1 9); do MODELS10+=("bench-model-$i"); done
UP=$(free_port)
log "fast upstream on :$UP"
"$OUT/bin/FastUpstream/FastUpstream" --port "$UP" --events "$STREAM_EVENTS" $(printf -- '--model %s ' "${MODELS10[@]}") \
  >"$OUT/logs/upstream.log" 2>&1 &
UP_PID=$!; PIDS+=("$UP_PID")
wait_chat "$UP"

GATEWAY_ENV=(SERVER_HOST=127.0.0.1 VLLM_UPSTREAM_URL="http://127.0.0.1:$UP" DEFAULT_MODEL_ID="$MODEL"
  BEARER_TOKEN="$TOKEN" RATE_LIMIT_RPM=1000000000 LOG_LEVEL=INFO)
start_gateway() { # name port [extra env...]: starts the published gateway, stdout (access log) to a file; sets GW_PID
  local name=$1 port=$2; shift 2
  mkdir -p "$OUT/run/$name"
  (cd "$OUT/run/$name" && exec env "$@" SERVER_PORT="$port" "$GATEWAY_BIN" >"$OUT/logs/$name.log" 2>&1) &
  GW_PID=$!; PIDS+=("$GW_PID")
}
write_config() { # file maxInFlight nmodels: a GATEWAY_CONFIG_FILE for the same gateway with N models
  local file=$1 inflight=$2 n=$3 i models=""
  for ((i = 0; i < n; i++)); do
    models+="${models:+,}{\"id\":\"${MODELS10[$i]}\",\"upstreams\":[\"http://127.0.0.1:$UP\"],\"maxInFlight\":$inflight}"
  done
  printf '{"auth":{"keys":[{"name":"bench","key":"%s"}]},"rateLimit":{"requestsPerMinute":1000000000},"models":[%s]}\n' \
    "$TOKEN" "$models" >"$file"
}

declare -A PORT TPIDS
GW_MODE=default
PORT[direct]=$UP; TPIDS[direct]="$UP_PID"
start_targets() {
  if [[ ",$TARGETS," == *",nginx,"* ]]; then
    PORT[nginx]=$(free_port)
    local ng="$OUT/run/nginx"; mkdir -p "$ng/logs"
    cat >"$ng/nginx.conf" <<EOF
worker_processes auto;
worker_rlimit_nofile 20000;
error_log $ng/logs/error.log warn;
pid $ng/nginx.pid;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $ng/body; proxy_temp_path $ng/proxy; fastcgi_temp_path $ng/fastcgi;
  uwsgi_temp_path $ng/uwsgi; scgi_temp_path $ng/scgi;
  keepalive_requests 10000000;
  upstream fast { server 127.0.0.1:$UP; keepalive 512; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:${PORT[nginx]} backlog=4096;
    location / {
      proxy_pass http://fast;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 600s;
    }
  }
}
EOF
    "$NGINX" -p "$ng" -c "$ng/nginx.conf" -g 'daemon off;' >"$OUT/logs/nginx.log" 2>&1 &
    local master=$!; PIDS+=("$master")
    wait_chat "${PORT[nginx]}"
    TPIDS[nginx]="$master $(pgrep -P "$master" | tr '\n' ' ')"
    log "nginx on :${PORT[nginx]} (pids ${TPIDS[nginx]})"
  fi
  if [[ ",$TARGETS," == *",yarp,"* ]]; then
    PORT[yarp]=$(free_port)
    "$OUT/bin/BareYarp/BareYarp" --port "${PORT[yarp]}" --upstream "http://127.0.0.1:$UP" >"$OUT/logs/yarp.log" 2>&1 &
    TPIDS[yarp]=$!; PIDS+=("$!")
    wait_chat "${PORT[yarp]}"
    log "bare YARP on :${PORT[yarp]} (pid ${TPIDS[yarp]})"
  fi
  if [[ ",$TARGETS," == *",gateway,"* ]]; then
    PORT[gateway]=$(free_port)
    if [[ $GW_MODE == held ]]; then
      # The default admission bound (maxInFlight 64, maxQueue 256 per model) would shed thousands of held streams
      # with 503, so the held-streams scenario runs the gateway with one change: maxInFlight >= the streams.
      write_config "$OUT/run/held.json" $((HELD + 100)) 1
      start_gateway gateway-held "${PORT[gateway]}" GATEWAY_CONFIG_FILE="$OUT/run/held.json" LOG_LEVEL=INFO
    else
      start_gateway gateway "${PORT[gateway]}" "${GATEWAY_ENV[@]}"
    fi
    TPIDS[gateway]=$GW_PID
    wait_chat "${PORT[gateway]}"
    log "gateway ($GW_MODE configuration) on :${PORT[gateway]} (pid $GW_PID, access log in $OUT/logs/)"
  fi
}
IFS=, read -r -a TLIST <<<"$TARGETS"

# ---------------------------------------------------------------- wrk
LUA_PLAIN="$OUT/run/plain.lua" LUA_STREAM="$OUT/run/stream.lua"
lua_script() { # file stream(true|false)
  cat >"$1" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"model":"$MODEL","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":$STREAM_EVENTS,"temperature":0.7,"stream":$2}'
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d errors=%d status_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
EOF
}
lua_script "$LUA_PLAIN" false
lua_script "$LUA_STREAM" true

run_wrk() { # scenario target rep conns lua seconds -> appends a result line
  local sc=$1 t=$2 rep=$3 c=$4 lua=$5 secs=$6 th=2 before after line
  [[ $c -lt 2 ]] && th=1
  # shellcheck disable=SC2086
  before=$(cpu_ticks ${TPIDS[$t]})
  line=$(wrk -t"$th" -c"$c" -d"${secs}s" --timeout 10s -s "$lua" "http://127.0.0.1:${PORT[$t]}/v1/chat/completions" | grep '^BENCH' || true)
  # shellcheck disable=SC2086
  after=$(cpu_ticks ${TPIDS[$t]})
  [[ -n "$line" ]] || { log "wrk printed no result for $sc/$t"; return 0; }
  printf '%s\t%s\t%s\t%s cpu_ticks=%d hz=%d\n' "$sc" "$t" "$rep" "${line#BENCH }" "$((after - before))" "$HZ" >>"$RESULTS"
  log "$sc $t rep $rep: ${line#BENCH }"
}
conns_of() { case $1 in plain1) echo 1 ;; plain32|stream32) echo 32 ;; plain256) echo 256 ;; esac; }

# ---------------------------------------------------------------- scenarios
WRK_SCEN=(); for s in plain1 plain32 plain256 stream32; do has "$s" && WRK_SCEN+=("$s"); done
if [[ ${#WRK_SCEN[@]} -gt 0 ]]; then start_targets; fi

if [[ ${#WRK_SCEN[@]} -gt 0 ]]; then
  log "warm-up (${WARMUP}s per target, plain and streamed)"
  for t in "${TLIST[@]}"; do
    wrk -t2 -c32 -d"${WARMUP}s" -s "$LUA_PLAIN" "http://127.0.0.1:${PORT[$t]}/v1/chat/completions" >/dev/null
    wrk -t2 -c32 -d"${WARMUP}s" -s "$LUA_STREAM" "http://127.0.0.1:${PORT[$t]}/v1/chat/completions" >/dev/null
  done
  for rep in $(seq "$REPS"); do
    for sc in "${WRK_SCEN[@]}"; do
      for t in "${TLIST[@]}"; do
        if [[ $sc == stream32 ]]; then
          run_wrk "$sc" "$t" "$rep" 32 "$LUA_STREAM" "$DURATION"
          # time to first event at the same concurrency (wrk can only time whole responses)
          line=$("$OUT/bin/StreamHold/StreamHold" --port "${PORT[$t]}" --token "$TOKEN" --model "$MODEL" \
            --loop-seconds "$(awk "BEGIN{print $DURATION/2}")" --concurrency 32 --events "$STREAM_EVENTS" | grep '^RESULT' || true)
          printf '%s\t%s\t%s\t%s\n' ttfe32 "$t" "$rep" "${line#RESULT }" >>"$RESULTS"
          log "ttfe32 $t rep $rep: ${line#RESULT }"
        else
          run_wrk "$sc" "$t" "$rep" "$(conns_of "$sc")" "$LUA_PLAIN" "$DURATION"
        fi
      done
    done
  done
fi

stop_targets() { local t p; for t in nginx yarp gateway; do for p in ${TPIDS[$t]:-}; do stop_pid "$p"; done; TPIDS[$t]=""; done; }
if has held; then
  ulimit -n 20000 2>/dev/null || true
  for rep in $(seq "$REPS"); do
    # fresh proxies each repetition, so every repetition's memory delta starts from an unused heap; StreamHold
    # warms each one with fast streams first, so JIT and pool start-up are not counted as per-stream memory
    stop_targets
    GW_MODE=held
    start_targets
    # Odd repetitions visit the targets in order, even ones in reverse; each proxy stops after its run, so the
    # thousands of idle upstream connections it pooled do not make the next one's connects search for a free port.
    order=("${TLIST[@]}"); (( rep % 2 == 0 )) && for (( i=${#TLIST[@]}-1, j=0; i>=0; i--, j++ )); do order[j]=${TLIST[i]}; done
    for t in "${order[@]}"; do
      pidargs=(); for p in ${TPIDS[$t]}; do pidargs+=(--pid "$p"); done
      line=$("$OUT/bin/StreamHold/StreamHold" --port "${PORT[$t]}" --token "$TOKEN" --model "$MODEL" --streams "$HELD" \
        --slow-ms "$SLOW_MS" --events "$HELD_EVENTS" --warm-seconds "$HELD_WARM" "${pidargs[@]}" | grep '^RESULT' || true)
      printf '%s\t%s\t%s\t%s\n' held "$t" "$rep" "${line#RESULT }" >>"$RESULTS"
      log "held $t rep $rep: ${line#RESULT }"
      if [[ $t != direct ]]; then for p in ${TPIDS[$t]}; do stop_pid "$p"; done; TPIDS[$t]=""; fi
      sleep 2
    done
  done
fi

# stop the proxies before the single-process measurements
stop_targets

if has cold; then
  log "cold start x$COLD_STARTS"
  for i in $(seq "$COLD_STARTS"); do
    port=$(free_port)
    t0=$(date +%s%N)
    start_gateway "cold-$i" "$port" "${GATEWAY_ENV[@]}"
    ok=0
    for _ in $(seq 3000); do if chat_ok "$port"; then ok=1; break; fi; sleep 0.005; done
    t1=$(date +%s%N)
    cpu=$(cpu_ticks "$GW_PID") # CPU to the first answer: steadier than wall time on a shared machine
    stop_pid "$GW_PID"
    printf 'cold\tgateway\t%s\tcold_ms=%d cpu_ms=%d ok=%d\n' "$i" $(((t1 - t0) / 1000000)) $((cpu * 1000 / HZ)) "$ok" >>"$RESULTS"
    log "cold start $i: $(((t1 - t0) / 1000000)) ms, $((cpu * 1000 / HZ)) ms CPU"
  done
fi

thread_ticks() { # pid -> "tid ticks name" per thread
  local f
  for f in /proc/"$1"/task/*/stat; do
    awk -v tid="$(basename "$(dirname "$f")")" '{ s=$0; sub(/^[^(]*\(/, "", s); name=s; sub(/\).*$/, "", name);
      sub(/^.*\) /, "", s); split(s, a, " "); gsub(/ /, "_", name); print tid, a[12] + a[13], name }' "$f" 2>/dev/null || true
  done
}
idle_snapshot() { # name pid phase: thread ticks, process ticks and the time, before or after a window
  thread_ticks "$2" | LC_ALL=C sort >"$OUT/run/idle-$1.threads.$3"
  echo "$(cpu_ticks "$2") $(date +%s%N)" >"$OUT/run/idle-$1.$3"
}
idle_record() { # name pid key: one idle row and its per-thread rows for the window between the two snapshots
  local n=$1 pid=$2 key=$3 b0 t0 b1 t1
  read -r b0 t0 <"$OUT/run/idle-$n.before"; read -r b1 t1 <"$OUT/run/idle-$n.after"
  printf 'idle\t%s\t1\tcpu_ticks=%d hz=%d wall_ns=%d threads=%d\n' "$key" "$((b1 - b0))" "$HZ" "$((t1 - t0))" \
    "$(ls /proc/"$pid"/task | wc -l)" >>"$RESULTS"
  # per-thread CPU over the window, busiest first (thread names as the runtime set them)
  LC_ALL=C join -a2 -e 0 -o '2.1,1.2,2.2,2.3' "$OUT/run/idle-$n.threads.before" "$OUT/run/idle-$n.threads.after" |
    awk -v hz="$HZ" -v key="$key" '{ d = $3 - $2; if (d > 0) printf "idle_thread\t%s\t1\ttid=%s name=%s ticks=%d hz=%d\n", key, $1, $4, d, hz }' \
    >>"$RESULTS"
}
if has idle; then
  # Both gateways (1 model from environment variables, 10 from a config file) idle side by side: each one's own CPU
  # is read from /proc. Two windows: the first minute after start, which still holds the JIT's one-off tier-up of
  # the periodic probe and poll code, and a minute once that has settled (IDLE_SETTLE later): the lasting cost.
  declare -A IDLE_PID
  for n in 1 10; do
    port=$(free_port)
    if [[ $n -eq 1 ]]; then
      start_gateway "idle-$n" "$port" "${GATEWAY_ENV[@]}"
    else
      write_config "$OUT/run/idle10.json" 64 10
      start_gateway "idle-$n" "$port" GATEWAY_CONFIG_FILE="$OUT/run/idle10.json" LOG_LEVEL=INFO
    fi
    IDLE_PID[$n]=$GW_PID
    wait_chat "$port"
  done
  sleep 5 # let start-up work (first probes) settle
  for n in 1 10; do idle_snapshot "$n" "${IDLE_PID[$n]}" before; done
  log "idle CPU, 1 and 10 models: first ${IDLE_S}s after start"
  sleep "$IDLE_S"
  for n in 1 10; do idle_snapshot "$n" "${IDLE_PID[$n]}" after; idle_record "$n" "${IDLE_PID[$n]}" "gateway-${n}m-first"; done
  sleep "$IDLE_SETTLE"
  for n in 1 10; do idle_snapshot "$n" "${IDLE_PID[$n]}" before; done
  log "idle CPU, 1 and 10 models: ${IDLE_S}s after another ${IDLE_SETTLE}s of settling"
  sleep "$IDLE_S"
  for n in 1 10; do idle_snapshot "$n" "${IDLE_PID[$n]}" after; idle_record "$n" "${IDLE_PID[$n]}" "gateway-${n}m"; done
  for n in 1 10; do stop_pid "${IDLE_PID[$n]}"; done
fi

# ---------------------------------------------------------------- report
DATE=$(date +%Y-%m-%d)
NAME=${NAME:-$DATE-side-by-side}
NOTE="load on the machine when the run ended: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average)"
python3 "$BENCH/side-by-side-report.py" --results "$RESULTS" --md "$BENCH/results/$NAME.md" \
  --svg "$BENCH/results/$NAME.svg" --command "$CMDLINE" --quick "$QUICK" --note "$NOTE" \
  --params "reps=$REPS duration=${DURATION}s warmup=${WARMUP}s held=$HELD slow_ms=$SLOW_MS held_events=$HELD_EVENTS cold_starts=$COLD_STARTS idle=${IDLE_S}s idle_settle=${IDLE_SETTLE}s stream_events=$STREAM_EVENTS"
log "wrote bench/results/$NAME.md and .svg"
