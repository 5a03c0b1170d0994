namespace Gateway.Streams.Limits;

/// <summary>
/// An admitted request's hold on its key's limits: one concurrency slot and a token reservation.
/// <see cref="Complete"/> gives both back exactly once, whatever the ending (completion, error, shed, disconnect, timeout).
/// </summary>
public sealed class KeyLease
{
    private readonly Action<KeyLease, int?> _complete;
    private int _done;

    internal KeyLease(string key, int reservedTokens, Action<KeyLease, int?> complete)
    {
        Key = key;
        ReservedTokens = reservedTokens;
        _complete = complete;
    }

    public string Key { get; }

    public int ReservedTokens { get; }

    public bool IsCompleted => Volatile.Read(ref _done) == 1;

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
}
