namespace Gateway.Streams.ToolCalls;

/// <summary>A tool-call parser for one model family, named as vLLM's <c>--tool-call-parser</c> names it.</summary>
public interface IToolCallParser
{
    string Name { get; }

    /// <summary>Parses a whole model output.</summary>
    ToolCallParseResult Parse(string modelOutput, ToolSchemas tools);

    /// <summary>A parser for one streamed output (one choice of one response).</summary>
    IStreamingToolCallParser CreateStreaming(ToolSchemas tools);
}

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
