using System.Net;

namespace Gateway.Streams.Upstream;

/// <summary>The one <see cref="HttpClient"/> the gateway talks to vLLM with, tuned for a proxy.</summary>
public static class UpstreamHttpClient
{
    public static HttpClient Create(TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            // vLLM (uvicorn) closes idle keep-alive connections after 5 s: retire ours first to avoid the reuse race.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = connectTimeout,
            // Never drain an abandoned response: closing the connection at once is what aborts the generation.
            MaxResponseDrainSize = 0,
            ResponseDrainTimeout = TimeSpan.Zero,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }
}
