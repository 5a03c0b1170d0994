using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Streams.Limits;

namespace Gateway.Host.Http;

/// <summary>
/// OpenAI's rate-limit headers, on every relayed response (so clients can pace themselves; the official SDKs read
/// them) and on a 429: <c>x-ratelimit-limit-requests</c>, <c>x-ratelimit-remaining-requests</c>,
/// <c>x-ratelimit-reset-requests</c> and the same three for tokens (each pair only when that limit is on), plus
/// <c>retry-after-ms</c> beside <c>Retry-After</c> when refused. Durations are written as OpenAI does: <c>1s</c>,
/// <c>6m0s</c>, <c>120ms</c>.
/// </summary>
internal static class RateLimitHeaders
{
    private const int MaxCachedLimits = 256;
    private static readonly string?[] Milliseconds = new string?[1001];
    private static readonly ConcurrentDictionary<int, string> Limits = new();

    public static void Write(HttpResponse response, RateLimitHeaderValues values)
    {
        var headers = response.Headers;
        if (values.LimitRequests is { } requests)
        {
            headers["x-ratelimit-limit-requests"] = Limit(requests);
            headers["x-ratelimit-remaining-requests"] = values.RemainingRequests.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = Duration(values.ResetRequests);
        }

        if (values.LimitTokens is { } tokens)
        {
            headers["x-ratelimit-limit-tokens"] = Limit(tokens);
            headers["x-ratelimit-remaining-tokens"] = values.RemainingTokens.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = Duration(values.ResetTokens);
        }
    }

    /// <summary>A limit is one of a few configured numbers: each one's text is made once.</summary>
    private static string Limit(int limit)
    {
        if (Limits.TryGetValue(limit, out var text))
        {
            return text;
        }

        text = limit.ToString(CultureInfo.InvariantCulture);
        if (Limits.Count < MaxCachedLimits)
        {
            Limits.TryAdd(limit, text);
        }

        return text;
    }

    /// <summary><c>retry-after-ms</c> (exact); <c>Retry-After</c> in whole seconds, rounded up, comes with the error.</summary>
    public static void WriteRetryAfterMs(HttpResponse response, TimeSpan retryAfter) =>
        response.Headers["retry-after-ms"] = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    /// <summary>Go-style durations as OpenAI sends them: <c>0s</c>, <c>250ms</c>, <c>1.5s</c>, <c>6m0s</c>, <c>1h2m3s</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
        {
            return "0s";
        }

        if (span < TimeSpan.FromSeconds(1))
        {
            // 1ms..1000ms: a handful of strings every response reuses (a bucket that is nearly full reports ~1ms).
            var ms = (int)Math.Ceiling(span.TotalMilliseconds);
            return Milliseconds[ms] ??= ms.ToString(CultureInfo.InvariantCulture) + "ms";
        }

        var seconds = Math.Round(span.TotalSeconds % 60, 3).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        var minutes = (long)span.TotalMinutes;
        if (minutes == 0)
        {
            return seconds;
        }

        var hours = minutes / 60;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}h{minutes % 60}m{seconds}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes}m{seconds}");
    }
}
