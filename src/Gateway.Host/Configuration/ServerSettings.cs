using System.Net;

namespace Gateway.Host.Configuration;

/// <summary>
/// Where the gateway listens and how much it accepts (<c>Gateway:Server</c>).
/// Legacy variables: <c>SERVER_HOST</c>, <c>SERVER_PORT</c>, <c>MAX_REQUEST_BODY_BYTES</c>.
/// </summary>
internal sealed class ServerSettings
{
    /// <summary>Address to bind. A non-loopback address requires a bearer token or API keys.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port, 1..65535.</summary>
    public int Port { get; set; } = 8000;

    /// <summary>Largest accepted request body in bytes (&gt; 0).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1_048_576;

    /// <summary>How long shutdown waits for in-flight requests and streams to finish (&gt;= 0).</summary>
    public double DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// After SIGTERM, how long the gateway keeps serving new requests while <c>/ready</c> already says
    /// <c>draining</c>, so a load balancer notices before requests are refused (&gt;= 0).
    /// </summary>
    public double DrainDelaySeconds { get; set; }

    /// <summary>Kestrel's limits against slow, oversized or abusive clients.</summary>
    public ClientLimitsSettings Limits { get; set; } = new();

    /// <summary>True when <see cref="Host"/> is <c>localhost</c> or a loopback IP literal (127.0.0.0/8, ::1).</summary>
    public bool IsLoopback => IsLoopbackHost(Host);

    /// <summary>True for <c>localhost</c> and loopback IP literals (IPv6 may be bracketed).</summary>
    public static bool IsLoopbackHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return false;
        }

        var h = host.Trim();
        if (h.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (h.Length > 2 && h[0] == '[' && h[^1] == ']')
        {
            h = h[1..^1];
        }

        if (!IPAddress.TryParse(h, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address);
    }
}
