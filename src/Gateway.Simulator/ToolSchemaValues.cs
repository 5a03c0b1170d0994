using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Simulator;

/// <summary>
/// Deterministic tool arguments from a function's JSON schema, the way a well-behaved model fills them: <c>default</c>
/// when given, else <c>const</c>, else the first <c>enum</c> value, else a value of the declared type (string
/// <c>"example"</c>, integer <c>minimum</c> or 1, number <c>minimum</c> or 1.5, boolean <c>true</c>, array with one
/// item (<c>minItems</c> items if more), object recursively, null). An object gets its <c>required</c> properties, or
/// all of them when the schema lists none; <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c> use their first branch.
/// </summary>
internal static class ToolSchemaValues
{
    private const int MaxDepth = 8;

    /// <summary>The arguments object for <paramref name="parameters"/> (absent or not an object schema: <c>{}</c>).</summary>
    public static JsonObject Arguments(JsonElement? parameters) =>
        parameters is JsonElement schema && ValueFor(schema, 0) is JsonObject obj ? obj : [];

    private static JsonNode? ValueFor(JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return JsonValue.Create("example");
        }

        if (schema.TryGetProperty("default", out var defaultValue))
        {
            return JsonNode.Parse(defaultValue.GetRawText());
        }

        if (schema.TryGetProperty("const", out var constValue))
        {
            return JsonNode.Parse(constValue.GetRawText());
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            return JsonNode.Parse(values[0].GetRawText());
        }

        foreach (var combinator in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(combinator, out var branches) && branches.ValueKind == JsonValueKind.Array && branches.GetArrayLength() > 0)
            {
                var branch = branches.EnumerateArray().FirstOrDefault(b => TypeOf(b) != "null");
                return ValueFor(branch.ValueKind == JsonValueKind.Undefined ? branches[0] : branch, depth + 1);
            }
        }

        return TypeOf(schema) switch
        {
            "integer" => JsonValue.Create(Number(schema, "minimum") is double min ? (long)Math.Ceiling(min) : 1L),
            "number" => JsonValue.Create(Number(schema, "minimum") ?? 1.5),
            "boolean" => JsonValue.Create(true),
            "null" => null,
            "array" => ArrayFor(schema, depth),
            "object" => ObjectFor(schema, depth),
            _ => JsonValue.Create("example"),
        };
    }

    private static JsonArray ArrayFor(JsonElement schema, int depth)
    {
        var array = new JsonArray();
        var count = Math.Clamp((int)(Number(schema, "minItems") ?? 1), 1, 8);
        var items = schema.TryGetProperty("items", out var itemSchema) ? itemSchema : default;
        for (var i = 0; i < count; i++)
        {
            array.Add(items.ValueKind == JsonValueKind.Object ? ValueFor(items, depth + 1) : JsonValue.Create("example"));
        }

        return array;
    }

    private static JsonObject ObjectFor(JsonElement schema, int depth)
    {
        var obj = new JsonObject();
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return obj;
        }

        HashSet<string>? required = null;
        if (schema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            required = [.. list.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)];
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (required is null || required.Contains(property.Name))
            {
                obj[property.Name] = ValueFor(property.Value, depth + 1);
            }
        }

        return obj;
    }

    /// <summary>The schema's type: <c>type</c> (the first non-null of a list), else <c>object</c> when it has properties.</summary>
    private static string? TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
            {
                return type.GetString();
            }

            if (type.ValueKind == JsonValueKind.Array)
            {
                var types = type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()).ToArray();
                return types.FirstOrDefault(t => t != "null") ?? types.FirstOrDefault();
            }
        }

        return schema.TryGetProperty("properties", out _) ? "object" : null;
    }

    private static double? Number(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
