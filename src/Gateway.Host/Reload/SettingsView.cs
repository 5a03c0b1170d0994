using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Configuration;

namespace Gateway.Host.Reload;

/// <summary>
/// The settings in force as JSON for <c>/admin/config</c>, in the config file's own shape (camelCase keys): every
/// settable property, walked by reflection so that settings added later appear too. Secrets are masked (key secrets,
/// the bearer token, key digests, credentials in URLs); never logged or shown in clear.
/// </summary>
internal static class SettingsView
{
    public const string Mask = "***";

    private static readonly HashSet<string> SecretProperties = new(StringComparer.OrdinalIgnoreCase) { "Key", "BearerToken", "KeySha256" };

    /// <summary>The live sections from <paramref name="live"/>, everything else from <paramref name="startup"/> (what really runs).</summary>
    public static JsonObject Render(GatewaySettings startup, GatewaySettings live)
    {
        var result = new JsonObject();
        foreach (var property in SettableProperties(typeof(GatewaySettings)))
        {
            var source = LiveSettings.Properties.Contains(property.Name) ? live : startup;
            result[CamelCase(property.Name)] = Node(property.GetValue(source), SecretProperties.Contains(property.Name));
        }

        return result;
    }

    private static JsonNode? Node(object? value, bool secret)
    {
        switch (value)
        {
            case null:
                return null;
            case string text when secret:
                return text.Length == 0 ? JsonValue.Create("") : JsonValue.Create(Mask);
            case string text:
                return JsonValue.Create(MaskUserInfo(text));
            case bool or int or long or double or decimal or float:
                return JsonSerializer.SerializeToNode(value);
            case Enum:
                return JsonValue.Create(value.ToString());
            case IEnumerable items:
                var array = new JsonArray();
                foreach (var item in items)
                {
                    array.Add(Node(item, secret));
                }

                return array;
            default:
                var obj = new JsonObject();
                foreach (var property in SettableProperties(value.GetType()))
                {
                    obj[CamelCase(property.Name)] = Node(property.GetValue(value), SecretProperties.Contains(property.Name));
                }

                return obj;
        }
    }

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true } && p.SetMethod is { IsPublic: true });

    // http://user:secret@host/ → http://***@host/
    private static string MaskUserInfo(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? text.Replace(uri.UserInfo + "@", Mask + "@", StringComparison.Ordinal)
            : text;

    private static string CamelCase(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
