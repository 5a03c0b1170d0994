using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Relay;

/// <summary>
/// Relays one SSE response: upstream bytes → <see cref="SseFramingStage"/> → the optional tool-call parsing
/// flow → the client, writing and flushing each event as soon as it is complete. This small graph is the one
/// per-request materialization, paid only by streams (which then live for seconds). Events that completed in
/// the same upstream read are flushed together after the last of them. The client always sees
/// exactly one <c>data: [DONE]</c>; a failure after the first byte is written in-band as an error event first.
/// </summary>
public static class StreamingRelay
{
    // No prefetch between stages: a client that stops reading stops the upstream reads almost at once.
    private static readonly Attributes MinimalBuffers = Attributes.CreateInputBuffer(1, 1);
    private static readonly ReadOnlyMemory<byte> DoneFrame = SseFraming.DoneEvent.ToArray();
    private static readonly ReadOnlyMemory<byte> DataPrefix = SseFraming.DataPrefix.ToArray();
    private static readonly ReadOnlyMemory<byte> EventEnd = SseFraming.EventEnd.ToArray();

    /// <param name="stripUsageChunk">The gateway, not the client, asked for the usage chunk: read it, don't forward it.</param>
    /// <param name="timeouts">
    /// The time-to-first-event (<c>upstream_ttft_timeout</c>) and the longest silence between two events
    /// (<c>upstream_idle_timeout</c>); before the first event the shorter applies and counts as time to first token.
    /// </param>
    /// <param name="stop">
    /// Fires when the gateway must end the stream itself (the shutdown drain timed out): the relay stops reading
    /// upstream and ends the client's stream with an in-band <c>shutting_down</c> error and <c>[DONE]</c>.
    /// </param>
    public static async Task<RelayOutcome> RunAsync(
        UpstreamResponse response,
        ResponseTransform? transform,
        IClientResponseWriter client,
        IMaterializer materializer,
        bool stripUsageChunk = false,
        StreamTimeouts? timeouts = null,
        CancellationToken stop = default)
    {
        var state = new State { StripUsageChunk = stripUsageChunk };
        var ct = response.Token;
        var events = UpstreamBodySource.Create(response).Via(new SseFramingStage()).Select(RequireJsonEvent);
        if (timeouts?.FirstEvent is { } first)
        {
            events = events.InitialTimeout(first);
        }

        if (timeouts?.BetweenEvents is { } idle)
        {
            events = events.IdleTimeout(idle);
        }

        if (transform is not null)
        {
            events = events.Via(transform.Stream());
        }

        RelayResult result;
        string? malformed = null;
        try
        {
            var (killSwitch, written) = events
                .ViaMaterialized(KillSwitches.Single<SseEvent>(), Keep.Right)
                .ToMaterialized(new ClientWriterSink<SseEvent>(e => WriteEventAsync(client, e, state, ct)), Keep.Both)
                .WithAttributes(MinimalBuffers)
                .Run(materializer);
            using (stop.Register(killSwitch.Shutdown))
            {
                await written.ConfigureAwait(false);
            }

            result = state.SawDone || state.SawError ? RelayResult.Completed
                : stop.IsCancellationRequested ? RelayResult.GatewayStopped
                : RelayResult.UpstreamTruncated;
        }
        catch (Exception) when (response.ClientAborted)
        {
            return new RelayOutcome(RelayResult.ClientAborted, state.Usage, state.Deltas);
        }
        catch (Exception) when (response.TimedOut)
        {
            result = RelayResult.UpstreamTimedOut;
        }
        catch (SseProtocolException e)
        {
            result = RelayResult.UpstreamFailed;
            malformed = e.Message;
        }
        catch (TimeoutException)
        {
            result = state.Written ? RelayResult.UpstreamIdleTimedOut : RelayResult.UpstreamTtftTimedOut;
        }
        catch (Exception)
        {
            result = RelayResult.UpstreamFailed;
        }

        if (result is RelayResult.UpstreamTruncated or RelayResult.UpstreamFailed or RelayResult.UpstreamIdleTimedOut or RelayResult.UpstreamTtftTimedOut)
        {
            // A stream dropped before [DONE] is a gateway failure: it counts against the replica.
            response.Endpoint.RecordGatewayFailure($"{response.Endpoint.Label} dropped a stream before [DONE]");
        }

        if (!state.Written && timeouts is { DeferHeaders: true })
        {
            // Nothing reached the client yet, not even the headers: the caller answers with a real status.
            return new RelayOutcome(result, state.Usage, state.Deltas) { FailedBeforeFirstByte = UpstreamErrorMapper.FromStreamResult(result) };
        }

        if (!state.SawDone)
        {
            await FinishInBandAsync(client, result, state.SawError, malformed).ConfigureAwait(false);
        }

        return new RelayOutcome(result, state.Usage, state.Deltas);
    }

