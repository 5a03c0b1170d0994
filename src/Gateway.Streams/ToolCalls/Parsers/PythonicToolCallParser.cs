using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>pythonic</c>: the output starts (after whitespace, optionally inside <c>&lt;|python_start|&gt;</c> …
/// <c>&lt;|python_end|&gt;</c>) with a Python list of keyword-argument calls with literal values,
/// <c>[f(a=1, b="x"), g()]</c> (Llama 3.2 pythonic, Llama 4, ToolACE). Text after the list stays content; the
/// format has no marker, so a list anywhere but the start is content, as is a list that is not all such calls.
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

        private const int GateLength = 256;

        private readonly BracketScanner _brackets = new(python: true);
        private Phase _phase = Phase.Start;

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

            // A long list arriving in small chunks: run the full parser only once its brackets close (or on a short
            // text, where prose that merely starts with '[' is told apart quickly).
            if (!isFinal && text.Length - list > GateLength && _brackets.Scan(text, list, Origin, out _) == ScanStatus.Incomplete)
            {
                return 0;
            }

            var calls = new List<(string Name, string Arguments)>();
            var reader = new PythonLiteralReader(text, list);
            switch (reader.ReadCallList(calls))
            {
                case ScanStatus.Incomplete when !isFinal:
                    return 0;
                case ScanStatus.Complete:
                    foreach (var (name, arguments) in calls)
                    {
                        sink.Call(name, arguments);
                    }

                    _phase = tagged ? Phase.AfterTaggedList : Phase.Content;
                    return reader.Position;
                default:
                    if (reader.SawCall || tagged)
                    {
                        Failed();
                    }

                    _phase = Phase.Content;
                    return 0;
            }
        }
    }
}
