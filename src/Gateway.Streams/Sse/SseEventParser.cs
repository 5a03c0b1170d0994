using System.Buffers;

namespace Gateway.Streams.Sse;

/// <summary>
/// Incremental SSE parser over raw bytes (WHATWG event-stream rules): accepts any split of the input,
/// handles <c>\n</c>, <c>\r\n</c> and <c>\r</c> line ends, joins several <c>data:</c> lines with <c>\n</c>,
/// skips comments and the <c>event</c>/<c>id</c>/<c>retry</c> fields. Not thread-safe: one per stream.
/// </summary>
internal sealed class SseEventParser
{
    private readonly int _maxEventBytes;
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly ArrayBufferWriter<byte> _data = new(256);
    private bool _hasData;
    private bool _lastWasCr;

    /// <param name="maxEventBytes">An event larger than this is a protocol violation (a runaway upstream).</param>
    public SseEventParser(int maxEventBytes = DefaultMaxEventBytes) => _maxEventBytes = maxEventBytes;

    /// <summary>4 MiB: vLLM's chunks are a few KB even with <c>top_logprobs</c>; a bigger event is a runaway upstream.</summary>
    public const int DefaultMaxEventBytes = 4 * 1024 * 1024;

    /// <summary>Feeds bytes; appends every event completed by them to <paramref name="events"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, List<SseEvent> events)
    {
        while (!chunk.IsEmpty)
        {
            if (_lastWasCr)
            {
                _lastWasCr = false;
                if (chunk[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                    continue;
                }
            }

            var end = chunk.IndexOfAny((byte)'\n', (byte)'\r');
            if (end < 0)
            {
                Append(_line, chunk);
                return;
            }

            Append(_line, chunk[..end]);
            _lastWasCr = chunk[end] == (byte)'\r';
            chunk = chunk[(end + 1)..];
            ProcessLine(_line.WrittenSpan, events);
            _line.ResetWrittenCount();
        }
    }

    /// <summary>The stream ended: an event without its closing blank line is incomplete and is not dispatched (per the spec).</summary>
    public bool HasPartialEvent => _hasData || _line.WrittenCount > 0;

    private void ProcessLine(ReadOnlySpan<byte> line, List<SseEvent> events)
    {
        if (line.IsEmpty)
        {
            if (_hasData)
            {
                events.Add(new SseEvent(_data.WrittenSpan.ToArray()));
                _data.ResetWrittenCount();
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

        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (_hasData)
        {
            Append(_data, "\n"u8);
        }

        Append(_data, value);
        _hasData = true;
    }

    private void Append(ArrayBufferWriter<byte> target, ReadOnlySpan<byte> bytes)
    {
        if (target.WrittenCount + bytes.Length > _maxEventBytes)
        {
            throw new SseProtocolException($"an event larger than {_maxEventBytes} bytes.");
        }

        target.Write(bytes);
    }
}
