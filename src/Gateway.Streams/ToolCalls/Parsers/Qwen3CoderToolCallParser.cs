using System.Text.Json;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>qwen3_coder</c>: <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=P&gt;value&lt;/parameter&gt;…&lt;/function&gt;&lt;/tool_call&gt;</c>
/// (Qwen3-Coder). Values are text with one leading and one trailing newline removed, typed by the request's tool
/// schema (<see cref="ToolSchemas.TryGetParameterSchema"/>): integer/number/boolean/object/array/null are parsed,
/// anything else, a parameter without a schema, or a value that does not parse as its type stays a string.
/// </summary>
internal sealed class Qwen3CoderToolCallParser : ToolCallParserBase
{
    public const string ParserName = "qwen3_coder";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner(tools);

    private sealed class Scanner(ToolSchemas tools) : MarkupScanner(Qwen3CoderToolCallParser.ParserName)
    {
        private const string Open = "<tool_call>";
        private const string Close = "</tool_call>";
        private const string FunctionOpen = "<function=";
        private const string FunctionClose = "</function>";
        private const string ParameterOpen = "<parameter=";
        private const string ParameterClose = "</parameter>";

        private bool _inBlock;
        private long _valueOrigin = -1;
        private int _valueSearched;

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            if (_inBlock)
            {
                var inBlock = InBlock(text, isFinal, sink);
                if (inBlock != 0 || _inBlock)
                {
                    return inBlock;
                }
            }

            if (!AtMarker(text, Open, FunctionOpen, isFinal, sink, out var marker, out var consumed))
            {
                return consumed;
            }

            if (marker == FunctionOpen)
            {
                // A function outside any <tool_call> block.
                switch (ReadFunction(text, 0, isFinal, sink, out var functionEnd))
                {
                    case ScanStatus.Complete:
                        return functionEnd;
                    case ScanStatus.Incomplete:
                        return 0;
                    default:
                        return Fail(text, FunctionOpen.Length, sink);
                }
            }

            var function = Markers.SkipWhitespace(text, Open.Length);
            switch (Markers.At(text[function..], FunctionOpen))
            {
                case Markers.Match.Partial:
                    return MoreOrFail(text, isFinal, sink);
                case Markers.Match.None:
                    return FailBlock(text, function, Close, isFinal, sink);
            }

            switch (ReadFunction(text, function, isFinal, sink, out var end))
            {
                case ScanStatus.Complete:
                    _inBlock = true;
                    return end;
                case ScanStatus.Incomplete:
                    return 0;
                default:
                    return FailBlock(text, function, Close, isFinal, sink);
            }
        }

        /// <summary>After a function inside a block: another function, the closing tag, or the end of the block.</summary>
        private int InBlock(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            var next = Markers.SkipWhitespace(text, 0);
            var close = Markers.At(text[next..], Close);
            var function = Markers.At(text[next..], FunctionOpen);
            if (close == Markers.Match.Full)
            {
                _inBlock = false;
                return next + Close.Length;
            }

            if (function == Markers.Match.Full)
            {
                switch (ReadFunction(text, next, isFinal, sink, out var end))
                {
                    case ScanStatus.Complete:
                        return end;
                    case ScanStatus.Incomplete:
                        return 0;
                    default:
                        var failed = FailBlock(text, next, Close, isFinal, sink);
                        _inBlock = failed == 0;
                        return failed;
                }
            }

            if ((close == Markers.Match.Partial || function == Markers.Match.Partial) && !isFinal)
            {
                return 0;
            }

            // Anything else ends the block (its closing tag was left out); it is scanned as ordinary text.
            _inBlock = false;
            return 0;
        }

        /// <summary>Reads <c>&lt;function=NAME&gt;…&lt;/function&gt;</c> at <paramref name="start"/> and reports the call.</summary>
        private ScanStatus ReadFunction(ReadOnlySpan<char> text, int start, bool isFinal, ScanSink sink, out int end)
        {
            end = 0;
            var position = start + FunctionOpen.Length;
            var status = ReadName(text, ref position, out var name);
            if (status != ScanStatus.Complete)
            {
                return status == ScanStatus.Incomplete && !isFinal ? ScanStatus.Incomplete : ScanStatus.Invalid;
            }

            var parameters = new List<KeyValuePair<string, string>>();
            while (true)
            {
                position = Markers.SkipWhitespace(text, position);
                var rest = text[position..];
                var functionClose = Markers.At(rest, FunctionClose);
                if (functionClose == Markers.Match.Full)
                {
                    end = position + FunctionClose.Length;
                    break;
                }

                var parameter = Markers.At(rest, ParameterOpen);
                if (parameter == Markers.Match.Full)
                {
                    position += ParameterOpen.Length;
                    status = ReadName(text, ref position, out var parameterName);
                    if (status == ScanStatus.Invalid)
                    {
                        return status;
                    }

                    if (status == ScanStatus.Incomplete)
                    {
                        if (!isFinal)
                        {
                            return status;
                        }

                        end = text.Length; // truncated inside a parameter name: the call keeps what it has
                        break;
                    }

                    status = ReadValue(text, ref position, isFinal, out var value);
                    if (status != ScanStatus.Complete)
                    {
                        return status;
                    }

                    Set(parameters, parameterName, value);
                    continue;
                }

                if (rest.IsEmpty || functionClose == Markers.Match.Partial || parameter == Markers.Match.Partial)
                {
                    if (!isFinal)
                    {
                        return ScanStatus.Incomplete;
                    }

                    end = text.Length; // truncated output: the call stands with what it has
                    break;
                }

                return ScanStatus.Invalid;
            }

            sink.Call(name, BuildArguments(name, parameters));
            return ScanStatus.Complete;
        }

