namespace Gateway.Streams.Proxy;

/// <summary>A request's place in a queue, which can take it out and answer it (the queue's entry itself: no delegate per request).</summary>
public interface IQueueWithdrawal
{
    /// <summary>Leaves the queue if still waiting and answers the request with <paramref name="error"/>.</summary>
    void Withdraw(GatewayError error);
}
