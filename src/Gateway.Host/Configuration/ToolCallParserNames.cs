namespace Gateway.Host.Configuration;

/// <summary>The tool-call parser names accepted in <see cref="ModelSettings.ToolCallParser"/> (vLLM's spelling).</summary>
internal static class ToolCallParserNames
{
    public const string None = "none";
    public const string Auto = "auto";
    public const string Hermes = "hermes";
    public const string Llama3Json = "llama3_json";
    public const string Mistral = "mistral";
    public const string Pythonic = "pythonic";
    public const string Qwen3Coder = "qwen3_coder";
    public const string DeepSeekV3 = "deepseek_v3";
    public const string Granite = "granite";

    /// <summary>Every accepted name, lower-case.</summary>
    public static IReadOnlyList<string> All { get; } =
        [None, Auto, Hermes, Llama3Json, Mistral, Pythonic, Qwen3Coder, DeepSeekV3, Granite];

    /// <summary>Case-insensitive membership test.</summary>
    public static bool IsKnown(string? name) =>
        name is not null && All.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase);
}
