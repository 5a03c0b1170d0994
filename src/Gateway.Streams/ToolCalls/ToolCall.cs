namespace Gateway.Streams.ToolCalls;

/// <summary>One parsed tool call; <see cref="ArgumentsJson"/> is the compact JSON text of the arguments object.</summary>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>A whole model output split into the text outside the tool markup and the calls inside it.</summary>
public sealed record ToolCallParseResult(string? Content, IReadOnlyList<ToolCall> ToolCalls);
