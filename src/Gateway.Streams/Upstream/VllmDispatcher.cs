using System.Diagnostics;
using System.Net.Http.Headers;
using Akka;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>
/// Sends one admitted request to its replica and waits for the response headers: the only phase the circuit
/// breaker judges. Never throws: every failure becomes a <see cref="GatewayError"/> on the request.
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
        Activity? activity = null;
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

            activity = GatewayTracing.StartUpstreamAttempt(request, endpoint, message);

            var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            if (status is >= 200 and < 300)
            {
                endpoint.Breaker.RecordSuccess();
                handedOver = true;
                request.UpstreamActivity = activity;
                request.Respond(new UpstreamResponse(response, deadline, endpoint, endpoint.Leave));
                return;
            }

            activity?.SetStatus(ActivityStatusCode.Error, "HTTP " + status);
            using (response)
            {
                var body = await ReadBoundedAsync(response, deadline.Token).ConfigureAwait(false);
                if (status >= 500)
                {
                    endpoint.Breaker.RecordFailure();
                }
                else
                {
                    endpoint.Breaker.RecordSuccess();
                }

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
                endpoint.Breaker.RecordFailure();
            }

            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            request.Reject(error);
        }
        finally
        {
            if (!handedOver)
            {
                activity?.Stop();
                endpoint.Leave();
                deadline.Dispose();
            }
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
