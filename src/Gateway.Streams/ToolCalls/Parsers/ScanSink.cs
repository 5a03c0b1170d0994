namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Receives what a <see cref="MarkupScanner"/> decided, in output order.</summary>
internal abstract class ScanSink
{
    public abstract void Content(ReadOnlySpan<char> text);

    public abstract void Call(string name, string argumentsJson);
}
