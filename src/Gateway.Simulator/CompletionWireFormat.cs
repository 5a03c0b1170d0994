using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>vLLM v0.11's legacy <c>/v1/completions</c> bodies and chunks (§1.4 of the protocol note).</summary>
internal sealed class CompletionWireFormat : IGenerationWireFormat
{
    public static readonly CompletionWireFormat Instance = new();

    public bool HasRoleChunk => false;

    public void WriteRoleChunk(Utf8JsonWriter writer, GenerationRequest request, int choice, TokenUsage? usage) =>
        throw new NotSupportedException("Completions streams have no role chunk.");

    public void WriteDeltaChunk(
        Utf8JsonWriter writer, GenerationRequest request, int choice, ReadOnlySpan<char> text, GenerationPlan? finished, TokenUsage? usage, ToolCallPlan? toolCall = null, bool firstToolDelta = false)
    {
        WriteStart(writer, request);
        writer.WriteStartArray(WireNames.Choices);
        writer.WriteStartObject();
        writer.WriteNumber(WireNames.Index, choice);
        PyJson.WriteString(writer, WireNames.Text, text);
        writer.WriteNull(WireNames.Logprobs);
        if (finished is null)
        {
            writer.WriteNull(WireNames.FinishReason);
            writer.WriteNull(WireNames.StopReason);
        }
        else
        {
            writer.WriteString(WireNames.FinishReason, finished.FinishReason);
            ChatWireFormat.WriteStopReason(writer, finished.StopReason);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        usage?.Write(writer, withDetails: false);
        writer.WriteEndObject();
    }

    public void WriteUsageChunk(Utf8JsonWriter writer, GenerationRequest request, TokenUsage usage)
    {
        WriteStart(writer, request);
        writer.WriteStartArray(WireNames.Choices);
        writer.WriteEndArray();
        usage.Write(writer, withDetails: false);
        writer.WriteEndObject();
    }

    public void WriteResponse(Utf8JsonWriter writer, GenerationRequest request, GenerationPlan[] plans, TokenUsage usage)
    {
        WriteStart(writer, request);
        writer.WriteStartArray(WireNames.Choices);
        for (var i = 0; i < plans.Length; i++)
        {
            var plan = plans[i];
            writer.WriteStartObject();
            writer.WriteNumber(WireNames.Index, i);
            writer.WritePropertyName(WireNames.Text);
            PyJson.WriteConcatenatedStringValue(writer, plan.Pieces, plan.FinalText);
            writer.WriteNull(WireNames.Logprobs);
            writer.WriteString(WireNames.FinishReason, plan.FinishReason);
            ChatWireFormat.WriteStopReason(writer, plan.StopReason);
            writer.WriteNull(WireNames.PromptLogprobs);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        usage.Write(writer, withDetails: true);
        writer.WriteNull(WireNames.KvTransferParams);
        writer.WriteEndObject();
    }

    private static void WriteStart(Utf8JsonWriter writer, GenerationRequest request)
    {
        writer.WriteStartObject();
        PyJson.WriteString(writer, WireNames.Id, request.Id);
        writer.WriteString(WireNames.Object, WireNames.TextCompletion);
        writer.WriteNumber(WireNames.Created, request.Created);
        PyJson.WriteString(writer, WireNames.Model, request.Model);
    }
}
