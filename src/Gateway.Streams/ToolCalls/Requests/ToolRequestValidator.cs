using System.Text.Json;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Requests;

/// <summary>Checks <c>tools</c> and <c>tool_choice</c> of a chat request before any upstream work.</summary>
internal static class ToolRequestValidator
{
    public const string InvalidTools = "invalid_tools";
    public const string InvalidToolDefinition = "invalid_tool_definition";
    public const string InvalidToolChoice = "invalid_tool_choice";
    public const string ToolChoiceNotFound = "tool_choice_not_found";
    public const string ModelDoesNotSupportTools = "model_does_not_support_tools";

    private const int MaxNameLength = 64;
    private const int MaxEchoedLength = 80;

    /// <summary>The tool names of a request without tools: shared, never written (a request with tools gets its own).</summary>
    private static readonly Dictionary<string, int> NoTools = new(StringComparer.Ordinal);

    /// <summary>Returns null when the request is acceptable.</summary>
    public static ToolValidationError? Validate(JsonElement requestRoot, string modelId, string? parserName, bool upstreamParsesTools)
    {
        if (requestRoot.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var names = NoTools;
        if (requestRoot.TryGetProperty("tools"u8, out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                return new ToolValidationError(
                    $"'tools' must be an array of tool definitions, got {Describe(tools.ValueKind)}.", InvalidTools, "tools");
            }

            if (tools.GetArrayLength() > 0)
            {
                names = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            var i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                var error = ValidateTool(tool, i, names);
                if (error is not null)
                {
                    return error;
                }

                i++;
            }
        }

        var hasTools = names.Count > 0;
        if (requestRoot.TryGetProperty("tool_choice"u8, out var choice) && choice.ValueKind != JsonValueKind.Null)
        {
            var error = ValidateToolChoice(choice, hasTools, names);
            if (error is not null)
            {
                return error;
            }
        }

        if (hasTools && IsNoParser(parserName) && !upstreamParsesTools)
        {
            return new ToolValidationError(
                $"Model '{modelId}' cannot serve tool-using requests: it has no tool-call parser and its upstream does not "
                + "parse tool calls. Either give the gateway a parser for the model's family: set the environment variable "
                + "TOOL_CALL_PARSER (single-model setup) or the model's config key toolCallParser to hermes, llama3_json, "
                + "mistral, pythonic, qwen3_coder, deepseek_v3, granite or auto; or start vLLM with --enable-auto-tool-choice "
                + "--tool-call-parser <family> and set the model's upstreamParsesTools to true.",
                ModelDoesNotSupportTools,
                "tools");
        }

        return null;
    }

    private static ToolValidationError? ValidateTool(JsonElement tool, int i, Dictionary<string, int> names)
    {
        var path = $"tools[{i}]";
        if (tool.ValueKind != JsonValueKind.Object)
        {
            return Definition($"{path} must be an object, got {Describe(tool.ValueKind)}.", path);
        }

        if (!tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("function"))
        {
            var got = !tool.TryGetProperty("type", out type) ? "it is missing" : $"got {Echo(type)}";
            return Definition($"{path}.type must be 'function' ({got}).", $"{path}.type");
        }

        if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            var got = !tool.TryGetProperty("function", out function) ? "it is missing" : $"got {Describe(function.ValueKind)}";
            return Definition($"{path}.function must be an object ({got}).", $"{path}.function");
        }

        var namePath = $"{path}.function.name";
        if (!function.TryGetProperty("name", out var nameElement) || nameElement.ValueKind == JsonValueKind.Null)
        {
            return Definition($"{namePath} is missing.", namePath);
        }

        if (nameElement.ValueKind != JsonValueKind.String)
        {
            return Definition($"{namePath} is not a string (got {Describe(nameElement.ValueKind)}).", namePath);
        }

        var name = ToolJson.SafeString(nameElement);
        if (name is null || !IsValidName(name))
        {
            return Definition(
                $"{namePath} '{Truncate(name ?? "")}' is invalid: it must be 1 to {MaxNameLength} characters from a-z, A-Z, 0-9, '_' and '-'.",
                namePath);
        }

        if (function.TryGetProperty("parameters", out var parameters)
            && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return Definition(
                $"{path}.function.parameters must be a JSON object (a JSON Schema), got {Describe(parameters.ValueKind)}.",
                $"{path}.function.parameters");
        }

        if (names.TryGetValue(name, out var first))
        {
            return Definition($"Duplicate tool name '{name}': {namePath} repeats tools[{first}].function.name.", namePath);
        }

        names[name] = i;
        return null;
    }

    private static ToolValidationError? ValidateToolChoice(JsonElement choice, bool hasTools, Dictionary<string, int> names)
    {
        const string Param = "tool_choice";
        string? forced = null;
        switch (choice.ValueKind)
        {
            case JsonValueKind.String:
                if (choice.ValueEquals("none"))
                {
                    return null;
                }

                if (!choice.ValueEquals("auto") && !choice.ValueEquals("required"))
                {
                    return new ToolValidationError(
                        $"Invalid value for 'tool_choice': {Echo(choice)}. Expected 'none', 'auto', 'required' or "
                        + "{\"type\": \"function\", \"function\": {\"name\": ...}}.",
                        InvalidToolChoice,
                        Param);
                }

                break;

            case JsonValueKind.Object:
                if (!choice.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("function")
                    || !choice.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                    || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    return new ToolValidationError(
                        "Invalid value for 'tool_choice': an object must be {\"type\": \"function\", \"function\": {\"name\": \"<tool name>\"}}.",
                        InvalidToolChoice,
                        Param);
                }

                forced = ToolJson.SafeString(name) ?? "";
                break;

            default:
                return new ToolValidationError(
                    $"Invalid type for 'tool_choice': expected a string or an object, got {Describe(choice.ValueKind)}.",
                    InvalidToolChoice,
                    Param);
        }

        if (!hasTools)
        {
            return new ToolValidationError(
                "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
                InvalidToolChoice,
                Param);
        }

        if (forced is not null && !names.ContainsKey(forced))
        {
            return new ToolValidationError(
                $"Invalid value for 'tool_choice': no function named '{Truncate(forced)}' is defined in 'tools'.",
                ToolChoiceNotFound,
                Param);
        }

        return null;
    }

    private static bool IsNoParser(string? parserName) =>
        string.IsNullOrWhiteSpace(parserName) || string.Equals(parserName.Trim(), "none", StringComparison.OrdinalIgnoreCase);

    private static bool IsValidName(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static ToolValidationError Definition(string message, string param) => new(message, InvalidToolDefinition, param);

    private static string Truncate(string text) => text.Length <= MaxEchoedLength ? text : string.Concat(text.AsSpan(0, MaxEchoedLength), "…");

    private static string Echo(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? $"'{Truncate(ToolJson.SafeString(value) ?? "")}'" : Describe(value.ValueKind);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
