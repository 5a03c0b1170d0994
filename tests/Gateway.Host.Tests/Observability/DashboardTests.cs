using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Host.Tests.Observability;

/// <summary>The Grafana dashboard queries only metrics the gateway exports (or vLLM's own <c>vllm:</c> ones).</summary>
public sealed partial class DashboardTests
{
    private static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine([dir!.FullName, .. parts]);
    }

    [Fact]
    public void Every_metric_the_dashboard_queries_is_exported()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepoFile("deploy", "grafana", "gateway-dashboard.json")));
        var exported = TelemetryNames.PrometheusNames.ToHashSet(StringComparer.Ordinal);
        var queried = new HashSet<string>(StringComparer.Ordinal);
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expr = target.GetProperty("expr").GetString()!;
                foreach (Match m in MetricSelector().Matches(expr))
                {
                    queried.Add(m.Groups[1].Value);
                }
            }
        }

        Assert.NotEmpty(queried);
        foreach (var name in queried.Where(n => !n.StartsWith("vllm:", StringComparison.Ordinal)))
        {
            var family = Regex.Replace(name, "_(bucket|sum|count)$", "");
            Assert.True(exported.Contains(family) || exported.Contains(name), $"the dashboard queries {name}, which the gateway does not export");
        }

        Assert.Contains(queried, n => n.StartsWith("vllm:", StringComparison.Ordinal));
        Assert.Contains("job: vllm", File.ReadAllText(RepoFile("deploy", "prometheus", "prometheus.yml")).Replace("job_name", "job", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_exported_names_are_the_instruments_under_the_exporters_naming()
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == TelemetryNames.MeterName)
                {
                    lock (instruments)
                    {
                        instruments.Add(instrument);
                    }
                }
            },
        };
        _ = TestTelemetry.Metrics();
        listener.Start();

        // OpenTelemetry's Prometheus naming: dots become underscores, seconds get _seconds, counters _total; {annotations} add nothing.
        string Exported(Instrument i)
        {
            var name = i.Name.Replace('.', '_');
            if (i.Unit == "s")
            {
                name += "_seconds";
            }

            var type = i.GetType().GetGenericTypeDefinition();
            return type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? name + "_total" : name;
        }

        HashSet<string> exported;
        lock (instruments)
        {
            exported = instruments.Select(Exported).ToHashSet(StringComparer.Ordinal);
        }

        var listed = TelemetryNames.PrometheusNames.Where(n => n != ToolCallMetrics.ParseFailuresName).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(listed.Order(StringComparer.Ordinal), exported.Order(StringComparer.Ordinal));
    }

    /// <summary>A metric name followed by its label selector: <c>name{...}</c>.</summary>
    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex MetricSelector();
}
