using System.Runtime.InteropServices;
using Gateway.Streams.Proxy;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Relay;

/// <summary>
/// The client side of one stream relay, shared by both relay paths: writes each event in vLLM's framing, reads
/// the usage chunk (and drops it when the gateway, not the client, asked for it), and flushes after the last event
/// of an upstream read. Synchronous when the client side has room (the common case); an event still framed as vLLM
/// sent it goes out as those bytes (several such events in a row as one write), any other in three pieces, so
/// relaying an event allocates nothing.
/// Remembers what the relay needs to end the stream properly.
/// </summary>
internal sealed class RelayEventWriter(IClientResponseWriter client, bool stripUsageChunk, CancellationToken ct)
{
    private readonly bool _coalesce = !client.NeedsOneWritePerEvent;
    private ReadOnlyMemory<byte> _held;

    private static readonly ReadOnlyMemory<byte> DoneFrame = SseFraming.DoneEvent.ToArray();
    private static readonly ReadOnlyMemory<byte> DataPrefix = SseFraming.DataPrefix.ToArray();
    private static readonly ReadOnlyMemory<byte> EventEnd = SseFraming.EventEnd.ToArray();

    public IClientResponseWriter Client => client;

    public bool SawDone { get; private set; }

    public bool SawError { get; private set; }

    /// <summary>An event was handed to the client writer (so the response has started).</summary>
    public bool Written { get; private set; }

    public TokenUsage? Usage { get; private set; }

    /// <summary>Generated deltas received from the upstream (what a stream cut short is charged for without a usage chunk).</summary>
    public int Deltas { get; private set; }

    /// <summary>
    /// Writes one event; flushes when <see cref="SseEvent.MoreFollows"/> is false (the last event of a read). Events
    /// framed in place that lie next to each other in the upstream read are held and go out as one write when the run
    /// ends (at the latest with the read's last event, before its flush), unless the client writer needs one write per
    /// event (<see cref="IClientResponseWriter.NeedsOneWritePerEvent"/>). The caller keeps a read's buffer until its
    /// last event was written, or calls <see cref="WriteHeldAsync"/> before reusing it.
    /// </summary>
    public ValueTask WriteAsync(SseEvent e)
    {
        var forward = true;
        if (e.IsDone)
        {
            SawDone = true;
        }
        else
        {
            SawError |= e.IsError;
            var (usage, usageOnly) = TokenUsage.InspectChunk(e.Data.Span);
            Usage = usage ?? Usage;
            Deltas += TokenUsage.CountsAsDelta(e.Data.Span) ? 1 : 0;

            // A usage chunk the client did not ask for is not forwarded, but it may end a read whose earlier events still wait.
            forward = !(usageOnly && stripUsageChunk);
            if (forward && _coalesce && FramedInPlace(e.Data) is { } frame)
            {
                Written = true;
                if (!TryExtendHeld(frame))
                {
                    var previous = WriteHeldAsync(ct);
                    _held = frame;
                    if (!previous.IsCompletedSuccessfully)
                    {
                        return e.MoreFollows ? previous : EndReadAfterAsync(previous);
                    }
                }

                return e.MoreFollows ? ValueTask.CompletedTask : EndRead();
            }
        }

        // An event written on its own (or dropped): what is held goes out first.
        var held = WriteHeldAsync(ct);
        if (!held.IsCompletedSuccessfully)
        {
            return WriteAfterAsync(held, e, forward);
        }

        var write = ValueTask.CompletedTask;
        if (forward)
        {
            write = e.IsDone ? client.WriteAsync(DoneFrame, ct) : WriteFrameAsync(e.Data);
            Written = true;
        }

        if (e.MoreFollows)
        {
            return write;
        }

        return write.IsCompletedSuccessfully ? client.FlushAsync(ct) : FlushAfterAsync(write);
    }

    /// <summary>Frames are held back for one write (they point into the upstream read's buffer).</summary>
    public bool HasHeld => !_held.IsEmpty;

