using System.Text.Json;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Endpoints;

/// <summary>
/// The checks the gateway makes before any upstream work: well-formed JSON object, a string <c>model</c>, a
/// boolean <c>stream</c>, and for chat a non-empty <c>messages</c> array. Everything else is vLLM's to judge.
/// </summary>
internal static class RequestValidator
{
    public static GatewayError? Validate(JsonElement root, ProxyRoute route, out string model, out bool stream)
    {
        model = "";
        stream = false;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.InvalidJson("The request body must be a JSON object.");
        }

        if (!root.TryGetProperty("model", out var modelElement))
        {
            return GatewayError.MissingParameter("model");
        }

        if (modelElement.ValueKind != JsonValueKind.String || modelElement.GetString() is not { Length: > 0 } name)
        {
            return GatewayError.InvalidType("'model' must be a non-empty string.", "model");
        }

        model = name;
        if (root.TryGetProperty("stream", out var streamElement))
        {
            switch (streamElement.ValueKind)
            {
                case JsonValueKind.True:
                    stream = true;
                    break;
                case JsonValueKind.False or JsonValueKind.Null:
                    break;
                default:
                    return GatewayError.InvalidType("'stream' must be a boolean.", "stream");
            }
        }

        if (route.RequiresMessages)
        {
            if (!root.TryGetProperty("messages", out var messages))
            {
                return GatewayError.MissingParameter("messages");
            }

            if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                return GatewayError.InvalidType("'messages' must be a non-empty array.", "messages");
            }

            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    return GatewayError.InvalidType($"'messages[{index}]' must be an object.", $"messages[{index}]");
                }

                index++;
            }
        }

        return null;
    }
}
