using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>vLLM v0.11's chat completion bodies and chunks (§2 and §3.1 of the protocol note), key for key.</summary>
internal sealed class ChatWireFormat : IGenerationWireFormat
{
    public static readonly ChatWireFormat Instance = new();

    public bool HasRoleChunk => true;

    public void WriteRoleChunk(Utf8JsonWriter writer, GenerationRequest request, int choice, TokenUsage? usage)
    {
        WriteChunkStart(writer, request);
        writer.WriteStartArray(WireNames.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(WireNames.Index, choice);
        writer.WriteStartObject(WireNames.Delta);
        writer.WriteString(WireNames.Role, WireNames.Assistant);
        writer.WriteString(WireNames.Content, WireNames.Empty);
        writer.WriteEndObject();
        writer.WriteNull(WireNames.Logprobs);
        writer.WriteNull(WireNames.FinishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        usage?.Write(writer, withDetails: false);
        writer.WriteNull(WireNames.PromptTokenIds);
        writer.WriteEndObject();
    }

    public void WriteDeltaChunk(
        Utf8JsonWriter writer, GenerationRequest request, int choice, ReadOnlySpan<char> text, GenerationPlan? finished, TokenUsage? usage, ToolCallPlan? toolCall = null, bool firstToolDelta = false)
    {
        WriteChunkStart(writer, request);
        writer.WriteStartArray(WireNames.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(WireNames.Index, choice);
        writer.WriteStartObject(WireNames.Delta);
        if (toolCall is null)
        {
            PyJson.WriteString(writer, WireNames.Content, text);
        }
        else if (firstToolDelta || !text.IsEmpty)
        {
            // §3.2: the first fragment names the call (id, type, name); later ones carry only index and arguments.
            writer.WriteStartArray(WireNames.ToolCalls);
            writer.WriteStartObject();
            if (firstToolDelta)
            {
                PyJson.WriteString(writer, WireNames.Id, toolCall.Id);
                writer.WriteString("type", "function");
            }

            writer.WriteNumber(WireNames.Index, 0);
            writer.WriteStartObject("function");
            if (firstToolDelta)
            {
                PyJson.WriteString(writer, WireNames.Name, toolCall.Name);
            }

            PyJson.WriteString(writer, WireNames.Arguments, text);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteNull(WireNames.Logprobs);
        if (finished is null)
        {
            writer.WriteNull(WireNames.FinishReason);
        }
        else
        {
            writer.WriteString(WireNames.FinishReason, finished.FinishReason);
            WriteStopReason(writer, finished.StopReason);
        }

        writer.WriteNull(WireNames.TokenIds);
        writer.WriteEndObject();
        writer.WriteEndArray();
        usage?.Write(writer, withDetails: false);
        writer.WriteEndObject();
    }

    public void WriteUsageChunk(Utf8JsonWriter writer, GenerationRequest request, TokenUsage usage)
    {
        WriteChunkStart(writer, request);
        writer.WriteStartArray(WireNames.Choices);
        writer.WriteEndArray();
        usage.Write(writer, withDetails: false);
        writer.WriteEndObject();
    }

    public void WriteResponse(Utf8JsonWriter writer, GenerationRequest request, GenerationPlan[] plans, TokenUsage usage)
    {
        writer.WriteStartObject();
        PyJson.WriteString(writer, WireNames.Id, request.Id);
        writer.WriteString(WireNames.Object, WireNames.ChatCompletion);
        writer.WriteNumber(WireNames.Created, request.Created);
        PyJson.WriteString(writer, WireNames.Model, request.Model);
        writer.WriteStartArray(WireNames.Choices);
        for (var i = 0; i < plans.Length; i++)
        {
            var plan = plans[i];
            writer.WriteStartObject();
            writer.WriteNumber(WireNames.Index, i);
            writer.WriteStartObject(WireNames.Message);
            writer.WriteString(WireNames.Role, WireNames.Assistant);
            writer.WritePropertyName(WireNames.Content);
            if (plan.ToolCall is null)
            {
                PyJson.WriteConcatenatedStringValue(writer, plan.Pieces, plan.FinalText);
            }
            else if (plan.ToolCall.ParsedFromAuto)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(string.Empty);
            }

            writer.WriteNull(WireNames.Refusal);
            writer.WriteNull(WireNames.Annotations);
            writer.WriteNull(WireNames.Audio);
            writer.WriteNull(WireNames.FunctionCall);
            writer.WriteStartArray(WireNames.ToolCalls);
            if (plan.ToolCall is { } call)
            {
                writer.WriteStartObject();
                PyJson.WriteString(writer, WireNames.Id, call.Id);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                PyJson.WriteString(writer, WireNames.Name, call.Name);
                writer.WritePropertyName("arguments");
                PyJson.WriteConcatenatedStringValue(writer, plan.Pieces, plan.FinalText);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNull(WireNames.ReasoningContent);
            writer.WriteEndObject();
            writer.WriteNull(WireNames.Logprobs);
            writer.WriteString(WireNames.FinishReason, plan.FinishReason);
            WriteStopReason(writer, plan.StopReason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNull(WireNames.ServiceTier);
        writer.WriteNull(WireNames.SystemFingerprint);
        usage.Write(writer, withDetails: true);
        writer.WriteNull(WireNames.PromptLogprobs);
        writer.WriteNull(WireNames.KvTransferParams);
        writer.WriteEndObject();
    }

    internal static void WriteStopReason(Utf8JsonWriter writer, string? stopReason)
    {
        if (stopReason is null)
        {
            writer.WriteNull(WireNames.StopReason);
        }
        else
        {
            PyJson.WriteString(writer, WireNames.StopReason, stopReason);
        }
    }

    private static void WriteChunkStart(Utf8JsonWriter writer, GenerationRequest request)
    {
        writer.WriteStartObject();
        PyJson.WriteString(writer, WireNames.Id, request.Id);
        writer.WriteString(WireNames.Object, WireNames.ChatCompletionChunk);
        writer.WriteNumber(WireNames.Created, request.Created);
        PyJson.WriteString(writer, WireNames.Model, request.Model);
    }
}
