using System.Diagnostics;
using System.Text.Json;
using Gateway.Actors.Routing;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Host.Http;
using Gateway.Host.Observability;
using Gateway.Host.Shutdown;
using Gateway.Host.Validation;
using Gateway.Streams.Accounting;
using Gateway.Streams.Json;
using Gateway.Streams.Limits;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Host.Endpoints;

/// <summary>
/// The HTTP edge of every relayed route: read and check the body, find the model, hand the request to the
/// model's pipeline as an element, then relay what comes back (plain or SSE). One await on the request's own
/// response channel; no actor is asked anything.
/// </summary>
internal sealed class ProxyEndpoint(
    PublishedModelRegistry models, GatewayStreams streams, GatewaySettings settings, RequestActivity activity, GatewayRuntime runtime, GatewayDrain drain)
{
    public async Task HandleAsync(HttpContext context, ProxyRoute route)
    {
        var ct = context.RequestAborted;
        activity.Touch();
        if (RequestHeaderCheck.Check(context.Request.ContentType, context.Request.Headers.ContentEncoding) is { } badHeaders) // issue 9: before reading
        {
            await ErrorResponses.WriteAsync(context, badHeaders);
            return;
        }

        ReadOnlyMemory<byte> body;
        try
        {
            var (read, tooLarge) = await RequestBodyReader.ReadAsync(context.Request, settings.Server.MaxRequestBodyBytes, ct);
            if (tooLarge is not null)
            {
                context.Response.Headers.Connection = "close";
                await ErrorResponses.WriteAsync(context, tooLarge);
                return;
            }

            body = read;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Slower than Gateway:Server:Limits:MinRequestBodyBytesPerSecond: Kestrel closes the connection after this answer.
            await ErrorResponses.WriteAsync(context, GatewayError.RequestTimeout());
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            context.Response.Headers.Connection = "close";
            await ErrorResponses.WriteAsync(context, GatewayError.PayloadTooLarge(settings.Server.MaxRequestBodyBytes, null));
            return;
        }
        catch (BadHttpRequestException e)
        {
            await ErrorResponses.WriteAsync(context, GatewayError.InvalidBody($"The request body could not be read: {e.Message}"));
            return;
        }

        if (RequestBodyCheck.TryParse(body, out var document) is { } badBody) // issue 9: UTF-8, JSON, depth, lone surrogates
        {
            await ErrorResponses.WriteAsync(context, badBody);
            return;
        }

        // Until a ProxyRequest takes the document over, this method owns it.
        var (request, queuedAt) = await AdmitAsync(context, route, body, document!, ct);
        if (request is null)
        {
            document!.Dispose();
            return;
        }

        try
        {
            // The request's one long wait happens in this frame: a plain answer relayed at once needs no further async frame.
            ProxyOutcome? outcome;
            try
            {
                // Queue timeout: a request still waiting for dispatch after this long is answered 503 queue_timeout. Most
                // requests have left the queue by now (the pipeline runs on the thread that enqueued them): no timer then.
                // A client that leaves needs no token here: the queue, the stages and the dispatcher answer such a
                // request ClientClosed themselves.
                using (request is { IsWaitingForDispatch: true, IsAnswered: false } ? runtime.Time.CreateTimer(ExpireInQueueCallback, request, runtime.QueueTimeoutFor(request.Timeouts), Timeout.InfiniteTimeSpan) : null)
                {
                    outcome = await request.Outcome.WaitAsync(drain.EndStreams);
                }
            }
            catch (OperationCanceledException)
            {
                outcome = null; // the shutdown drain ended the wait
            }

            await RelayOutcomeAsync(context, request, outcome, queuedAt, ct);
        }
        finally
        {
            UsageRecording.Record(runtime.Usage, context, request);
        }
    }

    /// <summary>
    /// Checks the request and hands it (and its parsed body) to the model's pipeline; null when answered here. Also
    /// when it entered the queue (for the admission span; default when nobody traces): the pipeline may send it
    /// upstream before this returns.
    /// </summary>
    private async ValueTask<(ProxyRequest? Request, DateTimeOffset QueuedAt)> AdmitAsync(HttpContext context, ProxyRoute route, ReadOnlyMemory<byte> body, JsonDocument document, CancellationToken ct)
    {
        var root = document.RootElement;
        var fields = RequestFields.Read(root); // one walk over the root's properties serves every check below
        if (RequestValidator.Validate(root, in fields, route, out var model, out var stream) is { } invalid)
        {
            await ErrorResponses.WriteAsync(context, invalid);
            return default;
        }

        var facts = GatewayRequestFeature.Of(context);
        facts.Model = model;
        var snapshot = models.Current;
        if (!snapshot.TryGet(model, out var handle))
        {
            await ErrorResponses.WriteAsync(context, UsableModels.NotFound(model, snapshot, facts.Identity));
            return default;
        }

        facts.ModelId = handle.ModelId;
        model = handle.ModelId; // the same text (ids compare ordinally): the configured instance, so label and key lookups downstream compare by reference first
        var identity = facts.Identity;
        if (identity is not null && !identity.MayUse(model))
        {
            await ErrorResponses.WriteAsync(context, GatewayError.ModelNotAllowed(model));
            return default;
        }

        if (identity is { LogContent: true } || handle.Route.LogContent)
        {
            facts.Content = ContentCapture.Start(root); // opted in: the prompt is copied now, while the body is ours
        }

        if (ParameterValidator.Validate(root, in fields, route, handle.Readiness.MaxModelLen) is { } badParameter) // issue 9: known OpenAI parameters
        {
            await ErrorResponses.WriteAsync(context, badParameter);
            return default;
        }

        var rateLimitKey = identity?.Name ?? "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        var limits = identity?.Limits ?? runtime.Keys.Current.Keys.AnonymousLimits;
        var prompt = TokenEstimate.Prompt(in fields);
        var reserve = prompt + TokenEstimate.Output(in fields, prompt, handle.Readiness.MaxModelLen ?? handle.Route.MaxModelLen);
        var decision = runtime.Limiter.TryAcquire(rateLimitKey, limits, reserve);
        RateLimitHeaders.Write(context.Response, decision.Headers);
        if (decision.Lease is not { } lease)
        {
            runtime.Usage.Record(rateLimitKey, model, UsageOutcome.RateLimited, 0, 0);
            RateLimitHeaders.WriteRetryAfterMs(context.Response, decision.RetryAfter);
            await ErrorResponses.WriteAsync(context, GatewayError.RateLimited(
                $"Rate limit exceeded: {decision.ExceededLimit} for this key.", RateLimitHeaders.RetryAfterSeconds(decision.RetryAfter)) with
            {
                Cause = decision.ExceededLimit switch
                {
                    "requests per minute" => "key_rpm",
                    "tokens per minute" => "key_tpm",
                    "concurrent requests" => "key_concurrency",
                    _ => "rate_limited",
                },
            });
            return default;
        }

        var request = new ProxyRequest
        {
            ModelId = model,
            Path = route.Path,
            Body = body,
            Json = root,
            ParsedBody = document,
            Stream = stream,
            RateLimitKey = rateLimitKey,
            RequestId = facts.RequestId,
            ClientAborted = ct,
            Timeouts = handle.Route.Timeouts,
            TraceParent = InboundTrace.Of(context),
            Priority = limits.Priority,
            PromptTokenEstimate = prompt,
            KeySettler = lease,
        };
        facts.Request = request;

        var queuedAt = GatewayTracing.Source.HasListeners() ? runtime.Time.GetUtcNow() : default;
        if (handle.TryEnqueue(request) is { } shed)
        {
            // A config reload may have replaced or removed the model's router since the lookup: look once more.
            if (!handle.PipelineRunning && !ReferenceEquals(models.Current.TryGet(model, out var newer) ? newer : null, handle))
            {
                shed = newer is null ? GatewayError.ModelNotFound(model) : newer.TryEnqueue(request);
            }

            if (shed is not null)
            {
                lease.Complete(null);
                runtime.Usage.Record(rateLimitKey, model, UsageOutcome.Rejected, 0, 0);
                await ErrorResponses.WriteAsync(context, shed);
                return default;
            }
        }

        return (request, queuedAt);
    }

    /// <summary>Answers the client from the request's outcome; null: the shutdown drain ended the wait first.</summary>
    private async ValueTask RelayOutcomeAsync(HttpContext context, ProxyRequest request, ProxyOutcome? outcome, DateTimeOffset queuedAt, CancellationToken ct)
    {
        if (outcome is null)
        {
            RecordAdmissionSpan(request, queuedAt);
            Abandon(request);
            if (!ct.IsCancellationRequested)
            {
                // Still queued or waiting for vLLM's headers when the shutdown drain timed out.
                await ErrorResponses.WriteAsync(context, GatewayError.ShuttingDown("The gateway is shutting down; the request could not be answered in time."));
            }

            return;
        }

        RecordAdmissionSpan(request, queuedAt);

        switch (outcome)
        {
            case ProxyOutcome.Rejected { Error.IsClientClosed: true }:
                return;
            case ProxyOutcome.Rejected rejected:
                await ErrorResponses.WriteAsync(context, rejected.Error);
                return;
            case ProxyOutcome.Responded { Response: var late } when ct.IsCancellationRequested:
                // The client left while vLLM's headers were on their way: closed unread, as if never answered.
                late.Dispose();
                request.Release();
                return;
            case ProxyOutcome.Responded responded:
                try
                {
                    using (responded.Response)
                    {
                        await RelayAsync(context, request, responded.Response);
                    }

                    // The upstream response is closed first (a client that left stops the generation at once).
                    await UsageRecording.SettleAsync(context, request, runtime.PromptTokens);
                }
                finally
                {
                    request.Release();
                }

                return;
        }
    }

    private async Task RelayAsync(HttpContext context, ProxyRequest request, UpstreamResponse upstream)
    {
        var response = context.Response;
        var facts = GatewayRequestFeature.Of(context);
        var isEventStream = upstream.IsEventStream;
        if (request.Stream && isEventStream)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            // The headers go out with the first event: a stream that fails before it gets a real status.
            var attempt = request.UpstreamActivity is { IsAllDataRequested: true } recorded ? recorded : null;
            IClientResponseWriter writer = new PipeClientResponseWriter(response.BodyWriter);
            if (facts.Content is { } capture)
            {
                writer = new ContentCaptureWriter(writer, capture);
            }

            var client = new FirstWriteClock(writer, runtime.Time, collectFinishReasons: attempt is not null);
            using var relaySpan = GatewayTracing.Source.HasListeners() ? GatewayTracing.Source.StartActivity("relay " + request.ModelId) : null;
            var outcome = await StreamingRelay.RunAsync(
                upstream,
                request.ResponseTransform,
                client,
                streams.Materializer,
                request.StripUsageChunk,
                runtime.StreamTimeoutsFor(request.Timeouts),
                drain.EndStreams);
            facts.Relay = outcome.Kind;
            facts.Usage = outcome.Usage;
            facts.DeltasRelayed = outcome.DeltasRelayed;
            facts.FirstTokenAt = client.FirstWriteAt;
            relaySpan?.SetTag("gateway.relay", outcome.Kind.ToString());
            if (client.FinishReasons is { Count: > 0 } streamed)
            {
                attempt?.SetTag("gen_ai.response.finish_reasons", streamed.ToArray());
            }

            if (outcome.FailedBeforeFirstByte is { } failed && !response.HasStarted)
            {
                response.Headers.Remove("X-Accel-Buffering");
                response.Headers.CacheControl = default;
                await ErrorResponses.WriteAsync(context, failed);
            }

            return;
        }

        using var plainSpan = GatewayTracing.Source.HasListeners() ? GatewayTracing.Source.StartActivity("relay " + request.ModelId) : null;
        var (body, error) = await PlainRelay.ReadAsync(upstream, request.ResponseTransform, settings.Upstream.MaxResponseBodyBytes);
        if (error is not null)
        {
            if (!error.IsClientClosed)
            {
                await ErrorResponses.WriteAsync(context, error);
            }

            return;
        }

        facts.Usage = TokenUsage.TryRead(body.Span);
        facts.Content?.CollectBody(body.Span);
        if (request.UpstreamActivity is { IsAllDataRequested: true } span)
        {
            List<string> reasons = [];
            FinishReasons.Collect(body.Span, reasons);
            span.SetTag("gen_ai.response.finish_reasons", reasons.ToArray());
        }
        response.StatusCode = (int)upstream.Message.StatusCode;
        response.ContentType = upstream.ContentType ?? "application/json";
        response.ContentLength = body.Length;
        try
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
            facts.Relay = RelayResult.Completed;
        }
        catch (OperationCanceledException)
        {
            facts.Relay = RelayResult.ClientAborted;
        }
    }

    private static readonly TimerCallback ExpireInQueueCallback = static state => ExpireInQueue((ProxyRequest)state!);

    private static void ExpireInQueue(ProxyRequest request) =>
        request.TryExpireInQueue(GatewayError.QueueTimeout("The request waited too long in the model's queue; retry later.", 1));

    /// <summary>The admission span: from the model's queue to an in-flight slot (or the rejection), recorded after the fact.</summary>
    private void RecordAdmissionSpan(ProxyRequest request, DateTimeOffset queuedAt)
    {
        if (queuedAt == default)
        {
            return;
        }

        using var span = GatewayTracing.Source.StartActivity("queue " + request.ModelId, ActivityKind.Internal, request.TraceParent, startTime: queuedAt);
        if (span is null)
        {
            return;
        }

        span.SetTag("gen_ai.request.model", request.ModelId);
        var left = request is { EnqueuedAt: not 0, DequeuedAt: not 0 }
            ? queuedAt + runtime.Time.GetElapsedTime(request.EnqueuedAt, request.DequeuedAt)
            : runtime.Time.GetUtcNow();
        span.SetEndTime(left.UtcDateTime);
    }

    /// <summary>The client left while the request was queued or being sent: whatever comes back is disposed unread.</summary>
    private static void Abandon(ProxyRequest request) => _ = AbandonAsync(request);

    private static async Task AbandonAsync(ProxyRequest request)
    {
        if (await request.Outcome.ConfigureAwait(false) is ProxyOutcome.Responded responded)
        {
            responded.Response.Dispose();
        }

        request.Release();
    }
}
