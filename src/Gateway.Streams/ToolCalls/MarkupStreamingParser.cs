using System.Text;

namespace Gateway.Streams.ToolCalls;

/// <summary>Receives what a <see cref="MarkupScanner"/> decided, in output order.</summary>
internal abstract class ScanSink
{
    public abstract void Content(ReadOnlySpan<char> text);

    public abstract void Call(string name, string argumentsJson);
}

/// <summary>
/// The per-output state of one parser family. <see cref="Step"/> looks at the undecided text and decides a prefix
/// of it; it decides only what no later text can change, so any chunking gives the same events. The non-streaming
/// parse is the same scanner run once over the whole text with <c>isFinal</c> set.
/// </summary>
internal abstract class MarkupScanner
{
    protected MarkupScanner(string parserName) => ParserName = parserName;

    public string ParserName { get; }

    /// <summary>
    /// Decides a prefix of <paramref name="text"/> (reporting it to <paramref name="sink"/>) and returns its length;
    /// 0 means more text is needed (never returned when <paramref name="isFinal"/> is set and text remains).
    /// </summary>
    protected abstract int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink);

    /// <summary>
    /// Offset of the text given to <see cref="Step"/> from the start of the output: the output only grows, so a
    /// scanner may remember work on text at a given offset across calls (see <see cref="BracketScanner"/>).
    /// </summary>
    protected long Origin { get; private set; }

    /// <summary>Decides as much of <paramref name="text"/> (which starts at <paramref name="origin"/> in the output) as possible; returns how much was decided.</summary>
    public int Run(ReadOnlySpan<char> text, bool isFinal, ScanSink sink, long origin = 0)
    {
        var position = 0;
        while (position < text.Length)
        {
            Origin = origin + position;
            var consumed = Step(text[position..], isFinal, sink);
            if (consumed <= 0)
            {
                if (!isFinal)
                {
                    break;
                }

                // Defensive: the end of the output must decide everything; what is left is content.
                sink.Content(text[position..]);
                return text.Length;
            }

            position += consumed;
        }

        return position;
    }

    protected void Failed() => ToolCallMetrics.RecordParseFailure(ParserName);

    /// <summary>
    /// The usual start of a step: the text before <paramref name="marker"/>'s first character is content; text that
    /// starts with that character but not with the marker is decided too (see <see cref="NotMarker"/>). True when
    /// <paramref name="text"/> starts with the whole marker; otherwise <paramref name="consumed"/> is the step's result.
    /// </summary>
    protected static bool AtMarker(ReadOnlySpan<char> text, string marker, bool isFinal, ScanSink sink, out int consumed)
    {
        var at = text.IndexOf(marker[0]);
        if (at != 0)
        {
            consumed = ContentBefore(text, at, sink);
            return false;
        }

        var match = Markers.At(text, marker);
        consumed = match == Markers.Match.Full ? 0 : NotMarker(text, match, isFinal, sink);
        return match == Markers.Match.Full;
    }

    /// <summary>
    /// <see cref="AtMarker(ReadOnlySpan{char}, string, bool, ScanSink, out int)"/> for two markers that share their first
    /// character; <paramref name="matched"/> is the one the text starts with.
    /// </summary>
    protected static bool AtMarker(
        ReadOnlySpan<char> text, string first, string second, bool isFinal, ScanSink sink, out string matched, out int consumed)
    {
        matched = first;
        var at = text.IndexOf(first[0]);
        if (at != 0)
        {
            consumed = ContentBefore(text, at, sink);
            return false;
        }

        var firstMatch = Markers.At(text, first);
        var secondMatch = Markers.At(text, second);
        consumed = 0;
        if (firstMatch == Markers.Match.Full)
        {
            return true;
        }

        if (secondMatch == Markers.Match.Full)
        {
            matched = second;
            return true;
        }

        var match = firstMatch == Markers.Match.Partial ? firstMatch : secondMatch;
        consumed = NotMarker(text, match, isFinal, sink);
        return false;
    }

    /// <summary>Content up to <paramref name="at"/> (an index, or -1 for all of <paramref name="text"/>); returns its length.</summary>
    protected static int ContentBefore(ReadOnlySpan<char> text, int at, ScanSink sink) =>
        Content(text, at < 0 ? text.Length : at, sink);

    /// <summary>
    /// Text that starts with a marker's first character but not with the whole marker: the character is content when
    /// no marker starts there; a marker cut by the end of the text waits for more (at the end of the output, it is content).
    /// </summary>
    protected static int NotMarker(ReadOnlySpan<char> text, Markers.Match match, bool isFinal, ScanSink sink)
    {
        if (match == Markers.Match.None)
        {
            return Content(text, 1, sink);
        }

        return isFinal ? Content(text, text.Length, sink) : 0;
    }

    /// <summary>Reports the first <paramref name="length"/> characters as content; returns <paramref name="length"/>.</summary>
    protected static int Content(ReadOnlySpan<char> text, int length, ScanSink sink)
    {
        sink.Content(text[..length]);
        return length;
    }

    /// <summary>Markup that is not a call: counts a failure and reports the first <paramref name="length"/> characters as content.</summary>
    protected int Fail(ReadOnlySpan<char> text, int length, ScanSink sink)
    {
        Failed();
        return Content(text, length, sink);
    }

    /// <summary>The text ends inside markup: wait for more, or at the end of the output fail with all of it as content.</summary>
    protected int MoreOrFail(ReadOnlySpan<char> text, bool isFinal, ScanSink sink) =>
        isFinal ? Fail(text, text.Length, sink) : 0;

    /// <summary>A block that cannot be a call: content up to and including its <paramref name="close"/> tag at or after <paramref name="from"/>.</summary>
    protected int FailBlock(ReadOnlySpan<char> text, int from, string close, bool isFinal, ScanSink sink)
    {
        var at = text[from..].IndexOf(close, StringComparison.Ordinal);
        return at >= 0 ? Fail(text, from + at + close.Length, sink) : MoreOrFail(text, isFinal, sink);
    }

    /// <summary>Reports the call object, or the array of call objects, in <paramref name="json"/>; false (nothing reported) when it is not one.</summary>
    protected static bool TryReportCalls(ReadOnlySpan<char> json, ScanSink sink)
    {
        if (json[0] == '{')
        {
            if (!JsonArgumentScanner.TryReadCall(json, out var name, out var arguments))
            {
                return false;
            }

            sink.Call(name, arguments);
            return true;
        }

        var calls = JsonArgumentScanner.TryReadCallArray(json);
        if (calls is null)
        {
            return false;
        }

        foreach (var (name, arguments) in calls)
        {
            sink.Call(name, arguments);
        }

        return true;
    }
}

