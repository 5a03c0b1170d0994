using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Simulator;

/// <summary>One error answer: HTTP status, vLLM's <c>type</c> string and the message.</summary>
internal sealed record VllmError(int Status, string Type, string Message);

/// <summary>
/// The error catalogue: which status, <c>type</c> and message vLLM (v0.11) uses in each situation, and the envelopes
/// it wraps them in (<c>{"error":{...}}</c> since v0.10.1, flat <c>{"object":"error",...}</c> before).
/// </summary>
internal static class VllmErrors
{
    /// <summary>Raised by vLLM's serving code (<c>create_error_response</c>).</summary>
    public const string BadRequestError = "BadRequestError";

    public const string NotFoundError = "NotFoundError";

    public const string InternalServerError = "InternalServerError";

    /// <summary>FastAPI-level validation (pydantic, content type) uses the HTTP phrase as the type.</summary>
    public const string ValidationType = "Bad Request";

    public static VllmError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound, NotFoundError, $"The model `{model}` does not exist.");

    public static VllmError BadRequest(string message) => new(StatusCodes.Status400BadRequest, BadRequestError, message);

    /// <summary>A pydantic-style validation failure, reported through FastAPI's handler (type "Bad Request").</summary>
    /// <param name="errorType">pydantic's error type, e.g. <c>missing</c>, <c>int_type</c>.</param>
    /// <param name="location">the <c>loc</c> tuple, e.g. <c>('body', 'messages')</c>.</param>
    /// <param name="message">pydantic's message, e.g. <c>Field required</c>.</param>
    public static VllmError Validation(string errorType, string location, string message) =>
        new(StatusCodes.Status400BadRequest, ValidationType, $"[{{'type': '{errorType}', 'loc': {location}, 'msg': '{message}'}}]");

    /// <summary>The pydantic location of a (possibly nested) body field: <c>('body', 'stream_options', 'include_usage')</c>.</summary>
    public static string Location(string path) => "('body', '" + path.Replace(".", "', '", StringComparison.Ordinal) + "')";

    public static VllmError FieldRequired(string field) => Validation("missing", Location(field), "Field required");

    public static VllmError InvalidJson { get; } = new(
        StatusCodes.Status400BadRequest,
        ValidationType,
        "[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'ctx': {'error': 'Expecting value'}}]");

    public static VllmError UnsupportedMediaType { get; } = new(
        StatusCodes.Status400BadRequest,
        ValidationType,
        "[{'loc': ['header', 'content-type'], 'msg': \"Unsupported Media Type: Only 'application/json' is allowed\", 'type': 'value_error'}]");

    public static VllmError BodyNotObject { get; } = Validation("model_attributes_type", "('body',)", "Input should be a valid dictionary or object to extract fields from");

    public static VllmError StreamOptionsWithoutStream { get; } =
        Validation("value_error", "('body',)", "Value error, Stream options can only be defined when stream is true.");

    public static VllmError ToolChoiceWithoutTools { get; } =
        Validation("value_error", "('body',)", "Value error, When using `tool_choice`, `tools` must be set.");

    public static VllmError ToolChoiceNotInTools { get; } =
        Validation("value_error", "('body',)", "Value error, The tool specified in `tool_choice` does not match any of the specified `tools`");

    public static VllmError AutoToolChoiceDisabled { get; } =
        BadRequest("\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set");

    public static VllmError MaxTokensTooSmall(int value) => BadRequest($"max_tokens must be at least 1, got {value}.");

    public static VllmError PromptTooLong(int maxModelLen, int promptTokens) => BadRequest(
        $"This model's maximum context length is {maxModelLen} tokens. However, your request has {promptTokens} input tokens. Please reduce the length of the input messages.");

    public static VllmError MaxTokensTooLarge(int maxTokens, int maxModelLen, int promptTokens) => BadRequest(
        $"'max_tokens' or 'max_completion_tokens' is too large: {maxTokens}. This model's maximum context length is {maxModelLen} tokens and your request has {promptTokens} input tokens ({maxTokens} > {maxModelLen} - {promptTokens}).");

    public static VllmError EmbeddingInputTooLong(int maxModelLen, int tokens) => BadRequest(
        $"This model's maximum context length is {maxModelLen} tokens. However, you requested {tokens} tokens in the input for embedding generation. Please reduce the length of the input.");

    /// <summary>The <c>type</c> vLLM would use for an error with this status (used by <c>vllm_sim.fail_status</c>).</summary>
    public static string TypeForStatus(int status) => status switch
    {
        400 => BadRequestError,
        404 => NotFoundError,
        500 => InternalServerError,
        501 => "NotImplementedError",
        503 => "ServiceUnavailableError",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
    };

    /// <summary>Writes an error response in the configured envelope.</summary>
    public static ValueTask<bool> WriteAsync(HttpContext context, SimulatorOptions options, VllmError error) =>
        JsonResponses.WriteAsync(context, error.Status, (error, options.LegacyErrorEnvelope), static (w, s) => WriteBody(w, s.error, s.Item2));

    /// <summary>vLLM's 401 body: a bare string, not the OpenAI error object.</summary>
    public static ValueTask<bool> WriteUnauthorizedAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, 0, static (w, _) =>
        {
            w.WriteStartObject();
            w.WriteString("error", "Unauthorized");
            w.WriteEndObject();
        });

    /// <summary>FastAPI's own bodies for unknown routes and wrong methods: <c>{"detail":"Not Found"}</c>.</summary>
    public static ValueTask<bool> WriteDetailAsync(HttpContext context, int status, string detail) =>
        JsonResponses.WriteAsync(context, status, detail, static (w, d) =>
        {
            w.WriteStartObject();
            w.WriteString("detail", d);
            w.WriteEndObject();
        });

    /// <summary>
    /// The payload of a mid-stream error event. vLLM builds it with <c>json.dumps</c> defaults, so unlike every other
    /// body it has spaces after <c>:</c> and <c>,</c> and escapes non-ASCII.
    /// </summary>
    public static byte[] StreamErrorPayload(bool legacyEnvelope, VllmError error)
    {
        var sb = new StringBuilder(160);
        sb.Append("{\"error\": {");
        if (legacyEnvelope)
        {
            sb.Append("\"object\": \"error\", ");
        }

        sb.Append("\"message\": ");
        PyJson.AppendAsciiQuoted(sb, error.Message);
        sb.Append(", \"type\": ");
        PyJson.AppendAsciiQuoted(sb, error.Type);
        sb.Append(", \"param\": null, \"code\": ");
        sb.Append(error.Status.ToString(CultureInfo.InvariantCulture));
        sb.Append("}}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void WriteBody(Utf8JsonWriter writer, VllmError error, bool legacyEnvelope)
    {
        writer.WriteStartObject();
        if (legacyEnvelope)
        {
            writer.WriteString("object", "error");
            WriteFields(writer, error);
        }
        else
        {
            writer.WriteStartObject("error");
            WriteFields(writer, error);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, VllmError error)
    {
        writer.WritePropertyName("message");
        PyJson.WriteStringValue(writer, error.Message);
        writer.WritePropertyName("type");
        PyJson.WriteStringValue(writer, error.Type);
        writer.WriteNull("param");
        writer.WriteNumber("code", error.Status);
    }
}
