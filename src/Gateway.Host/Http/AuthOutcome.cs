namespace Gateway.Host.Http;

internal enum AuthOutcome
{
    Ok,
    Missing,
    Invalid,

    /// <summary>A known key whose <c>enabled</c> is false.</summary>
    Disabled,
}
