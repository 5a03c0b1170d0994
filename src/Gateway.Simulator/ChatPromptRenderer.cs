using System.Text;
using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// Validates <c>messages</c> and renders them with a ChatML-like template (the text the simulated model "sees"). The
/// rendered prompt is what gets tokenized for usage and <c>/tokenize</c>, and what seeds the deterministic output.
/// </summary>
internal static class ChatPromptRenderer
{
    private const string Start = "<|im_start|>";
    private const string End = "<|im_end|>\n";

    public static bool TryRender(JsonElement body, out string prompt, out VllmError? error)
    {
        prompt = string.Empty;
        error = null;
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind == JsonValueKind.Null)
        {
            error = VllmErrors.FieldRequired("messages");
            return false;
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            error = VllmErrors.Validation("list_type", VllmErrors.Location("messages"), "Input should be a valid list");
            return false;
        }

        if (!JsonFields.TryGetBool(body, "add_generation_prompt", "add_generation_prompt", out var addGenerationPrompt, out error))
        {
            return false;
        }

        var sb = new StringBuilder(256);
        if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0)
        {
            sb.Append(Start).Append("system\n# Tools\n").Append(tools.GetRawText()).Append(End);
        }

        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (!TryAppendMessage(sb, message, index++, out error))
            {
                return false;
            }
        }

        if (addGenerationPrompt ?? true)
        {
            sb.Append(Start).Append("assistant\n");
        }

        prompt = sb.ToString();
        return true;
    }

    private static bool TryAppendMessage(StringBuilder sb, JsonElement message, int index, out VllmError? error)
    {
        error = null;
        var location = $"('body', 'messages', {index})";
        if (message.ValueKind != JsonValueKind.Object)
        {
            error = VllmErrors.Validation("model_type", location, "Input should be a valid dictionary or object");
            return false;
        }

        if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
        {
            error = VllmErrors.Validation("missing", $"('body', 'messages', {index}, 'role')", "Field required");
            return false;
        }

        sb.Append(Start).Append(role.GetString()).Append('\n');
        if (message.TryGetProperty("content", out var content))
        {
            switch (content.ValueKind)
            {
                case JsonValueKind.String:
                    sb.Append(content.GetString());
                    break;
                case JsonValueKind.Array:
                    AppendParts(sb, content);
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    error = VllmErrors.Validation("string_type", $"('body', 'messages', {index}, 'content')", "Input should be a valid string");
                    return false;
            }
        }

        if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            sb.Append(toolCalls.GetRawText());
        }

        sb.Append(End);
        return true;
    }

    /// <summary>Text parts contribute their text; other parts (images, audio…) a placeholder token.</summary>
    private static void AppendParts(StringBuilder sb, JsonElement parts)
    {
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String)
            {
                sb.Append(part.GetString());
            }
            else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
            {
                if (type.ValueEquals("text") && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    sb.Append(text.GetString());
                }
                else
                {
                    sb.Append("<|").Append(type.GetString()).Append("|>");
                }
            }
        }
    }
}
