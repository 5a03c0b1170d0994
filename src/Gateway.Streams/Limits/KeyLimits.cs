namespace Gateway.Streams.Limits;

/// <summary>One key's limits; 0 means "no limit" for each. <see cref="Priority"/> is its weight in the fair queue.</summary>
public sealed record KeyLimits(int RequestsPerMinute, int TokensPerMinute, int MaxConcurrent, double Priority = 1)
{
    public static KeyLimits Unlimited { get; } = new(0, 0, 0);
}
