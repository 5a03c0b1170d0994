using System.Text.Json;

namespace Gateway.Streams.Proxy;

/// <summary>
/// Part of the catalogue: the errors a client's own mistake earns, before any upstream work: body encoding, JSON shape and the known OpenAI
/// parameters. Messages and codes follow OpenAI's where OpenAI has a well-known phrasing
/// (<c>Invalid type for 'temperature': expected a decimal, but got a string instead.</c>, <c>integer_above_max_value</c>, ...).
/// </summary>
public sealed partial record GatewayError
{
    public static GatewayError UnsupportedMediaType(string message) => new(415, message, InvalidRequest, "unsupported_media_type");

    public static GatewayError UnsupportedContentEncoding(string encoding) => new(
        415,
        $"Content-Encoding '{encoding}' is not supported; send the body uncompressed (identity).",
        InvalidRequest,
        "unsupported_content_encoding");

    public static GatewayError InvalidUtf8(long offset) => new(
        400, $"The request body is not valid UTF-8 (first invalid byte at offset {offset}).", InvalidRequest, "invalid_utf8");

    public static GatewayError LoneSurrogate(long offset) => new(
        400,
        $"The request body contains a \\u escape that is a lone UTF-16 surrogate (string at byte offset {offset}); such a string has no Unicode value.",
        InvalidRequest,
        "invalid_unicode_escape");

    public static GatewayError TooDeep(int maxDepth) => new(
        400, $"The request body nests objects and arrays deeper than {maxDepth} levels.", InvalidRequest, "json_too_deep");

    /// <summary>OpenAI: <c>Invalid type for 'n': expected an integer, but got a string instead.</c></summary>
    public static GatewayError WrongType(string param, string expected, JsonElement actual) => new(
        400, $"Invalid type for '{param}': expected {expected}, but got {Describe(actual)} instead.", InvalidRequest, "invalid_type", param);

    /// <summary>OpenAI: <c>Invalid 'n': integer above maximum value. Expected a value &lt;= 128, but got 100000 instead.</c></summary>
    public static GatewayError AboveMax(string param, bool isInteger, string max, string got) => new(
        400,
        $"Invalid '{param}': {Kind(isInteger)} above maximum value. Expected a value <= {max}, but got {Clip(got)} instead.",
        InvalidRequest,
        isInteger ? "integer_above_max_value" : "decimal_above_max_value",
        param);

    public static GatewayError BelowMin(string param, bool isInteger, string min, string got, bool exclusive = false) => new(
        400,
        $"Invalid '{param}': {Kind(isInteger)} below minimum value. Expected a value {(exclusive ? ">" : ">=")} {min}, but got {Clip(got)} instead.",
        InvalidRequest,
        isInteger ? "integer_below_min_value" : "decimal_below_min_value",
        param);

    /// <summary>OpenAI: <c>Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.</c></summary>
    public static GatewayError EmptyArray(string param) => new(
        400,
        $"Invalid '{param}': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        InvalidRequest,
        "empty_array",
        param);

    public static GatewayError ArrayTooLong(string param, int max, int length) => new(
        400,
        $"Invalid '{param}': array too long. Expected an array with maximum length {max}, but got an array with length {length} instead.",
        InvalidRequest,
        "array_above_max_length",
        param);

    /// <summary>OpenAI: <c>Invalid value: 'robot'. Supported values are: 'system', 'user', ...</c></summary>
    public static GatewayError NotOneOf(string param, string value, IReadOnlyList<string> supported) => new(
        400,
        $"Invalid value: '{Clip(value)}'. Supported values are: {string.Join(", ", supported.Select(s => $"'{s}'"))}.",
        InvalidRequest,
        "invalid_value",
        param);

    public static GatewayError InvalidValue(string param, string message) => new(400, message, InvalidRequest, "invalid_value", param);

    private static string Kind(bool isInteger) => isInteger ? "integer" : "decimal";

    private static string Clip(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => element.TryGetInt64(out _) ? "an integer" : "a decimal",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };
}