/// <summary>Base of the parser families: the non-streaming parse and the streaming parser share one scanner.</summary>
public abstract class ToolCallParserBase : IToolCallParser
{
    public abstract string Name { get; }

    internal abstract MarkupScanner CreateScanner(ToolSchemas tools);

    public ToolCallParseResult Parse(string modelOutput, ToolSchemas tools)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        var sink = new CollectingSink(modelOutput);
        CreateScanner(tools ?? ToolSchemas.Empty).Run(modelOutput, isFinal: true, sink);
        return sink.ToResult();
    }

    public IStreamingToolCallParser CreateStreaming(ToolSchemas tools) =>
        new StreamingToolCallParser(CreateScanner(tools ?? ToolSchemas.Empty));

    /// <summary>
    /// Collects the content of a whole-text parse as ranges of the source (scanners report slices of it), so the
    /// content is copied once, or not at all when it is the source itself.
    /// </summary>
    private sealed class CollectingSink(string source) : ScanSink
    {
        private readonly List<ReadOnlyMemory<char>> _pieces = [];
        private readonly List<ToolCall> _calls = [];

        public override void Content(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty)
            {
                return;
            }

            if (!source.AsSpan().Overlaps(text, out var offset))
            {
                _pieces.Add(text.ToString().AsMemory());
                return;
            }

            if (_pieces.Count > 0
                && SourceRanges.TryExtend(source, _pieces[^1], offset, text.Length, out var merged))
            {
                _pieces[^1] = merged;
                return;
            }

            _pieces.Add(source.AsMemory(offset, text.Length));
        }

        public override void Call(string name, string argumentsJson) =>
            _calls.Add(new ToolCall(ToolCallIds.New(), name, argumentsJson));

        public ToolCallParseResult ToResult() => new(TrimmedContent(), _calls);

        private string? TrimmedContent()
        {
            // Trim across pieces: drop leading and trailing whitespace without building the untrimmed text.
            var first = 0;
            var head = ReadOnlyMemory<char>.Empty;
            for (; first < _pieces.Count; first++)
            {
                head = _pieces[first].TrimStart();
                if (!head.IsEmpty)
                {
                    break;
                }
            }

            if (first == _pieces.Count)
            {
                return null;
            }

            var last = _pieces.Count - 1;
            var tail = _pieces[last].TrimEnd();
            while (tail.IsEmpty)
            {
                tail = _pieces[--last].TrimEnd();
            }

            if (first == last)
            {
                var only = head.Span.TrimEnd();
                return only.Length == source.Length && source.AsSpan().Overlaps(only) ? source : only.ToString();
            }

            var length = head.Length + tail.Length;
            for (var i = first + 1; i < last; i++)
            {
                length += _pieces[i].Length;
            }

            return string.Create(length, (Pieces: _pieces, First: first, Last: last, Head: head, Tail: tail), static (span, state) =>
            {
                state.Head.Span.CopyTo(span);
                var at = state.Head.Length;
                for (var i = state.First + 1; i < state.Last; i++)
                {
                    state.Pieces[i].Span.CopyTo(span[at..]);
                    at += state.Pieces[i].Length;
                }

                state.Tail.Span.CopyTo(span[at..]);
            });
        }
    }
}

