using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Gateway.Host.Endpoints;
using Gateway.Streams.Json;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Validation;

/// <summary>
/// Type and range checks on the known OpenAI parameters of <c>/v1/chat/completions</c>, <c>/v1/completions</c> and
/// <c>/v1/embeddings</c>, made before any upstream work, with <c>param</c> naming the field. <c>null</c> means "not
/// given" for every optional parameter; unknown fields (<c>top_k</c>, <c>guided_json</c>, ...) are not looked at.
/// Runs after <see cref="RequestValidator"/> (object root, <c>model</c>, <c>stream</c>, <c>messages</c> array of objects).
/// Where vLLM accepts more than OpenAI (roles aside) the gateway accepts it too: content <c>null</c> for any role, no
/// <c>tool_call_id</c> requirement, up to <see cref="MaxStopSequences"/> stop strings, <c>structural_tag</c> response format.
/// </summary>
internal static class ParameterValidator
{
    public const int MaxN = 128;
    public const int MaxLogprobs = 20;

    /// <summary>OpenAI allows 4; vLLM has no limit, and clients written for vLLM send more. 64 bounds the work per token.</summary>
    public const int MaxStopSequences = 64;

    public static readonly IReadOnlyList<string> Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    /// <summary><see cref="Roles"/> as an array, walked per message without an enumerator.</summary>
    private static readonly string[] RoleNames = [.. Roles];

    public static readonly IReadOnlyList<string> ResponseFormats = ["text", "json_object", "json_schema", "structural_tag"];

    public static GatewayError? Validate(JsonElement root, ProxyRoute route, int? maxModelLen = null)
    {
        var fields = RequestFields.Read(root);
        return Validate(root, in fields, route, maxModelLen);
    }

    /// <summary>The same checks on the root's fields found once (<paramref name="fields"/>: <see cref="RequestFields.Read"/> of <paramref name="root"/>).</summary>
    public static GatewayError? Validate(JsonElement root, in RequestFields fields, ProxyRoute route, int? maxModelLen = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return route.Path switch
        {
            "/v1/chat/completions" => ValidateChat(in fields, maxModelLen),
            "/v1/completions" => ValidateCompletion(in fields, maxModelLen),
            "/v1/embeddings" => ValidateEmbedding(in fields),
            _ => null,
        };
    }

    private static GatewayError? ValidateChat(in RequestFields root, int? maxModelLen) =>
        Messages(root[RequestField.Messages])
        ?? Sampling(in root, maxModelLen)
        ?? Integer(root[RequestField.MaxCompletionTokens], "max_completion_tokens", 1, maxModelLen)
        ?? Boolean(root[RequestField.Logprobs], "logprobs")
        ?? TopLogprobs(in root)
        ?? ResponseFormat(root[RequestField.ResponseFormat]);

    private static GatewayError? ValidateCompletion(in RequestFields root, int? maxModelLen) =>
        Prompt(in root)
        ?? Sampling(in root, maxModelLen)
        ?? Integer(root[RequestField.Logprobs], "logprobs", 0, MaxLogprobs)
        ?? Boolean(root[RequestField.Echo], "echo")
        ?? ResponseFormat(root[RequestField.ResponseFormat]);

    private static GatewayError? ValidateEmbedding(in RequestFields root)
    {
        if (!root.Has(RequestField.Input))
        {
            return root.Has(RequestField.Messages) ? null : GatewayError.MissingParameter("input");
        }

        return TokensOrText(root[RequestField.Input], "input");
    }

    /// <summary>The parameters chat and completions share.</summary>
    private static GatewayError? Sampling(in RequestFields root, int? maxModelLen) =>
        StreamOptions(in root)
        ?? Integer(root[RequestField.N], "n", 1, MaxN)
        ?? Integer(root[RequestField.MaxTokens], "max_tokens", 1, maxModelLen)
        ?? Decimal(root[RequestField.Temperature], "temperature", 0, 2)
        ?? Decimal(root[RequestField.TopP], "top_p", 0, 1, minExclusive: true)
        ?? Decimal(root[RequestField.PresencePenalty], "presence_penalty", -2, 2)
        ?? Decimal(root[RequestField.FrequencyPenalty], "frequency_penalty", -2, 2)
        ?? Stop(root[RequestField.Stop])
        ?? Integer(root[RequestField.Seed], "seed", long.MinValue, long.MaxValue)
        ?? String(root[RequestField.User], "user");

