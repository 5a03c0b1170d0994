using System.Text.Json;

namespace Gateway.Host.Configuration;

/// <summary>
/// Reads the JSON file named by <c>GATEWAY_CONFIG_FILE</c> into flat configuration keys.
/// Its root is the <c>Gateway</c> object (<c>{"server":{...},"models":[...]}</c>), so every key is placed
/// under <c>Gateway:</c>. If the root has a <c>Gateway</c> property instead, the file is read as a whole
/// appsettings-style document (keys unprefixed), which also lets it carry other sections.
/// Comments and trailing commas are allowed, as in appsettings.json.
/// </summary>
internal static class GatewayConfigFile
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Flattened keys (<c>Gateway:Models:0:Id</c>) and values.</summary>
    /// <exception cref="ConfigurationException">Missing, unreadable, not JSON, not an object, or duplicate keys.</exception>
    public static IReadOnlyDictionary<string, string?> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        const string Name = LegacyEnvironmentVariables.ConfigFile;
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"{Name} points to '{path}', which does not exist.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{Name} '{path}' could not be read: {OneLine(ex.Message)}", ex);
        }

        try
        {
            return Parse(text);
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"{Name} '{path}' is not valid JSON: {OneLine(ex.Message)}", ex);
        }
        catch (FormatException ex)
        {
            throw new ConfigurationException($"{Name} '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Flattens a JSON document as described on the class.</summary>
    /// <exception cref="JsonException">Not JSON.</exception>
    /// <exception cref="FormatException">Not an object, or a key appears twice (keys are case-insensitive).</exception>
    public static IReadOnlyDictionary<string, string?> Parse(string json)
    {
        using var document = JsonDocument.Parse(json, Options);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"the root must be a JSON object, got {root.ValueKind}.");
        }

        var wrapped = root.EnumerateObject().Any(p =>
            p.Name.Equals("Gateway", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Object);
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(root, wrapped ? null : "Gateway", data);
        return data;
    }

    private static void Flatten(JsonElement element, string? prefix, Dictionary<string, string?> data)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : $"{prefix}:{property.Name}", data);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                var upstreams = prefix?.EndsWith(":Upstreams", StringComparison.OrdinalIgnoreCase) == true;
                foreach (var item in element.EnumerateArray())
                {
                    if (upstreams && item.ValueKind == JsonValueKind.Object)
                    {
                        FlattenUpstream(item, prefix!, index++, data);
                        continue;
                    }

                    Flatten(item, $"{prefix}:{index++}", data);
                }

                break;
            default:
                var key = prefix ?? "";
                var value = element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => null,
                    _ => element.GetRawText(),
                };
                if (!data.TryAdd(key, value))
                {
                    throw new FormatException($"the key '{key}' appears more than once (keys are case-insensitive).");
                }

                break;
        }
    }

    /// <summary>An upstream written as <c>{"url": "...", "weight": 2}</c>: the url goes to <c>Upstreams:N</c>, the weight to <c>UpstreamWeights:N</c>.</summary>
    private static void FlattenUpstream(JsonElement item, string prefix, int index, Dictionary<string, string?> data)
    {
        var model = prefix[..^":Upstreams".Length];
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name.Equals("url", StringComparison.OrdinalIgnoreCase))
            {
                Flatten(property.Value, $"{prefix}:{index}", data);
            }
            else if (property.Name.Equals("weight", StringComparison.OrdinalIgnoreCase))
            {
                Flatten(property.Value, $"{model}:UpstreamWeights:{index}", data);
            }
            else
            {
                throw new FormatException($"'{prefix}:{index}' has an unknown field '{property.Name}' (an upstream is a URL string or {{\"url\", \"weight\"}}).");
            }
        }

        data.TryAdd($"{model}:UpstreamWeights:{index}", "1");
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
