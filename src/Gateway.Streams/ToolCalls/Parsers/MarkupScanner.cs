using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// The per-output state of one parser family. <see cref="Step"/> looks at the undecided text and decides a prefix
/// of it; it decides only what no later text can change, so any chunking gives the same events. A call being read
/// is reported as it becomes certain (start, argument fragments) while its markup stays undecided; if the markup
/// then turns out not to be a call, reporting it as content abandons the call. The non-streaming parse is the same
/// scanner run once over the whole text with <c>isFinal</c> set.
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
    /// scanner may remember work on text at a given offset across calls (see <see cref="JsonCallReader"/>).
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

    /// <summary>
    /// A call list broke off after some calls: they stand, and scanning goes on after the last of them (what follows
    /// is looked at again as ordinary text, so it stays content). Returns the length to consume.
    /// </summary>
    protected int ListBrokenAfter(int completedEnd, bool invalid)
    {
        if (invalid)
        {
            Failed();
        }

        return completedEnd;
    }
}