    /// <summary>
    /// vLLM's events are single-line JSON objects (or <c>[DONE]</c>). Anything else would reach the client as an event
    /// its SDK cannot parse (or, with several <c>data:</c> lines, half lost), so the stream ends with an in-band error.
    /// </summary>
    private static SseEvent RequireJsonEvent(SseEvent e)
    {
        var data = e.Data.Span;
        if (e.IsDone)
        {
            return e;
        }

        if (data.IndexOf((byte)'\n') >= 0)
        {
            throw new SseProtocolException("an event with several data lines (a missing blank line between events?).");
        }

        var start = data.TrimStart(" \t\r"u8);
        if (start.IsEmpty || start[0] != (byte)'{')
        {
            throw new SseProtocolException("an event whose data is not a JSON object.");
        }

        return e;
    }

    /// <summary>
    /// Writes one event, and flushes after the last event of an upstream read. Synchronous when the client side
    /// has room (the common case); the frame is written in three pieces, so relaying an event allocates nothing.
    /// </summary>
    private static ValueTask WriteEventAsync(IClientResponseWriter client, SseEvent e, State state, CancellationToken ct)
    {
        ValueTask write;
        if (e.IsDone)
        {
            state.SawDone = true;
            write = client.WriteAsync(DoneFrame, ct);
        }
        else
        {
            state.SawError |= e.IsError;
            var (usage, usageOnly) = TokenUsage.InspectChunk(e.Data.Span);
            state.Usage = usage ?? state.Usage;
            state.Deltas += TokenUsage.CountsAsDelta(e.Data.Span) ? 1 : 0;
            if (usageOnly && state.StripUsageChunk)
            {
                // Not forwarded, but it may end a read whose earlier events still wait for their flush.
                return e.MoreFollows ? ValueTask.CompletedTask : client.FlushAsync(ct);
            }

            write = WriteFrameAsync(client, e.Data, ct);
        }

        state.Written = true;
        if (e.MoreFollows)
        {
            return write;
        }

        return write.IsCompletedSuccessfully ? client.FlushAsync(ct) : FlushAfterAsync(write, client, ct);
    }

    /// <summary><c>data: </c>, the payload, <c>\n\n</c>: vLLM's framing.</summary>
    private static ValueTask WriteFrameAsync(IClientResponseWriter client, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var prefix = client.WriteAsync(DataPrefix, ct);
        if (!prefix.IsCompletedSuccessfully)
        {
            return WriteFrameRestAsync(prefix, client, payload, ct);
        }

        var body = client.WriteAsync(payload, ct);
        if (!body.IsCompletedSuccessfully)
        {
            return WriteFrameRestAsync(body, client, ReadOnlyMemory<byte>.Empty, ct);
        }

        return client.WriteAsync(EventEnd, ct);
    }

    private static async ValueTask WriteFrameRestAsync(ValueTask pending, IClientResponseWriter client, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await pending.ConfigureAwait(false);
        if (!payload.IsEmpty)
        {
            await client.WriteAsync(payload, ct).ConfigureAwait(false);
        }

        await client.WriteAsync(EventEnd, ct).ConfigureAwait(false);
    }

    private static async ValueTask FlushAfterAsync(ValueTask write, IClientResponseWriter client, CancellationToken ct)
    {
        await write.ConfigureAwait(false);
        await client.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The upstream ended without <c>[DONE]</c>: tell the client why (unless vLLM already did), then end the stream properly.</summary>
    private static async Task FinishInBandAsync(IClientResponseWriter client, RelayResult result, bool upstreamSentError, string? malformed)
    {
        try
        {
            if (!upstreamSentError && result != RelayResult.Completed)
            {
                var error = malformed is null ? UpstreamErrorMapper.FromStreamResult(result) : UpstreamErrorMapper.MalformedStream(malformed);
                await client.WriteAsync(SseFraming.Frame(GatewayErrorJson.ToBytes(error)), CancellationToken.None).ConfigureAwait(false);
            }

            await client.WriteAsync(DoneFrame, CancellationToken.None).ConfigureAwait(false);
            await client.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The client is gone as well: nothing left to tell it.
        }
    }

    private sealed class State
    {
        public bool SawDone { get; set; }

        public bool SawError { get; set; }

        /// <summary>An event was handed to the client writer (so the response has started).</summary>
        public bool Written { get; set; }

        public bool StripUsageChunk { get; init; }

        public TokenUsage? Usage { get; set; }

        public int Deltas { get; set; }
    }
}
