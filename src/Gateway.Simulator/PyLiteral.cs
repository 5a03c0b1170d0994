using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Simulator;

/// <summary>
/// Text of a JSON value as models write it: Python's <c>json.dumps</c> layout (<c>", "</c> and <c>": "</c>
/// separators, non-ASCII kept with <c>ensure_ascii=False</c>), or a Python literal (<c>True</c>, <c>None</c>) for
/// pythonic calls.
/// </summary>
internal static class PyLiteral
{
    private static readonly JsonSerializerOptions StringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node, python: false);
        return sb.ToString();
    }

    public static string Python(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node, python: true);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, JsonNode? node, bool python)
    {
        switch (node)
        {
            case null:
                sb.Append(python ? "None" : "null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    sb.Append(first ? string.Empty : ", ").Append(JsonSerializer.Serialize(key, StringOptions)).Append(": ");
                    Append(sb, value, python);
                    first = false;
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    sb.Append(i == 0 ? string.Empty : ", ");
                    Append(sb, array[i], python);
                }

                sb.Append(']');
                break;
            default:
                sb.Append(node.GetValueKind() switch
                {
                    JsonValueKind.String => node.ToJsonString(StringOptions),
                    JsonValueKind.True => python ? "True" : "true",
                    JsonValueKind.False => python ? "False" : "false",
                    JsonValueKind.Number => node.ToJsonString(),
                    _ => python ? "None" : "null",
                });
                break;
        }
    }
}
