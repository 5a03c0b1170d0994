namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>A tool-call parser for one model family, named as vLLM's <c>--tool-call-parser</c> names it.</summary>
public interface IToolCallParser
{
    string Name { get; }

    /// <summary>Parses a whole model output.</summary>
    ToolCallParseResult Parse(string modelOutput, ToolSchemas tools);

    /// <summary>A parser for one streamed output (one choice of one response).</summary>
    IStreamingToolCallParser CreateStreaming(ToolSchemas tools);
}
