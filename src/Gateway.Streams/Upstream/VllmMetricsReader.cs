using System.Globalization;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>
/// Reads a replica's load from vLLM's Prometheus <c>/metrics</c>: <c>vllm:num_requests_waiting</c> and
/// <c>vllm:num_requests_running</c> (summed over every served model) and <c>vllm:kv_cache_usage_perc</c> (the
/// highest; older vLLM calls it <c>vllm:gpu_cache_usage_perc</c>). Runs in the background, never on the request path.
/// </summary>
public sealed class VllmMetricsReader(HttpClient client, TimeSpan timeout, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The load, or null when the replica did not answer or exposes none of the three metrics.</summary>
    public async Task<ReplicaLoad?> ReadAsync(UpstreamEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var deadline = new RequestDeadline(timeout, _time, cancellationToken);
        try
        {
            using var response = await client.GetAsync(endpoint.Resolve("/metrics"), deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            return Parse(text, _time.GetUtcNow());
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Parses the three metrics out of the Prometheus text format.</summary>
    public static ReplicaLoad? Parse(string text, DateTimeOffset polledAt)
    {
        double waiting = 0, running = 0, kv = 0;
        var found = false;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#' || !line.StartsWith("vllm:"))
            {
                continue;
            }

            var nameEnd = line.IndexOfAny('{', ' ');
            if (nameEnd < 0)
            {
                continue;
            }

            var name = line[..nameEnd];
            var close = line.LastIndexOf('}');
            var rest = (close >= 0 ? line[(close + 1)..] : line[nameEnd..]).Trim();
            var space = rest.IndexOf(' ');
            var valueText = space >= 0 ? rest[..space] : rest;
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
            {
                continue;
            }

            switch (name)
            {
                case "vllm:num_requests_waiting":
                    waiting += value;
                    found = true;
                    break;
                case "vllm:num_requests_running":
                    running += value;
                    found = true;
                    break;
                case "vllm:kv_cache_usage_perc" or "vllm:gpu_cache_usage_perc":
                    kv = Math.Max(kv, value);
                    found = true;
                    break;
            }

        }

        return found ? new ReplicaLoad(waiting, running, kv, polledAt) : null;
    }
}
