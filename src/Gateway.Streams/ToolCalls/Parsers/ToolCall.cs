namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>One parsed tool call; <see cref="ArgumentsJson"/> is the compact JSON text of the arguments object.</summary>
public sealed record ToolCall(string Id, string Name, string ArgumentsJson);
