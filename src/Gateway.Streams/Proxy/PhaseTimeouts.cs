namespace Gateway.Streams.Proxy;

/// <summary>
/// One model's own phase timeouts (config: <c>connectTimeoutSeconds</c>, <c>queueTimeoutSeconds</c>,
/// <c>ttftTimeoutSeconds</c>, <c>idleTimeoutSeconds</c>, <c>requestTimeoutSeconds</c> on the model). Each one left
/// null falls back to the gateway-wide default of <c>Gateway:Upstream</c>.
/// </summary>
public sealed record PhaseTimeouts
{
    /// <summary>Every phase on the gateway-wide defaults.</summary>
    public static PhaseTimeouts Defaults { get; } = new();

    /// <summary>TCP connect to a replica (<c>upstream_connect_timeout</c>).</summary>
    public TimeSpan? Connect { get; init; }

    /// <summary>Waiting in the model's queue (<c>queue_timeout</c>).</summary>
    public TimeSpan? Queue { get; init; }

    /// <summary>Response headers of a plain request, first event of a stream, per attempt (<c>upstream_ttft_timeout</c>).</summary>
    public TimeSpan? Ttft { get; init; }

    /// <summary>Silence between two stream events (<c>upstream_idle_timeout</c>).</summary>
    public TimeSpan? Idle { get; init; }

    /// <summary>The whole request, retries and relay included (<c>upstream_timeout</c>).</summary>
    public TimeSpan? Total { get; init; }
}
