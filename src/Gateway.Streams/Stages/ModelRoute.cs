using Gateway.Streams.Proxy;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.Stages;

/// <summary>Everything a model's pipeline needs to know about the model: where it is served and how to treat it.</summary>
public sealed record ModelRoute
{
    /// <summary>The name clients send.</summary>
    public required string ModelId { get; init; }

    /// <summary>The name vLLM serves it under (<c>--served-model-name</c>).</summary>
    public required string UpstreamModel { get; init; }

    public required IReadOnlyList<UpstreamEndpoint> Endpoints { get; init; }

    /// <summary>Tool-call parser family as configured (<c>none</c>, <c>auto</c> or a family name).</summary>
    public string ToolCallParser { get; init; } = "none";

    /// <summary>
    /// The parser the gateway applies to this model's output: the configured family, or for <c>auto</c> the
    /// family of <see cref="UpstreamModel"/>. Null when the gateway does not parse (<c>none</c>).
    /// </summary>
    public IToolCallParser? Parser => _parser ??= ResolveParser();

    /// <summary>vLLM itself parses tool calls (<c>--enable-auto-tool-choice</c>).</summary>
    public bool UpstreamParsesTools { get; init; }

    /// <summary>Requests relayed at once; more wait in the queue.</summary>
    public int MaxInFlight { get; init; } = 64;

    /// <summary>Requests that may wait for a slot before new ones are shed with 503.</summary>
    public int MaxQueue { get; init; } = 256;

    /// <summary>Requests one key may have waiting in this model's queue, so no key fills the whole queue.</summary>
    public int MaxQueuePerKey { get; init; } = 128;

    /// <summary>Context length (prompt plus output) in tokens: the output budget of a request that states none.</summary>
    public int MaxModelLen { get; init; } = 8192;

    /// <summary>Every request to this model logs its prompt and completion text (off by default).</summary>
    public bool LogContent { get; init; }

    public bool RenamesModel => !string.Equals(ModelId, UpstreamModel, StringComparison.Ordinal);

    /// <summary>The family actually used: <c>auto</c> resolved against the upstream model name.</summary>
    public string EffectiveToolCallParser =>
        string.Equals(ToolCallParser, "auto", StringComparison.OrdinalIgnoreCase) ? ToolCallParserRegistry.ResolveAuto(UpstreamModel) : ToolCallParser;

    private IToolCallParser? _parser;

    private IToolCallParser? ResolveParser() => ToolCallParserRegistry.TryGet(EffectiveToolCallParser, out var parser) ? parser : null;
}
