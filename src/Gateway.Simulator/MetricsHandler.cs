using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text (format 0.0.4) with vLLM's engine metric names and labels (§7), formatted the
/// way Python's prometheus_client does (float values, <c>_total</c> counters with a separate <c>_created</c> gauge).
/// </summary>
internal static class MetricsHandler
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static Task HandleAsync(HttpContext context, SimulatorState state)
    {
        var text = Render(state);
        return JsonResponses.WriteBytesAsync(context, StatusCodes.Status200OK, ContentType, Encoding.UTF8.GetBytes(text)).AsTask();
    }

    internal static string Render(SimulatorState state)
    {
        var sb = new StringBuilder(2048);
        var models = state.ModelOrder;
        var offset = state.LoadOffset;
        var kvCacheUsage = Math.Min(1.0, state.Scheduler.KvCacheUsage + offset.KvCacheUsage);
        Gauge(sb, "vllm:num_requests_running", "Number of requests in model execution batches.", models, m => m.Running + offset.Running);
        Gauge(sb, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", models, m => m.Waiting + offset.Waiting);
        Gauge(sb, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", models, _ => kvCacheUsage);
        Counter(sb, state, "vllm:prompt_tokens", "Number of prefill tokens processed.", models, m => m.PromptTokens);
        Counter(sb, state, "vllm:generation_tokens", "Number of generation tokens processed.", models, m => m.GenerationTokens);

        const string success = "vllm:request_success";
        const string successHelp = "Count of successfully processed requests.";
        Header(sb, success + "_total", successHelp, "counter");
        foreach (var m in models)
        {
            Sample(sb, success + "_total", m.Name, FinishReasons.Stop, m.FinishedStop);
            Sample(sb, success + "_total", m.Name, FinishReasons.Length, m.FinishedLength);
            Sample(sb, success + "_total", m.Name, FinishReasons.Abort, m.FinishedAbort);
        }

        Header(sb, success + "_created", successHelp, "gauge");
        foreach (var m in models)
        {
            Sample(sb, success + "_created", m.Name, FinishReasons.Stop, state.StartedAtUnixSeconds);
            Sample(sb, success + "_created", m.Name, FinishReasons.Length, state.StartedAtUnixSeconds);
            Sample(sb, success + "_created", m.Name, FinishReasons.Abort, state.StartedAtUnixSeconds);
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>repr(float)</c> as prometheus_client prints it: <c>3.0</c>, <c>0.42</c>, <c>1.7324064e+09</c>.</summary>
    internal static string FormatValue(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        var s = value == Math.Floor(value) && Math.Abs(value) < 1e16
            ? ((long)value).ToString(CultureInfo.InvariantCulture) + ".0"
            : value.ToString("R", CultureInfo.InvariantCulture);
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (value > 0 && dot > 6 && !s.Contains('E', StringComparison.Ordinal))
        {
            var mantissa = (s[0] + "." + s[1..dot] + s[(dot + 1)..]).TrimEnd('0').TrimEnd('.');
            return mantissa + "e+0" + (dot - 1).ToString(CultureInfo.InvariantCulture);
        }

        return s;
    }

    private static void Gauge(StringBuilder sb, string name, string help, IReadOnlyList<ModelMetrics> models, Func<ModelMetrics, double> value)
    {
        Header(sb, name, help, "gauge");
        foreach (var m in models)
        {
            Sample(sb, name, m.Name, null, value(m));
        }
    }

    private static void Counter(StringBuilder sb, SimulatorState state, string name, string help, IReadOnlyList<ModelMetrics> models, Func<ModelMetrics, double> value)
    {
        Header(sb, name + "_total", help, "counter");
        foreach (var m in models)
        {
            Sample(sb, name + "_total", m.Name, null, value(m));
        }

        Header(sb, name + "_created", help, "gauge");
        foreach (var m in models)
        {
            Sample(sb, name + "_created", m.Name, null, state.StartedAtUnixSeconds);
        }
    }

    private static void Header(StringBuilder sb, string name, string help, string type) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    /// <summary>One sample; labels in the order of the protocol note's example (engine, finished_reason, model_name).</summary>
    private static void Sample(StringBuilder sb, string name, string model, string? finishedReason, double value)
    {
        sb.Append(name).Append("{engine=\"0\",");
        if (finishedReason is not null)
        {
            sb.Append("finished_reason=\"").Append(finishedReason).Append("\",");
        }

        sb.Append("model_name=\"");
        foreach (var c in model)
        {
            _ = c switch
            {
                '\\' => sb.Append("\\\\"),
                '"' => sb.Append("\\\""),
                '\n' => sb.Append("\\n"),
                _ => sb.Append(c),
            };
        }

        sb.Append("\"} ").Append(FormatValue(value)).Append('\n');
    }
}
