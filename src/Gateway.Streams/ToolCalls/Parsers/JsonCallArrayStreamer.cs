using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// Streams a JSON array of call objects (<c>[{…}, {…}]</c>) call by call: each element starts, streams and ends as
/// it arrives. An element that is not a call stops the array there: the calls before it stand
/// (<see cref="Completed"/>, <see cref="CompletedLength"/>), what follows is for the caller to treat as content.
/// </summary>
internal sealed class JsonCallArrayStreamer
{
    private readonly JsonCallStreamer _call = new(callObject: true);
    private long _origin = -1;

    /// <summary>Calls of the array ended so far.</summary>
    public int Completed { get; private set; }

    /// <summary>Length of the array text up to the end of the last ended call (from the array's <c>[</c>).</summary>
    public int CompletedLength { get; private set; }

    /// <summary>Scans the array at <paramref name="start"/> (a <c>[</c>); ends each call as soon as it is complete.</summary>
    public ScanStatus Advance(ReadOnlySpan<char> text, int start, long origin, ScanSink sink, out int end)
    {
        if (origin + start != _origin)
        {
            _origin = origin + start;
            Completed = 0;
            CompletedLength = 1;
        }

        var array = text[start..];
        while (true)
        {
            var position = Markers.SkipWhitespace(array, CompletedLength);
            if (position < array.Length && Completed > 0)
            {
                if (array[position] == ']')
                {
                    end = start + position + 1;
                    return ScanStatus.Complete;
                }

                if (array[position] != ',')
                {
                    end = start + position;
                    return ScanStatus.Invalid;
                }

                position = Markers.SkipWhitespace(array, position + 1);
            }

            if (position == array.Length)
            {
                end = text.Length;
                return ScanStatus.Incomplete;
            }

            if (array[position] != '{')
            {
                end = start + position;
                return ScanStatus.Invalid; // also an empty array: it holds no call
            }

            var status = _call.Advance(text, start + position, origin, name: null, sink, out end);
            if (status != ScanStatus.Complete)
            {
                return status;
            }

            sink.CallEnd();
            Completed++;
            CompletedLength = end - start;
        }
    }
}
