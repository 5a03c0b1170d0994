using System.Text;
using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// What the simulated model does with <c>tools</c> when no <c>vllm_sim.output</c> is given, like a model in an agent
/// loop. After a <c>tool</c> message (last message role <c>tool</c>) it answers in text:
/// <c>The tool returned: &lt;first 200 chars of that result&gt;</c> (except under "required"/a named function, where
/// guided decoding forces a call). Otherwise it calls one tool: the one <c>tool_choice</c> names, else the first
/// tool whose name appears in the last message, else the first tool; arguments come from its schema
/// (<see cref="ToolSchemaValues"/>). The call is structured <c>tool_calls</c> for "required", a named function and
/// "auto" (the latter needs --enable-auto-tool-choice, checked before), and raw text in the
/// <see cref="SimulatorOptions.ToolMarkup"/> family's markup for <c>tool_choice: "none"</c>.
/// </summary>
internal sealed class ToolDecision
{
    private const int ResultPreviewChars = 200;

    private ToolDecision()
    {
    }

    /// <summary>Text the model writes (an answer or raw call markup); null when the answer is a structured call.</summary>
    public string? Text { get; private init; }

    /// <summary>The structured call; its arguments are <see cref="Arguments"/>.</summary>
    public ToolCallPlan? Call { get; private init; }

    public string Arguments { get; private init; } = "{}";

    /// <summary>Null when the request carries no tools (the default generator applies).</summary>
    public static ToolDecision? Decide(JsonElement body, SimulatorOptions options)
    {
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            return null;
        }

        var choice = body.TryGetProperty("tool_choice", out var c) ? c : default;
        var forcedName = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var f)
            && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()
            : null;
        var required = choice.ValueKind == JsonValueKind.String && choice.ValueEquals("required");
        var none = choice.ValueKind == JsonValueKind.String && choice.ValueEquals("none");
        var guided = forcedName is not null || required;

        var last = LastMessage(body);
        if (!guided && last is JsonElement message && RoleIs(message, "tool"))
        {
            var result = ContentText(message);
            return new ToolDecision { Text = "The tool returned: " + (result.Length > ResultPreviewChars ? result[..ResultPreviewChars] : result) };
        }

        var tool = PickTool(tools, forcedName, last is JsonElement m ? ContentText(m) : string.Empty);
        var name = FunctionField(tool, "name")?.GetString() ?? "tool";
        var arguments = ToolSchemaValues.Arguments(FunctionField(tool, "parameters"));
        if (none)
        {
            var raw = ToolMarkups.Render(options.ToolMarkup, name, arguments);
            var keepSpecial = body.TryGetProperty("skip_special_tokens", out var skip) && skip.ValueKind == JsonValueKind.False;
            return new ToolDecision { Text = keepSpecial ? raw : ToolMarkups.StripSpecialTokens(options.ToolMarkup, raw) };
        }

        return new ToolDecision
        {
            Call = new ToolCallPlan(ToolCallPlan.NewId(), name, ParsedFromAuto: !guided),
            Arguments = PyLiteral.Json(arguments),
        };
    }

    private static JsonElement PickTool(JsonElement tools, string? forcedName, string lastText)
    {
        var all = tools.EnumerateArray().ToArray();
        if (forcedName is not null && all.FirstOrDefault(t => FunctionField(t, "name")?.ValueEquals(forcedName) == true) is { ValueKind: JsonValueKind.Object } named)
        {
            return named;
        }

        var mentioned = all.FirstOrDefault(t => FunctionField(t, "name")?.GetString() is { Length: > 0 } toolName
            && lastText.Contains(toolName, StringComparison.Ordinal));
        return mentioned.ValueKind == JsonValueKind.Object ? mentioned : all[0];
    }

    private static JsonElement? FunctionField(JsonElement tool, string field) =>
        tool.ValueKind == JsonValueKind.Object
        && tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
        && function.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private static JsonElement? LastMessage(JsonElement body) =>
        body.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
            ? messages[messages.GetArrayLength() - 1]
            : null;

    private static bool RoleIs(JsonElement message, string role) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String && r.ValueEquals(role);

    /// <summary>A message's text: string content, or its text parts joined.</summary>
    private static string ContentText(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
        {
            return string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        var sb = new StringBuilder();
        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    sb.Append(text.GetString());
                }
            }
        }

        return sb.ToString();
    }
}
