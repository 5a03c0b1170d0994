using System.Buffers;

namespace Gateway.Streams.Sse;

/// <summary>
/// Incremental SSE parser over raw bytes (WHATWG event-stream rules): accepts any split of the input,
/// handles <c>\n</c>, <c>\r\n</c> and <c>\r</c> line ends, joins several <c>data:</c> lines with <c>\n</c>,
/// skips comments and the <c>event</c>/<c>id</c>/<c>retry</c> fields. Not thread-safe: one per stream.
/// An event whose one <c>data:</c> line lies whole inside one chunk (vLLM's every event) is handed out as a
/// slice of that chunk, without a copy; events split across chunks or with several lines are copied once.
/// </summary>
internal sealed class SseEventParser
{
    private readonly int _maxEventBytes;
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly ArrayBufferWriter<byte> _data = new(256);
    private ReadOnlyMemory<byte> _slice;
    private bool _hasSlice;
    private bool _hasData;
    private bool _lastWasCr;

    /// <param name="maxEventBytes">An event larger than this is a protocol violation (a runaway upstream).</param>
    public SseEventParser(int maxEventBytes = 16 * 1024 * 1024) => _maxEventBytes = maxEventBytes;

    /// <summary>Feeds bytes (copied first); appends every event completed by them to <paramref name="events"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, List<SseEvent> events) => Feed(new ReadOnlyMemory<byte>(chunk.ToArray()), events);

    /// <summary>
    /// Feeds a chunk that its owner will never change again (events may be slices of it); appends every event
    /// completed by it to <paramref name="events"/>.
    /// </summary>
    public void Feed(ReadOnlyMemory<byte> chunk, List<SseEvent> events)
    {
        while (!chunk.IsEmpty)
        {
            var span = chunk.Span;
            if (_lastWasCr)
            {
                _lastWasCr = false;
                if (span[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                    continue;
                }
            }

            var end = span.IndexOfAny((byte)'\n', (byte)'\r');
            if (end < 0)
            {
                Append(_line, span);
                return;
            }

            _lastWasCr = span[end] == (byte)'\r';
            if (_line.WrittenCount == 0)
            {
                ProcessLine(chunk[..end], inChunk: true, events);
            }
            else
            {
                Append(_line, span[..end]);
                ProcessLine(_line.WrittenMemory, inChunk: false, events);
                _line.ResetWrittenCount();
            }

            chunk = chunk[(end + 1)..];
        }
    }

    /// <summary>The stream ended: an event without its closing blank line is incomplete and is not dispatched (per the spec).</summary>
    public bool HasPartialEvent => _hasData || _line.WrittenCount > 0;

    private void ProcessLine(ReadOnlyMemory<byte> lineMemory, bool inChunk, List<SseEvent> events)
    {
        var line = lineMemory.Span;
        if (line.IsEmpty)
        {
            if (_hasData)
            {
                events.Add(new SseEvent(_hasSlice ? _slice : _data.WrittenSpan.ToArray()));
                _data.ResetWrittenCount();
                _slice = default;
                _hasSlice = false;
                _hasData = false;
            }

            return;
        }

        if (line[0] == (byte)':')
        {
            return;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        if (!field.SequenceEqual("data"u8))
        {
            return;
        }

        var value = colon < 0 ? ReadOnlyMemory<byte>.Empty : lineMemory[(colon + 1)..];
        if (!value.IsEmpty && value.Span[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (!_hasData && inChunk)
        {
            // The first line of an event, whole in a chunk nobody will change: keep a slice, copy nothing.
            CheckSize(value.Length);
            _slice = value;
            _hasSlice = true;
            _hasData = true;
            return;
        }

        if (_hasSlice)
        {
            Append(_data, _slice.Span);
            _slice = default;
            _hasSlice = false;
        }

        if (_hasData)
        {
            Append(_data, "\n"u8);
        }

        Append(_data, value.Span);
        _hasData = true;
    }

    private void Append(ArrayBufferWriter<byte> target, ReadOnlySpan<byte> bytes)
    {
        CheckSize(target.WrittenCount + bytes.Length);
        target.Write(bytes);
    }

    private void CheckSize(int bytes)
    {
        if (bytes > _maxEventBytes)
        {
            throw new SseProtocolException($"An upstream SSE event exceeds {_maxEventBytes} bytes.");
        }
    }
}
