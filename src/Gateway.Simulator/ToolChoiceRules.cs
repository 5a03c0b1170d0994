using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// vLLM's checks on <c>tools</c>/<c>tool_choice</c> for a server without a tool parser: <c>tool_choice</c> (other than
/// "none") needs <c>tools</c>; a named choice must name one of them; <c>tools</c> with <c>tool_choice</c> "auto"
/// (explicit or defaulted) is a 400 unless the server runs with --enable-auto-tool-choice.
/// </summary>
internal static class ToolChoiceRules
{
    /// <summary>The pydantic-level validators (run before the model check).</summary>
    public static bool TryValidate(JsonElement body, out VllmError? error)
    {
        error = null;
        var hasTools = body.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null;
        if (hasTools && tools.ValueKind != JsonValueKind.Array)
        {
            error = VllmErrors.Validation("list_type", VllmErrors.Location("tools"), "Input should be a valid list");
            return false;
        }

        if (!body.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null
            || (choice.ValueKind == JsonValueKind.String && choice.ValueEquals("none")))
        {
            return true;
        }

        if (!hasTools)
        {
            error = VllmErrors.ToolChoiceWithoutTools;
            return false;
        }

        if (choice.ValueKind == JsonValueKind.Object
            && choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            && !tools.EnumerateArray().Any(t => NameOf(t) is { } toolName && name.ValueEquals(toolName)))
        {
            error = VllmErrors.ToolChoiceNotInTools;
            return false;
        }

        return true;
    }

    /// <summary>The serving-level check (after the model check): "auto" needs a tool parser.</summary>
    public static bool TryCheckAuto(JsonElement body, SimulatorOptions options, out VllmError? error)
    {
        error = null;
        if (options.EnableAutoToolChoice)
        {
            return true;
        }

        var hasTools = body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        var hasChoice = body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind != JsonValueKind.Null;
        var isAuto = hasChoice ? choice.ValueKind == JsonValueKind.String && choice.ValueEquals("auto") : hasTools;
        if (isAuto)
        {
            error = VllmErrors.AutoToolChoiceDisabled;
            return false;
        }

        return true;
    }

    private static string? NameOf(JsonElement tool) =>
        tool.ValueKind == JsonValueKind.Object
        && tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
        && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;
}
