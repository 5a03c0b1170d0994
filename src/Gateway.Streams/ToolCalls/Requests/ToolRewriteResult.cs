using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.ToolCalls.Requests;

/// <summary>The upstream request body, and whether the gateway must parse tool calls out of the response.</summary>
internal sealed record ToolRewriteResult(byte[] Body, bool ParseResponse, ToolSchemas Schemas);
