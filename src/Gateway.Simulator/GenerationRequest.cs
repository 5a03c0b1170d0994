using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>The request fields chat and completions share, validated and resolved against the served models.</summary>
internal sealed class GenerationRequest
{
    public required string Model { get; init; }

    public required ModelMetrics Metrics { get; init; }

    /// <summary>Response id including its prefix (<c>chatcmpl-…</c>, <c>cmpl-…</c>).</summary>
    public required string Id { get; init; }

    public required long Created { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    public bool ContinuousUsage { get; init; }

    /// <summary>max_tokens / max_completion_tokens as sent, or null.</summary>
    public int? MaxTokens { get; init; }

    public string[] Stops { get; init; } = [];

    public required VllmSimControl Control { get; init; }

    /// <summary>
    /// Reads <c>model</c>, <c>stream</c>, <c>stream_options</c>, <c>max_tokens</c>/<c>max_completion_tokens</c>,
    /// <c>stop</c>, <c>request_id</c> and <c>vllm_sim</c>, in vLLM's order: type errors (400) before the model check (404).
    /// </summary>
    public static bool TryParse(
        HttpContext context, JsonElement body, SimulatorState state, string idPrefix, out GenerationRequest? request, out VllmError? error)
    {
        request = null;
        if (!JsonFields.TryGetString(body, "model", "model", out var model, out error)
            || !JsonFields.TryGetBool(body, "stream", "stream", out var stream, out error)
            || !JsonFields.TryGetObject(body, "stream_options", "stream_options", out var streamOptions, out error)
            || !JsonFields.TryGetInt(body, "max_tokens", "max_tokens", out var maxTokens, out error)
            || !JsonFields.TryGetInt(body, "max_completion_tokens", "max_completion_tokens", out var maxCompletionTokens, out error)
            || !JsonFields.TryGetString(body, "request_id", "request_id", out var requestId, out error)
            || !TryGetStops(body, out var stops, out error)
            || !VllmSimControl.TryParse(body, out var control, out error))
        {
            return false;
        }

        bool? includeUsage = null;
        bool? continuousUsage = null;
        if (streamOptions is JsonElement options
            && (!JsonFields.TryGetBool(options, "include_usage", "stream_options.include_usage", out includeUsage, out error)
                || !JsonFields.TryGetBool(options, "continuous_usage_stats", "stream_options.continuous_usage_stats", out continuousUsage, out error)))
        {
            return false;
        }

        var isStream = stream ?? false;
        if (streamOptions is not null && !isStream)
        {
            error = VllmErrors.StreamOptionsWithoutStream;
            return false;
        }

        model ??= state.DefaultModel;
        if (!state.Models.TryGetValue(model, out var metrics))
        {
            error = VllmErrors.ModelNotFound(model);
            return false;
        }

        var limit = maxCompletionTokens ?? maxTokens;
        if (limit is < 1)
        {
            error = VllmErrors.MaxTokensTooSmall(limit.Value);
            return false;
        }

        request = new GenerationRequest
        {
            Model = model,
            Metrics = metrics,
            Id = idPrefix + RequestIds.Base(context, requestId),
            Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Stream = isStream,
            IncludeUsage = includeUsage ?? false,
            ContinuousUsage = (includeUsage ?? false) && (continuousUsage ?? false),
            MaxTokens = limit,
            Stops = stops,
            Control = control,
        };
        return true;
    }

    /// <summary>
    /// Checks the context window like vLLM and returns the number of tokens to generate: the explicit limit, or the
    /// server default capped by the room left in the context.
    /// </summary>
    public bool TryResolveMaxTokens(SimulatorOptions options, int promptTokens, out int maxTokens, out VllmError? error)
    {
        maxTokens = 0;
        error = null;
        if (promptTokens >= options.MaxModelLen)
        {
            error = VllmErrors.PromptTooLong(options.MaxModelLen, promptTokens);
            return false;
        }

        if (MaxTokens is int explicitLimit)
        {
            if (promptTokens + explicitLimit > options.MaxModelLen)
            {
                error = VllmErrors.MaxTokensTooLarge(explicitLimit, options.MaxModelLen, promptTokens);
                return false;
            }

            maxTokens = explicitLimit;
            return true;
        }

        maxTokens = Math.Min(options.DefaultMaxTokens, options.MaxModelLen - promptTokens);
        return true;
    }

    private static bool TryGetStops(JsonElement body, out string[] stops, out VllmError? error)
    {
        stops = [];
        error = null;
        if (!body.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            var single = stop.GetString();
            stops = string.IsNullOrEmpty(single) ? [] : [single];
            return true;
        }

        if (stop.ValueKind == JsonValueKind.Array)
        {
            var list = new List<string>(stop.GetArrayLength());
            foreach (var item in stop.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    error = VllmErrors.Validation("string_type", "('body', 'stop', 'list[str]')", "Input should be a valid string");
                    return false;
                }

                if (item.GetString() is { Length: > 0 } s)
                {
                    list.Add(s);
                }
            }

            stops = [.. list];
            return true;
        }

        error = VllmErrors.Validation("string_type", "('body', 'stop', 'str')", "Input should be a valid string");
        return false;
    }
}

/// <summary>vLLM's request id: the <c>X-Request-Id</c> header, else the body's <c>request_id</c>, else a random uuid4 hex.</summary>
internal static class RequestIds
{
    public static string Base(HttpContext context, string? bodyRequestId)
    {
        var header = context.Request.Headers["X-Request-Id"];
        if (header.Count > 0 && !string.IsNullOrEmpty(header[0]))
        {
            return header[0]!;
        }

        return !string.IsNullOrEmpty(bodyRequestId) ? bodyRequestId : Guid.NewGuid().ToString("N");
    }
}
