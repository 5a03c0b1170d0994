using System.Globalization;
using System.Text.Json;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Converts a <c>qwen3_coder</c> parameter text to the JSON type its schema declares.</summary>
internal static class ParameterTyping
{
    /// <summary>Whether every value of a parameter with this schema stays a string (so it can be sent as it arrives).</summary>
    public static bool AlwaysString(JsonElement schema)
    {
        var types = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        CollectTypes(schema, types, depth: 0);
        return types.Count == 0 || (IsString(types) && !types.Contains("null"));
    }

    private static bool IsString(HashSet<string> types) => types.Contains("string") || types.Contains("str") || types.Contains("text");

    /// <summary>Writes the typed value; false when it should stay a string.</summary>
    public static bool TryWriteTyped(CompactJsonWriter writer, JsonElement schema, string value)
    {
        var types = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        CollectTypes(schema, types, depth: 0);
        if (types.Count == 0)
        {
            return false;
        }

        var trimmed = value.Trim();
        var isString = IsString(types);
        if (trimmed == "null" && (types.Contains("null") || !isString))
        {
            writer.WriteNullValue();
            return true;
        }

        if (isString)
        {
            return false;
        }

        if ((types.Contains("integer") || types.Contains("int"))
            && long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
            return true;
        }

        if ((types.Contains("number") || types.Contains("float") || types.Contains("double"))
            && double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            if (Math.Floor(number) == number && Math.Abs(number) < 9007199254740992d)
            {
                writer.WriteNumberValue((long)number);
            }
            else
            {
                writer.WriteNumberValue(number);
            }

            return true;
        }

        if (types.Contains("boolean") || types.Contains("bool"))
        {
            if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                writer.WriteBooleanValue(true);
                return true;
            }

            if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                writer.WriteBooleanValue(false);
                return true;
            }
        }

        var wantsObject = types.Contains("object") || types.Contains("dict");
        var wantsArray = types.Contains("array") || types.Contains("list");
        if ((wantsObject && trimmed.StartsWith('{')) || (wantsArray && trimmed.StartsWith('[')))
        {
            using (var document = JsonText.TryParse(trimmed))
            {
                if (document is not null)
                {
                    writer.WriteElement(document.RootElement);
                    return true;
                }
            }

            // Python literal spelling ({'a': True}), as vLLM falls back to ast.literal_eval.
            var literal = new CompactJsonWriter(trimmed.Length + 16);
            var reader = new PythonLiteralReader(trimmed, 0);
            if (reader.ReadWholeLiteral(literal) != ScanStatus.Complete)
            {
                return false;
            }

            writer.WriteRawValue(literal.ToString());
            return true;
        }

        return false;
    }

    private static void CollectTypes(JsonElement schema, HashSet<string> types, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > 4)
        {
            return;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                types.Add(type.GetString()!);
            }
            else if (type.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in type.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        types.Add(item.GetString()!);
                    }
                }
            }
        }

        foreach (var combinator in (ReadOnlySpan<string>)["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(combinator, out var options) && options.ValueKind == JsonValueKind.Array)
            {
                foreach (var option in options.EnumerateArray())
                {
                    CollectTypes(option, types, depth + 1);
                }
            }
        }
    }
}
