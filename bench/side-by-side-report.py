#!/usr/bin/env python3
"""Turns bench/out/results.tsv (written by bench/side-by-side.sh) into the markdown table, the issue-7 target
verdicts and an SVG chart. Standard library only."""
import argparse
import datetime
import html
import os
import platform
import statistics
import subprocess
from collections import defaultdict

TARGETS = ["direct", "nginx", "yarp", "gateway"]
TNAME = {"direct": "direct", "nginx": "nginx", "yarp": "bare YARP", "gateway": "gateway"}
COLORS = {"direct": "#9e9e9e", "nginx": "#2e7d32", "yarp": "#1565c0", "gateway": "#e65100"}
WRK = [("plain1", "plain chat, 1 conn"), ("plain32", "plain chat, 32 conns"), ("plain256", "plain chat, 256 conns"),
       ("stream32", "streamed chat (20 events), 32 conns")]

ap = argparse.ArgumentParser()
for a in ("results", "md", "svg", "command", "note", "params"):
    ap.add_argument("--" + a, required=True)
ap.add_argument("--quick", default="0")
args = ap.parse_args()

rows = defaultdict(list)  # (scenario, target) -> [dict]
for line in open(args.results, encoding="utf-8"):
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 4:
        continue
    kv = {}
    for tok in parts[3].split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            try:
                kv[k] = float(v)
            except ValueError:
                kv[k] = v
    rows[(parts[0], parts[1])].append(kv)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def wrk_stats(sc, t):
    rs = rows.get((sc, t))
    if not rs:
        return None
    per = []
    for r in rs:
        secs = r["duration_us"] / 1e6
        n = r["requests"]
        per.append(dict(rps=n / secs if secs else 0, p50=r["p50_us"] / 1000, p99=r["p99_us"] / 1000,
                        cpu=(r["cpu_ticks"] / r["hz"] * 1e6 / n) if n else None, errors=r["errors"]))
    out = {k: med([p[k] for p in per]) for k in ("rps", "p50", "p99", "cpu")}
    out["errors"] = sum(p["errors"] for p in per)
    tt = rows.get(("ttfe32", t)) if sc == "stream32" else None
    if tt:
        out["ttfe50"] = med([r.get("ttfe_p50_ms") for r in tt if isinstance(r.get("ttfe_p50_ms"), float)])
        out["ttfe99"] = med([r.get("ttfe_p99_ms") for r in tt if isinstance(r.get("ttfe_p99_ms"), float)])
    return out


def fmt(x, d=0):
    if x is None:
        return "—"
    return f"{x:,.{d}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


stats = {(sc, t): wrk_stats(sc, t) for sc, _ in WRK for t in TARGETS}
L = []
L.append("| Scenario | Target | req/s | p50 ms | p99 ms | proxy CPU µs/req | req/s ×nginx | req/s ×YARP | CPU ×nginx | CPU ×YARP | TTFE p50 / p99 ms | errors |")
L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for sc, label in WRK:
    ng, ya = stats.get((sc, "nginx")), stats.get((sc, "yarp"))
    for t in TARGETS:
        s = stats.get((sc, t))
        if not s:
            continue
        cpu = s["cpu"] if t != "direct" else None
        rn = ratio(s["rps"], ng and ng["rps"]) if t != "nginx" else None
        ry = ratio(s["rps"], ya and ya["rps"]) if t != "yarp" else None
        cn = ratio(cpu, ng and ng["cpu"]) if t not in ("nginx", "direct") else None
        cy = ratio(cpu, ya and ya["cpu"]) if t not in ("yarp", "direct") else None
        tt = f"{fmt(s.get('ttfe50'), 2)} / {fmt(s.get('ttfe99'), 2)}" if "ttfe50" in s else ""
        L.append(f"| {label} | {TNAME[t]} | {fmt(s['rps'])} | {fmt(s['p50'], 2)} | {fmt(s['p99'], 2)} | {fmt(cpu, 1)} | "
                 f"{fmt(rn, 2)}{'×' if rn else ''} | {fmt(ry, 2)}{'×' if ry else ''} | {fmt(cn, 2)}{'×' if cn else ''} | "
                 f"{fmt(cy, 2)}{'×' if cy else ''} | {tt} | {int(s['errors'])} |")
main_table = "\n".join(L)

