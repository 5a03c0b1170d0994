namespace Gateway.Host.Observability;

/// <summary>The fields of one access-log line; a null optional field is left out of the line.</summary>
internal readonly record struct AccessLine(string Method, string? Path, int Status, double ElapsedMs, string Outcome)
{
    public string? Model { get; init; }

    public string? Replica { get; init; }

    public string? Key { get; init; }

    public string? ErrorCode { get; init; }

    public double? QueueMs { get; init; }

    public double? TtftMs { get; init; }

    public int? PromptTokens { get; init; }

    public int? CompletionTokens { get; init; }

    public int? Retries { get; init; }

    public string? RequestId { get; init; }

    public string? TraceId { get; init; }
}
