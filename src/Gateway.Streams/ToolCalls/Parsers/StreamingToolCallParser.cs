using System.Text;

namespace Gateway.Streams.ToolCalls.Parsers;

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
