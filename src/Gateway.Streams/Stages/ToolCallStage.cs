using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Stages;

/// <summary>
/// Prepares each request for the upstream: maps the model name, and for tool-using chat requests validates
/// the tool definitions and decides who parses the model's tool calls (vLLM, or the gateway on the way back).
/// </summary>
public sealed class ToolCallStage(ModelRoute route) : RequestGateStage("toolcalls")
{
    protected override GatewayError? Admit(ProxyRequest request)
    {
        request.UpstreamBody = route.RenamesModel
            ? JsonBodyRewriter.ReplaceModel(request.Json, route.UpstreamModel)
            : request.Body;
        return null;
    }
}