    /// <summary>Writes the frames held back for one write; the relay calls it before it reuses the read's buffer.</summary>
    public ValueTask WriteHeldAsync(CancellationToken token)
    {
        if (_held.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        var held = _held;
        _held = default;
        return client.WriteAsync(held, token);
    }

    /// <summary>The frame follows the held ones in the same buffer: the held run grows to cover it.</summary>
    private bool TryExtendHeld(ReadOnlyMemory<byte> frame)
    {
        if (_held.IsEmpty
            || !MemoryMarshal.TryGetArray(_held, out var held)
            || !MemoryMarshal.TryGetArray(frame, out var next)
            || !ReferenceEquals(held.Array, next.Array)
            || held.Offset + held.Count != next.Offset)
        {
            return false;
        }

        _held = held.Array.AsMemory(held.Offset, held.Count + next.Count);
        return true;
    }

    /// <summary>The read's last event: the held run goes out with the flush, in one call.</summary>
    private ValueTask EndRead()
    {
        var held = _held;
        _held = default;
        return held.IsEmpty ? client.FlushAsync(ct) : client.WriteAndFlushAsync(held, ct);
    }

    private async ValueTask EndReadAfterAsync(ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        await EndRead().ConfigureAwait(false);
    }

    private async ValueTask WriteAfterAsync(ValueTask held, SseEvent e, bool forward)
    {
        await held.ConfigureAwait(false);
        if (forward)
        {
            if (e.IsDone)
            {
                await client.WriteAsync(DoneFrame, ct).ConfigureAwait(false);
            }
            else
            {
                await WriteFrameAsync(e.Data).ConfigureAwait(false);
            }

            Written = true;
        }

        if (!e.MoreFollows)
        {
            await client.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// vLLM's events are single-line JSON objects (or <c>[DONE]</c>). Anything else would reach the client as an event
    /// its SDK cannot parse (or, with several <c>data:</c> lines, half lost), so the stream ends with an in-band error.
    /// </summary>
    public static SseEvent RequireJsonEvent(SseEvent e)
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
    /// <c>data: </c>, the payload, <c>\n\n</c>: vLLM's framing. When the payload is a slice of the upstream read and
    /// the bytes around it in that buffer are exactly this framing (vLLM's every event), those bytes go out as one
    /// write of the whole frame: the same bytes, one write instead of three, no copy.
    /// </summary>
    private ValueTask WriteFrameAsync(ReadOnlyMemory<byte> payload)
    {
        if (FramedInPlace(payload) is { } frame)
        {
            return client.WriteAsync(frame, ct);
        }

        var prefix = client.WriteAsync(DataPrefix, ct);
        if (!prefix.IsCompletedSuccessfully)
        {
            return WriteFrameRestAsync(prefix, payload);
        }

        var body = client.WriteAsync(payload, ct);
        if (!body.IsCompletedSuccessfully)
        {
            return WriteFrameRestAsync(body, ReadOnlyMemory<byte>.Empty);
        }

        return client.WriteAsync(EventEnd, ct);
    }

    /// <summary>The payload with the <c>data: </c> before it and the <c>\n\n</c> after it, when its buffer holds exactly those.</summary>
    internal static ReadOnlyMemory<byte>? FramedInPlace(ReadOnlyMemory<byte> payload)
    {
        if (!MemoryMarshal.TryGetArray(payload, out var segment) || segment.Array is not { } array)
        {
            return null;
        }

        var start = segment.Offset - DataPrefix.Length;
        var end = segment.Offset + segment.Count + EventEnd.Length;
        if (start < 0 || end > array.Length
            || !array.AsSpan(start, DataPrefix.Length).SequenceEqual(DataPrefix.Span)
            || !array.AsSpan(segment.Offset + segment.Count, EventEnd.Length).SequenceEqual(EventEnd.Span))
        {
            return null;
        }

        return array.AsMemory(start, end - start);
    }

    private async ValueTask WriteFrameRestAsync(ValueTask pending, ReadOnlyMemory<byte> payload)
    {
        await pending.ConfigureAwait(false);
        if (!payload.IsEmpty)
        {
            await client.WriteAsync(payload, ct).ConfigureAwait(false);
        }

        await client.WriteAsync(EventEnd, ct).ConfigureAwait(false);
    }

    private async ValueTask FlushAfterAsync(ValueTask write)
    {
        await write.ConfigureAwait(false);
        await client.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The upstream ended without <c>[DONE]</c>: tell the client why (unless vLLM already did), then end the stream properly.</summary>
    public async Task FinishInBandAsync(GatewayError? error)
    {
        try
        {
            await WriteHeldAsync(CancellationToken.None).ConfigureAwait(false);
            if (error is not null)
            {
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
}
