using System.Globalization;
using System.Text.Json;
using Gateway.Host.Endpoints;
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

    public static readonly IReadOnlyList<string> ResponseFormats = ["text", "json_object", "json_schema", "structural_tag"];

    public static GatewayError? Validate(JsonElement root, ProxyRoute route, int? maxModelLen = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return route.Path switch
        {
            "/v1/chat/completions" => ValidateChat(root, maxModelLen),
            "/v1/completions" => ValidateCompletion(root, maxModelLen),
            "/v1/embeddings" => ValidateEmbedding(root),
            _ => null,
        };
    }

    private static GatewayError? ValidateChat(JsonElement root, int? maxModelLen) =>
        Messages(root)
        ?? Sampling(root, maxModelLen)
        ?? Integer(root, "max_completion_tokens", 1, maxModelLen)
        ?? Boolean(root, "logprobs")
        ?? TopLogprobs(root)
        ?? ResponseFormat(root);

    private static GatewayError? ValidateCompletion(JsonElement root, int? maxModelLen) =>
        Prompt(root)
        ?? Sampling(root, maxModelLen)
        ?? Integer(root, "logprobs", 0, MaxLogprobs)
        ?? Boolean(root, "echo")
        ?? ResponseFormat(root);

    private static GatewayError? ValidateEmbedding(JsonElement root)
    {
        if (!Present(root, "input", out var input))
        {
            return Present(root, "messages", out _) ? null : GatewayError.MissingParameter("input");
        }

        return TokensOrText(input, "input");
    }

    /// <summary>The parameters chat and completions share.</summary>
    private static GatewayError? Sampling(JsonElement root, int? maxModelLen) =>
        StreamOptions(root)
        ?? Integer(root, "n", 1, MaxN)
        ?? Integer(root, "max_tokens", 1, maxModelLen)
        ?? Decimal(root, "temperature", 0, 2)
        ?? Decimal(root, "top_p", 0, 1, minExclusive: true)
        ?? Decimal(root, "presence_penalty", -2, 2)
        ?? Decimal(root, "frequency_penalty", -2, 2)
        ?? Stop(root)
        ?? Integer(root, "seed", long.MinValue, long.MaxValue)
        ?? String(root, "user");

    private static GatewayError? Messages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null; // RequestValidator's to refuse
        }

        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = $"messages[{index}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                return GatewayError.WrongType(at, "an object", message);
            }

            if (!Present(message, "role", out var role))
            {
                return GatewayError.MissingParameter($"{at}.role");
            }

            if (role.ValueKind != JsonValueKind.String)
            {
                return GatewayError.WrongType($"{at}.role", "a string", role);
            }

            if (!Roles.Contains(role.GetString()!))
            {
                return GatewayError.NotOneOf($"{at}.role", role.GetString()!, Roles);
            }

            if (Present(message, "content", out var content))
            {
                if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                {
                    return GatewayError.WrongType($"{at}.content", "one of a string or an array of content parts", content);
                }

                if (content.ValueKind == JsonValueKind.Array)
                {
                    var part = 0;
                    foreach (var element in content.EnumerateArray())
                    {
                        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.String))
                        {
                            return GatewayError.WrongType($"{at}.content[{part}]", "an object", element);
                        }

                        part++;
                    }
                }
            }

            var error = String(message, "name", at)
                ?? String(message, "tool_call_id", at)
                ?? Array(message, "tool_calls", at);
            if (error is not null)
            {
                return error;
            }

            index++;
        }

        return null;
    }

    private static GatewayError? Prompt(JsonElement root)
    {
        if (!Present(root, "prompt", out var prompt))
        {
            return Present(root, "prompt_embeds", out _) ? null : GatewayError.MissingParameter("prompt");
        }

        return TokensOrText(prompt, "prompt");
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

    private static GatewayError? StreamOptions(JsonElement root)
    {
        if (!Present(root, "stream_options", out var options))
        {
            return null;
        }

        if (options.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.WrongType("stream_options", "an object", options);
        }

        if (!(root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True))
        {
            return GatewayError.InvalidValue("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }

        return Boolean(options, "include_usage", "stream_options")
            ?? Boolean(options, "continuous_usage_stats", "stream_options");
    }

    private static GatewayError? TopLogprobs(JsonElement root)
    {
        if (Integer(root, "top_logprobs", 0, MaxLogprobs) is { } error)
        {
            return error;
        }

        if (Present(root, "top_logprobs", out _)
            && !(root.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind == JsonValueKind.True))
        {
            return GatewayError.InvalidValue("top_logprobs", "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
        }

        return null;
    }

    private static GatewayError? Stop(JsonElement root)
    {
        if (!Present(root, "stop", out var stop) || stop.ValueKind == JsonValueKind.String)
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

    private static GatewayError? ResponseFormat(JsonElement root)
    {
        if (!Present(root, "response_format", out var format))
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

    private static GatewayError? Integer(JsonElement parent, string name, long min, long? max, string? prefix = null)
    {
        if (!Present(parent, name, out var value))
        {
            return null;
        }

        var param = Name(prefix, name);
        if (value.ValueKind != JsonValueKind.Number)
        {
            return GatewayError.WrongType(param, "an integer", value);
        }

        var raw = value.GetRawText();
        if (!value.TryGetDouble(out var number))
        {
            // Beyond double's range (1e400): certainly beyond any integer bound.
            return raw.StartsWith('-')
                ? GatewayError.BelowMin(param, true, Bound(min), raw)
                : GatewayError.AboveMax(param, true, Bound(max ?? long.MaxValue), raw);
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
                    ? GatewayError.BelowMin(param, true, Bound(min), raw)
                    : GatewayError.AboveMax(param, true, Bound(max ?? long.MaxValue), raw);
            }

            integer = (long)number;
        }

        if (integer < min)
        {
            return GatewayError.BelowMin(param, true, Bound(min), raw);
        }

        return max is { } limit && integer > limit ? GatewayError.AboveMax(param, true, Bound(limit), raw) : null;
    }

    private static GatewayError? Decimal(JsonElement parent, string name, double min, double max, bool minExclusive = false)
    {
        if (!Present(parent, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            return GatewayError.WrongType(name, "a decimal", value);
        }

        var raw = value.GetRawText();
        if (!value.TryGetDouble(out var number))
        {
            return raw.StartsWith('-')
                ? GatewayError.BelowMin(name, false, Bound(min), raw, minExclusive)
                : GatewayError.AboveMax(name, false, Bound(max), raw);
        }

        if (number < min || (minExclusive && number <= min))
        {
            return GatewayError.BelowMin(name, false, Bound(min), raw, minExclusive);
        }

        return number > max ? GatewayError.AboveMax(name, false, Bound(max), raw) : null;
    }

    private static GatewayError? Boolean(JsonElement parent, string name, string? prefix = null) =>
        Present(parent, name, out var value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
            ? GatewayError.WrongType(Name(prefix, name), "a boolean", value)
            : null;

    private static GatewayError? String(JsonElement parent, string name, string? prefix = null) =>
        Present(parent, name, out var value) && value.ValueKind != JsonValueKind.String
            ? GatewayError.WrongType(Name(prefix, name), "a string", value)
            : null;

    private static GatewayError? Array(JsonElement parent, string name, string? prefix = null) =>
        Present(parent, name, out var value) && value.ValueKind != JsonValueKind.Array
            ? GatewayError.WrongType(Name(prefix, name), "an array", value)
            : null;

    /// <summary>Given and not <c>null</c>.</summary>
    private static bool Present(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string Name(string? prefix, string name) => prefix is null ? name : $"{prefix}.{name}";

    private static string Bound(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Bound(long value) => value.ToString(CultureInfo.InvariantCulture);
}
