using System.Collections.Concurrent;
using Gateway.Streams.Breaker;

namespace Gateway.Streams.Proxy;

/// <summary>
/// One vLLM replica as the request path sees it: its base URL, weight, in-flight count, ejection state (the
/// breaker) and the immutable <see cref="ReplicaSnapshot"/> its replica actor publishes (probe verdict, load
/// signals from <c>/metrics</c>, served adapters). The picker reads all of it without messages.
/// This is the one place a replica's health lives: a later cluster feed only has to publish snapshots here too.
/// </summary>
public sealed class UpstreamEndpoint(Uri baseUri, UpstreamCircuitBreaker breaker, double weight = 1)
{
    private const int MaxResolvedPaths = 32;

    private readonly ConcurrentDictionary<string, Uri> _resolved = new(StringComparer.Ordinal);
    private int _inFlight;
    private long _gatewayFailures;
    private long _requestFailures;
    private long _retries;
    private ReplicaSnapshot _snapshot = ReplicaSnapshot.NotProbedYet;
    private string? _lastGatewayFailure;
    private int _suspect;
    private Action? _leave;

    /// <summary>The base URL, always ending in <c>/</c> so a path prefix (<c>http://host/vllm/</c>) is kept.</summary>
    public Uri BaseUri { get; } = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");

    public UpstreamCircuitBreaker Breaker { get; } = breaker;

    /// <summary>Relative share of the traffic (&gt; 0; 1 by default): a replica of weight 2 is picked as if half as busy.</summary>
    public double Weight { get; } = weight > 0 ? weight : 1;

    /// <summary>A short label for logs and metrics (never carries credentials).</summary>
    public string Label { get; } = $"{baseUri.Scheme}://{baseUri.Authority}";

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>What the replica's actor last published; swapped whole, read without a lock.</summary>
    public ReplicaSnapshot Snapshot
    {
        get => Volatile.Read(ref _snapshot);
        set => Volatile.Write(ref _snapshot, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Gateway failures recorded since start (connect, reset, 502/503/504, timeouts, dropped streams).</summary>
    public long GatewayFailures => Interlocked.Read(ref _gatewayFailures);

    /// <summary>The reason of the latest gateway failure, set before it counts (so an ejection it causes can name it).</summary>
    public string? LastGatewayFailure => Volatile.Read(ref _lastGatewayFailure);

    /// <summary>Request-specific 5xx answers (e.g. vLLM's 500 with a body) since start: each triggered a probe, none counted.</summary>
    public long RequestFailures => Interlocked.Read(ref _requestFailures);

    /// <summary>Retries sent to this replica since start.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>In service: not ejected, not suspect, and its last probe (if any) passed.</summary>
    public bool InService => !Suspect && Snapshot.ProbeOk != false && Breaker.State != CircuitState.Open;

    /// <summary>
    /// A gateway failure was seen and the probe it asked for has not answered yet: the picker routes around the
    /// replica meanwhile (a dead replica with nothing in flight would otherwise draw every new request).
    /// Cleared by that probe's verdict or by a successful answer.
    /// </summary>
    public bool Suspect => Volatile.Read(ref _suspect) == 1;

    /// <summary>
    /// Raised when something suggests the replica may be down and it should be probed now: the reason, and whether
    /// a failed probe should count as a gateway failure (true after a request-specific error, which did not count yet).
    /// </summary>
    public event Action<string, bool>? ProbeRequested;

    /// <summary>
    /// The URL of <paramref name="path"/> on this replica. The few paths the gateway relays are resolved once each
    /// (a <see cref="Uri"/> is immutable, so requests share it); any other is resolved per call.
    /// </summary>
    public Uri Resolve(string path)
    {
        if (_resolved.TryGetValue(path, out var uri))
        {
            return uri;
        }

        uri = new Uri(BaseUri, path.TrimStart('/'));
        if (_resolved.Count < MaxResolvedPaths)
        {
            _resolved.TryAdd(path, uri);
        }

        return uri;
    }

    /// <summary>Leaves the replica (one fewer in flight): one delegate per replica for whoever needs an <see cref="Action"/>.</summary>
    public Action LeaveAction => _leave ??= Leave;

    /// <summary>A gateway failure: counts toward ejection and asks for a probe at once (the replica is suspect).</summary>
    public void RecordGatewayFailure(string reason)
    {
        Interlocked.Increment(ref _gatewayFailures);
        Volatile.Write(ref _lastGatewayFailure, reason);
        Volatile.Write(ref _suspect, 1);
        Breaker.RecordFailure();
        ProbeRequested?.Invoke(reason, false);
    }

    /// <summary>
    /// A request-specific server error (vLLM answered 500 with a body): does not count by itself, but asks for an
    /// out-of-band probe; only a failed probe counts.
    /// </summary>
    public void RecordRequestSpecificFailure(string reason)
    {
        Interlocked.Increment(ref _requestFailures);
        Breaker.RecordAbandoned();
        ProbeRequested?.Invoke(reason, true);
    }

    /// <summary>A 2xx answer: the replica works (ends a suspicion, closes a half-open breaker).</summary>
    public void RecordSuccess()
    {
        Volatile.Write(ref _suspect, 0);
        Breaker.RecordSuccess();
    }

    /// <summary>The probe a gateway failure asked for has answered; its verdict now stands in the snapshot.</summary>
    public void ClearSuspicion() => Volatile.Write(ref _suspect, 0);

    internal void CountRetry() => Interlocked.Increment(ref _retries);

    internal void Enter() => Interlocked.Increment(ref _inFlight);

    internal void Leave() => Interlocked.Decrement(ref _inFlight);
}
