using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Proxy;
using Gateway.Streams.Sse;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Relay;

/// <summary>
/// Relays one SSE response: upstream bytes → <see cref="SseFramingStage"/> → the optional tool-call parsing
/// flow → the client, writing and flushing each event as soon as it is complete. This small graph is the one
/// per-request materialization, paid only by streams (which then live for seconds). The client always sees
/// exactly one <c>data: [DONE]</c>; a failure after the first byte is written in-band as an error event first.
/// </summary>
public static class StreamingRelay
{
    // No prefetch between stages: a client that stops reading stops the upstream reads almost at once.
    private static readonly Attributes MinimalBuffers = Attributes.CreateInputBuffer(1, 1);

    /// <param name="stripUsageChunk">The gateway, not the client, asked for the usage chunk: read it, don't forward it.</param>
    public static async Task<RelayOutcome> RunAsync(
        UpstreamResponse response,
        ResponseTransform? transform,
        IClientResponseWriter client,
        IMaterializer materializer,
        bool stripUsageChunk = false)
    {
        var state = new State { StripUsageChunk = stripUsageChunk };
        var ct = response.Token;
        var events = UpstreamBodySource.Create(response).Via(new SseFramingStage());
        if (transform is not null)
        {
            events = events.Via(transform.Stream());
        }

        RelayResult result;
        try
        {
            await events
                .TakeWhile(e => !e.IsDone, inclusive: true)
                .ToMaterialized(Sink.ForEachAsync<SseEvent>(1, e => WriteEventAsync(client, e, state, ct)), Keep.Right)
                .WithAttributes(MinimalBuffers)
                .Run(materializer)
                .ConfigureAwait(false);
            result = state.SawDone || state.SawError ? RelayResult.Completed : RelayResult.UpstreamTruncated;
        }
        catch (Exception) when (response.ClientAborted)
        {
            return new RelayOutcome(RelayResult.ClientAborted, state.Usage);
        }
        catch (Exception) when (response.TimedOut)
        {
            result = RelayResult.UpstreamTimedOut;
        }
        catch (Exception)
        {
            result = RelayResult.UpstreamFailed;
        }

        if (!state.SawDone)
        {
            await FinishInBandAsync(client, result, state.SawError).ConfigureAwait(false);
        }

        return new RelayOutcome(result, state.Usage);
    }

    private static async Task WriteEventAsync(IClientResponseWriter client, SseEvent e, State state, CancellationToken ct)
    {
        if (e.IsDone)
        {
            state.SawDone = true;
            await client.WriteAsync(SseFraming.DoneEvent.ToArray(), ct).ConfigureAwait(false);
        }
        else
        {
            state.SawError |= e.IsError;
            var (usage, usageOnly) = TokenUsage.InspectChunk(e.Data.Span);
            state.Usage = usage ?? state.Usage;
            if (usageOnly && state.StripUsageChunk)
            {
                return;
            }

            await client.WriteAsync(SseFraming.Frame(e.Data.Span), ct).ConfigureAwait(false);
        }

        await client.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The upstream ended without <c>[DONE]</c>: tell the client why (unless vLLM already did), then end the stream properly.</summary>
    private static async Task FinishInBandAsync(IClientResponseWriter client, RelayResult result, bool upstreamSentError)
    {
        try
        {
            if (!upstreamSentError && result != RelayResult.Completed)
            {
                var error = result switch
                {
                    RelayResult.UpstreamTimedOut => GatewayError.UpstreamTimeout("vLLM upstream timed out while streaming."),
                    RelayResult.UpstreamTruncated => GatewayError.UpstreamUnavailable("vLLM upstream closed the stream before it completed."),
                    _ => GatewayError.UpstreamUnavailable("vLLM upstream failed while streaming."),
                };
                await client.WriteAsync(SseFraming.Frame(GatewayErrorJson.ToBytes(error)), CancellationToken.None).ConfigureAwait(false);
            }

            await client.WriteAsync(SseFraming.DoneEvent.ToArray(), CancellationToken.None).ConfigureAwait(false);
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

        public bool StripUsageChunk { get; init; }

        public TokenUsage? Usage { get; set; }
    }
}