/// <summary>Helpers for content ranges of a source string.</summary>
internal static class SourceRanges
{
    /// <summary>Extends <paramref name="piece"/> when the range at <paramref name="offset"/> of <paramref name="source"/> follows it directly.</summary>
    public static bool TryExtend(string source, ReadOnlyMemory<char> piece, int offset, int length, out ReadOnlyMemory<char> merged)
    {
        merged = default;
        if (!source.AsSpan().Overlaps(piece.Span, out var pieceOffset) || pieceOffset + piece.Length != offset)
        {
            return false;
        }

        merged = source.AsMemory(pieceOffset, piece.Length + length);
        return true;
    }
}

/// <summary>Buffers the undecided tail of a streamed output and turns scanner decisions into deltas.</summary>
internal sealed class StreamingToolCallParser : ScanSink, IStreamingToolCallParser
{
    private readonly MarkupScanner _scanner;
    private readonly StringBuilder _pendingContent = new();
    private char[] _buffer = new char[256];
    private int _start;
    private int _length;
    private long _decided;
    private int _nextIndex;
    private List<ToolCallDelta>? _output;
    private bool _completed;

    public StreamingToolCallParser(MarkupScanner scanner) => _scanner = scanner;

    public bool EmittedToolCalls => _nextIndex > 0;

    public void Feed(string contentDelta, List<ToolCallDelta> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_completed)
        {
            throw new InvalidOperationException("The output was already completed.");
        }

        if (string.IsNullOrEmpty(contentDelta))
        {
            return;
        }

        Append(contentDelta);
        Drive(isFinal: false, output);
    }

    public void Complete(List<ToolCallDelta> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_completed)
        {
            return;
        }

        _completed = true;
        Drive(isFinal: true, output);
    }

    public override void Content(ReadOnlySpan<char> text) => _pendingContent.Append(text);

    public override void Call(string name, string argumentsJson)
    {
        FlushContent();
        var index = _nextIndex++;
        _output!.Add(new ToolCallDelta.ToolCallStart(index, ToolCallIds.New(), name));
        _output.Add(new ToolCallDelta.ToolCallArguments(index, argumentsJson));
    }

    private void Drive(bool isFinal, List<ToolCallDelta> output)
    {
        _output = output;
        try
        {
            var consumed = _scanner.Run(_buffer.AsSpan(_start, _length), isFinal, this, _decided);
            _decided += consumed;
            _start += consumed;
            _length -= consumed;
            if (_length == 0)
            {
                _start = 0;
            }

            FlushContent();
        }
        finally
        {
            _output = null;
        }
    }

    private void FlushContent()
    {
        if (_pendingContent.Length > 0)
        {
            _output!.Add(new ToolCallDelta.Content(_pendingContent.ToString()));
            _pendingContent.Clear();
        }
    }

    private void Append(string text)
    {
        if (_start + _length + text.Length > _buffer.Length)
        {
            if (_length + text.Length <= _buffer.Length && _start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _length);
            }
            else
            {
                var larger = new char[Math.Max(_buffer.Length * 2, _length + text.Length)];
                Array.Copy(_buffer, _start, larger, 0, _length);
                _buffer = larger;
            }

            _start = 0;
        }

        text.CopyTo(0, _buffer, _start + _length, text.Length);
        _length += text.Length;
    }
}

/// <summary>Matching of literal markers against text that may end in the middle of one.</summary>
internal static class Markers
{
    public enum Match
    {
        None,
        Partial,
        Full,
    }

    /// <summary>Whether <paramref name="text"/> starts with <paramref name="marker"/>, or is cut inside it.</summary>
    public static Match At(ReadOnlySpan<char> text, string marker)
    {
        if (text.Length >= marker.Length)
        {
            return text.StartsWith(marker, StringComparison.Ordinal) ? Match.Full : Match.None;
        }

        return marker.AsSpan().StartsWith(text, StringComparison.Ordinal) ? Match.Partial : Match.None;
    }

    public static int SkipWhitespace(ReadOnlySpan<char> text, int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }
}
