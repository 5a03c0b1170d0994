using System.Buffers;
using System.Text.Json;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Responses;

/// <summary>
/// Turns tool-call markup streamed as <c>content</c> deltas of <c>chat.completion.chunk</c> events into OpenAI
/// <c>tool_calls</c> deltas, one streaming parser per choice. Fed the JSON payload of each SSE data event
/// (not <c>[DONE]</c>) in order; one instance serves one response.
/// </summary>
/// <remarks>
/// Chunks with nothing to change (the role chunk, reasoning deltas, plain text the parser releases as it came,
/// usage chunks, error events, anything unrecognised) are emitted byte-identical. Emitted chunks copy the
/// upstream chunk's top-level fields and replace only <c>choices</c>, with one choice each.
/// </remarks>
internal sealed class ChatCompletionChunkToolCallTransformer
{
    private readonly IToolCallParser _parser;
    private readonly ToolSchemas _tools;
    private readonly Dictionary<int, ChoiceState> _choices = [];
    private readonly List<ToolCallDelta> _events = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private byte[]? _lastChunk;

    public ChatCompletionChunkToolCallTransformer(IToolCallParser parser, ToolSchemas tools)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(tools);
        _parser = parser;
        _tools = tools;
    }

    /// <summary>Processes one upstream chunk and appends the payloads to emit, in order.</summary>
    public void OnChunk(ReadOnlySpan<byte> chunkJson, List<byte[]> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var bytes = chunkJson.ToArray();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, ToolJson.DocumentOptions);
        }
        catch (JsonException)
        {
            output.Add(bytes);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (!ToolJson.TryGet(root, "choices", out var choices)
                || choices.ValueKind != JsonValueKind.Array
                || choices.GetArrayLength() == 0
                || root.TryGetProperty("error", out _))
            {
                output.Add(bytes);
                return;
            }

            _lastChunk = bytes;
            if (choices.GetArrayLength() == 1)
            {
                if (ProcessChoice(root, choices[0], output, emitRaw: false))
                {
                    output.Add(bytes);
                }

                return;
            }

            var start = output.Count;
            var allRaw = true;
            foreach (var choice in choices.EnumerateArray())
            {
                allRaw &= ProcessChoice(root, choice, output, emitRaw: true);
            }

            if (allRaw)
            {
                // Nothing changed: the chunk goes out whole, as it came.
                output.RemoveRange(start, output.Count - start);
                output.Add(bytes);
            }
        }
    }

    /// <summary>The upstream ended (<c>[DONE]</c> or end of stream): finishes every choice that got no finish_reason.</summary>
    public void OnEnd(List<byte[]> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_lastChunk is null)
        {
            return;
        }

        using var document = JsonDocument.Parse(_lastChunk, ToolJson.DocumentOptions);
        var top = document.RootElement;
        foreach (var (index, state) in _choices.OrderBy(pair => pair.Key))
        {
            if (state.Finished || state.PassThrough)
            {
                continue;
            }

            state.Finished = true;
            _events.Clear();
            state.Parser.Complete(_events);
            EmitEvents(top, index, output);
            output.Add(BuildChunk(top, index, ChoiceKind.Finish, state.Parser.EmittedToolCalls ? "tool_calls" : "stop", default, default));
        }
    }

    /// <summary>
    /// Appends the chunks for one upstream choice. Returns true when the choice goes out unchanged; it is then
    /// appended (as a chunk of its own) only when <paramref name="emitRaw"/> is set.
    /// </summary>
    private bool ProcessChoice(JsonElement top, JsonElement choice, List<byte[]> output, bool emitRaw)
    {
        if (!ToolJson.TryGet(choice, "index", out var indexElement)
            || indexElement.ValueKind != JsonValueKind.Number
            || !indexElement.TryGetInt32(out var index))
        {
            return Raw(top, 0, choice, output, emitRaw);
        }

        if (!_choices.TryGetValue(index, out var state))
        {
            state = new ChoiceState(_parser.CreateStreaming(_tools));
            _choices[index] = state;
        }

        ToolJson.TryGet(choice, "delta", out var delta);
        if (state.PassThrough || state.Finished)
        {
            return Raw(top, index, choice, output, emitRaw);
        }

        if (ToolJson.TryGet(delta, "tool_calls", out var upstreamCalls) && ToolJson.IsNonEmptyArray(upstreamCalls))
        {
            // vLLM parses this stream itself: relay it as it is from here on, after what the parser still holds.
            state.PassThrough = true;
            _events.Clear();
            state.Parser.Complete(_events);
            if (_events.Count == 0)
            {
                return Raw(top, index, choice, output, emitRaw);
            }

            EmitEvents(top, index, output);
            output.Add(BuildChunk(top, index, ChoiceKind.Raw, null, choice, default));
            return false;
        }

        var content = ToolJson.TryGet(delta, "content", out var contentElement) ? ToolJson.SafeString(contentElement) : null;
        string? finish = null;
        if (ToolJson.TryGet(choice, "finish_reason", out var finishElement) && finishElement.ValueKind == JsonValueKind.String)
        {
            finish = finishElement.GetString();
        }

        _events.Clear();
        if (!string.IsNullOrEmpty(content))
        {
            state.Parser.Feed(content, _events);
        }

        if (finish is not null)
        {
            state.Finished = true;
            state.Parser.Complete(_events);
        }

        var toolCalls = finish is not null && state.Parser.EmittedToolCalls;
        if (!toolCalls && ReleasedAsSent(content))
        {
            _events.Clear();
            return Raw(top, index, choice, output, emitRaw);
        }

        if (HasOtherDeltaFields(delta))
        {
            output.Add(BuildChunk(top, index, ChoiceKind.OtherDelta, null, choice, default));
        }

        EmitEvents(top, index, output);
        if (finish is not null)
        {
            output.Add(BuildChunk(top, index, ChoiceKind.Finish, toolCalls ? "tool_calls" : finish, default, choice));
        }

        return false;
    }

    private bool Raw(JsonElement top, int index, JsonElement choice, List<byte[]> output, bool emitRaw)
    {
        if (emitRaw)
        {
            output.Add(BuildChunk(top, index, ChoiceKind.Raw, null, choice, default));
        }

        return true;
    }

    /// <summary>The parser released exactly the delta's content, so the upstream choice can go out unchanged.</summary>
    private bool ReleasedAsSent(string? content) =>
        string.IsNullOrEmpty(content)
            ? _events.Count == 0
            : _events.Count == 1 && _events[0] is ToolCallDelta.Content text && string.Equals(text.Text, content, StringComparison.Ordinal);

    private static bool HasOtherDeltaFields(JsonElement delta)
    {
        if (delta.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in delta.EnumerateObject())
        {
            if (property.NameEquals("content"))
            {
                continue;
            }

            if (property.NameEquals("tool_calls") && !ToolJson.IsNonEmptyArray(property.Value))
            {
                continue;
            }

            return true;
        }

        return false;
    }

    private void EmitEvents(JsonElement top, int index, List<byte[]> output)
    {
        foreach (var e in _events)
        {
            if (e is not ToolCallDelta.ToolCallAbandoned)
            {
                output.Add(BuildChunk(top, index, ChoiceKind.Event, null, default, default, e)); // a sent call cannot be taken back
            }
        }

        _events.Clear();
    }

    private byte[] BuildChunk(
        JsonElement top, int index, ChoiceKind kind, string? finishReason, JsonElement source, JsonElement finishSource, ToolCallDelta? e = null)
    {
        _buffer.ResetWrittenCount();
        using (var writer = ToolJson.CreateWriter(_buffer))
        {
            writer.WriteStartObject();
            var wroteChoices = false;
            foreach (var property in top.EnumerateObject())
            {
                if (property.NameEquals("choices"))
                {
                    if (!wroteChoices)
                    {
                        WriteChoices(writer, index, kind, finishReason, source, finishSource, e);
                        wroteChoices = true;
                    }
                }
                else if (kind == ChoiceKind.Finish && finishSource.ValueKind == JsonValueKind.Undefined && property.NameEquals("usage"))
                {
                    // A finish synthesised at the end must not repeat the usage of the last chunk seen.
                }
                else
                {
                    ToolJson.WriteRaw(writer, property);
                }
            }

            if (!wroteChoices)
            {
                WriteChoices(writer, index, kind, finishReason, source, finishSource, e);
            }

            writer.WriteEndObject();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private static void WriteChoices(
        Utf8JsonWriter writer, int index, ChoiceKind kind, string? finishReason, JsonElement source, JsonElement finishSource, ToolCallDelta? e)
    {
        writer.WriteStartArray("choices");
        if (kind == ChoiceKind.Raw)
        {
            ToolJson.WriteRaw(writer, source);
            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("delta");
        switch (kind)
        {
            case ChoiceKind.OtherDelta:
                foreach (var property in source.GetProperty("delta").EnumerateObject())
                {
                    if (!property.NameEquals("content") && !property.NameEquals("tool_calls"))
                    {
                        ToolJson.WriteRaw(writer, property);
                    }
                }

                break;
            case ChoiceKind.Event:
                WriteEvent(writer, e!);
                break;
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason");
        }
        else
        {
            writer.WriteString("finish_reason", finishReason);
            if (ToolJson.TryGet(finishSource, "stop_reason", out var stopReason))
            {
                writer.WritePropertyName("stop_reason");
                ToolJson.WriteRaw(writer, stopReason);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static void WriteEvent(Utf8JsonWriter writer, ToolCallDelta e)
    {
        switch (e)
        {
            case ToolCallDelta.Content text:
                writer.WriteString("content", text.Text);
                break;
            case ToolCallDelta.ToolCallStart start:
                writer.WriteStartArray("tool_calls");
                writer.WriteStartObject();
                writer.WriteNumber("index", start.Index);
                writer.WriteString("id", start.Id);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", start.Name);
                writer.WriteString("arguments", "");
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
                break;
            case ToolCallDelta.ToolCallArguments arguments:
                writer.WriteStartArray("tool_calls");
                writer.WriteStartObject();
                writer.WriteNumber("index", arguments.Index);
                writer.WriteStartObject("function");
                writer.WriteString("arguments", arguments.Fragment);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
                break;
        }
    }

    private enum ChoiceKind
    {
        Raw,
        OtherDelta,
        Event,
        Finish,
    }

    private sealed class ChoiceState(IStreamingToolCallParser parser)
    {
        public IStreamingToolCallParser Parser { get; } = parser;

        public bool PassThrough { get; set; }

        public bool Finished { get; set; }
    }
}
