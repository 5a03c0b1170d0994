using System.Text.Json;
using Akka;

namespace Gateway.Streams.Proxy;

/// <summary>
/// One client request travelling as an element through its model's long-lived pipeline. It carries its own
/// response channel (<see cref="Outcome"/>) so the HTTP side never asks an actor, and a completion signal
/// (<see cref="Release"/>) that frees the model's in-flight slot when the response is fully relayed.
/// </summary>
public sealed class ProxyRequest
{
    private readonly TaskCompletionSource<ProxyOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Done> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _bodyDisposed;
    private int _phase; // 0 waiting, 1 dispatched, 2 expired in the queue
    private Action<GatewayError>? _withdraw;

    public required string ModelId { get; init; }

    /// <summary>The vLLM path, e.g. <c>/v1/chat/completions</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The client's JSON body, as read.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The parsed body: alive until the request is finished (released or rejected), whoever reads it.</summary>
    public JsonElement Json { get; init; }

    /// <summary>
    /// The document <see cref="Json"/> belongs to, when the request owns it: disposed exactly once, when the
    /// request is finished (<see cref="Release"/> or <see cref="Reject"/>), so no stage ever reads a disposed
    /// body, even after the client left.
    /// </summary>
    public JsonDocument? ParsedBody { get; init; }

    public bool Stream { get; init; }

    /// <summary>Identity the throttle charges (an API key's name, or a client address when auth is off).</summary>
    public required string RateLimitKey { get; init; }

    public required string RequestId { get; init; }

    /// <summary>The key's weight in the fair queue (its <c>priority</c>, default 1).</summary>
    public double Priority { get; init; } = 1;

    /// <summary>Estimated prompt tokens: what the fair queue charges the key when the request leaves the queue.</summary>
    public int PromptTokenEstimate { get; init; }

    /// <summary>When the request entered its model's queue (a <see cref="TimeProvider"/> timestamp; 0 if it never did).</summary>
    public long EnqueuedAt { get; set; }

    /// <summary>When the request left the queue for an in-flight slot (a <see cref="TimeProvider"/> timestamp; 0 if it never did).</summary>
    public long DequeuedAt { get; set; }

    /// <summary>
    /// Called once when the request is finished (released or rejected): the fair queue settles the key's service
    /// with what was really used. Set before the request is enqueued.
    /// </summary>
    public Action<ProxyRequest>? OnFinished { get; set; }

    /// <summary>Prompt tokens really used, when known (vLLM's usage, or the estimate for a cut-short stream); set before release.</summary>
    public int? PromptTokensUsed { get; set; }

    /// <summary>Completion tokens really generated, when known; set before release.</summary>
    public int? CompletionTokensUsed { get; set; }

    /// <summary>Fires when the client goes away.</summary>
    public CancellationToken ClientAborted { get; init; }

    /// <summary>The model's own phase timeouts (null ones fall back to the gateway-wide defaults).</summary>
    public PhaseTimeouts Timeouts { get; init; } = PhaseTimeouts.Defaults;

    /// <summary>The body to send upstream; stages that rewrite the request replace it.</summary>
    public ReadOnlyMemory<byte> UpstreamBody { get; set; }

    /// <summary>Set by the tool-call stage when the gateway parses tool calls out of this response.</summary>
    public ResponseTransform? ResponseTransform { get; set; }

    /// <summary>
    /// The gateway asked vLLM for the stream's usage chunk although the client did not: the relay reads it
    /// (for accounting) and does not forward it.
    /// </summary>
    public bool StripUsageChunk { get; set; }

    /// <summary>Set by the replica picker: the replica this request goes to; after a retry, the replica that answered.</summary>
    public UpstreamEndpoint? Endpoint { get; set; }

    /// <summary>Set by the replica picker: where a retry may go (null: no retries).</summary>
    public IReplicaSelector? Replicas { get; set; }

    /// <summary>How many times the request was sent again to another replica before its first byte (for logs and metrics).</summary>
    public int Retries { get; set; }

    /// <summary>Replicas this request already failed on: a retry goes to one not tried yet whenever one exists.</summary>
    internal HashSet<UpstreamEndpoint>? TriedReplicas { get; set; }

    public Task<ProxyOutcome> Outcome => _outcome.Task;

    /// <summary>Completes when the HTTP side is done with the response (or the request was rejected).</summary>
    public Task<Done> Finished => _finished.Task;

    public void Reject(GatewayError error)
    {
        _outcome.TrySetResult(new ProxyOutcome.Rejected(error));
        Finish();
    }

    public void Respond(UpstreamResponse response) => _outcome.TrySetResult(new ProxyOutcome.Responded(response));

    /// <summary>The dispatcher takes the request; false when it already expired in the queue (then it is skipped).</summary>
    public bool TryMarkDispatched() => Interlocked.CompareExchange(ref _phase, 1, 0) != 2;

    /// <summary>
    /// Set by the queue while the request waits in it (null once it left): takes the request out and answers it, so
    /// a request answered while waiting frees its place at once.
    /// </summary>
    public Action<GatewayError>? WithdrawFromQueue
    {
        get => Volatile.Read(ref _withdraw);
        set => Volatile.Write(ref _withdraw, value);
    }

    /// <summary>
    /// Answers a request still waiting to be dispatched with <paramref name="error"/> and takes it out of its queue
    /// if it still waits there; false once it was dispatched.
    /// </summary>
    public bool TryExpireInQueue(GatewayError error)
    {
        if (Interlocked.CompareExchange(ref _phase, 2, 0) != 0)
        {
            return false;
        }

        Interlocked.Exchange(ref _withdraw, null)?.Invoke(error);
        Reject(error);
        return true;
    }

    /// <summary>The response has been relayed (or abandoned): frees the in-flight slot.</summary>
    public void Release() => Finish();

    private void Finish()
    {
        if (_finished.TrySetResult(Done.Instance))
        {
            OnFinished?.Invoke(this);
        }

        if (Interlocked.Exchange(ref _bodyDisposed, 1) == 0)
        {
            ParsedBody?.Dispose();
        }
    }
}
