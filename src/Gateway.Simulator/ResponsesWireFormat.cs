using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>The non-streaming <c>response</c> object of vLLM's Responses API (plain only; streaming is refused earlier).</summary>
internal sealed class ResponsesWireFormat : IGenerationWireFormat
{
    public static readonly ResponsesWireFormat Instance = new();

    public bool HasRoleChunk => false;

    public void WriteRoleChunk(Utf8JsonWriter writer, GenerationRequest request, int choice, TokenUsage? usage) =>
        throw new NotSupportedException("/v1/responses does not stream in the simulator");

    public void WriteDeltaChunk(
        Utf8JsonWriter writer, GenerationRequest request, int choice, ReadOnlySpan<char> text, GenerationPlan? finished, TokenUsage? usage, ToolCallPlan? toolCall = null, bool firstToolDelta = false) =>
        throw new NotSupportedException("/v1/responses does not stream in the simulator");

    public void WriteUsageChunk(Utf8JsonWriter writer, GenerationRequest request, TokenUsage usage) =>
        throw new NotSupportedException("/v1/responses does not stream in the simulator");

    public void WriteResponse(Utf8JsonWriter writer, GenerationRequest request, GenerationPlan[] plans, TokenUsage usage)
    {
        var plan = plans[0];
        writer.WriteStartObject();
        PyJson.WriteString(writer, WireNames.Id, request.Id);
        writer.WriteNumber("created_at", request.Created);
        writer.WriteNull("incomplete_details");
        writer.WriteNull("instructions");
        writer.WriteNull("metadata");
        PyJson.WriteString(writer, WireNames.Model, request.Model);
        writer.WriteString(WireNames.Object, "response");
        writer.WriteStartArray("output");
        writer.WriteStartObject();
        writer.WriteString(WireNames.Id, "msg_" + Guid.NewGuid().ToString("N"));
        writer.WriteStartArray("content");
        writer.WriteStartObject();
        writer.WriteStartArray("annotations");
        writer.WriteEndArray();
        writer.WritePropertyName("text");
        PyJson.WriteConcatenatedStringValue(writer, plan.Pieces, plan.FinalText);
        writer.WriteString("type", "output_text");
        writer.WriteNull(WireNames.Logprobs);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString(WireNames.Role, WireNames.Assistant);
        writer.WriteString("status", "completed");
        writer.WriteString("type", "message");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteBoolean("parallel_tool_calls", true);
        writer.WriteNumber("temperature", 1.0);
        writer.WriteString("tool_choice", "auto");
        writer.WriteStartArray("tools");
        writer.WriteEndArray();
        writer.WriteNumber("top_p", 1.0);
        writer.WriteBoolean("background", false);
        if (request.MaxTokens is int max)
        {
            writer.WriteNumber("max_output_tokens", max);
        }
        else
        {
            writer.WriteNull("max_output_tokens");
        }

        writer.WriteNull("max_tool_calls");
        writer.WriteNull("previous_response_id");
        writer.WriteNull("prompt");
        writer.WriteNull("reasoning");
        writer.WriteString("service_tier", "auto");
        writer.WriteString("status", "completed");
        writer.WriteNull("text");
        writer.WriteNull("top_logprobs");
        writer.WriteString("truncation", "disabled");
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", usage.PromptTokens);
        writer.WriteStartObject("input_tokens_details");
        writer.WriteNumber("cached_tokens", 0);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens", usage.CompletionTokens);
        writer.WriteStartObject("output_tokens_details");
        writer.WriteNumber("reasoning_tokens", 0);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens", usage.PromptTokens + usage.CompletionTokens);
        writer.WriteEndObject();
        writer.WriteNull("user");
        writer.WriteEndObject();
    }
}
