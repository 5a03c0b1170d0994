namespace Gateway.Streams.ToolCalls;

/// <summary>
/// <c>hermes</c>: <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c> blocks (Hermes, Qwen2.5, QwQ, Qwen3).
/// The block end is found by scanning the JSON (a literal closing tag inside a string is data); text between and
/// after blocks stays content; a block that does not parse stays content verbatim, beside the good ones.
/// </summary>
public sealed class HermesToolCallParser : ToolCallParserBase
{
    public const string ParserName = "hermes";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(HermesToolCallParser.ParserName)
    {
        private const string Open = "<tool_call>";
        private const string Close = "</tool_call>";

        private readonly BracketScanner _json = new(python: false);

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            var lt = text.IndexOf('<');
            if (lt != 0)
            {
                var length = lt < 0 ? text.Length : lt;
                sink.Content(text[..length]);
                return length;
            }

            switch (Markers.At(text, Open))
            {
                case Markers.Match.None:
                    sink.Content(text[..1]);
                    return 1;
                case Markers.Match.Partial:
                    if (!isFinal)
                    {
                        return 0;
                    }

                    sink.Content(text);
                    return text.Length;
            }

            var body = Markers.SkipWhitespace(text, Open.Length);
            if (body == text.Length)
            {
                return isFinal ? Fail(text, text.Length, sink) : 0;
            }

            if (text[body] != '{')
            {
                // Not a JSON call (prose mentioning the tag, an empty block): the tag is content, scanning goes on.
                return Fail(text, body, sink);
            }

            switch (_json.Scan(text, body, Origin, out var end))
            {
                case ScanStatus.Incomplete:
                    return isFinal ? Fail(text, text.Length, sink) : 0;
                case ScanStatus.Invalid:
                    return FailBlock(text, end, isFinal, sink);
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
                    return FailBlock(text, after, isFinal, sink);
            }

            if (!JsonArgumentScanner.TryReadCall(text[body..end], out var name, out var arguments))
            {
                return Fail(text, blockEnd, sink);
            }

            sink.Call(name, arguments);
            return blockEnd;
        }

        /// <summary>A block that cannot be a call: content up to and including its closing tag.</summary>
        private int FailBlock(ReadOnlySpan<char> text, int from, bool isFinal, ScanSink sink)
        {
            var close = text[from..].IndexOf(Close, StringComparison.Ordinal);
            if (close >= 0)
            {
                return Fail(text, from + close + Close.Length, sink);
            }

            return isFinal ? Fail(text, text.Length, sink) : 0;
        }

        private int Fail(ReadOnlySpan<char> text, int length, ScanSink sink)
        {
            Failed();
            sink.Content(text[..length]);
            return length;
        }
    }
}
