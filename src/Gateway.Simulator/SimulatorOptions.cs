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
    /// Accept <c>tools</c> with <c>tool_choice: "auto"</c> (vLLM's <c>--enable-auto-tool-choice</c>): the simulated model
    /// then answers with a structured <c>tool_calls</c> entry (finish_reason <c>tool_calls</c>), as vLLM's parser would
    /// return it; an explicit <c>vllm_sim.output</c> is still returned as raw content, unparsed. Off (like a plain
    /// <c>vllm serve</c>) by default, so such requests get vLLM's 400.
    /// </summary>
    public bool EnableAutoToolChoice { get; init; }

    /// <summary>
    /// Running capacity of the engine (vLLM's <c>--max-num-seqs</c>, default 256): requests beyond it wait in FIFO order
    /// before their first token (their TTFT includes the wait) and count in <c>vllm:num_requests_waiting</c>.
    /// </summary>
    public int MaxNumSeqs { get; init; } = 256;

    /// <summary>
    /// KV-cache capacity in tokens; <c>vllm:kv_cache_usage_perc</c> is (prompt + generated-so-far tokens of running
    /// requests) / this, capped at 1. Default 65536 (eight default-length contexts).
    /// </summary>
    public int KvCacheTokens { get; init; } = 65536;

    /// <summary>
    /// LoRA adapters of the first model (vLLM's <c>--lora-modules</c>), each <c>NAME</c> or <c>NAME=PATH</c>. Listed by
    /// <c>/v1/models</c> (<c>id</c> = NAME, <c>parent</c> = the first model, <c>root</c> = PATH, or NAME without one) and
    /// accepted as <c>model</c>; their metrics count under the base model.
    /// </summary>
    public IReadOnlyList<string> LoraAdapters { get; init; } = [];

    /// <summary>
    /// The tool-call markup the simulated model writes as raw text when a request carries <c>tools</c> with
    /// <c>tool_choice: "none"</c>: <c>hermes</c> (default), <c>llama3_json</c>, <c>mistral</c>, <c>pythonic</c>,
    /// <c>qwen3_coder</c>, <c>deepseek_v3</c> or <c>granite</c> (vLLM's parser names).
    /// </summary>
    public string ToolMarkup { get; init; } = "hermes";

    /// <summary>The adapters of <see cref="LoraAdapters"/> split into name and path (path = name when none is given).</summary>
    internal IEnumerable<(string Name, string Path)> ParsedLoraAdapters() =>
        LoraAdapters.Select(spec => spec.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0
            ? (spec[..eq], spec[(eq + 1)..])
            : (spec, spec));

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

        if (Models is null || Models.Count == 0 || LoraAdapters is null || ToolMarkup is null)
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

        foreach (var (name, path) in ParsedLoraAdapters())
        {
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(path))
            {
                return "lora adapters must be NAME or NAME=PATH";
            }

            if (!seen.Add(name))
            {
                return $"model name '{name}' is given twice";
            }
        }

        if (!ToolMarkups.IsKnown(ToolMarkup))
        {
            return $"unknown tool markup '{ToolMarkup}' (choose from {string.Join(", ", ToolMarkups.Names)})";
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

        if (MaxNumSeqs < 1)
        {
            return $"max num seqs must be at least 1, got {MaxNumSeqs}";
        }

        if (KvCacheTokens < 1)
        {
            return $"kv cache tokens must be at least 1, got {KvCacheTokens}";
        }

        if (KeepAliveTimeoutSeconds < 1)
        {
            return $"keep-alive timeout must be at least 1 second, got {KeepAliveTimeoutSeconds}";
        }

        return ApiKeys is null || ApiKeys.Any(string.IsNullOrEmpty) ? "api keys must not be empty" : null;
    }
}
