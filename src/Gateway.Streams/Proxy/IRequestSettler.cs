namespace Gateway.Streams.Proxy;

/// <summary>
/// Something a request holds until it is finished (its key's lease, its queue's service and in-flight slot),
/// settled once with what the request really used (<see cref="ProxyRequest.PromptTokensUsed"/>,
/// <see cref="ProxyRequest.CompletionTokensUsed"/>). An object the request points to, not a closure per request.
/// </summary>
public interface IRequestSettler
{
    void Settle(ProxyRequest request);
}
