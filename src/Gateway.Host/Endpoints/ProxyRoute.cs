namespace Gateway.Host.Endpoints;

/// <summary>A vLLM POST route the gateway relays, and what it validates before doing so.</summary>
internal sealed record ProxyRoute(string Path, bool RequiresMessages = false, bool RequiresPromptOrInput = false)
{
    /// <summary>The OpenAI routes and vLLM's own JSON routes that name a <c>model</c> in the body.</summary>
    public static IReadOnlyList<ProxyRoute> All { get; } =
    [
        new("/v1/chat/completions", RequiresMessages: true),
        new("/v1/completions"),
        new("/v1/embeddings"),
        new("/v1/responses"),
        new("/v1/score"),
        new("/v1/rerank"),
        new("/v2/rerank"),
        new("/rerank"),
        new("/score"),
        new("/pooling"),
        new("/classify"),
        new("/tokenize"),
        new("/detokenize"),
        new("/v1/audio/transcriptions"),
    ];

    public bool IsChat => Path == "/v1/chat/completions";
}
