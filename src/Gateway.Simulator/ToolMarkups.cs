using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Simulator;

/// <summary>
/// One tool call written as raw model text in a family's markup (vLLM's <c>--tool-call-parser</c> names), as the text
/// reaches a client with <c>skip_special_tokens: false</c> — the shapes of the shared tool-call test vectors.
/// </summary>
internal static class ToolMarkups
{
    public const string Hermes = "hermes";

    public static readonly string[] Names = [Hermes, "llama3_json", "mistral", "pythonic", "qwen3_coder", "deepseek_v3", "granite"];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The call to <paramref name="name"/> with <paramref name="arguments"/> in <paramref name="family"/>'s markup.</summary>
    public static string Render(string family, string name, JsonObject arguments)
    {
        var quotedName = PyLiteral.Json(JsonValue.Create(name));
        var args = PyLiteral.Json(arguments);
        return family switch
        {
            "llama3_json" => "{\"name\": " + quotedName + ", \"parameters\": " + args + "}",
            "mistral" => "[TOOL_CALLS][{\"name\": " + quotedName + ", \"arguments\": " + args + "}]",
            "granite" => "<|tool_call|>[{\"name\": " + quotedName + ", \"arguments\": " + args + "}]",
            "pythonic" => Pythonic(name, arguments),
            "qwen3_coder" => Qwen3Coder(name, arguments),
            "deepseek_v3" => "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>" + name + "\n```json\n" + args
                + "\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            _ => "<tool_call>\n{\"name\": " + quotedName + ", \"arguments\": " + args + "}\n</tool_call>",
        };
    }

    /// <summary>
    /// The text as it reaches the client when the request keeps <c>skip_special_tokens</c> true (vLLM's default): marker
    /// tokens that are special tokens vanish in detokenisation. Hermes/Qwen's <c>&lt;tool_call&gt;</c> is not special.
    /// </summary>
    public static string StripSpecialTokens(string family, string text) => family switch
    {
        "mistral" => text.Replace("[TOOL_CALLS]", string.Empty, StringComparison.Ordinal),
        "granite" => text.Replace("<|tool_call|>", string.Empty, StringComparison.Ordinal),
        "deepseek_v3" => DeepSeekMarkers.Aggregate(text, (t, marker) => t.Replace(marker, string.Empty, StringComparison.Ordinal)),
        _ => text,
    };

    private static readonly string[] DeepSeekMarkers =
        ["<｜tool▁calls▁begin｜>", "<｜tool▁call▁begin｜>", "<｜tool▁sep｜>", "<｜tool▁call▁end｜>", "<｜tool▁calls▁end｜>"];

    /// <summary><c>[name(key=value, …)]</c> with Python literals.</summary>
    private static string Pythonic(string name, JsonObject arguments)
    {
        var sb = new StringBuilder("[").Append(name).Append('(');
        var first = true;
        foreach (var (key, value) in arguments)
        {
            sb.Append(first ? string.Empty : ", ").Append(key).Append('=').Append(PyLiteral.Python(value));
            first = false;
        }

        return sb.Append(")]").ToString();
    }

    /// <summary>Qwen3-Coder's XML: strings verbatim, other values as JSON.</summary>
    private static string Qwen3Coder(string name, JsonObject arguments)
    {
        var sb = new StringBuilder("<tool_call>\n<function=").Append(name).Append(">\n");
        foreach (var (key, value) in arguments)
        {
            var text = value is not null && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : PyLiteral.Json(value);
            sb.Append("<parameter=").Append(key).Append(">\n").Append(text).Append("\n</parameter>\n");
        }

        return sb.Append("</function>\n</tool_call>").ToString();
    }
}
