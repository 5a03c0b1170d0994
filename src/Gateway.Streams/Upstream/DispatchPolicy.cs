namespace Gateway.Streams.Upstream;

/// <summary>
/// How the dispatcher treats the phase up to the response headers: the time-to-first-token timeout (headers of a
/// plain request; a stream's headers, which vLLM sends at once) per attempt, the connect timeout (for the error
/// message; the HTTP client enforces it), and how many times a request may be retried on another replica.
/// </summary>
public sealed record DispatchPolicy
{
    public static DispatchPolicy Default { get; } = new();

    /// <summary>Retries per request (0 = none); each also needs the model's retry budget.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Per attempt: no response headers within this long is a gateway failure (<c>upstream_ttft_timeout</c>). Null: none.</summary>
    public TimeSpan? TtftTimeout { get; init; }

    /// <summary>
    /// The default connect timeout: the one the upstream client was created with (<see cref="UpstreamHttpClient.Create"/>).
    /// A request whose own timeout differs carries it (<see cref="UpstreamHttpClient.ConnectTimeoutOption"/>).
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