    private static GatewayError? Messages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            return null; // RequestValidator's to refuse
        }

        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return GatewayError.WrongType(At(index), "an object", message);
            }

            if (Message(message, index) is { } error)
            {
                return error;
            }

            index++;
        }

        return null;
    }

    /// <summary>One message's fields, found in one walk over its properties (the last of a repeated name counts) and checked in a fixed order.</summary>
    private static GatewayError? Message(JsonElement message, int index)
    {
        JsonElement role = default, content = default, name = default, toolCallId = default, toolCalls = default;
        foreach (var property in message.EnumerateObject())
        {
            if (property.NameEquals("role"u8))
            {
                role = property.Value;
            }
            else if (property.NameEquals("content"u8))
            {
                content = property.Value;
            }
            else if (property.NameEquals("name"u8))
            {
                name = property.Value;
            }
            else if (property.NameEquals("tool_call_id"u8))
            {
                toolCallId = property.Value;
            }
            else if (property.NameEquals("tool_calls"u8))
            {
                toolCalls = property.Value;
            }
        }

        if (!Present(role))
        {
            return GatewayError.MissingParameter($"{At(index)}.role");
        }

        if (role.ValueKind != JsonValueKind.String)
        {
            return GatewayError.WrongType($"{At(index)}.role", "a string", role);
        }

        if (!IsRole(role))
        {
            return GatewayError.NotOneOf($"{At(index)}.role", role.GetString()!, Roles);
        }

        if (Present(content))
        {
            if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            {
                return GatewayError.WrongType($"{At(index)}.content", "one of a string or an array of content parts", content);
            }

            if (content.ValueKind == JsonValueKind.Array)
            {
                var part = 0;
                foreach (var element in content.EnumerateArray())
                {
                    if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.String))
                    {
                        return GatewayError.WrongType($"{At(index)}.content[{part}]", "an object", element);
                    }

                    part++;
                }
            }
        }

        return (Present(name) && name.ValueKind != JsonValueKind.String ? GatewayError.WrongType($"{At(index)}.name", "a string", name) : null)
            ?? (Present(toolCallId) && toolCallId.ValueKind != JsonValueKind.String ? GatewayError.WrongType($"{At(index)}.tool_call_id", "a string", toolCallId) : null)
            ?? (Present(toolCalls) && toolCalls.ValueKind != JsonValueKind.Array ? GatewayError.WrongType($"{At(index)}.tool_calls", "an array", toolCalls) : null);
    }

    /// <summary>One of <see cref="Roles"/>, compared without making a string of the value.</summary>
    private static bool IsRole(JsonElement role)
    {
        foreach (var known in RoleNames)
        {
            if (role.ValueEquals(known))
            {
                return true;
            }
        }

        return false;
    }

    private static string At(int index) => $"messages[{index}]";

    private static GatewayError? Prompt(in RequestFields root)
    {
        if (!root.Has(RequestField.Prompt))
        {
            return root.Has(RequestField.PromptEmbeds) ? null : GatewayError.MissingParameter("prompt");
        }

        return TokensOrText(root[RequestField.Prompt], "prompt");
    }

    /// <summary>vLLM's prompt/input union: a string, an array of strings, an array of token ids, or an array of arrays of token ids.</summary>
    private static GatewayError? TokensOrText(JsonElement value, string param)
    {
        const string expected = "one of a string, an array of strings, an array of integers or an array of arrays of integers";
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return null;
            case JsonValueKind.Array when value.GetArrayLength() == 0:
                return GatewayError.EmptyArray(param);
            case JsonValueKind.Array:
                var first = value[0].ValueKind;
                var index = 0;
                foreach (var element in value.EnumerateArray())
                {
                    var ok = first switch
                    {
                        JsonValueKind.String => element.ValueKind == JsonValueKind.String,
                        JsonValueKind.Number => IsTokenId(element),
                        JsonValueKind.Array => element.ValueKind == JsonValueKind.Array && element.EnumerateArray().All(IsTokenId),
                        _ => false,
                    };
                    if (!ok)
                    {
                        return GatewayError.WrongType($"{param}[{index}]", expected, element);
                    }

                    index++;
                }

                return null;
            default:
                return GatewayError.WrongType(param, expected, value);
        }
    }

    private static bool IsTokenId(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var id) && id >= 0;

    private static GatewayError? StreamOptions(in RequestFields root)
    {
        var options = root[RequestField.StreamOptions];
        if (!Present(options))
        {
            return null;
        }

        if (options.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.WrongType("stream_options", "an object", options);
        }

        if (root[RequestField.Stream].ValueKind != JsonValueKind.True)
        {
            return GatewayError.InvalidValue("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }

        return Boolean(Property(options, "include_usage"), "stream_options.include_usage")
            ?? Boolean(Property(options, "continuous_usage_stats"), "stream_options.continuous_usage_stats");
    }

    private static GatewayError? TopLogprobs(in RequestFields root)
    {
        if (Integer(root[RequestField.TopLogprobs], "top_logprobs", 0, MaxLogprobs) is { } error)
        {
            return error;
        }

        if (root.Has(RequestField.TopLogprobs) && root[RequestField.Logprobs].ValueKind != JsonValueKind.True)
        {
            return GatewayError.InvalidValue("top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
        }

        return null;
    }

    private static GatewayError? Stop(JsonElement stop)
    {
        if (!Present(stop) || stop.ValueKind == JsonValueKind.String)
        {
            return null;
        }

        if (stop.ValueKind != JsonValueKind.Array)
        {
            return GatewayError.WrongType("stop", "one of a string or an array of strings", stop);
        }

        var length = stop.GetArrayLength();
        if (length > MaxStopSequences)
        {
            return GatewayError.ArrayTooLong("stop", MaxStopSequences, length);
        }

        var index = 0;
        foreach (var element in stop.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                return GatewayError.WrongType($"stop[{index}]", "a string", element);
            }

            index++;
        }

        return null;
    }

    private static GatewayError? ResponseFormat(JsonElement format)
    {
        if (!Present(format))
        {
            return null;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.WrongType("response_format", "an object", format);
        }

        if (!Present(format, "type", out var type))
        {
            return GatewayError.MissingParameter("response_format.type");
        }

        if (type.ValueKind != JsonValueKind.String)
        {
            return GatewayError.WrongType("response_format.type", "a string", type);
        }

        var name = type.GetString()!;
        if (!ResponseFormats.Contains(name))
        {
            return GatewayError.NotOneOf("response_format.type", name, ResponseFormats);
        }

        if (name == "json_schema")
        {
            if (!Present(format, "json_schema", out var schema))
            {
                return GatewayError.MissingParameter("response_format.json_schema");
            }

            if (schema.ValueKind != JsonValueKind.Object)
            {
                return GatewayError.WrongType("response_format.json_schema", "an object", schema);
            }
        }

        return null;
    }

    private static GatewayError? Integer(JsonElement value, string param, long min, long? max)
    {
        if (!Present(value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return GatewayError.WrongType(param, "an integer", value);
        }

        if (!value.TryGetDouble(out var number))
        {
            // Beyond double's range (1e400): certainly beyond any integer bound.
            return IsNegative(value)
                ? GatewayError.BelowMin(param, true, Bound(min), value.GetRawText())
                : GatewayError.AboveMax(param, true, Bound(max ?? long.MaxValue), value.GetRawText());
        }

        if (Math.Floor(number) != number)
        {
            return GatewayError.WrongType(param, "an integer", value);
        }

        if (!value.TryGetInt64(out var integer))
        {
            // Integral but not an Int64 literal: 1e2, 2.0, or beyond Int64.
            if (number < min || number >= 9.2233720368547758E18)
            {
                return number < min
                    ? GatewayError.BelowMin(param, true, Bound(min), value.GetRawText())
                    : GatewayError.AboveMax(param, true, Bound(max ?? long.MaxValue), value.GetRawText());
            }

            integer = (long)number;
        }

        if (integer < min)
        {
            return GatewayError.BelowMin(param, true, Bound(min), value.GetRawText());
        }

        return max is { } limit && integer > limit ? GatewayError.AboveMax(param, true, Bound(limit), value.GetRawText()) : null;
    }

    private static GatewayError? Decimal(JsonElement value, string name, double min, double max, bool minExclusive = false)
    {
        if (!Present(value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return GatewayError.WrongType(name, "a decimal", value);
        }

        if (!value.TryGetDouble(out var number))
        {
            return IsNegative(value)
                ? GatewayError.BelowMin(name, false, Bound(min), value.GetRawText(), minExclusive)
                : GatewayError.AboveMax(name, false, Bound(max), value.GetRawText());
        }

        if (number < min || (minExclusive && number <= min))
        {
            return GatewayError.BelowMin(name, false, Bound(min), value.GetRawText(), minExclusive);
        }

        return number > max ? GatewayError.AboveMax(name, false, Bound(max), value.GetRawText()) : null;
    }

    /// <summary>A number as the client wrote it starts with a minus sign (the raw text is made only for an error message).</summary>
    private static bool IsNegative(JsonElement number) => JsonMarshal.GetRawUtf8Value(number)[0] == (byte)'-';

    private static GatewayError? Boolean(JsonElement value, string param) =>
        Present(value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            ? GatewayError.WrongType(param, "a boolean", value)
            : null;

    private static GatewayError? String(JsonElement value, string param) =>
        Present(value) && value.ValueKind != JsonValueKind.String
            ? GatewayError.WrongType(param, "a string", value)
            : null;

    /// <summary>Given and not <c>null</c>.</summary>
    private static bool Present(JsonElement value) => value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    /// <summary>Given and not <c>null</c>, in a nested object.</summary>
    private static bool Present(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A nested object's property (<c>default</c> when absent).</summary>
    private static JsonElement Property(JsonElement parent, string name) => parent.TryGetProperty(name, out var value) ? value : default;

    private static string Bound(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bound(long value) => value.ToString(CultureInfo.InvariantCulture);
}
