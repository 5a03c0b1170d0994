using System.Text;
using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// The prompt of a <c>/v1/responses</c> request: <c>instructions</c> as a system turn, then <c>input</c> — a string
/// (one user turn) or a list of messages whose <c>content</c> is a string or parts with <c>text</c>
/// (<c>input_text</c>/<c>output_text</c>) — rendered in the same ChatML-like template as chat.
/// </summary>
internal static class ResponsesInput
{
    private const string Start = "<|im_start|>";
    private const string End = "<|im_end|>\n";

    public static bool TryRender(JsonElement body, out string prompt, out VllmError? error)
    {
        prompt = string.Empty;
        if (!JsonFields.TryGetString(body, "instructions", "instructions", out var instructions, out error))
        {
            return false;
        }

        if (!body.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            error = VllmErrors.FieldRequired("input");
            return false;
        }

        var sb = new StringBuilder(256);
        if (instructions is not null)
        {
            sb.Append(Start).Append("system\n").Append(instructions).Append(End);
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            sb.Append(Start).Append("user\n").Append(input.GetString()).Append(End);
        }
        else if (input.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in input.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    error = VllmErrors.Validation("model_type", VllmErrors.Location("input"), "Input should be a valid dictionary or object");
                    return false;
                }

                var role = item.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "user";
                sb.Append(Start).Append(role).Append('\n');
                if (item.TryGetProperty("content", out var content))
                {
                    AppendContent(sb, content);
                }

                sb.Append(End);
            }
        }
        else
        {
            error = VllmErrors.Validation("string_type", VllmErrors.Location("input"), "Input should be a valid string");
            return false;
        }

        prompt = sb.Append(Start).Append("assistant\n").ToString();
        return true;
    }

    private static void AppendContent(StringBuilder sb, JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            sb.Append(content.GetString());
            return;
        }

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
    }
}
