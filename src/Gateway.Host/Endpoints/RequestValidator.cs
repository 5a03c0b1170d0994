using System.Text.Json;
using Gateway.Streams.Json;
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
        var fields = RequestFields.Read(root);
        return Validate(root, in fields, route, out model, out stream);
    }

    /// <summary>The same checks on the root's fields found once (<paramref name="fields"/>: <see cref="RequestFields.Read"/> of <paramref name="root"/>).</summary>
    public static GatewayError? Validate(JsonElement root, in RequestFields fields, ProxyRoute route, out string model, out bool stream)
    {
        model = "";
        stream = false;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.InvalidJson("The request body must be a JSON object.");
        }

        var modelElement = fields[RequestField.Model];
        if (modelElement.ValueKind == JsonValueKind.Undefined)
        {
            return GatewayError.MissingParameter("model");
        }

        if (modelElement.ValueKind != JsonValueKind.String || modelElement.GetString() is not { Length: > 0 } name)
        {
            return GatewayError.InvalidType("'model' must be a non-empty string.", "model");
        }

        model = name;
        var streamElement = fields[RequestField.Stream];
        if (streamElement.ValueKind != JsonValueKind.Undefined)
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
            var messages = fields[RequestField.Messages];
            if (messages.ValueKind == JsonValueKind.Undefined)
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
