using Gateway.Streams.Picking;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Stages;

/// <summary>
/// Chooses each request's replica with the model's <see cref="ReplicaPicker"/> (least outstanding requests and
/// vLLM's load signals over the replicas in service, ties at random; panic routing when none is in service).
/// It never refuses a request: ejection state lives in each replica's breaker, not here.
/// </summary>
internal sealed class ReplicaPickerStage(ReplicaPicker picker) : RequestGateStage("replicaPicker")
{
    protected override GatewayError? Admit(ProxyRequest request)
    {
        request.Endpoint = picker.Pick(request);
        request.Replicas = picker;
        return null;
    }
}
