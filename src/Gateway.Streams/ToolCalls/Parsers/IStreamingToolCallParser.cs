namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Incremental parser: fed content deltas as they arrive, it emits events as soon as they are decided.</summary>
public interface IStreamingToolCallParser
{
    /// <summary>Appends the events decided by this delta (text that may start a marker is held back).</summary>
    void Feed(string contentDelta, List<ToolCallDelta> output);

    /// <summary>The output ended: flushes held-back text and finishes any open call.</summary>
    void Complete(List<ToolCallDelta> output);

    /// <summary>At least one <see cref="ToolCallDelta.ToolCallStart"/> was emitted.</summary>
    bool EmittedToolCalls { get; }
}
