using System.Text.Json;
using Gateway.Streams.Json;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.ToolCalls.Requests;

namespace Gateway.Streams.Stages;

/// <summary>
/// Prepares each request for the upstream: validates tool definitions before any upstream work, maps the model
/// name, asks for the usage chunk of every stream (so tokens can always be counted), and for a model whose tool
/// calls the gateway parses, rewrites the request so vLLM renders the tools but neither parses nor rejects them,
/// and attaches the parser to the response. A renamed model gets the client's name back in its responses.
/// A body that needs none of this is sent exactly as received.
/// </summary>
internal sealed class RequestPreparationStage(ModelRoute route) : RequestGateStage("toolcalls")
{
    private const string ChatPath = "/v1/chat/completions";
    private const string CompletionsPath = "/v1/completions";

    private readonly ResponseTransform? _restoreModel = route.RenamesModel ? new ModelNameRestorer(route.ModelId).AsTransform() : null;

    protected override GatewayError? Admit(ProxyRequest request)
    {
        var error = Prepare(request);
        if (error is null && _restoreModel is not null)
        {
            request.ResponseTransform = ResponseTransform.Then(request.ResponseTransform, _restoreModel);
        }

        return error;
    }

    private GatewayError? Prepare(ProxyRequest request)
    {
        var upstreamModel = route.RenamesModel ? route.UpstreamModel : null;
        var isChat = string.Equals(request.Path, ChatPath, StringComparison.Ordinal);
        var forceUsage = request.Stream
            && (isChat || string.Equals(request.Path, CompletionsPath, StringComparison.Ordinal))
            && !JsonBodyRewriter.ClientRequestedUsage(request.Json);
        request.StripUsageChunk = forceUsage;

        var parser = isChat ? route.Parser : null;
        if (isChat && ToolRequestValidator.Validate(request.Json, route.ModelId, parser?.Name, route.UpstreamParsesTools) is { } invalid)
        {
            return GatewayError.InvalidToolRequest(invalid.Message, invalid.Code, invalid.Param);
        }

        if (parser is not null && !route.UpstreamParsesTools && HasTools(request.Json))
        {
            var rewrite = ToolRequestRewriter.Rewrite(request.Json, upstreamModel, gatewayParses: true, includeUsage: forceUsage);
            request.UpstreamBody = rewrite.Body;
            if (rewrite.ParseResponse)
            {
                request.ResponseTransform = ToolCallResponseTransform.Create(parser, rewrite.Schemas);
            }

            return null;
        }

        request.UpstreamBody = upstreamModel is null && !forceUsage
            ? request.Body
            : JsonBodyRewriter.Rewrite(request.Json, new BodyEdits(upstreamModel, forceUsage));
        return null;
    }

    private static bool HasTools(JsonElement root) =>
        root.TryGetProperty("tools"u8, out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
}