        /// <summary>Reads a value up to <c>&lt;/parameter&gt;</c>, <c>&lt;/function&gt;</c> or a <c>&lt;parameter=</c> that starts a line.</summary>
        private ScanStatus ReadValue(ReadOnlySpan<char> text, ref int position, bool isFinal, out string value)
        {
            var start = position;

            // A long value arriving in small chunks: resume the search where the last one stopped.
            var search = _valueOrigin == Origin + start ? start + _valueSearched : start;
            while (true)
            {
                var lt = text[search..].IndexOf('<');
                if (lt < 0)
                {
                    if (!isFinal)
                    {
                        Remember(start, text.Length);
                        value = string.Empty;
                        return ScanStatus.Incomplete;
                    }

                    value = TrimNewlines(text[start..]);
                    position = text.Length;
                    return ScanStatus.Complete;
                }

                var at = search + lt;
                var rest = text[at..];
                var parameterClose = Markers.At(rest, ParameterClose);
                var functionClose = Markers.At(rest, FunctionClose);
                var lineStart = at > start && text[at - 1] == '\n';
                var nextParameter = lineStart ? Markers.At(rest, ParameterOpen) : Markers.Match.None;
                if (parameterClose == Markers.Match.Full)
                {
                    value = TrimNewlines(text[start..at]);
                    position = at + ParameterClose.Length;
                    return ScanStatus.Complete;
                }

                if (functionClose == Markers.Match.Full || nextParameter == Markers.Match.Full)
                {
                    value = TrimNewlines(text[start..at]); // the closing tag was left out
                    position = at;
                    return ScanStatus.Complete;
                }

                if (parameterClose == Markers.Match.Partial || functionClose == Markers.Match.Partial || nextParameter == Markers.Match.Partial)
                {
                    if (!isFinal)
                    {
                        Remember(start, at);
                        value = string.Empty;
                        return ScanStatus.Incomplete;
                    }

                    value = TrimNewlines(text[start..at]);
                    position = text.Length;
                    return ScanStatus.Complete;
                }

                search = at + 1;
            }
        }

        private void Remember(int valueStart, int searchFrom)
        {
            _valueOrigin = Origin + valueStart;
            _valueSearched = searchFrom - valueStart;
        }

        private static string TrimNewlines(ReadOnlySpan<char> value)
        {
            if (value.StartsWith('\n'))
            {
                value = value[1..];
            }

            if (value.EndsWith('\n'))
            {
                value = value[..^1];
            }

            return value.ToString();
        }

        /// <summary>A function or parameter name up to <c>&gt;</c>; whitespace, quotes, <c>&lt;</c> and braces are not allowed.</summary>
        private static ScanStatus ReadName(ReadOnlySpan<char> text, ref int position, out string name)
        {
            name = string.Empty;
            var start = position;
            while (position < text.Length)
            {
                var c = text[position];
                if (c == '>')
                {
                    if (position == start)
                    {
                        return ScanStatus.Invalid;
                    }

                    name = text[start..position].ToString();
                    position++;
                    return ScanStatus.Complete;
                }

                if (char.IsWhiteSpace(c) || c is '"' or '\'' or '<' or '{' or '}')
                {
                    return ScanStatus.Invalid;
                }

                position++;
            }

            return ScanStatus.Incomplete;
        }

        private static void Set(List<KeyValuePair<string, string>> parameters, string name, string value)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Key == name)
                {
                    parameters[i] = new(name, value);
                    return;
                }
            }

            parameters.Add(new(name, value));
        }

        private string BuildArguments(string function, List<KeyValuePair<string, string>> parameters)
        {
            var writer = new CompactJsonWriter();
            writer.WriteStartObject();
            foreach (var (name, value) in parameters)
            {
                writer.WritePropertyName(name);
                if (!tools.TryGetParameterSchema(function, name, out var schema) || !ParameterTyping.TryWriteTyped(writer, schema, value))
                {
                    writer.WriteStringValue(value);
                }
            }

            writer.WriteEndObject();
            return writer.ToString();
        }
    }
}
