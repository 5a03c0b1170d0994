namespace Gateway.Streams.Proxy;

/// <summary>The model's replica choice as the dispatcher sees it: where a request that failed before its first byte may go next.</summary>
public interface IReplicaSelector
{
    /// <summary>
    /// Another replica for a retry of <paramref name="request"/>, which just failed on <paramref name="failed"/>;
    /// null when there is no other replica or the model's retry budget is spent.
    /// </summary>
    UpstreamEndpoint? PickForRetry(ProxyRequest request, UpstreamEndpoint failed);
}
