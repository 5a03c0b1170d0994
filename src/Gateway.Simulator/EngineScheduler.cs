namespace Gateway.Simulator;

/// <summary>
/// The simulated engine's scheduler, shared by every served name and adapter (one vLLM engine): at most
/// <c>--max-num-seqs</c> requests run at once, the others wait in FIFO order before their first token. It also keeps
/// the KV-cache figure: tokens in flight (prompt + generated so far of running requests) over <c>--kv-cache-tokens</c>.
/// </summary>
internal sealed class EngineScheduler(int maxNumSeqs, int kvCacheTokens)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _queue = new();
    private int _running;
    private long _tokensInFlight;

    public long TokensInFlight => Interlocked.Read(ref _tokensInFlight);

    /// <summary>Tokens in flight over the KV capacity, capped at 1.</summary>
    public double KvCacheUsage => Math.Min(1.0, (double)TokensInFlight / kvCacheTokens);

    /// <summary>
    /// Waits (counted as waiting on <paramref name="metrics"/>) until a running slot is free, FIFO. Throws
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires first.
    /// </summary>
    public async ValueTask<EngineSlot> AdmitAsync(ModelMetrics metrics, CancellationToken ct)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_running < maxNumSeqs && _queue.Count == 0)
            {
                _running++;
                return new EngineSlot(this);
            }

            node = _queue.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        metrics.EnterWaiting();
        try
        {
            await node.Value.Task.WaitAsync(ct);
            return new EngineSlot(this);
        }
        catch (OperationCanceledException)
        {
            bool granted;
            lock (_gate)
            {
                granted = node.List is null;
                if (!granted)
                {
                    _queue.Remove(node);
                }
            }

            if (granted)
            {
                Release();
            }

            throw;
        }
        finally
        {
            metrics.ExitWaiting();
        }
    }

    internal void AddTokens(long count) => Interlocked.Add(ref _tokensInFlight, count);

    /// <summary>Frees a running slot: hands it to the oldest waiter, if any.</summary>
    internal void Release()
    {
        TaskCompletionSource? next = null;
        lock (_gate)
        {
            if (_queue.First is { } first)
            {
                _queue.RemoveFirst();
                next = first.Value;
            }
            else
            {
                _running--;
            }
        }

        next?.TrySetResult();
    }
}

/// <summary>One running request's place in the engine; dispose it when the request leaves the engine.</summary>
internal sealed class EngineSlot(EngineScheduler scheduler) : IDisposable
{
    private long _tokens;
    private int _disposed;

    /// <summary>Adds tokens now held in the KV cache (the prompt on admission, then each generated token).</summary>
    public void AddTokens(long count)
    {
        Interlocked.Add(ref _tokens, count);
        scheduler.AddTokens(count);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            scheduler.AddTokens(-Interlocked.Read(ref _tokens));
            scheduler.Release();
        }
    }
}
