namespace Gateway.Streams.ToolCalls.Requests;

/// <summary>A rejected tool-using request: OpenAI error <c>message</c>, <c>code</c> and <c>param</c>.</summary>
internal sealed record ToolValidationError(string Message, string Code, string? Param);