held = {}
for t in TARGETS:
    rs = rows.get(("held", t))
    if rs:
        rs = [r for r in rs if "streams" in r]
    if rs:
        held[t] = dict(streams=med([r["streams"] for r in rs]), first=min(r["first_event"] for r in rs),
                       completed=min(r["completed"] for r in rs), dropped=max(r["dropped"] for r in rs),
                       ttfe50=med([r["ttfe_p50_ms"] for r in rs]), ttfe99=med([r["ttfe_p99_ms"] for r in rs]),
                       kb=med([r["kb_per_stream"] for r in rs]), peak=med([r["rss_peak_kb"] for r in rs]), base=med([r["rss_base_kb"] for r in rs]),
                       ramp=med([r["ramp_s"] for r in rs]),
                       errs=";".join(sorted({str(r.get("errors")) for r in rs})))
H = []
if held:
    H.append("| Target | streams | got first event (worst rep) | completed (worst rep) | dropped (worst rep) | TTFE p50 ms | TTFE p99 ms | resident KB per stream | RSS before → peak MB | errors |")
    H.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for t in TARGETS:
        h = held.get(t)
        if h:
            kb = fmt(h["kb"], 1) if t != "direct" else f"({fmt(h['kb'], 1)} upstream)"
            H.append(f"| {TNAME[t]} | {fmt(h['streams'])} | {fmt(h['first'])} | {fmt(h['completed'])} | {fmt(h['dropped'])} | "
                     f"{fmt(h['ttfe50'], 1)} | {fmt(h['ttfe99'], 1)} | {kb} | {fmt(h['base'] / 1024, 0)} → {fmt(h['peak'] / 1024, 0)} | {h['errs']} |")
held_table = "\n".join(H)

cold = rows.get(("cold", "gateway"), [])
cold_ms = [r["cold_ms"] for r in cold if r.get("ok") == 1]
cold_med = med(cold_ms)
cold_cpu = med([r["cpu_ms"] for r in cold if r.get("ok") == 1 and "cpu_ms" in r])
IDLE_KEYS = ("gateway-1m", "gateway-10m", "gateway-1m-first", "gateway-10m-first")
idle = {}
for key in IDLE_KEYS:
    rs = rows.get(("idle", key))
    if rs:
        r = rs[0]
        idle[key] = dict(pct=r["cpu_ticks"] / r["hz"] / (r["wall_ns"] / 1e9) * 100, threads=int(r["threads"]),
                         secs=r["wall_ns"] / 1e9)
idle_threads = {}
for key in IDLE_KEYS:
    rs = rows.get(("idle_thread", key), [])
    agg = defaultdict(float)
    for r in rs:
        agg[str(r["name"])] += r["ticks"] / r["hz"]
    idle_threads[key] = sorted(agg.items(), key=lambda kv: -kv[1])

# ---------------------------------------------------------------- target verdicts
V = []


def verdict(ok, text):
    if ok is None:
        V.append(f"- not measured in this run: {text}")
    else:
        V.append(f"- **{'MET' if ok else 'MISSED'}**: {text}")


for sc in ("plain32", "plain256"):
    g, y = stats.get((sc, "gateway")), stats.get((sc, "yarp"))
    if g and y:
        rr, cr = ratio(g["rps"], y["rps"]), ratio(g["cpu"], y["cpu"])
        verdict(rr >= 1.0 and cr <= 1.0, f"plain chat at {sc[5:]} connections: ≥1.0× YARP req/s with CPU/request ≤ YARP's — "
                f"gateway {rr:.2f}× YARP req/s, CPU/request {g['cpu']:.1f} µs vs YARP {y['cpu']:.1f} µs ({cr:.2f}×)")
    else:
        verdict(None, f"plain chat at {sc[5:]} connections")
g, y = stats.get(("stream32", "gateway")), stats.get(("stream32", "yarp"))
if g and y:
    rr, cr = ratio(g["rps"], y["rps"]), ratio(g["cpu"], y["cpu"])
    verdict(rr >= 0.9 and cr <= 1.2, f"streamed chat: ≥0.9× YARP streams/s and CPU/stream ≤1.2× YARP's — gateway {rr:.2f}× "
            f"YARP streams/s, CPU/stream {g['cpu']:.1f} µs vs YARP {y['cpu']:.1f} µs ({cr:.2f}×)")
else:
    verdict(None, "streamed chat")
g, n, d = stats.get(("plain1", "gateway")), stats.get(("plain1", "nginx")), stats.get(("plain1", "direct"))
if g and n and d:
    ga, na = g["p50"] - d["p50"], n["p50"] - d["p50"]
    verdict(ga <= na, f"1-connection p50 added over direct ≤ nginx's — gateway adds {ga * 1000:.0f} µs, nginx {na * 1000:.0f} µs")
