using System.Text.Json;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.ToolCalls;

namespace Gateway.Streams.Stages;

/// <summary>
/// Prepares each request for the upstream: validates tool definitions before any upstream work, maps the model
/// name, and for a model whose tool calls the gateway parses, rewrites the request so vLLM renders the tools but
/// neither parses nor rejects them, and attaches the parser to the response.
/// </summary>
public sealed class ToolCallStage(ModelRoute route) : RequestGateStage("toolcalls")
{
    private const string ChatPath = "/v1/chat/completions";

    protected override GatewayError? Admit(ProxyRequest request)
    {
        var upstreamModel = route.RenamesModel ? route.UpstreamModel : null;
        if (!string.Equals(request.Path, ChatPath, StringComparison.Ordinal))
        {
            request.UpstreamBody = upstreamModel is null ? request.Body : JsonBodyRewriter.ReplaceModel(request.Json, upstreamModel);
            return null;
        }

        var parser = route.Parser;
        if (ToolRequestValidator.Validate(request.Json, route.ModelId, parser?.Name, route.UpstreamParsesTools) is { } invalid)
        {
            return GatewayError.BadRequest(invalid.Message, invalid.Param, invalid.Code);
        }

        if (parser is not null && !route.UpstreamParsesTools && HasTools(request.Json))
        {
            var rewrite = ToolRequestRewriter.Rewrite(request.Json, upstreamModel, gatewayParses: true);
            request.UpstreamBody = rewrite.Body;
            if (rewrite.ParseResponse)
            {
                request.ResponseTransform = ToolCallResponseTransform.Create(parser, rewrite.Schemas);
            }

            return null;
        }

        request.UpstreamBody = upstreamModel is null ? request.Body : JsonBodyRewriter.ReplaceModel(request.Json, upstreamModel);
        return null;
    }

    private static bool HasTools(JsonElement root) =>
        root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
}
