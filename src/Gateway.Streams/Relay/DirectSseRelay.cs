using System.Buffers;
using Gateway.Streams.Proxy;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Relay;

/// <summary>
/// The pass-through relay of a stream that needs no per-event transform: one async loop, no graph materialized.
/// Read (waiting with a zero-byte read, so a quiet stream holds no buffer), frame the bytes into events with
/// <see cref="SseEventParser"/>, write them, flush once after the last event of the read, and only then read again:
/// a client that stops reading stops the upstream reads, and each event leaves in the read cycle it arrived in.
/// The read buffer is rented only while bytes are ready and the events are sliced out of it (no copy per event).
/// The reads take no cancellation token: every reason to stop (the client leaving, the deadline, the drain, a phase
/// timeout) closes the upstream body, which ends a pending read at once, so a token would only cost each read two
/// registrations on it and their removal (vLLM sends one event per read).
/// Throws what the graph path throws (upstream errors, <see cref="SseProtocolException"/>, <see cref="TimeoutException"/>);
/// returns when the stream ended, after <c>[DONE]</c> or without it, or when <paramref name="stop"/> fired.
/// </summary>
internal static class DirectSseRelay
{
    private const int ReadSize = 16 * 1024;

    public static async Task RunAsync(UpstreamResponse response, RelayEventWriter writer, StreamTimeouts? timeouts, CancellationToken stop)
    {
        var token = response.Token;
        var body = await response.OpenBodyAsync(token).ConfigureAwait(false);

        // The client leaving, the deadline, the drain or a phase timeout closes the upstream body at once, even while
        // the relay is waiting on a client write rather than on a read.
        using var closeOnCancel = token.UnsafeRegister(static s => ((Stream)s!).Dispose(), body);
        using var closeOnStop = stop.UnsafeRegister(static s => ((Stream)s!).Dispose(), body);
        using var watch = StreamSilenceWatch.Start(timeouts, body.Dispose);
        using var parser = new SseEventParser(eventsEndWithChunk: true);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                token.ThrowIfCancellationRequested();
                await body.ReadAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
                try
                {
                    var read = await body.ReadAsync(buffer.AsMemory(0, ReadSize), CancellationToken.None).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    parser.Feed(buffer.AsMemory(0, read));
                    if (!parser.TryRead(out var first))
                    {
                        continue;
                    }

                    watch?.Writing();
                    if (await WriteAllAsync(writer, parser, first).ConfigureAwait(false))
                    {
                        return; // [DONE]: anything after it is ignored
                    }

                    watch?.Heard();
                }
                finally
                {
                    if (writer.HasHeld)
                    {
                        await WriteHeldAsync(writer).ConfigureAwait(false);
                    }

                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception) when (watch is { TimedOut: true } && !token.IsCancellationRequested)
        {
            throw new TimeoutException("The upstream stream was silent for longer than its phase timeout.");
        }
        catch (Exception) when (stop.IsCancellationRequested && !token.IsCancellationRequested)
        {
            // The gateway ends the stream itself: the caller writes shutting_down and [DONE].
        }
        finally
        {
            // However the relay ended, the upstream connection closes now (the response owner disposes it too).
            await body.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A read that ended early (a malformed event, a failed write) may leave events held for one write that point into
    /// the read's buffer: they go out now, as they would have one by one, before the buffer is reused.
    /// </summary>
    private static async ValueTask WriteHeldAsync(RelayEventWriter writer)
    {
        try
        {
            await writer.WriteHeldAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The client is gone too: the relay's own exception says how the stream ended.
        }
    }

    /// <summary>
    /// Writes the events of one read, <paramref name="first"/> and the rest still in <paramref name="parser"/>, each as
    /// soon as it is parsed (one event of look-ahead says which is the last: that one flushes); true when <c>[DONE]</c>
    /// was among them. Nothing is allocated per event or per read.
    /// </summary>
    private static async ValueTask<bool> WriteAllAsync(RelayEventWriter writer, SseEventParser parser, SseEvent first)
    {
        var e = first;
        while (true)
        {
            if (e.IsDone)
            {
                await writer.WriteAsync(e).ConfigureAwait(false);
                return true;
            }

            RelayEventWriter.RequireJsonEvent(e);
            var more = parser.TryRead(out var next);
            var write = writer.WriteAsync(more ? e with { MoreFollows = true } : e);
            if (!write.IsCompletedSuccessfully)
            {
                await write.ConfigureAwait(false);
            }

            if (!more)
            {
                return false;
            }

            e = next;
        }
    }
}