else:
    verdict(None, "1-connection p50")
if "gateway" in held:
    h = held["gateway"]
    dd = held.get("direct")
    over = h["ttfe99"] - dd["ttfe99"] if dd else None
    ok = h["kb"] < 40 and h["dropped"] == 0 and h["first"] == h["streams"] and (over is not None and over < 50)
    verdict(ok, f"held streams ({fmt(h['streams'])}): under 40 KB per stream, none dropped, p99 TTFE < 50 ms over direct — "
            f"{h['kb']:.1f} KB/stream, {fmt(h['dropped'])} dropped (worst rep), p99 TTFE {fmt(over, 1)} ms over direct"
            + (" (short --quick run: not the 9,000-stream target)" if h["streams"] < 9000 else ""))
else:
    verdict(None, "held streams")
if cold_med is not None:
    cpu_note = f"; median CPU to the first answer {cold_cpu:.0f} ms" if cold_cpu is not None else ""
    verdict(cold_med < 1500, f"cold start < 1.5 s — median {cold_med:.0f} ms over {len(cold_ms)} starts ({', '.join(str(int(x)) for x in cold_ms)} ms){cpu_note}")
else:
    verdict(None, "cold start")
for key, label in (("gateway-1m", "1 model"), ("gateway-10m", "10 models")):
    if key in idle:
        first = idle.get(key + "-first")
        first_note = f" (first minute after start, with the JIT's one-off tier-up: {first['pct']:.2f}%)" if first else ""
        verdict(idle[key]["pct"] < 1.0, f"idle < 1% of a core ({label}) — {idle[key]['pct']:.2f}% over {idle[key]['secs']:.0f} s, "
                f"{idle[key]['threads']} threads{first_note}")
    else:
        verdict(None, f"idle CPU ({label})")

# ---------------------------------------------------------------- markdown
cpu_model = "unknown"
try:
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
nproc = os.cpu_count()
try:
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
except (OSError, subprocess.CalledProcessError):
    pass
now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M %Z").strip()

M = [f"# Side by side with nginx and YARP — {now}", ""]
if args.quick == "1":
    M += ["**`--quick` run: short durations, one repetition, few held streams — a harness check, not a measurement.**", ""]
M += [f"- Command: `{args.command}`",
      f"- Machine: {nproc} cores (`nproc`), {cpu_model}, {platform.system()} {platform.release()}",
      f"- Parameters: {args.params}",
      f"- {args.note}. The machine is shared (other sessions compile on the same cores), so absolute figures are noisy;"
      " the targets are visited interleaved (every repetition visits direct, nginx, YARP, gateway in turn) and the"
      " ratios within this run are what count.",
      "- Targets, all on loopback in front of the same fast mock vLLM (`bench/FastUpstream`): **direct** to the mock;"
      " **nginx** 1.22 as a raw reverse proxy (upstream keepalive pool, `proxy_buffering off`); **bare YARP** 2.3"
      " (`bench/BareYarp`, catch-all route, default keep-alive pool); **gateway** = `dotnet publish -c Release"
      " src/Gateway.Host` run as users run it: default configuration, `VLLM_UPSTREAM_URL`, `DEFAULT_MODEL_ID`,"
      " `BEARER_TOKEN` (auth on), `RATE_LIMIT_RPM` huge, `LOG_LEVEL=INFO` with the access log going to a file.",
      "- Load: wrk (2 threads; 1 for one connection) with a Lua POST body; p50/p99 from wrk's latency distribution;"
      " CPU per request = the proxy process's utime+stime (`/proc/PID/stat`, nginx: master + workers) over the run"
      " divided by requests. Values are medians over the repetitions. TTFE at 32 connections comes from"
      " `bench/StreamHold` in loop mode for half the duration right after each wrk stream run.",
      "", "## Throughput, latency and CPU", "", main_table, ""]
if held_table:
    M += ["## Held-open slow streams", "",
          "`bench/StreamHold` opens the streams (at most 200 waiting for a first event at once), holds them until"
          " `[DONE]`, and samples the proxy's VmRSS (`/proc/PID/status`) every 100 ms; KB per stream = (peak − before) /"
          " streams that got a first event. Every repetition starts fresh proxies, warms each with fast streams (JIT,"
          " pools) and then takes the baseline; memory and TTFE are medians of the repetitions, counts the worst"
          " repetition. The gateway here runs with one change from the default: the model's"
          " `maxInFlight` raised above the stream count (the default admission bound, 64 in flight + 256 queued, sheds"
          " the rest with 503 `model_overloaded`).", "", held_table, ""]
