
namespace Gateway.Streams.Proxy;

/// <summary>What the pipeline decided for a request: refused with an error, or answered by the upstream.</summary>
public abstract record ProxyOutcome
{
    private ProxyOutcome()
    {
    }

    public sealed record Rejected(GatewayError Error) : ProxyOutcome;

    public sealed record Responded(UpstreamResponse Response) : ProxyOutcome;
}
