namespace Gateway.Simulator;

/// <summary>Start-up settings of the vLLM simulator (the equivalent of <c>vllm serve</c> flags).</summary>
public sealed record SimulatorOptions
{
    /// <summary>IP address to bind (or <c>localhost</c>, which binds 127.0.0.1).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free port (read it back from <see cref="SimulatorServer.Port"/>).</summary>
    public int Port { get; init; } = 18000;

    /// <summary>Served model names (<c>--served-model-name</c>); the first one is used when a request omits <c>model</c>.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["sim-model"];

    /// <summary>Context length reported by <c>/v1/models</c> and enforced on prompt + max_tokens.</summary>
    public int MaxModelLen { get; init; } = 8192;

    /// <summary>Default delay before the first token (streaming) or before the response (plain).</summary>
    public int TtftMs { get; init; }

    /// <summary>Default delay between two tokens (engine steps).</summary>
    public int ItlMs { get; init; }

    /// <summary>Tokens generated when a request sets neither <c>max_tokens</c> nor <c>max_completion_tokens</c>.</summary>
    public int DefaultMaxTokens { get; init; } = 16;

    /// <summary>Length of the vectors returned by <c>/v1/embeddings</c> (unless the request sets <c>dimensions</c>).</summary>
    public int EmbeddingDimensions { get; init; } = 16;

    /// <summary>Idle keep-alive timeout of a connection; 5 s is uvicorn's (and so vLLM's) default.</summary>
    public int KeepAliveTimeoutSeconds { get; init; } = 5;

    /// <summary>Use the flat pre-v0.10.1 error body (<c>{"object":"error",...}</c>) instead of <c>{"error":{...}}</c>.</summary>
    public bool LegacyErrorEnvelope { get; init; }

    /// <summary>
    /// Accept <c>tools</c> with <c>tool_choice: "auto"</c> (vLLM's <c>--enable-auto-tool-choice</c>). The simulator never
    /// parses tool calls: the raw text is returned as content either way. Off (like a plain <c>vllm serve</c>) by default,
    /// so such requests get vLLM's 400.
    /// </summary>
    public bool EnableAutoToolChoice { get; init; }

    /// <summary>Bearer keys required on <c>/v1/*</c> (vLLM's <c>--api-key</c>); empty = open.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Returns the first problem with these options, or null when they are usable.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            return "host must not be empty";
        }

        if (Port is < 0 or > 65535)
        {
            return $"port must be between 0 and 65535, got {Port}";
        }

        if (Models is null || Models.Count == 0)
        {
            return "at least one model name is required";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in Models)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                return "model names must not be empty";
            }

            if (!seen.Add(model))
            {
                return $"model name '{model}' is given twice";
            }
        }

        if (MaxModelLen < 1)
        {
            return $"max model len must be at least 1, got {MaxModelLen}";
        }

        if (TtftMs < 0 || ItlMs < 0)
        {
            return "ttft and itl delays must not be negative";
        }

        if (DefaultMaxTokens < 1)
        {
            return $"default max tokens must be at least 1, got {DefaultMaxTokens}";
        }

        if (EmbeddingDimensions < 1)
        {
            return $"embedding dimensions must be at least 1, got {EmbeddingDimensions}";
        }

        if (KeepAliveTimeoutSeconds < 1)
        {
            return $"keep-alive timeout must be at least 1 second, got {KeepAliveTimeoutSeconds}";
        }

        return ApiKeys is null || ApiKeys.Any(string.IsNullOrEmpty) ? "api keys must not be empty" : null;
    }
}
