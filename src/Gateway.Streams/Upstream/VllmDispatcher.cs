using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using Akka;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>
/// Sends one admitted request to its replica and waits for the response headers: the phase where the replica's
/// health is judged (only gateway failures count, see <see cref="JudgeStatus"/>). Never throws: every failure becomes a <see cref="GatewayError"/> on the request.
/// The total request timeout runs on <paramref name="time"/> (the gateway's one injected clock).
/// <paramref name="client"/> is the handler itself (<see cref="UpstreamHttpClient.CreateInvoker"/>: answers at the
/// response headers, no <see cref="HttpClient"/> layer with its linked token source per call) or an
/// <see cref="HttpClient"/>, which is asked to answer at the headers too.
/// </summary>
public sealed class VllmDispatcher(HttpMessageInvoker client, TimeSpan requestTimeout, TimeProvider? time = null, DispatchPolicy? policy = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly DispatchPolicy _policy = policy ?? DispatchPolicy.Default;

    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int FirstReadBytes = 16 * 1024; // pooled, the relay's read size: whatever the upstream already sent comes in one read
    private const int MaxFirstEventBytes = 4 * 1024 * 1024;
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary>Dispatches and returns a task that completes when the request's in-flight slot may be reused.</summary>
    public Task<Done> DispatchAsync(ProxyRequest request)
    {
        if (!request.TryMarkDispatched())
        {
            return request.Finished; // answered while it waited (queue timeout)
        }

        if (request.Endpoint is null)
        {
            request.Reject(UpstreamErrorMapper.NoReplicaSelected());
            return request.Finished;
        }

        _ = SendAsync(request, request.Endpoint);
        return request.Finished;
    }

    /// <summary>
    /// Sends to <paramref name="endpoint"/>; a gateway failure or a 429/503 before any byte reached the client is
    /// retried on another replica, within <see cref="DispatchPolicy.MaxRetries"/> and the model's retry budget.
    /// The body is the same memory every attempt (never copied again).
    /// </summary>
    private async Task SendAsync(ProxyRequest request, UpstreamEndpoint endpoint)
    {
        var deadline = new RequestDeadline(TotalTimeout(request), request.Timeouts.Ttft ?? _policy.TtftTimeout, _time, request.ClientAborted);
        var handedOver = false;
        try
        {
            while (true)
            {
                request.Endpoint = endpoint;
                var attempt = await AttemptAsync(request, endpoint, deadline).ConfigureAwait(false);
                if (attempt.Response is { } response)
                {
                    handedOver = true;
                    request.Respond(new UpstreamResponse(response, deadline, endpoint, endpoint.LeaveAction, attempt.Body));
                    return;
                }

                var error = attempt.Error!;
                if (attempt.Retryable && request.Retries < _policy.MaxRetries && !deadline.TimedOut && !deadline.CallerCancelled
                    && request.Replicas?.PickForRetry(request, endpoint) is { } next)
                {
                    deadline.RestartPhase();
                    request.Retries++;
                    (request.TriedReplicas ??= []).Add(endpoint);
                    next.CountRetry();
                    endpoint = next;
                    continue;
                }

                request.Reject(error);
                return;
            }
        }
        finally
        {
            if (!handedOver)
            {
                deadline.Dispose();
            }
        }
    }

    /// <summary>One attempt on one replica: its 2xx response (headers in, in-flight count held), or the error and whether a retry may help.</summary>
    private async Task<Attempt> AttemptAsync(ProxyRequest request, UpstreamEndpoint endpoint, RequestDeadline deadline)
    {
        endpoint.Enter();
        var keep = false;
        var ttftTimeout = request.Timeouts.Ttft ?? _policy.TtftTimeout;
        var connectTimeout = ConnectTimeout(request);
        Activity? activity = null;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Resolve(request.Path));
            var content = new ReadOnlyMemoryContent(request.UpstreamBody);
            content.Headers.ContentType = JsonContentType;
            message.Content = content;
            message.Headers.TryAddWithoutValidation("X-Request-ID", request.RequestId);
            if (connectTimeout != _policy.ConnectTimeout)
            {
                // Only a model's own (or a shorter total) timeout travels with the request: the client's default is the policy's.
                message.Options.Set(UpstreamHttpClient.ConnectTimeoutOption, connectTimeout);
            }

            if (request.Stream)
            {
                message.Headers.TryAddWithoutValidation("Accept", "text/event-stream"); // no parse per stream
            }

            activity = GatewayTracing.StartUpstreamAttempt(request, endpoint, message);

            var response = await (client is HttpClient http
                ? http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token)
                : client.SendAsync(message, deadline.Token)).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!request.Stream || status is < 200 or >= 300)
            {
                deadline.EndPhase(); // headers in: the time-to-first-token phase is over (a stream's ends with its first event)
            }

            activity?.SetTag("http.response.status_code", status);
            if (status is >= 200 and < 300 && request.Stream && !IsEventStream(response))
            {
                // A stream answered with a whole JSON body (or anything else): nothing the client could read as SSE.
                var contentType = response.Content.Headers.ContentType?.ToString();
                response.Dispose();
                endpoint.RecordGatewayFailure($"{endpoint.Label} answered a stream with {contentType ?? "no content type"}");
                activity?.SetStatus(ActivityStatusCode.Error, "not an event stream");
                return new Attempt(null, UpstreamErrorMapper.NotAnEventStream(contentType), false);
            }

            Stream? opened = null;
            if (status is >= 200 and < 300 && request.Stream)
            {
                var (dropped, firstEvent) = await AwaitFirstEventAsync(response, endpoint, deadline.Token).ConfigureAwait(false);
                if (dropped is not null)
                {
                    // Nothing reached the client yet: a stream that breaks before its first event is retried like a plain request.
                    activity?.SetStatus(ActivityStatusCode.Error, dropped.Code);
                    return new Attempt(null, dropped, true);
                }

                opened = firstEvent;
            }

            if (status is >= 200 and < 300)
            {
                deadline.EndPhase();
                endpoint.RecordSuccess();
                keep = true;
                request.UpstreamActivity = activity;
                return new Attempt(response, null, false, opened);
            }

            activity?.SetStatus(ActivityStatusCode.Error, "HTTP " + status);

            using (response)
            {
                var body = await ReadBoundedAsync(response, deadline.Token).ConfigureAwait(false);
                JudgeStatus(endpoint, status);
                return new Attempt(null, UpstreamErrorMapper.FromStatus(status, body, RetryAfterSeconds(response)), status is 429 or 502 or 503 or 504);
            }
        }
        catch (Exception e)
        {
            if (request.ClientAborted.IsCancellationRequested)
            {
                endpoint.Breaker.RecordAbandoned();
                activity?.SetStatus(ActivityStatusCode.Error, GatewayError.ClientClosed.Code);
                return new Attempt(null, GatewayError.ClientClosed, false);
            }

            if (deadline.PhaseTimedOut)
            {
                var seconds = ttftTimeout!.Value.TotalSeconds;
                endpoint.RecordGatewayFailure(request.Stream
                    ? $"{endpoint.Label} sent no first event within {seconds:0.###} s"
                    : $"{endpoint.Label} sent no response headers within {seconds:0.###} s");
                activity?.SetStatus(ActivityStatusCode.Error, "upstream_ttft_timeout");
                return new Attempt(null, GatewayError.UpstreamTtftTimeout($"vLLM upstream sent no first token within {seconds:0.###} s."), true);
            }

            var error = UpstreamErrorMapper.FromDispatchFailure(e, false, TotalTimeout(request), connectTimeout);
            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            if (deadline.TimedOut)
            {
                endpoint.Breaker.RecordAbandoned();
                return new Attempt(null, error, false);
            }

            endpoint.RecordGatewayFailure($"{endpoint.Label}: {error.Message}");
            return new Attempt(null, error, true);
        }
        finally
        {
            if (!keep)
            {
                activity?.Stop();
                endpoint.Leave();
            }
        }
    }

    /// <summary>
    /// Reads a stream's body up to the end of its first event (within the time-to-first-token timeout) and returns the
    /// body with those bytes put back in front of the rest, so the response is handed over only once it has something to
    /// relay. The bytes wait in a pooled buffer (given back once the relay has read them); the response's content and its
    /// headers stay as they are. A body that ends or fails first is a gateway failure: the error returned (the response is
    /// disposed), to be retried. A timeout or a client leaving propagates as the cancellation it is (the response is disposed).
    /// </summary>
    private static async Task<(GatewayError? Error, Stream? Body)> AwaitFirstEventAsync(HttpResponseMessage response, UpstreamEndpoint endpoint, CancellationToken ct)
    {
        byte[] buffer = [];
        var filled = 0;
        Stream? body = null;
        try
        {
            body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);

            // Wait for the first bytes without a buffer (a slow first token holds none), then rent one.
            await body.ReadAsync(Memory<byte>.Empty, ct).ConfigureAwait(false);
            buffer = ArrayPool<byte>.Shared.Rent(FirstReadBytes);
            while (!EndsAnEvent(buffer.AsSpan(0, filled)))
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxFirstEventBytes)
                    {
                        break; // an oversized event: the relay reports it
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    response.Dispose();
                    endpoint.RecordGatewayFailure($"{endpoint.Label} ended a stream before its first event");
                    return (UpstreamErrorMapper.FromStreamResult(Proxy.RelayResult.UpstreamTruncated), null);
                }

                filled += read;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            ReturnRented(buffer);
            response.Dispose();
            endpoint.RecordGatewayFailure($"{endpoint.Label} broke a stream before its first event: {e.GetType().Name}");
            return (UpstreamErrorMapper.FromStreamResult(Proxy.RelayResult.UpstreamFailed), null);
        }
        catch
        {
            ReturnRented(buffer);
            response.Dispose();
            throw;
        }

        return (null, new PrefixedReadStream(buffer, filled, body));
    }

    private static void ReturnRented(byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The bytes hold a blank line (two line ends in a row; CRLF, LF or CR): the first event is complete.</summary>
    private static bool EndsAnEvent(ReadOnlySpan<byte> bytes)
    {
        var atLineStart = true;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == (byte)'\n' && i > 0 && bytes[i - 1] == (byte)'\r')
            {
                continue; // the second half of CRLF
            }

            if (b is (byte)'\r' or (byte)'\n')
            {
                if (atLineStart && i > 0)
                {
                    return true;
                }

                atLineStart = true;
            }
            else
            {
                atLineStart = false;
            }
        }

        return false;
    }

    /// <summary>The whole request's timeout: the model's own, else the gateway-wide one (<c>VLLM_REQUEST_TIMEOUT_S</c>).</summary>
    private TimeSpan TotalTimeout(ProxyRequest request) => request.Timeouts.Total ?? requestTimeout;

    /// <summary>The connect timeout of one attempt: the model's own, else the policy's; never longer than the whole request.</summary>
    private TimeSpan ConnectTimeout(ProxyRequest request)
    {
        var connect = request.Timeouts.Connect ?? _policy.ConnectTimeout;
        var total = TotalTimeout(request);
        return connect < total ? connect : total;
    }

    private readonly record struct Attempt(HttpResponseMessage? Response, GatewayError? Error, bool Retryable, Stream? Body = null);

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
            case >= 300 and < 400:
                // A redirect is never followed (AllowAutoRedirect = false: no SSRF through Location); it is the replica's fault.
                endpoint.RecordGatewayFailure($"{endpoint.Label} answered a redirect ({status})");
                break;
            case >= 500:
                endpoint.RecordRequestSpecificFailure($"{endpoint.Label} answered {status}");
                break;
            case 429:
                endpoint.Breaker.RecordAbandoned();
                break;
            default:
                endpoint.RecordSuccess();
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

    private static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
}
