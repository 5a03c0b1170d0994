namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// Receives what a <see cref="MarkupScanner"/> decided, in output order. A call is reported as it is read:
/// <see cref="CallStart"/> once its name is known, <see cref="CallArguments"/> fragments that concatenate to its
/// arguments JSON, then <see cref="CallEnd"/>. Non-empty <see cref="Content"/> while a call is open abandons it:
/// its markup turned out not to be a call and is being reported as content.
/// </summary>
internal abstract class ScanSink
{
    public abstract void Content(ReadOnlySpan<char> text);

    public abstract void CallStart(string name);

    public abstract void CallArguments(ReadOnlySpan<char> fragment);

    public abstract void CallEnd();

    /// <summary>A whole call at once.</summary>
    public void Call(string name, string argumentsJson)
    {
        CallStart(name);
        CallArguments(argumentsJson);
        CallEnd();
    }
}
