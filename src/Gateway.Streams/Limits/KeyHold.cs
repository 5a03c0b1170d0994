namespace Gateway.Streams.Limits;

/// <summary>What one key holds of its limits now: requests admitted and not yet ended, and the tokens they still reserve.</summary>
public sealed record KeyHold(int InFlight, long ReservedTokens)
{
    public static KeyHold None { get; } = new(0, 0);
}
