namespace Gateway.Simulator;

/// <summary>The tool-call markup families the simulated model can write (vLLM's <c>--tool-call-parser</c> names).</summary>
internal static class ToolMarkups
{
    public static readonly string[] Names = ["hermes", "llama3_json", "mistral", "pythonic", "qwen3_coder", "deepseek_v3", "granite"];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name, StringComparer.Ordinal);
}
