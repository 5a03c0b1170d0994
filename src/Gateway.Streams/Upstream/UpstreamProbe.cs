using System.Text.Json;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>
/// Checks that a vLLM replica answers <c>/health</c> and lists the model in <c>/v1/models</c>: a replica that
/// is still loading answers neither, and a replica serving another model is not ready for this one.
/// </summary>
public sealed class UpstreamProbe(HttpClient client, TimeSpan timeout, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<ProbeResult> ProbeAsync(UpstreamEndpoint endpoint, string upstreamModel, CancellationToken cancellationToken)
    {
        using var deadline = new RequestDeadline(timeout, _time, cancellationToken);
        try
        {
            using (var health = await client.GetAsync(endpoint.Resolve("/health"), deadline.Token).ConfigureAwait(false))
            {
                if (!health.IsSuccessStatusCode)
                {
                    return new ProbeResult(endpoint, false, $"{endpoint.Label}/health answered {(int)health.StatusCode}", null);
                }
            }

            using var models = await client.GetAsync(endpoint.Resolve("/v1/models"), deadline.Token).ConfigureAwait(false);
            if (!models.IsSuccessStatusCode)
            {
                return new ProbeResult(endpoint, false, $"{endpoint.Label}/v1/models answered {(int)models.StatusCode}", null);
            }

            var body = await models.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            return FindModel(endpoint, body, upstreamModel);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(endpoint, false, $"{endpoint.Label} did not answer within {timeout.TotalSeconds:0.###} s", null);
        }
        catch (HttpRequestException e)
        {
            return new ProbeResult(endpoint, false, $"{endpoint.Label} not reachable ({e.HttpRequestError})", null);
        }
    }

    internal static ProbeResult FindModel(UpstreamEndpoint endpoint, byte[] body, string upstreamModel)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Array)
            {
                foreach (var model in data.EnumerateArray())
                {
                    if (model.ValueKind == JsonValueKind.Object
                        && model.TryGetProperty("id", out var id)
                        && id.ValueKind == JsonValueKind.String
                        && id.ValueEquals(upstreamModel))
                    {
                        // An adapter is listed with "max_model_len": null (vLLM): not a number, so no length from it.
                        int? maxLen = model.TryGetProperty("max_model_len", out var len) && len.ValueKind == JsonValueKind.Number && len.TryGetInt32(out var n) ? n : null;
                        var adapter = model.TryGetProperty("parent", out var parent) && parent.ValueKind == JsonValueKind.String;
                        return new ProbeResult(endpoint, true, "ok", maxLen, ServesModel: true, IsAdapter: adapter);
                    }
                }
            }

            return new ProbeResult(endpoint, false, $"{endpoint.Label} does not serve model '{upstreamModel}'", null, ServesModel: false);
        }
        catch (JsonException)
        {
            return new ProbeResult(endpoint, false, $"{endpoint.Label}/v1/models answered invalid JSON", null);
        }
    }
}
