using System.Text;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.Tests.ToolCalls.Responses;

/// <summary>
/// Test-only parser for <c>[[name {json}]]</c> markers, so the transformer specs do not depend on the real
/// family parsers. Non-streaming parsing runs the streaming parser over the whole text.
/// </summary>
internal sealed class BracketTestParser : IToolCallParser
{
    public string Name => "bracket-test";

    public ToolCallParseResult Parse(string modelOutput, ToolSchemas tools)
    {
        var streaming = new Streaming();
        var events = new List<ToolCallDelta>();
        streaming.Feed(modelOutput, events);
        streaming.Complete(events);

        var content = new StringBuilder();
        var calls = new List<(string Id, string Name, StringBuilder Args)>();
        foreach (var e in events)
        {
            switch (e)
            {
                case ToolCallDelta.Content piece:
                    content.Append(piece.Text);
                    break;
                case ToolCallDelta.ToolCallStart start:
                    calls.Add((start.Id, start.Name, new StringBuilder()));
                    break;
                case ToolCallDelta.ToolCallArguments arguments:
                    calls[arguments.Index].Args.Append(arguments.Fragment);
                    break;
            }
        }

        var text = content.ToString().Trim();
        return new ToolCallParseResult(
            text.Length == 0 ? null : text,
            calls.Select(c => new ToolCall(c.Id, c.Name, c.Args.ToString().Trim())).ToList());
    }

    public IStreamingToolCallParser CreateStreaming(ToolSchemas tools) => new Streaming();

    private sealed class Streaming : IStreamingToolCallParser
    {
        private enum Mode
        {
            Text,
            Name,
            Arguments,
        }

        private string _pending = "";
        private Mode _mode = Mode.Text;
        private int _index;

        public bool EmittedToolCalls { get; private set; }

        public void Feed(string contentDelta, List<ToolCallDelta> output)
        {
            _pending += contentDelta;
            while (true)
            {
                switch (_mode)
                {
                    case Mode.Text:
                    {
                        var at = _pending.IndexOf("[[", StringComparison.Ordinal);
                        if (at >= 0)
                        {
                            EmitText(_pending[..at], output);
                            _pending = _pending[(at + 2)..];
                            _mode = Mode.Name;
                            continue;
                        }

                        var hold = _pending.EndsWith('[') ? 1 : 0;
                        EmitText(_pending[..^hold], output);
                        _pending = _pending[^hold..];
                        return;
                    }

                    case Mode.Name:
                    {
                        var at = _pending.IndexOf(' ', StringComparison.Ordinal);
                        if (at < 0)
                        {
                            return;
                        }

                        output.Add(new ToolCallDelta.ToolCallStart(_index, $"call_test_{_index}", _pending[..at]));
                        EmittedToolCalls = true;
                        _pending = _pending[(at + 1)..];
                        _mode = Mode.Arguments;
                        continue;
                    }

                    default:
                    {
                        var at = _pending.IndexOf("]]", StringComparison.Ordinal);
                        if (at >= 0)
                        {
                            EmitArguments(_pending[..at], output);
                            _pending = _pending[(at + 2)..];
                            _index++;
                            _mode = Mode.Text;
                            continue;
                        }

                        var hold = _pending.EndsWith(']') ? 1 : 0;
                        EmitArguments(_pending[..^hold], output);
                        _pending = _pending[^hold..];
                        return;
                    }
                }
            }
        }

        public void Complete(List<ToolCallDelta> output)
        {
            switch (_mode)
            {
                case Mode.Text:
                    EmitText(_pending, output);
                    break;
                case Mode.Name:
                    EmitText("[[" + _pending, output);
                    break;
                default:
                    EmitArguments(_pending, output);
                    break;
            }

            _pending = "";
            _mode = Mode.Text;
        }

        private static void EmitText(string text, List<ToolCallDelta> output)
        {
            if (text.Length > 0)
            {
                output.Add(new ToolCallDelta.Content(text));
            }
        }

        private void EmitArguments(string fragment, List<ToolCallDelta> output)
        {
            if (fragment.Length > 0)
            {
                output.Add(new ToolCallDelta.ToolCallArguments(_index, fragment));
            }
        }
    }
}
