using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>hermes</c>: <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c> blocks (Hermes, Qwen2.5, QwQ, Qwen3).
/// The block end is found by scanning the JSON (a literal closing tag inside a string is data); text between and
/// after blocks stays content; a block that does not parse stays content verbatim, beside the good ones.
/// </summary>
internal sealed class HermesToolCallParser : ToolCallParserBase
{
    public const string ParserName = "hermes";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(HermesToolCallParser.ParserName)
    {
        private const string Open = "<tool_call>";
        private const string Close = "</tool_call>";

        private readonly JsonCallStreamer _call = new(callObject: true);

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            if (!AtMarker(text, Open, isFinal, sink, out var consumed))
            {
                return consumed;
            }

            var body = Markers.SkipWhitespace(text, Open.Length);
            if (body == text.Length)
            {
                return MoreOrFail(text, isFinal, sink);
            }

            if (text[body] != '{')
            {
                // Not a JSON call (prose mentioning the tag, an empty block): the tag is content, scanning goes on.
                return Fail(text, body, sink);
            }

            switch (_call.Advance(text, body, Origin, name: null, sink, out var end))
            {
                case ScanStatus.Incomplete:
                    return MoreOrFail(text, isFinal, sink);
                case ScanStatus.Invalid:
                    return FailBlock(text, end, Close, isFinal, sink);
            }

            var after = Markers.SkipWhitespace(text, end);
            int blockEnd;
            switch (Markers.At(text[after..], Close))
            {
                case Markers.Match.Full:
                    blockEnd = after + Close.Length;
                    break;
                case Markers.Match.Partial:
                    if (!isFinal)
                    {
                        return 0;
                    }

                    // The output ended without (or inside) the closing tag: the call stands if its JSON does.
                    blockEnd = text.Length;
                    break;
                default:
                    return FailBlock(text, after, Close, isFinal, sink);
            }

            sink.CallEnd();
            return blockEnd;
        }
    }
}
