using System.Text.Json;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// The request's tools as parsers need them: tool name → its <c>parameters</c> JSON schema (cloned, so it
/// outlives the request document). Used to type <c>qwen3_coder</c> parameter values.
/// </summary>
public sealed class ToolSchemas
{
    private readonly Dictionary<string, JsonElement> _parameters;

    private ToolSchemas(Dictionary<string, JsonElement> parameters) => _parameters = parameters;

    public static ToolSchemas Empty { get; } = new([]);

    public IReadOnlyCollection<string> Names => _parameters.Keys;

    public static ToolSchemas FromRequest(JsonElement requestRoot)
    {
        if (requestRoot.ValueKind != JsonValueKind.Object
            || !requestRoot.TryGetProperty("tools", out var tools)
            || tools.ValueKind != JsonValueKind.Array)
        {
            return Empty;
        }

        var parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object
                && tool.TryGetProperty("function", out var function)
                && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name)
                && name.ValueKind == JsonValueKind.String)
            {
                parameters[name.GetString()!] = function.TryGetProperty("parameters", out var schema) ? schema.Clone() : default;
            }
        }

        return new ToolSchemas(parameters);
    }

    public bool Contains(string toolName) => _parameters.ContainsKey(toolName);

    /// <summary>The JSON schema of one parameter (<c>parameters.properties[name]</c>), when the request gave one.</summary>
    public bool TryGetParameterSchema(string toolName, string parameterName, out JsonElement schema)
    {
        schema = default;
        return _parameters.TryGetValue(toolName, out var parameters)
            && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty(parameterName, out schema);
    }
}
