using Gateway.Streams.Proxy;

namespace Gateway.Host.Observability;

/// <summary>Per-request facts other stages put on the <see cref="ProxyRequest"/> (queue times, retries), read at the request's end.</summary>
internal static class RequestTimes
{
    public static double? QueueWaitSeconds(ProxyRequest? request, TimeProvider time) => null;

    public static int Retries(ProxyRequest? request) => 0;
}
