namespace Gateway.Streams.Sse;

/// <summary>
/// Incremental SSE parser over raw bytes (WHATWG event-stream rules): accepts any split of the input,
/// handles <c>\n</c>, <c>\r\n</c> and <c>\r</c> line ends, joins several <c>data:</c> lines with <c>\n</c>,
/// skips comments and the <c>event</c>/<c>id</c>/<c>retry</c> fields. Not thread-safe: one per stream.
/// Pull-style: <see cref="Feed(ReadOnlyMemory{byte})"/> a chunk, then <see cref="TryRead"/> its events one by one
/// (nothing allocated per event). An event whose one <c>data:</c> line and closing blank line lie whole inside one
/// chunk (vLLM's every event) is handed out as a slice of that chunk, without a copy; anything the parser keeps past
/// the end of a chunk (a line or an event split across reads) is copied, so the caller may reuse the chunk's buffer
/// for its next read once it has read the chunk's events out. The copies live in pooled buffers, given back on
/// <see cref="Dispose"/>. An event completed from such a copy is handed out as a copy of its own unless the caller
/// promised to be done with every event before it feeds the next chunk: then it is the parser's buffer itself.
/// </summary>
internal sealed class SseEventParser : IDisposable
{
    private readonly int _maxEventBytes;
    private readonly bool _eventsEndWithChunk;
    private PooledBytes? _line;
    private PooledBytes? _data;
    private PooledBytes? _handedOut;
    private PooledBytes? _spare;
    private ReadOnlyMemory<byte> _rest;
    private ReadOnlyMemory<byte> _slice;
    private bool _hasSlice;
    private bool _hasData;
    private bool _lastWasCr;

    /// <param name="maxEventBytes">An event larger than this is a protocol violation (a runaway upstream).</param>
    /// <param name="eventsEndWithChunk">
    /// The caller is done with a chunk's events before it feeds the next chunk: an event completed from what the parser
    /// kept is handed out without a copy (valid until the next <see cref="Feed(ReadOnlyMemory{byte})"/>).
    /// </param>
    public SseEventParser(int maxEventBytes = DefaultMaxEventBytes, bool eventsEndWithChunk = false)
    {
        _maxEventBytes = maxEventBytes;
        _eventsEndWithChunk = eventsEndWithChunk;
    }

    /// <summary>4 MiB: vLLM's chunks are a few KB even with <c>top_logprobs</c>; a bigger event is a runaway upstream.</summary>
    public const int DefaultMaxEventBytes = 4 * 1024 * 1024;

    /// <summary>The stream ended: an event without its closing blank line is incomplete and is not dispatched (per the spec).</summary>
    public bool HasPartialEvent => _hasData || _line is { WrittenCount: > 0 };

    /// <summary>
    /// Hands the parser the next chunk (after every event of the previous one was read with <see cref="TryRead"/>).
    /// The chunk must stay unchanged until its events are read out and written; it may be reused after that.
    /// </summary>
    public void Feed(ReadOnlyMemory<byte> chunk)
    {
        if (!_rest.IsEmpty)
        {
            throw new InvalidOperationException("The previous chunk still holds events: read them out first.");
        }

        if (_handedOut is { } used)
        {
            // The previous chunk's events are done with: the buffer an event was handed out in is free again.
            used.Reset();
            _handedOut = null;
            _spare ??= used;
            if (!ReferenceEquals(_spare, used))
            {
                used.Dispose();
            }
        }

        _rest = chunk;
        if (chunk.IsEmpty)
        {
            KeepPendingSlice();
        }
    }

    /// <summary>The next event completed by the chunk fed last, if any (a slice of it, or a copy when it spanned chunks).</summary>
    public bool TryRead(out SseEvent e)
    {
        while (!_rest.IsEmpty)
        {
            var span = _rest.Span;
            if (_lastWasCr)
            {
                _lastWasCr = false;
                if (span[0] == (byte)'\n')
                {
                    Consume(1);
                    continue;
                }
            }

            var end = span.IndexOfAny((byte)'\n', (byte)'\r');
            if (end < 0)
            {
                Append(_line ??= new PooledBytes(256), span);
                Consume(span.Length);
                continue;
            }

            _lastWasCr = span[end] == (byte)'\r';
            var line = _rest[..end];
            bool dispatched;
            if (_line is not { WrittenCount: > 0 } pending)
            {
                dispatched = ProcessLine(line, inChunk: true, out e);
                Consume(end + 1);
            }
            else
            {
                Append(pending, line.Span);
                Consume(end + 1);
                dispatched = ProcessLine(pending.WrittenMemory, inChunk: false, out e);
                pending.Reset();
            }

            if (dispatched)
            {
                return true;
            }
        }

        e = default;
        return false;
    }

