using System.Net;
using System.Net.Sockets;

namespace Gateway.Streams.Upstream;

/// <summary>The one <see cref="HttpClient"/> the gateway talks to vLLM with, tuned for a proxy.</summary>
public static class UpstreamHttpClient
{
    /// <summary>
    /// A request's own connect timeout (a model's <c>connectTimeoutSeconds</c>), read when that request opens a new
    /// connection; without it the client's default applies.
    /// </summary>
    public static HttpRequestOptionsKey<TimeSpan> ConnectTimeoutOption { get; } = new("Gateway.ConnectTimeout");

    /// <param name="connectTimeout">
    /// The default connect timeout (a request may carry its own, see <see cref="ConnectTimeoutOption"/>); the
    /// dispatcher's <see cref="DispatchPolicy.ConnectTimeout"/> should be the same, since it sets the option only on
    /// requests whose timeout differs from it.
    /// </param>
    /// <param name="time">The clock the connect timeout runs on.</param>
    public static HttpClient Create(TimeSpan connectTimeout, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            // vLLM (uvicorn) closes idle keep-alive connections after 5 s: retire ours first to avoid the reuse race.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = (context, ct) => ConnectAsync(context, connectTimeout, clock, ct),
            // Never drain an abandoned response: closing the connection at once is what aborts the generation.
            MaxResponseDrainSize = 0,
            ResponseDrainTimeout = TimeSpan.Zero,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = int.MaxValue,
            // The gateway writes vLLM's traceparent itself (GatewayTracing): without a propagator the handler chain
            // has no diagnostics stage, which otherwise costs every request a look for listeners and headers.
            ActivityHeadersPropagator = null,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <summary>
    /// Opens the TCP connection within the request's connect timeout (or the default). Running out of time throws a
    /// <see cref="TimeoutException"/>, which the handler wraps and the error mapper reads as <c>upstream_connect_timeout</c>.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, TimeSpan defaultTimeout, TimeProvider time, CancellationToken ct)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutOption, out var own) ? own : defaultTimeout;
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, linked.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"No connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} within {timeout.TotalSeconds:0.###} s.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
