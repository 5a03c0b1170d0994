using System.Diagnostics;
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
    // Both complete with their continuations inline (one thread hop fewer per request): a response arrives on the
    // dispatcher's pool thread, where the HTTP side may as well go on relaying it; a rejection, which may come from
    // inside a pipeline stage (the graph's actor), is handed to the pool first (see Reject). The pipeline's only
    // continuation on Finished posts the freed slot to its graph, which is cheap on any thread.
    private readonly TaskCompletionSource<ProxyOutcome> _outcome = new();
    private readonly TaskCompletionSource<Done> _finished = new();
    private int _answered;
    private int _finishedOnce;
    private int _bodyDisposed;
    private int _phase; // 0 waiting, 1 dispatched, 2 expired in the queue
    private IQueueWithdrawal? _withdraw;

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
    /// Settled first when the request is finished (released or rejected): the key's limits (its lease). Set by
    /// the HTTP side before the request is enqueued.
    /// </summary>
    public IRequestSettler? KeySettler { get; set; }

    /// <summary>
    /// Settled next: the model's queue (the key's service with what was really used, the in-flight slot). Set by
    /// the pipeline that takes the request.
    /// </summary>
    public IRequestSettler? QueueSettler { get; set; }

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

    /// <summary>The inbound request's span context: parent of the upstream attempt spans, sent to vLLM as <c>traceparent</c>.</summary>
    public ActivityContext TraceParent { get; init; }

    /// <summary>The span of the upstream attempt whose response is being relayed; the HTTP side ends it with the relay.</summary>
    public Activity? UpstreamActivity { get; set; }

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

    /// <summary>Answered: responded or rejected (the outcome of a rejection may complete a moment later, on the pool).</summary>
    public bool IsAnswered => Volatile.Read(ref _answered) != 0;

    public void Reject(GatewayError error)
    {
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            // Never run the waiting HTTP side on the caller's thread: it may be a stage of the model's pipeline.
            ThreadPool.UnsafeQueueUserWorkItem(
                static s => s.Request._outcome.TrySetResult(s.Outcome), (Request: this, Outcome: (ProxyOutcome)new ProxyOutcome.Rejected(error)), preferLocal: false);
        }

        Finish();
    }

    /// <summary>vLLM's headers arrived (called on the dispatcher's pool thread): the HTTP side continues on this thread.</summary>
    public void Respond(UpstreamResponse response)
    {
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            _outcome.TrySetResult(new ProxyOutcome.Responded(response));
        }
        else
        {
            response.Dispose(); // answered already (expired in the queue): nobody will read it
        }
    }

    /// <summary>Not dispatched yet and not expired: still in the queue or the stages before the dispatcher.</summary>
    public bool IsWaitingForDispatch => Volatile.Read(ref _phase) == 0;

    /// <summary>The dispatcher takes the request; false when it already expired in the queue (then it is skipped).</summary>
    public bool TryMarkDispatched() => Interlocked.CompareExchange(ref _phase, 1, 0) != 2;

    /// <summary>
    /// Set by the queue while the request waits in it (null once it left): takes the request out and answers it, so
    /// a request answered while waiting frees its place at once.
    /// </summary>
    public IQueueWithdrawal? WithdrawFromQueue
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

        Interlocked.Exchange(ref _withdraw, null)?.Withdraw(error);
        Reject(error);
        return true;
    }

    /// <summary>The response has been relayed (or abandoned): frees the in-flight slot.</summary>
    public void Release() => Finish();

    private void Finish()
    {
        if (Interlocked.Exchange(ref _finishedOnce, 1) == 0)
        {
            // Settle first, then free the slot (Finished's continuations run inline: the pipeline pulls the next request).
            try
            {
                KeySettler?.Settle(this);
            }
            finally
            {
                try
                {
                    QueueSettler?.Settle(this);
                }
                finally
                {
                    _finished.TrySetResult(Done.Instance);
                }
            }
        }

        if (Interlocked.Exchange(ref _bodyDisposed, 1) == 0)
        {
            ParsedBody?.Dispose();
        }
    }
}
