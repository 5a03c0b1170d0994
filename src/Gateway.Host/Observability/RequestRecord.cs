namespace Gateway.Host.Observability;

/// <summary>The facts of one finished request that the metrics and the access log read; built once by <see cref="RequestTelemetry"/>.</summary>
internal sealed record RequestRecord
{
    /// <summary>Matched route template (never the raw path), or <c>unmatched</c>.</summary>
    public required string Route { get; init; }

    /// <summary>The HTTP method, or <c>_OTHER</c> for one outside the standard set.</summary>
    public required string Method { get; init; }

    public required int Status { get; init; }

    public required double Seconds { get; init; }

    public required RequestOutcome Outcome { get; init; }

    /// <summary>A configured model id, only when the request reached its pipeline.</summary>
    public string? Model { get; init; }

    public string Operation { get; init; } = "chat";

    /// <summary>The configured replica that answered (its base URL's scheme://authority).</summary>
    public string? Replica { get; init; }

    /// <summary>The configured key's name.</summary>
    public string? Key { get; init; }

    public int? PromptTokens { get; init; }

    public int? CompletionTokens { get; init; }

    public double? TimeToFirstTokenSeconds { get; init; }

    public double? TimePerOutputTokenSeconds { get; init; }

    /// <summary>Time in the model's queue, when the request left it for an in-flight slot.</summary>
    public double? QueueWaitSeconds { get; init; }

    /// <summary>Times the request was sent again to another replica.</summary>
    public int Retries { get; init; }
}
