using System.Net.Http.Headers;
using Akka;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>
/// Sends one admitted request to its replica and waits for the response headers: the phase where the replica's
/// health is judged (only gateway failures count, see <see cref="JudgeStatus"/>). Never throws: every failure becomes a <see cref="GatewayError"/> on the request.
/// The total request timeout runs on <paramref name="time"/> (the gateway's one injected clock).
/// </summary>
public sealed class VllmDispatcher(HttpClient client, TimeSpan requestTimeout, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private const int MaxErrorBodyBytes = 64 * 1024;
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary>Dispatches and returns a task that completes when the request's in-flight slot may be reused.</summary>
    public Task<Done> DispatchAsync(ProxyRequest request)
    {
        if (request.Endpoint is null)
        {
            request.Reject(UpstreamErrorMapper.NoReplicaSelected());
            return request.Finished;
        }

        _ = SendAsync(request, request.Endpoint);
        return request.Finished;
    }

    private async Task SendAsync(ProxyRequest request, UpstreamEndpoint endpoint)
    {
        var deadline = new RequestDeadline(requestTimeout, _time, request.ClientAborted);
        endpoint.Enter();
        var handedOver = false;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Resolve(request.Path));
            var content = new ReadOnlyMemoryContent(request.UpstreamBody);
            content.Headers.ContentType = JsonContentType;
            message.Content = content;
            message.Headers.TryAddWithoutValidation("X-Request-ID", request.RequestId);
            if (request.Stream)
            {
                message.Headers.Accept.ParseAdd("text/event-stream");
            }

            var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                endpoint.Breaker.RecordSuccess();
                handedOver = true;
                request.Respond(new UpstreamResponse(response, deadline, endpoint, endpoint.Leave));
                return;
            }

            using (response)
            {
                var body = await ReadBoundedAsync(response, deadline.Token).ConfigureAwait(false);
                JudgeStatus(endpoint, status);
                request.Reject(UpstreamErrorMapper.FromStatus(status, body, RetryAfterSeconds(response)));
            }
        }
        catch (Exception e)
        {
            var error = UpstreamErrorMapper.FromDispatchFailure(e, request.ClientAborted.IsCancellationRequested, requestTimeout);
            if (error.IsClientClosed)
            {
                endpoint.Breaker.RecordAbandoned();
            }
            else
            {
                endpoint.RecordGatewayFailure(error.Message);
            }

            request.Reject(error);
        }
        finally
        {
            if (!handedOver)
            {
                endpoint.Leave();
                deadline.Dispose();
            }
        }
    }

    /// <summary>
    /// What a non-2xx answer says about the replica: 502/503/504 are gateway failures (they count toward ejection);
    /// any other 5xx is request-specific (a probe decides); a 4xx is the client's problem, and the replica answered.
    /// </summary>
    internal static void JudgeStatus(UpstreamEndpoint endpoint, int status)
    {
        switch (status)
        {
            case 502 or 503 or 504:
                endpoint.RecordGatewayFailure($"{endpoint.Label} answered {status}");
                break;
            case >= 500:
                endpoint.RecordRequestSpecificFailure($"{endpoint.Label} answered {status}");
                break;
            case 429:
                endpoint.Breaker.RecordAbandoned();
                break;
            default:
                endpoint.Breaker.RecordSuccess();
                break;
        }
    }

    private static int? RetryAfterSeconds(HttpResponseMessage response)
    {
        var retry = response.Headers.RetryAfter;
        if (retry?.Delta is { } delta)
        {
            return Math.Max(1, (int)Math.Ceiling(delta.TotalSeconds));
        }

        return null;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return buffer[..total];
    }
}
