using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// Typed reads of optional request fields with pydantic-style 400s on a wrong type. JSON <c>null</c> counts as absent,
/// as it does for vLLM's <c>Optional[...] = None</c> fields. <paramref name="path"/> arguments name the field for the
/// error location (<c>stream_options.include_usage</c>).
/// </summary>
internal static class JsonFields
{
    public static bool TryGetString(JsonElement obj, string name, string path, out string? value, out VllmError? error)
    {
        value = null;
        error = null;
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = VllmErrors.Validation("string_type", VllmErrors.Location(path), "Input should be a valid string");
            return false;
        }

        value = element.GetString();
        return true;
    }

    public static bool TryGetBool(JsonElement obj, string name, string path, out bool? value, out VllmError? error)
    {
        value = null;
        error = null;
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                value = false;
                return true;
            default:
                error = VllmErrors.Validation("bool_type", VllmErrors.Location(path), "Input should be a valid boolean");
                return false;
        }
    }

    public static bool TryGetInt(JsonElement obj, string name, string path, out int? value, out VllmError? error)
    {
        value = null;
        error = null;
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (TryReadInt(element, out var number))
        {
            value = number;
            return true;
        }

        error = VllmErrors.Validation("int_type", VllmErrors.Location(path), "Input should be a valid integer");
        return false;
    }

    /// <summary>An integer JSON number (pydantic also accepts <c>5.0</c>) that fits an <see cref="int"/>.</summary>
    public static bool TryReadInt(JsonElement element, out int value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (element.TryGetInt32(out value))
        {
            return true;
        }

        if (element.TryGetDouble(out var d) && Math.Floor(d) == d && d is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)d;
            return true;
        }

        return false;
    }

    /// <summary>Reads an optional object field; a non-object value is a 400.</summary>
    public static bool TryGetObject(JsonElement obj, string name, string path, out JsonElement? value, out VllmError? error)
    {
        value = null;
        error = null;
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            error = VllmErrors.Validation("model_type", VllmErrors.Location(path), "Input should be a valid dictionary");
            return false;
        }

        value = element;
        return true;
    }
}
