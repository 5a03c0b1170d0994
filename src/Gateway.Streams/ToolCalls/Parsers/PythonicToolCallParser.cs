using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>pythonic</c>: the output starts (after whitespace, optionally inside <c>&lt;|python_start|&gt;</c> …
/// <c>&lt;|python_end|&gt;</c>) with a Python list of keyword-argument calls with literal values,
/// <c>[f(a=1, b="x"), g()]</c> (Llama 3.2 pythonic, Llama 4, ToolACE). Text after the list stays content; the
/// format has no marker, so a list anywhere but the start is content, as is a list that does not start with such a
/// call. A call streams argument by argument and ends at the <c>,</c> or <c>]</c> after it; calls ended before an
/// element that is not a call stand, and the rest of the list is content.
/// </summary>
internal sealed class PythonicToolCallParser : ToolCallParserBase
{
    public const string ParserName = "pythonic";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(PythonicToolCallParser.ParserName)
    {
        private const string StartTag = "<|python_start|>";
        private const string EndTag = "<|python_end|>";

        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private readonly PythonArgumentBoundary _boundary = new();
        private Phase _phase = Phase.Start;

        // The call list being read, by its offset in the output (offsets below are from its '['): where reading
        // resumes, what comes there, and how many calls ended and where the last one ended.
        private long _listOrigin = -1;
        private int _resume;
        private ListStage _stage;
        private int _completed;
        private int _completedLength;

        private enum ListStage
        {
            CallStart,
            Arguments,
            AfterCall,
            Done,
        }

        private enum Phase
        {
            Start,
            AfterTaggedList,
            Content,
        }

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            switch (_phase)
            {
                case Phase.Start:
                {
                    var consumed = AtStart(text, isFinal, sink);
                    if (consumed != 0 || _phase == Phase.Start)
                    {
                        return consumed;
                    }

                    break;
                }

                case Phase.AfterTaggedList:
                {
                    var next = Markers.SkipWhitespace(text, 0);
                    var match = Markers.At(text[next..], EndTag);
                    if (match == Markers.Match.Partial && !isFinal)
                    {
                        return 0;
                    }

                    _phase = Phase.Content;
                    if (match == Markers.Match.Full)
                    {
                        return next + EndTag.Length;
                    }

                    break;
                }
            }

            return Content(text, text.Length, sink);
        }

        private int AtStart(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            var nonSpace = Markers.SkipWhitespace(text, 0);
            if (nonSpace > 0)
            {
                return Content(text, nonSpace, sink); // leading whitespace passes; the list may still follow
            }

            var list = 0;
            var tagged = false;
            if (text[0] == '<')
            {
                switch (Markers.At(text, StartTag))
                {
                    case Markers.Match.None:
                        _phase = Phase.Content;
                        return 0;
                    case Markers.Match.Partial:
                        if (isFinal)
                        {
                            _phase = Phase.Content;
                        }

                        return 0;
                }

                tagged = true;
                list = Markers.SkipWhitespace(text, StartTag.Length);
                if (list == text.Length)
                {
                    if (isFinal)
                    {
                        _phase = Phase.Content;
                    }

                    return 0;
                }
            }

            if (text[list] != '[')
            {
                if (tagged)
                {
                    Failed();
                }

                _phase = Phase.Content;
                return 0;
            }

            return ReadList(text, list, tagged, isFinal, sink);
        }

        /// <summary>
        /// Reads the call list at <paramref name="list"/> call by call, argument by argument: a call starts at
        /// <c>name(</c>, each keyword argument goes out once its value and the separator after it are read, the call
        /// ends at its <c>)</c>. Resumes where it stopped when asked again about the same list.
        /// </summary>
        private int ReadList(ReadOnlySpan<char> text, int list, bool tagged, bool isFinal, ScanSink sink)
        {
            var listText = text[list..];
            if (_listOrigin != Origin + list)
            {
                _listOrigin = Origin + list;
                _resume = 1;
                _stage = ListStage.CallStart;
                _completed = 0;
                _completedLength = 0;
            }

            // A long argument arriving in small chunks: read it again only once it can be complete.
            if (!isFinal && _stage == ListStage.Arguments && !_boundary.Reached(listText, _resume, Origin + list))
            {
                return 0;
            }

            var sawCall = false;
            while (true)
            {
                var reader = new PythonLiteralReader(listText, _resume);
                var status = _stage switch
                {
                    ListStage.CallStart => StartCall(ref reader, sink),
                    ListStage.Arguments => ReadArgument(ref reader, sink),
                    _ => AfterCall(ref reader, sink),
                };

                sawCall |= reader.SawCall;
                if (status == ScanStatus.Complete)
                {
                    _resume = reader.Position;
                    if (_stage == ListStage.Done)
                    {
                        _phase = tagged ? Phase.AfterTaggedList : Phase.Content;
                        return list + _resume;
                    }

                    continue;
                }

                if (status == ScanStatus.Incomplete && !isFinal)
                {
                    return 0;
                }

                // Not a call list, or the output ended inside it: calls already complete stand, the rest is content.
                _phase = Phase.Content;
                if (_completed > 0 || sawCall || _stage != ListStage.CallStart || tagged)
                {
                    Failed();
                }

                return _completed > 0 ? list + _completedLength : 0;
            }
        }

        private ScanStatus StartCall(ref PythonLiteralReader reader, ScanSink sink)
        {
            var status = reader.ReadCallStart(out var name);
            if (status == ScanStatus.Complete)
            {
                sink.CallStart(name);
                _keys.Clear();
                _stage = ListStage.Arguments;
            }

            return status;
        }

        private ScanStatus ReadArgument(ref PythonLiteralReader reader, ScanSink sink)
        {
            var writer = new CompactJsonWriter();
            var status = reader.ReadKeywordArgument(writer, out var key, out var closed);
            if (status != ScanStatus.Complete)
            {
                return status;
            }

            if (key is not null)
            {
                if (!_keys.Add(key))
                {
                    return ScanStatus.Invalid; // a repeated keyword
                }

                sink.CallArguments(_keys.Count == 1 ? "{" : ",");
                sink.CallArguments(writer.ToString());
            }

            if (closed)
            {
                sink.CallArguments(_keys.Count == 0 ? "{}" : "}");
                _stage = ListStage.AfterCall;
            }

            return ScanStatus.Complete;
        }

        /// <summary>The call ends at the <c>,</c> or <c>]</c> after it (a list cut off after a call is not a call list).</summary>
        private ScanStatus AfterCall(ref PythonLiteralReader reader, ScanSink sink)
        {
            var status = reader.ReadListSeparator(out var closed);
            if (status == ScanStatus.Complete)
            {
                sink.CallEnd();
                _completed++;
                _completedLength = reader.Position;
                _stage = closed ? ListStage.Done : ListStage.CallStart;
            }

            return status;
        }
    }
}
