namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>An event of the streaming parser, in output order.</summary>
public abstract record ToolCallDelta
{
    private protected ToolCallDelta()
    {
    }

    /// <summary>Text outside the tool markup, to stream on as a <c>content</c> delta.</summary>
    public sealed record Content(string Text) : ToolCallDelta;

    /// <summary>A call begins: its first delta carries <c>index</c>, <c>id</c>, <c>type</c> and <c>function.name</c>.</summary>
    public sealed record ToolCallStart(int Index, string Id, string Name) : ToolCallDelta;

    /// <summary>A fragment of the call's <c>function.arguments</c>; the fragments concatenate to the arguments JSON.</summary>
    public sealed record ToolCallArguments(int Index, string Fragment) : ToolCallDelta;

    /// <summary>
    /// The call's markup turned out malformed after its start (and maybe some arguments) went out; the markup follows
    /// as <see cref="Content"/>. Streams cannot take a call back, so this is not sent to clients.
    /// </summary>
    public sealed record ToolCallAbandoned(int Index) : ToolCallDelta;
}
