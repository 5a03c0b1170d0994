using System.Diagnostics.Metrics;

namespace Gateway.Host.Reload;

/// <summary>Config reload metrics (meter <c>Gateway.Config</c>).</summary>
internal static class ConfigReloadMetrics
{
    public const string MeterName = "Gateway.Config";
    public const string ReloadsName = "gateway_config_reloads_total";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Reload attempts, tagged <c>result</c> (<c>ok</c>, <c>restart_required</c>, <c>rejected</c>).</summary>
    public static Counter<long> Reloads { get; } = Meter.CreateCounter<long>(
        ReloadsName,
        unit: "{reload}",
        description: "Configuration reload attempts by result.");

    public static void Record(string result) => Reloads.Add(1, new KeyValuePair<string, object?>("result", result));
}
