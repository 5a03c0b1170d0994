using System.Globalization;
using System.Text;
using static Gateway.Soak.SoakRun;

namespace Gateway.Soak;

/// <summary>The results file (markdown) and the memory-over-time chart (SVG).</summary>
internal static class SoakReport
{
    /// <summary>The samples behind the chart, one line per 5 s.</summary>
    public static string Csv(IReadOnlyList<Snapshot> timeline) =>
        "seconds,working_set_bytes,gc_heap_bytes,threads,actors,client_connections,upstream_connections,in_flight,queued\n"
        + string.Concat(timeline.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.ElapsedSeconds:0.0},{s.WorkingSetBytes},{s.GcHeapBytes},{s.Threads},{s.Actors},{s.ClientConnections},{s.UpstreamConnections},{s.GatewayInFlight},{s.GatewayQueued}\n")));

    public static (string Markdown, string Svg) Render(SoakOptions options, SoakResult r)
    {
        var md = new StringBuilder();
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        md.AppendLine(CultureInfo.InvariantCulture, $"# Soak, {date}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench/Gateway.Soak -- --minutes {options.Minutes} --concurrency {options.Concurrency}` — {r.Duration.TotalMinutes:0.0} min of traffic after a {options.WarmupSeconds:0} s warm-up, {r.Tally.Total:N0} requests ({r.Tally.Total / Math.Max(1, r.Duration.TotalSeconds + options.WarmupSeconds):0} req/s), {Environment.ProcessorCount} cores (shared with other builds), gateway + 2 simulator replicas + load in one process.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Memory over time: [chart]({date}-soak.svg)");
        md.AppendLine();
        md.AppendLine("| Check | Result | Figures |");
        md.AppendLine("|---|---|---|");
        foreach (var c in r.Checks)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Name} | {(c.Passed ? "pass" : "**FAIL**")} | {c.Figures} |");
        }

        md.AppendLine();
        md.AppendLine("| Snapshot (after quiesce + forced GC) | working set MB | GC heap MB | threads | actors | client conns | upstream conns | in flight | queued |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, s) in new[] { ("baseline (after warm-up)", r.Baseline), ("end", r.End) })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Mb(s.WorkingSetBytes)} | {Mb(s.GcHeapBytes)} | {s.Threads} | {s.Actors} | {s.ClientConnections} | {s.UpstreamConnections} | {s.GatewayInFlight} | {s.GatewayQueued} |");
        }

        var peak = r.Timeline.Count == 0 ? r.End : r.Timeline.MaxBy(s => s.WorkingSetBytes)!;
        md.AppendLine(CultureInfo.InvariantCulture, $"| peak during traffic | {Mb(peak.WorkingSetBytes)} | {Mb(r.Timeline.Max(s => s.GcHeapBytes))} | {r.Timeline.Max(s => s.Threads)} | {r.Timeline.Max(s => s.Actors)} | {r.Timeline.Max(s => s.ClientConnections)} | {r.Timeline.Max(s => s.UpstreamConnections)} | {r.Timeline.Max(s => s.GatewayInFlight)} | {r.Timeline.Max(s => s.GatewayQueued)} |");
        md.AppendLine();
        md.AppendLine("| Scenario | Answer | Count |");
        md.AppendLine("|---|---|---:|");
        foreach (var (scenario, answer, count) in r.Tally.Rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {answer.Replace("|", "\\|", StringComparison.Ordinal)} | {count:N0} |");
        }

        if (r.Tally.UnexpectedCount > 0)
        {
            md.AppendLine();
            md.AppendLine("Unexpected answers (first 50):");
            md.AppendLine();
            foreach (var u in r.Tally.UnexpectedSamples)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- `{u.ReplaceLineEndings(" ")}`");
            }
        }

        return (md.ToString(), Chart(r.Timeline));
    }

    /// <summary>Working set and GC heap (MB) against minutes, two polylines on one axis.</summary>
    private static string Chart(IReadOnlyList<Snapshot> timeline)
    {
        const int w = 800, h = 360, left = 60, right = 20, top = 30, bottom = 40;
        var maxT = Math.Max(1, timeline.Count == 0 ? 1 : timeline[^1].ElapsedSeconds) / 60;
        var t0 = timeline.Count == 0 ? 0 : timeline[0].ElapsedSeconds;
        var maxMb = Math.Max(1, timeline.Count == 0 ? 1 : timeline.Max(s => Math.Max(s.WorkingSetBytes, s.GcHeapBytes)) / 1048576.0) * 1.1;
        string X(double seconds) => (left + ((seconds - t0) / 60 / Math.Max(maxT - (t0 / 60), 1e-9) * (w - left - right))).ToString("0.0", CultureInfo.InvariantCulture);
        string Y(double mb) => (top + ((1 - (mb / maxMb)) * (h - top - bottom))).ToString("0.0", CultureInfo.InvariantCulture);
        string Line(Func<Snapshot, long> value) => string.Join(' ', timeline.Select(s => $"{X(s.ElapsedSeconds)},{Y(value(s) / 1048576.0)}"));

        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"18\" font-size=\"14\">Gateway soak: memory over time (whole process: gateway + simulators + load)</text>");
        for (var i = 0; i <= 4; i++)
        {
            var mb = maxMb * i / 4;
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{w - right}\" y1=\"{Y(mb)}\" y2=\"{Y(mb)}\" stroke=\"#ddd\"/><text x=\"{left - 6}\" y=\"{Y(mb)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{mb:0} MB</text>");
        }

        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{h - 10}\">{t0 / 60:0.0} min</text><text x=\"{w - right}\" y=\"{h - 10}\" text-anchor=\"end\">{maxT:0.0} min (last point: after quiesce and a forced GC)</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"{Line(s => s.WorkingSetBytes)}\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\"{Line(s => s.GcHeapBytes)}\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{w - 220}\" y=\"{top + 14}\" fill=\"#1f77b4\">working set</text><text x=\"{w - 120}\" y=\"{top + 14}\" fill=\"#d62728\">GC heap</text>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
