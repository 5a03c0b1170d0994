using Gateway.Streams.Proxy;

namespace Gateway.Streams.Limits;

/// <summary>
/// An admitted request's hold on its key's limits: one concurrency slot and a token reservation.
/// <see cref="Complete"/> gives both back exactly once, whatever the ending (completion, error, shed, disconnect, timeout).
/// </summary>
public sealed class KeyLease : IRequestSettler
{
    private readonly Action<KeyLease, int?> _complete;
    private int _done;

    /// <param name="complete">Called once with the lease and the tokens used; one delegate per limiter, not per lease.</param>
    /// <param name="state">The limiter's own state for this lease (its key's buckets), handed back to <paramref name="complete"/>.</param>
    internal KeyLease(string key, int reservedTokens, Action<KeyLease, int?> complete, object? state = null)
    {
        Key = key;
        ReservedTokens = reservedTokens;
        _complete = complete;
        State = state;
    }

    public string Key { get; }

    public int ReservedTokens { get; }

    public bool IsCompleted => Volatile.Read(ref _done) == 1;

    internal object? State { get; }

    /// <summary>
    /// Ends the lease: the concurrency slot is freed and the token reservation is settled to
    /// <paramref name="usedTokens"/> (prompt + completion as counted), or released whole when null (nothing was generated).
    /// Later calls do nothing.
    /// </summary>
    public void Complete(int? usedTokens)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            _complete(this, usedTokens);
        }
    }

    /// <summary>Completes the lease with what the request used (prompt + completion), or nothing when neither is known.</summary>
    public void Settle(ProxyRequest request) => Complete(
        request.PromptTokensUsed is null && request.CompletionTokensUsed is null ? null : (request.PromptTokensUsed ?? 0) + (request.CompletionTokensUsed ?? 0));
}
