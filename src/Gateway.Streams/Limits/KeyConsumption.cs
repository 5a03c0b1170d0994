namespace Gateway.Streams.Limits;

/// <summary>What one node has consumed of one key's limits since it began tracking the key: requests admitted and tokens charged.</summary>
public sealed record KeyConsumption(long Requests, long Tokens);
