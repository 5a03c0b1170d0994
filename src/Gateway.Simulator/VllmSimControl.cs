using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// Per-request control object <c>vllm_sim</c> in the request body (a real vLLM ignores unknown fields; the gateway
/// forwards it untouched). Every field is optional:
/// <list type="bullet">
/// <item><c>output</c> (string): the exact raw text the model emits; finish_reason <c>stop</c> once it is all out
/// (<c>length</c> if an explicit max_tokens cuts it).</item>
/// <item><c>chunk_chars</c> (int ≥ 1): pieces of that many UTF-16 units per delta instead of the default tokenizer split.</item>
/// <item><c>ttft_ms</c>, <c>itl_ms</c> (int ≥ 0): override the server's delays for this request.</item>
/// <item><c>hang_ms</c> (int ≥ 0): wait this long before anything is sent (the request is "waiting" in the queue).</item>
/// <item><c>fail_status</c> (int 400–599): answer at once with this status and a vLLM error body
/// (<c>fail_message</c> overrides the message; <c>fail_empty_body: true</c> sends no body, like a dead engine's 500).</item>
/// <item><c>fail_after_chunks</c> (int ≥ 0): streaming: after that many SSE events, abort the connection (no [DONE]);
/// plain: abort the connection instead of answering.</item>
/// <item><c>error_after_chunks</c> (int ≥ 0): streaming: after that many SSE events, send vLLM's mid-stream error
/// event and <c>[DONE]</c>.</item>
/// <item><c>fail_body</c> (<c>json</c> default | <c>text</c> | <c>empty</c>): the body of a <c>fail_status</c> answer: vLLM's
/// JSON error, a <c>text/plain</c> reason phrase (a proxy's or Starlette's non-JSON page) or nothing.</item>
/// <item><c>reset_before_headers</c> (bool): abort the connection (TCP reset) before any response byte.</item>
/// <item><c>stall_after_chunks</c> (int ≥ 0): streaming: after that many SSE events send nothing more but keep the
/// connection open until the client leaves; plain: never answer.</item>
/// <item><c>malformed_sse</c> (<c>not_json</c> | <c>missing_blank_line</c> | <c>oversized_event</c>): streaming: right
/// after the role chunk, an event whose payload is not JSON / the first content event ended by one newline only (it
/// merges into the next) / one extra valid chunk whose content is <c>oversized_bytes</c> (default 2 MiB) of 'x'.</item>
/// <item><c>omit_done</c> (bool): streaming: end the body without <c>data: [DONE]</c>.</item>
/// <item><c>content_type</c> (string): override the Content-Type of the response.</item>
/// <item><c>redirect_to</c> (URL): answer 307 with that Location and no body.</item>
/// </list>
/// </summary>
internal sealed record VllmSimControl
{
    public const string FieldName = "vllm_sim";

    public static readonly VllmSimControl None = new();

    public string? Output { get; init; }

    public int? ChunkChars { get; init; }

    public int? TtftMs { get; init; }

    public int? ItlMs { get; init; }

    public int HangMs { get; init; }

    public int? FailStatus { get; init; }

    public string? FailMessage { get; init; }

    public bool FailEmptyBody { get; init; }

    public int? FailAfterChunks { get; init; }

    public int? ErrorAfterChunks { get; init; }

    /// <summary><c>json</c> (default), <c>text</c> or <c>empty</c>.</summary>
    public string FailBody { get; init; } = "json";

    public bool ResetBeforeHeaders { get; init; }

    public int? StallAfterChunks { get; init; }

    /// <summary><c>not_json</c>, <c>missing_blank_line</c>, <c>oversized_event</c> or null.</summary>
    public string? MalformedSse { get; init; }

    public int OversizedBytes { get; init; } = 2 * 1024 * 1024;

    public bool OmitDone { get; init; }

    public string? ContentType { get; init; }

    public string? RedirectTo { get; init; }

