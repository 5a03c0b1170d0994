using System.Diagnostics.Metrics;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Tool-call parsing metrics (meter <c>Gateway.ToolCalls</c>).</summary>
public static class ToolCallMetrics
{
    public const string MeterName = "Gateway.ToolCalls";
    public const string ParseFailuresName = "gateway_tool_call_parse_failures_total";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Tool markup that was recognised but could not be parsed (it is passed on as content), tagged <c>parser</c>.</summary>
    public static Counter<long> ParseFailures { get; } = Meter.CreateCounter<long>(
        ParseFailuresName,
        unit: "{failure}",
        description: "Tool-call markup that could not be parsed and was returned as content.");

    public static void RecordParseFailure(string parser) =>
        ParseFailures.Add(1, new KeyValuePair<string, object?>("parser", parser));
}
