using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Relay;

/// <summary>
/// Relays one SSE response to the client, writing each event as soon as it is complete and flushing once after the
/// last event completed by an upstream read. A stream that needs no per-event transform (the common case) goes
/// through <see cref="DirectSseRelay"/>, one async loop with no graph materialized; a transformed stream (tool-call
/// parsing, a renamed model) runs as a small per-stream Akka graph: upstream bytes → <see cref="SseFramingStage"/> →
/// the transform flow → the client. Both end the same way: the client always sees exactly one <c>data: [DONE]</c>;
/// a failure after the first byte is written in-band as an error event first.
/// </summary>
public static class StreamingRelay
{
    // No prefetch between stages: a client that stops reading stops the upstream reads almost at once.
    private static readonly Attributes MinimalBuffers = Attributes.CreateInputBuffer(1, 1);

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
        var writer = new RelayEventWriter(client, stripUsageChunk, response.Token);
        RelayResult result;
        string? malformed = null;
        try
        {
            if (transform is null)
            {
                await DirectSseRelay.RunAsync(response, writer, timeouts, stop).ConfigureAwait(false);
            }
            else
            {
                await RunGraphAsync(response, transform, writer, materializer, timeouts, stop).ConfigureAwait(false);
            }

            result = writer.SawDone || writer.SawError ? RelayResult.Completed
                : stop.IsCancellationRequested ? RelayResult.GatewayStopped
                : RelayResult.UpstreamTruncated;
        }
        catch (Exception) when (response.ClientAborted)
        {
            return new RelayOutcome(RelayResult.ClientAborted, writer.Usage, writer.Deltas);
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
            result = writer.Written ? RelayResult.UpstreamIdleTimedOut : RelayResult.UpstreamTtftTimedOut;
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The kill switch raced a read or write in flight: the stream ended because the gateway stopped it.
            result = RelayResult.GatewayStopped;
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

        if (!writer.Written && timeouts is { DeferHeaders: true })
        {
            // Nothing reached the client yet, not even the headers: the caller answers with a real status.
            return new RelayOutcome(result, writer.Usage, writer.Deltas) { FailedBeforeFirstByte = UpstreamErrorMapper.FromStreamResult(result) };
        }

        if (!writer.SawDone)
        {
            var error = writer.SawError || result == RelayResult.Completed ? null
                : malformed is null ? UpstreamErrorMapper.FromStreamResult(result)
                : UpstreamErrorMapper.MalformedStream(malformed);
            await writer.FinishInBandAsync(error).ConfigureAwait(false);
        }

        return new RelayOutcome(result, writer.Usage, writer.Deltas);
    }

    /// <summary>The per-stream graph for a transformed stream; completes when the stream has ended (or fails with it).</summary>
    private static async Task RunGraphAsync(
        UpstreamResponse response, ResponseTransform transform, RelayEventWriter writer, IMaterializer materializer, StreamTimeouts? timeouts, CancellationToken stop)
    {
        var events = UpstreamBodySource.Create(response).Via(new SseFramingStage()).Select(RelayEventWriter.RequireJsonEvent);
        if (timeouts?.FirstEvent is { } first)
        {
            events = events.InitialTimeout(first);
        }

        if (timeouts?.BetweenEvents is { } idle)
        {
            events = events.IdleTimeout(idle);
        }

        var (killSwitch, written) = events
            .Via(transform.Stream())
            .ViaMaterialized(KillSwitches.Single<SseEvent>(), Keep.Right)
            .ToMaterialized(new ClientWriterSink<SseEvent>(writer.WriteAsync), Keep.Both)
            .WithAttributes(MinimalBuffers)
            .Run(materializer);
        using (stop.Register(killSwitch.Shutdown))
        {
            await written.ConfigureAwait(false);
        }
    }
}
