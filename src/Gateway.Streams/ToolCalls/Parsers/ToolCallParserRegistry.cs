using System.Collections.Frozen;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>The tool-call parser families by vLLM <c>--tool-call-parser</c> name, and the choice of one per model.</summary>
public static class ToolCallParserRegistry
{
    /// <summary>The name that means "do not parse tool calls".</summary>
    public const string None = "none";

    /// <summary>The name that means "pick the family from the upstream model name" (<see cref="ResolveAuto"/>).</summary>
    public const string Auto = "auto";

    private static readonly IToolCallParser[] Parsers =
    [
        new HermesToolCallParser(),
        new Llama3JsonToolCallParser(),
        new MistralToolCallParser(),
        new PythonicToolCallParser(),
        new Qwen3CoderToolCallParser(),
        new DeepSeekV3ToolCallParser(),
        new GraniteToolCallParser(),
    ];

    private static readonly FrozenDictionary<string, IToolCallParser> ByName =
        Parsers.ToFrozenDictionary(parser => parser.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The parser families: hermes, llama3_json, mistral, pythonic, qwen3_coder, deepseek_v3, granite.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Parsers.Select(parser => parser.Name).ToArray());

    /// <summary>Every name a model may be configured with, lower-case: <c>none</c>, <c>auto</c>, then <see cref="Names"/>.</summary>
    public static IReadOnlyList<string> ConfigurableNames { get; } = Array.AsReadOnly([None, Auto, .. Names]);

    /// <summary>Whether <paramref name="name"/> (trimmed, any case) is one of <see cref="ConfigurableNames"/>.</summary>
    public static bool IsConfigurable(string? name) =>
        name is not null && ConfigurableNames.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The parser of a family (case-insensitive); false for <c>none</c> and unknown names.</summary>
    public static bool TryGet(string name, out IToolCallParser parser)
    {
        parser = null!;
        if (string.IsNullOrEmpty(name) || !ByName.TryGetValue(name, out var found))
        {
            return false;
        }

        parser = found;
        return true;
    }

    /// <summary>
    /// The family for an upstream model name or path (case-insensitive; e.g. <c>meta-llama/Llama-3.1-8B-Instruct</c>
    /// → <c>llama3_json</c>), or <c>none</c> when the model is not known to call tools in a parseable format.
    /// </summary>
    public static string ResolveAuto(string upstreamModelName)
    {
        if (string.IsNullOrWhiteSpace(upstreamModelName))
        {
            return None;
        }

        var model = upstreamModelName.ToLowerInvariant();
        bool Has(string part) => model.Contains(part, StringComparison.Ordinal);

        if (Has("qwen3") && Has("coder"))
        {
            return Qwen3CoderToolCallParser.ParserName;
        }

        if (Has("deepseek") && (HasAny(model, "v3", "r1")))
        {
            return DeepSeekV3ToolCallParser.ParserName;
        }

        if (Has("granite"))
        {
            return GraniteToolCallParser.ParserName;
        }

        if (Has("hermes") || Has("qwen") || Has("qwq"))
        {
            return HermesToolCallParser.ParserName;
        }

        if (HasLlamaVersion(model, "4", minor: null))
        {
            return PythonicToolCallParser.ParserName;
        }

        if (HasLlamaVersion(model, "3", minor: "123"))
        {
            return Llama3JsonToolCallParser.ParserName;
        }

        if (HasAny(model, "mistral", "mixtral", "ministral", "devstral", "magistral"))
        {
            return MistralToolCallParser.ParserName;
        }

        return None;
    }

    private static bool HasAny(string model, params ReadOnlySpan<string> parts)
    {
        foreach (var part in parts)
        {
            if (model.Contains(part, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>llama-4…</c>, <c>llama4…</c> (no minor), or <c>llama-3.1</c>, <c>llama3.2</c>, <c>llama-3_3</c> … where the
    /// minor version is one of <paramref name="minor"/>'s digits.
    /// </summary>
    private static bool HasLlamaVersion(string model, string major, string? minor)
    {
        var from = 0;
        while (true)
        {
            var at = model.IndexOf("llama", from, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            var position = at + 5;
            from = position;
            if (position < model.Length && model[position] is '-' or '_' or ' ')
            {
                position++;
            }

            if (!model.AsSpan(position).StartsWith(major, StringComparison.Ordinal))
            {
                continue;
            }

            position += major.Length;
            if (minor is null)
            {
                if (position == model.Length || !char.IsAsciiDigit(model[position]))
                {
                    return true;
                }

                continue;
            }

            if (position + 1 < model.Length && model[position] is '.' or '_' or '-'
                && minor.Contains(model[position + 1], StringComparison.Ordinal)
                && (position + 2 == model.Length || !char.IsAsciiDigit(model[position + 2])))
            {
                return true;
            }
        }
    }
}
