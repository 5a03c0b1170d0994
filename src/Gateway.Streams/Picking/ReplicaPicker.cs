using Gateway.Streams.Proxy;

namespace Gateway.Streams.Picking;

/// <summary>
/// Chooses the replica for a request: among the replicas in service that serve the model (a LoRA adapter only
/// where it is listed), the lowest total score of <see cref="Scorers"/>, ties broken at random. When no replica
/// is in service it never refuses: it routes to the least bad one (fewest failures in a row, then the score),
/// which Envoy calls the panic threshold, and counts it in <see cref="PanicRoutes"/>.
/// </summary>
public sealed class ReplicaPicker : IReplicaSelector
{
    private const double TieEpsilon = 1e-9;
    private readonly UpstreamEndpoint[] _replicas;
    private readonly Random _random;
    private readonly IReplicaScorer[] _scorers;
    private long _panicRoutes;
    private long _retriesRefused;
    private int _panicking;

    public ReplicaPicker(
        IReadOnlyList<UpstreamEndpoint> replicas, IReadOnlyList<IReplicaScorer>? scorers = null, Random? random = null, RetryBudget? retryBudget = null)
    {
        RetryBudget = retryBudget ?? new RetryBudget();
        ArgumentOutOfRangeException.ThrowIfZero(replicas.Count);
        _replicas = [.. replicas];
        Scorers = scorers ?? Default;
        _scorers = [.. Scorers];
        _random = random ?? Random.Shared;
    }

    /// <summary>Least outstanding requests, vLLM's waiting queue, KV-cache pressure.</summary>
    public static IReadOnlyList<IReplicaScorer> Default { get; } = [new OutstandingRequestsScorer(), new WaitingQueueScorer(), new KvCacheScorer()];

    public IReadOnlyList<IReplicaScorer> Scorers { get; }

    /// <summary>Bounds the model's retries to a share of its requests.</summary>
    public RetryBudget RetryBudget { get; }

    /// <summary>Retries refused because the budget was spent, since start.</summary>
    public long RetriesRefused => Interlocked.Read(ref _retriesRefused);

    /// <summary>Requests routed while no replica was in service.</summary>
    public long PanicRoutes => Interlocked.Read(ref _panicRoutes);

    /// <summary>The last pick found no replica in service.</summary>
    public bool Panicking => Volatile.Read(ref _panicking) == 1;

    /// <summary>Raised when panic routing starts (true) or ends (false).</summary>
    public event Action<bool>? PanicChanged;

    /// <summary>
    /// The replica to send <paramref name="request"/> to, never null; <paramref name="exclude"/> (a replica that
    /// just failed this request) is avoided whenever another candidate exists.
    /// </summary>
    public UpstreamEndpoint Pick(ProxyRequest request, UpstreamEndpoint? exclude = null)
    {
        if (exclude is null)
        {
            RetryBudget.RecordRequest();
        }

        var candidates = Candidates(exclude, request);
        Span<double> scores = stackalloc double[candidates.Length];
        for (var i = 0; i < candidates.Length; i++)
        {
            scores[i] = candidates[i].InService ? Score(candidates[i], request) : double.PositiveInfinity;
        }

        // Best first; a half-open replica's trial may already be taken, then the next best is asked.
        for (var attempt = 0; attempt < candidates.Length; attempt++)
        {
            var best = BestIndex(scores);
            if (best < 0)
            {
                break;
            }

            if (candidates[best].Breaker.TryAcquire(out _))
            {
                SetPanic(false);
                return candidates[best];
            }

            scores[best] = double.PositiveInfinity;
        }

        Interlocked.Increment(ref _panicRoutes);
        SetPanic(true);
        return LeastBad(candidates, request);
    }

    /// <inheritdoc />
    public UpstreamEndpoint? PickForRetry(ProxyRequest request, UpstreamEndpoint failed)
    {
        if (_replicas.Length < 2)
        {
            return null;
        }

        if (!RetryBudget.TryRetry())
        {
            Interlocked.Increment(ref _retriesRefused);
            return null;
        }

        var next = Pick(request, exclude: failed);
        return ReferenceEquals(next, failed) ? null : next;
    }

    private UpstreamEndpoint[] Candidates(UpstreamEndpoint? exclude, ProxyRequest request)
    {
        var adapterOnly = false;
        foreach (var replica in _replicas)
        {
            adapterOnly |= replica.Snapshot.IsAdapter;
        }

        if (!adapterOnly && exclude is null)
        {
            return _replicas; // the common pick: every replica, no copy (candidates are only read)
        }

        var list = new List<UpstreamEndpoint>(_replicas.Length);
        foreach (var replica in _replicas)
        {
            if (adapterOnly && replica.Snapshot is not { IsAdapter: true, ServesModel: true })
            {
                continue;
            }

            list.Add(replica);
        }

        if (list.Count == 0)
        {
            list.AddRange(_replicas);
        }

        if (exclude is not null && list.Count > 1)
        {
            // A retry: first the replicas this request has not failed on yet, else any but the one that just failed.
            var untried = list.FindAll(r => !ReferenceEquals(r, exclude) && request.TriedReplicas?.Contains(r) != true);
            if (untried.Count > 0)
            {
                list = untried;
            }
            else
            {
                list.Remove(exclude);
            }
        }

        return [.. list];
    }

    private double Score(UpstreamEndpoint replica, ProxyRequest request)
    {
        var total = 0.0;
        foreach (var scorer in _scorers) // an array: no enumerator per replica and request
        {
            total += scorer.Score(replica, request);
        }

        return total;
    }

    private int BestIndex(ReadOnlySpan<double> scores)
    {
        var min = double.PositiveInfinity;
        foreach (var s in scores)
        {
            min = Math.Min(min, s);
        }

        if (double.IsPositiveInfinity(min))
        {
            return -1;
        }

        var ties = 0;
        var chosen = -1;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] <= min + TieEpsilon && _random.Next(++ties) == 0)
            {
                chosen = i; // reservoir sampling: each tied replica is chosen with probability 1/ties
            }
        }

        return chosen;
    }

    private UpstreamEndpoint LeastBad(UpstreamEndpoint[] candidates, ProxyRequest request)
    {
        UpstreamEndpoint? best = null;
        var bestKey = (int.MaxValue, double.PositiveInfinity);
        var ties = 0;
        foreach (var replica in candidates)
        {
            var key = (replica.Breaker.ConsecutiveFailures + (replica.Snapshot.ProbeOk == false ? 1 : 0), Score(replica, request));
            var cmp = key.CompareTo(bestKey);
            if (cmp < 0)
            {
                best = replica;
                bestKey = key;
                ties = 1;
            }
            else if (cmp == 0 && _random.Next(++ties) == 0)
            {
                best = replica;
            }
        }

        return best ?? candidates[0];
    }

    private void SetPanic(bool panicking)
    {
        var value = panicking ? 1 : 0;
        if (Interlocked.Exchange(ref _panicking, value) != value)
        {
            PanicChanged?.Invoke(panicking);
        }
    }
}
