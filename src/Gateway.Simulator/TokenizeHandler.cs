using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// <c>POST /tokenize</c> (completion form with <c>prompt</c>, or chat form with <c>messages</c>) and
/// <c>POST /detokenize</c>, using the same tokenizer as usage counting, so <c>count</c> equals the prompt_tokens a
/// matching generation request reports.
/// </summary>
internal static class TokenizeHandler
{
    public static Task TokenizeAsync(HttpContext context, SimulatorState state) => HandleJsonAsync(context, state, Tokenize);

    public static Task DetokenizeAsync(HttpContext context, SimulatorState state) => HandleJsonAsync(context, state, Detokenize);

    private static async Task HandleJsonAsync(HttpContext context, SimulatorState state, Func<JsonElement, SimulatorState, (Action<Utf8JsonWriter>? Write, VllmError? Error)> handle)
    {
        if (!JsonRequestReader.HasJsonContentType(context.Request))
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.UnsupportedMediaType);
            return;
        }

        using var body = await JsonRequestReader.ReadAsync(context.Request.BodyReader, context.RequestAborted);
        if (body is null || body.Root.ValueKind != JsonValueKind.Object)
        {
            await VllmErrors.WriteAsync(context, state.Options, body is null ? VllmErrors.InvalidJson : VllmErrors.BodyNotObject);
            return;
        }

        var (write, error) = handle(body.Root, state);
        if (error is not null)
        {
            await VllmErrors.WriteAsync(context, state.Options, error);
            return;
        }

        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, write!, static (w, write) => write(w));
    }

    private static (Action<Utf8JsonWriter>?, VllmError?) Tokenize(JsonElement body, SimulatorState state)
    {
        if (!TryCheckModel(body, state, out var error))
        {
            return (null, error);
        }

        string text;
        bool addSpecialTokens;
        if (body.TryGetProperty("messages", out _))
        {
            if (!ChatPromptRenderer.TryRender(body, out text, out error)
                || !JsonFields.TryGetBool(body, "add_special_tokens", "add_special_tokens", out var special, out error))
            {
                return (null, error);
            }

            addSpecialTokens = special ?? false;
        }
        else
        {
            if (!JsonFields.TryGetString(body, "prompt", "prompt", out var prompt, out error)
                || !JsonFields.TryGetBool(body, "add_special_tokens", "add_special_tokens", out var special, out error))
            {
                return (null, error);
            }

            if (prompt is null)
            {
                return (null, VllmErrors.FieldRequired("prompt"));
            }

            text = prompt;
            addSpecialTokens = special ?? true;
        }

        if (!JsonFields.TryGetBool(body, "return_token_strs", "return_token_strs", out var returnStrings, out error))
        {
            return (null, error);
        }

        var ids = new List<int>();
        var strings = new List<string>();
        if (addSpecialTokens)
        {
            ids.Add(SimTokenizer.BosTokenId);
            strings.Add(SimTokenizer.BosTokenText);
        }

        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var length = SimTokenizer.NextTokenLength(rest);
            var token = rest[..length];
            var id = SimTokenizer.TokenId(token);
            state.Vocabulary.Remember(id, token);
            ids.Add(id);
            if (returnStrings == true)
            {
                strings.Add(token.ToString());
            }

            rest = rest[length..];
        }

        var maxModelLen = state.Options.MaxModelLen;
        return (writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("count", ids.Count);
            writer.WriteNumber("max_model_len", maxModelLen);
            writer.WriteStartArray("tokens");
            foreach (var id in ids)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("token_strs");
            if (returnStrings == true)
            {
                writer.WriteStartArray();
                foreach (var s in strings)
                {
                    PyJson.WriteStringValue(writer, s);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteEndObject();
        }, null);
    }

    private static (Action<Utf8JsonWriter>?, VllmError?) Detokenize(JsonElement body, SimulatorState state)
    {
        if (!TryCheckModel(body, state, out var error))
        {
            return (null, error);
        }

        if (!body.TryGetProperty("tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array)
        {
            return (null, VllmErrors.FieldRequired("tokens"));
        }

        var sb = new StringBuilder();
        foreach (var token in tokens.EnumerateArray())
        {
            if (!JsonFields.TryReadInt(token, out var id))
            {
                return (null, VllmErrors.Validation("int_type", VllmErrors.Location("tokens"), "Input should be a valid integer"));
            }

            sb.Append(state.Vocabulary.Decode(id));
        }

        var prompt = sb.ToString();
        return (writer =>
        {
            writer.WriteStartObject();
            PyJson.WriteString(writer, JsonEncodedText.Encode("prompt"), prompt);
            writer.WriteEndObject();
        }, null);
    }

    private static bool TryCheckModel(JsonElement body, SimulatorState state, out VllmError? error)
    {
        if (!JsonFields.TryGetString(body, "model", "model", out var model, out error))
        {
            return false;
        }

        if (model is not null && !state.Models.ContainsKey(model))
        {
            error = VllmErrors.ModelNotFound(model);
            return false;
        }

        return true;
    }
}
