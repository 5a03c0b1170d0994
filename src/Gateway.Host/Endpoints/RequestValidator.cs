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
            return GatewayError.BadRequest("The request body must be a JSON object.", null, "invalid_json");
        }

        if (!root.TryGetProperty("model", out var modelElement))
        {
            return GatewayError.BadRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }

        if (modelElement.ValueKind != JsonValueKind.String || modelElement.GetString() is not { Length: > 0 } name)
        {
            return GatewayError.BadRequest("'model' must be a non-empty string.", "model", "invalid_type");
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
                    return GatewayError.BadRequest("'stream' must be a boolean.", "stream", "invalid_type");
            }
        }

        if (route.RequiresMessages)
        {
            if (!root.TryGetProperty("messages", out var messages))
            {
                return GatewayError.BadRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
            }

            if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                return GatewayError.BadRequest("'messages' must be a non-empty array.", "messages", "invalid_type");
            }

            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    return GatewayError.BadRequest($"'messages[{index}]' must be an object.", $"messages[{index}]", "invalid_type");
                }

                index++;
            }
        }

        return null;
    }
}
