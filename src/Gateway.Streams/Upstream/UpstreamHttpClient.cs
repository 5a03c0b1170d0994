using System.Net;
using System.Net.Sockets;

namespace Gateway.Streams.Upstream;

/// <summary>The one connection pool the gateway talks to vLLM with, tuned for a proxy: requests go to the handler directly (<see cref="CreateInvoker"/>), probes and polls through an <see cref="HttpClient"/> over it.</summary>
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
    public static HttpClient Create(TimeSpan connectTimeout, TimeProvider? time = null) =>
        Create(CreateHandler(connectTimeout, time), disposeHandler: true);

    /// <summary>The client over a handler made by <see cref="CreateHandler"/> (for probes and metrics polls; it may share the handler's connections with <see cref="CreateInvoker"/>).</summary>
    public static HttpClient Create(HttpMessageHandler handler, bool disposeHandler) =>
        new(handler, disposeHandler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

    /// <summary>
    /// The handler itself as the dispatcher's sender: it answers at the response headers, and skips what
    /// <see cref="HttpClient"/> adds per call (a linked token source for its timeout and pending-request
    /// cancellation, its own async frame), none of which the dispatcher uses: it has its own deadline token.
    /// </summary>
    public static HttpMessageInvoker CreateInvoker(HttpMessageHandler handler) => new(handler, disposeHandler: false);

    /// <summary>The tuned handler behind <see cref="Create(TimeSpan, TimeProvider?)"/>.</summary>
    public static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        return new SocketsHttpHandler
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