    /// <summary>Reads <c>vllm_sim</c> from a request body; absent or null gives <see cref="None"/>.</summary>
    public static bool TryParse(JsonElement body, out VllmSimControl control, out VllmError? error)
    {
        control = None;
        if (!JsonFields.TryGetObject(body, FieldName, FieldName, out var element, out error))
        {
            return false;
        }

        if (element is not JsonElement sim)
        {
            return true;
        }

        if (!JsonFields.TryGetString(sim, "output", "vllm_sim.output", out var output, out error)
            || !TryGetInt(sim, "chunk_chars", 1, int.MaxValue, out var chunkChars, out error)
            || !TryGetInt(sim, "ttft_ms", 0, int.MaxValue, out var ttft, out error)
            || !TryGetInt(sim, "itl_ms", 0, int.MaxValue, out var itl, out error)
            || !TryGetInt(sim, "hang_ms", 0, int.MaxValue, out var hang, out error)
            || !TryGetInt(sim, "fail_status", 400, 599, out var failStatus, out error)
            || !JsonFields.TryGetString(sim, "fail_message", "vllm_sim.fail_message", out var failMessage, out error)
            || !JsonFields.TryGetBool(sim, "fail_empty_body", "vllm_sim.fail_empty_body", out var failEmptyBody, out error)
            || !TryGetInt(sim, "fail_after_chunks", 0, int.MaxValue, out var failAfter, out error)
            || !TryGetInt(sim, "error_after_chunks", 0, int.MaxValue, out var errorAfter, out error)
            || !TryGetChoice(sim, "fail_body", ["json", "text", "empty"], out var failBody, out error)
            || !JsonFields.TryGetBool(sim, "reset_before_headers", "vllm_sim.reset_before_headers", out var reset, out error)
            || !TryGetInt(sim, "stall_after_chunks", 0, int.MaxValue, out var stallAfter, out error)
            || !TryGetChoice(sim, "malformed_sse", ["not_json", "missing_blank_line", "oversized_event"], out var malformed, out error)
            || !TryGetInt(sim, "oversized_bytes", 1, int.MaxValue, out var oversizedBytes, out error)
            || !JsonFields.TryGetBool(sim, "omit_done", "vllm_sim.omit_done", out var omitDone, out error)
            || !JsonFields.TryGetString(sim, "content_type", "vllm_sim.content_type", out var contentType, out error)
            || !JsonFields.TryGetString(sim, "redirect_to", "vllm_sim.redirect_to", out var redirectTo, out error))
        {
            return false;
        }

        control = new VllmSimControl
        {
            Output = output,
            ChunkChars = chunkChars,
            TtftMs = ttft,
            ItlMs = itl,
            HangMs = hang ?? 0,
            FailStatus = failStatus,
            FailMessage = failMessage,
            FailEmptyBody = failEmptyBody ?? false,
            FailAfterChunks = failAfter,
            ErrorAfterChunks = errorAfter,
            FailBody = (failEmptyBody ?? false) ? "empty" : failBody ?? "json",
            ResetBeforeHeaders = reset ?? false,
            StallAfterChunks = stallAfter,
            MalformedSse = malformed,
            OversizedBytes = oversizedBytes ?? (2 * 1024 * 1024),
            OmitDone = omitDone ?? false,
            ContentType = contentType,
            RedirectTo = redirectTo,
        };
        return true;
    }

    private static bool TryGetChoice(JsonElement sim, string name, string[] allowed, out string? value, out VllmError? error)
    {
        var path = FieldName + "." + name;
        if (!JsonFields.TryGetString(sim, name, path, out value, out error))
        {
            return false;
        }

        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            var quoted = allowed.Select(a => "'" + a + "'").ToArray();
            error = VllmErrors.Validation(
                "literal_error", VllmErrors.Location(path), "Input should be " + string.Join(", ", quoted[..^1]) + " or " + quoted[^1]);
            return false;
        }

        return true;
    }

    private static bool TryGetInt(JsonElement sim, string name, int min, int max, out int? value, out VllmError? error)
    {
        var path = FieldName + "." + name;
        if (!JsonFields.TryGetInt(sim, name, path, out value, out error))
        {
            return false;
        }

        if (value is int v && (v < min || v > max))
        {
            error = VllmErrors.Validation(
                "value_error",
                VllmErrors.Location(path),
                max == int.MaxValue ? $"Input should be greater than or equal to {min}" : $"Input should be between {min} and {max}");
            return false;
        }

        return true;
    }
}
