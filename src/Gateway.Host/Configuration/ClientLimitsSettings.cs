namespace Gateway.Host.Configuration;

/// <summary>
/// Limits on what one client may send and hold (<c>Gateway:Server:Limits</c>), so a slowloris, a trickled body
/// or a flood of idle connections cannot exhaust the gateway. The header and request-line caps are checked by
/// the gateway itself (JSON 431/414); Kestrel enforces twice as much as a backstop, answering beyond that with
/// its own empty-bodied status.
/// </summary>
internal sealed class ClientLimitsSettings
{
    /// <summary>Largest total of request header names and values, in bytes (431 above).</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>Most request header fields (431 above).</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Longest request target (path and query), in bytes (414 above).</summary>
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>Time a client gets to send the whole request line and headers (Kestrel answers 408, without a body).</summary>
    public double RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Slowest accepted request body, bytes per second, after the grace period (408 <c>request_timeout</c> below).</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Time a body may be slower than <see cref="MinRequestBodyBytesPerSecond"/> before it is refused.</summary>
    public double MinRequestBodyGraceSeconds { get; set; } = 5;

    /// <summary>Most open client connections; more are refused at accept.</summary>
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>Most upgraded (WebSocket) connections; the gateway serves none, so 0.</summary>
    public long MaxConcurrentUpgradedConnections { get; set; }

    /// <summary>An idle keep-alive connection is closed after this long (longer than common load balancers' 60 s idle timeout).</summary>
    public double KeepAliveTimeoutSeconds { get; set; } = 75;
}
