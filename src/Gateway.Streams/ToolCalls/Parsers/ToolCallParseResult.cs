namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>A whole model output split into the text outside the tool markup and the calls inside it.</summary>
public sealed record ToolCallParseResult(string? Content, IReadOnlyList<ToolCall> ToolCalls);