M += ["## Cold start and idle CPU", ""]
if cold_med is not None:
    M.append(f"- Cold start of the published gateway (process launch → first 200 chat answer, polled every 5 ms with curl):"
             f" median **{cold_med:.0f} ms** ({', '.join(str(int(x)) for x in cold_ms)} ms)"
             + (f"; median CPU to that answer {cold_cpu:.0f} ms." if cold_cpu is not None else "."))
for key, label in (("gateway-1m-first", "1 model, first minute after start"), ("gateway-10m-first", "10 models, first minute after start"),
                   ("gateway-1m", "1 model (environment variables), once settled"), ("gateway-10m", "10 models (GATEWAY_CONFIG_FILE), once settled")):
    if key in idle:
        i = idle[key]
        top = ", ".join(f"`{name}` {sec * 1000:.0f} ms" for name, sec in idle_threads.get(key, [])[:8])
        M.append(f"- Idle CPU, {label}: **{i['pct']:.2f}% of a core** over {i['secs']:.0f} s with no traffic"
                 f" ({i['threads']} threads). Busiest threads (CPU over the window, summed by thread name): {top or 'none'}.")
M += ["", "## Performance targets", ""] + V + [""]
M += [f"![throughput and p99 per target and scenario]({os.path.basename(args.svg)})", ""]
os.makedirs(os.path.dirname(args.md), exist_ok=True)
# keep hand-written findings (anything after a line '<!-- findings -->') when re-running on the same day
extra = ""
if os.path.exists(args.md):
    old = open(args.md, encoding="utf-8").read()
    if "<!-- findings -->" in old:
        extra = old[old.index("<!-- findings -->"):]
with open(args.md, "w", encoding="utf-8") as f:
    f.write("\n".join(M) + ("\n" + extra if extra else ""))

# ---------------------------------------------------------------- SVG
panels = [("Throughput (req/s or streams/s)", "rps", 0), ("p99 latency (ms)", "p99", 2)]
scen = [(sc, label) for sc, label in WRK if any(stats.get((sc, t)) for t in TARGETS)]
W, PH, top = 980, 260, 60
bw, gap = 34, 40
gw = bw * len(TARGETS) + gap
S = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{top + len(panels) * (PH + 70) + 20}" font-family="sans-serif" font-size="11">',
     '<rect width="100%" height="100%" fill="white"/>',
     f'<text x="10" y="20" font-size="15" font-weight="bold">{html.escape("Gateway side by side with nginx and bare YARP — " + now + (" (quick)" if args.quick == "1" else ""))}</text>']
for i, t in enumerate(TARGETS):
    S.append(f'<rect x="{10 + i * 110}" y="32" width="12" height="12" fill="{COLORS[t]}"/><text x="{26 + i * 110}" y="42">{TNAME[t]}</text>')
S.append(f'<text x="470" y="42" fill="#555">each scenario group is scaled to its own maximum; medians of the repetitions</text>')
for pi, (title, key, dec) in enumerate(panels):
    y0 = top + pi * (PH + 70)
    S.append(f'<text x="10" y="{y0 + 14}" font-size="13" font-weight="bold">{html.escape(title)}</text>')
    base = y0 + PH
    S.append(f'<line x1="10" y1="{base}" x2="{W - 10}" y2="{base}" stroke="#333"/>')
    for gi, (sc, label) in enumerate(scen):
        x0 = 20 + gi * (gw + 60)
        vals = [(t, (stats.get((sc, t)) or {}).get(key)) for t in TARGETS]
        mx = max([v for _, v in vals if v] or [1])
        for ti, (t, v) in enumerate(vals):
            if v is None:
                continue
            h = (PH - 40) * v / mx
            x = x0 + ti * bw
            S.append(f'<rect x="{x}" y="{base - h:.1f}" width="{bw - 4}" height="{h:.1f}" fill="{COLORS[t]}"/>')
            S.append(f'<text x="{x + (bw - 4) / 2}" y="{base - h - 4:.1f}" text-anchor="middle" font-size="9">{fmt(v, dec)}</text>')
        S.append(f'<text x="{x0 + (bw * len(TARGETS)) / 2}" y="{base + 16}" text-anchor="middle">{html.escape(label)}</text>')
S.append("</svg>")
with open(args.svg, "w", encoding="utf-8") as f:
    f.write("\n".join(S) + "\n")

print("\n".join(M))
