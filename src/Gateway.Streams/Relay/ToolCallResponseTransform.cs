using Akka.Streams.Dsl;
using Gateway.Streams.Proxy;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Responses;

namespace Gateway.Streams.Relay;

/// <summary>The response rewrite for a request whose tool calls the gateway parses.</summary>
internal static class ToolCallResponseTransform
{
    public static ResponseTransform Create(IToolCallParser parser, ToolSchemas schemas) => new(
        body => ChatCompletionToolCallTransformer.TransformResponse(body.Span, parser, schemas),
        () => Flow.FromGraph(new ToolCallParsingStage(parser, schemas)));
}