    /// <summary>Feeds a chunk and appends every event it completes to <paramref name="events"/> (the stage's batch form).</summary>
    public void Feed(ReadOnlyMemory<byte> chunk, List<SseEvent> events)
    {
        Feed(chunk);
        while (TryRead(out var e))
        {
            events.Add(e);
        }
    }

    /// <summary>Feeds bytes (copied first); appends every event completed by them to <paramref name="events"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, List<SseEvent> events) => Feed(new ReadOnlyMemory<byte>(chunk.ToArray()), events);

    private void Consume(int bytes)
    {
        _rest = _rest[bytes..];
        if (_rest.IsEmpty)
        {
            KeepPendingSlice();
        }
    }

    /// <summary>The chunk is used up: an event still open keeps its own copy of what it has (the chunk's buffer may be reused).</summary>
    private void KeepPendingSlice()
    {
        if (_hasSlice)
        {
            Append(_data ??= TakeBuffer(), _slice.Span);
            _slice = default;
            _hasSlice = false;
        }
    }

    private bool ProcessLine(ReadOnlyMemory<byte> lineMemory, bool inChunk, out SseEvent e)
    {
        e = default;
        var line = lineMemory.Span;
        if (line.IsEmpty)
        {
            if (!_hasData)
            {
                return false;
            }

            if (_hasSlice)
            {
                e = new SseEvent(_slice);
            }
            else if (_eventsEndWithChunk && _handedOut is null)
            {
                // Handed out as it is; the next event collects in another buffer.
                _handedOut = _data!;
                _data = null;
                e = new SseEvent(_handedOut.WrittenMemory);
            }
            else
            {
                e = new SseEvent(_data!.WrittenSpan.ToArray());
            }

            _data?.Reset();
            _slice = default;
            _hasSlice = false;
            _hasData = false;
            return true;
        }

        if (line[0] == (byte)':')
        {
            return false;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        if (!field.SequenceEqual("data"u8))
        {
            return false;
        }

        var value = colon < 0 ? ReadOnlyMemory<byte>.Empty : lineMemory[(colon + 1)..];
        if (!value.IsEmpty && value.Span[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (!_hasData && inChunk)
        {
            // The first line of an event, whole in the chunk: keep a slice, copy nothing (unless the chunk ends first).
            CheckSize(value.Length);
            _slice = value;
            _hasSlice = true;
            _hasData = true;
            return false;
        }

        var data = _data ??= TakeBuffer();
        if (_hasSlice)
        {
            Append(data, _slice.Span);
            _slice = default;
            _hasSlice = false;
        }

        if (_hasData)
        {
            Append(data, "\n"u8);
        }

        Append(data, value.Span);
        _hasData = true;
        return false;
    }

    private PooledBytes TakeBuffer()
    {
        var buffer = _spare ?? new PooledBytes(256);
        _spare = null;
        return buffer;
    }

    /// <summary>Gives the kept bytes' buffers back to the pool (events handed out from them are invalid after this).</summary>
    public void Dispose()
    {
        _line?.Dispose();
        _data?.Dispose();
        _handedOut?.Dispose();
        _spare?.Dispose();
        _line = _data = _handedOut = _spare = null;
    }

    private void Append(PooledBytes target, ReadOnlySpan<byte> bytes)
    {
        CheckSize(target.WrittenCount + bytes.Length);
        target.Write(bytes);
    }

    private void CheckSize(int bytes)
    {
        if (bytes > _maxEventBytes)
        {
            throw new SseProtocolException($"an event larger than {_maxEventBytes} bytes.");
        }
    }
}
