using Serilog.Core;
using Serilog.Events;

namespace Gateway.Soak;

/// <summary>
/// Reads the gateway's own access log (one event per request, with <c>prompt_tokens</c>/<c>completion_tokens</c>)
/// and sums the usage the gateway recorded for the clean model: the figure compared with the simulators' counters.
/// </summary>
internal sealed class AccessLogSink : ILogEventSink
{
    private long _requests;
    private long _promptTokens;
    private long _completionTokens;
    private long _serverErrors;

    public long Requests => Interlocked.Read(ref _requests);

    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    public long CompletionTokens => Interlocked.Read(ref _completionTokens);

    /// <summary>Access-log lines with status 500 (a bug in the gateway), any model.</summary>
    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    public void Emit(LogEvent logEvent)
    {
        if (!logEvent.Properties.TryGetValue("Status", out var status) || !logEvent.Properties.TryGetValue("Model", out var model))
        {
            return;
        }

        Interlocked.Increment(ref _requests);
        if (Scalar(status) is 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }

        if (model is ScalarValue { Value: string name } && name == SoakEnvironment.CleanModel)
        {
            Interlocked.Add(ref _promptTokens, Scalar(logEvent.Properties.GetValueOrDefault("PromptTokens")) ?? 0);
            Interlocked.Add(ref _completionTokens, Scalar(logEvent.Properties.GetValueOrDefault("CompletionTokens")) ?? 0);
        }
    }

    private static long? Scalar(LogEventPropertyValue? value) => value is ScalarValue { Value: { } v } && v is int or long ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;
}
