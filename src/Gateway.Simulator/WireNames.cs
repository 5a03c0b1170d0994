using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>Pre-encoded JSON property names and constant values of vLLM's OpenAI responses.</summary>
internal static class WireNames
{
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Object = JsonEncodedText.Encode("object");
    public static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    public static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    public static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices");
    public static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    public static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    public static readonly JsonEncodedText Refusal = JsonEncodedText.Encode("refusal");
    public static readonly JsonEncodedText Annotations = JsonEncodedText.Encode("annotations");
    public static readonly JsonEncodedText Audio = JsonEncodedText.Encode("audio");
    public static readonly JsonEncodedText FunctionCall = JsonEncodedText.Encode("function_call");
    public static readonly JsonEncodedText ToolCalls = JsonEncodedText.Encode("tool_calls");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Arguments = JsonEncodedText.Encode("arguments");
    public static readonly JsonEncodedText ReasoningContent = JsonEncodedText.Encode("reasoning_content");
    public static readonly JsonEncodedText Logprobs = JsonEncodedText.Encode("logprobs");
    public static readonly JsonEncodedText FinishReason = JsonEncodedText.Encode("finish_reason");
    public static readonly JsonEncodedText StopReason = JsonEncodedText.Encode("stop_reason");
    public static readonly JsonEncodedText TokenIds = JsonEncodedText.Encode("token_ids");
    public static readonly JsonEncodedText PromptTokenIds = JsonEncodedText.Encode("prompt_token_ids");
    public static readonly JsonEncodedText PromptLogprobs = JsonEncodedText.Encode("prompt_logprobs");
    public static readonly JsonEncodedText ServiceTier = JsonEncodedText.Encode("service_tier");
    public static readonly JsonEncodedText SystemFingerprint = JsonEncodedText.Encode("system_fingerprint");
    public static readonly JsonEncodedText KvTransferParams = JsonEncodedText.Encode("kv_transfer_params");
    public static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    public static readonly JsonEncodedText PromptTokens = JsonEncodedText.Encode("prompt_tokens");
    public static readonly JsonEncodedText TotalTokens = JsonEncodedText.Encode("total_tokens");
    public static readonly JsonEncodedText CompletionTokens = JsonEncodedText.Encode("completion_tokens");
    public static readonly JsonEncodedText PromptTokensDetails = JsonEncodedText.Encode("prompt_tokens_details");
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    public static readonly JsonEncodedText Embedding = JsonEncodedText.Encode("embedding");

    public static readonly JsonEncodedText Assistant = JsonEncodedText.Encode("assistant");
    public static readonly JsonEncodedText ChatCompletion = JsonEncodedText.Encode("chat.completion");
    public static readonly JsonEncodedText ChatCompletionChunk = JsonEncodedText.Encode("chat.completion.chunk");
    public static readonly JsonEncodedText TextCompletion = JsonEncodedText.Encode("text_completion");
    public static readonly JsonEncodedText List = JsonEncodedText.Encode("list");
    public static readonly JsonEncodedText EmbeddingObject = JsonEncodedText.Encode("embedding");
    public static readonly JsonEncodedText Empty = JsonEncodedText.Encode(string.Empty);
}

/// <summary>Token counts for a <c>usage</c> object.</summary>
internal readonly record struct TokenUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>
    /// Key order <c>prompt_tokens, total_tokens, completion_tokens</c> as vLLM serialises it; plain responses add
    /// <c>prompt_tokens_details: null</c>, stream chunks leave it out (<c>exclude_none</c>).
    /// </summary>
    public void Write(Utf8JsonWriter writer, bool withDetails)
    {
        writer.WriteStartObject(WireNames.Usage);
        writer.WriteNumber(WireNames.PromptTokens, PromptTokens);
        writer.WriteNumber(WireNames.TotalTokens, TotalTokens);
        writer.WriteNumber(WireNames.CompletionTokens, CompletionTokens);
        if (withDetails)
        {
            writer.WriteNull(WireNames.PromptTokensDetails);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The shapes that differ between chat and legacy completions; the streaming machinery is shared.</summary>
internal interface IGenerationWireFormat
{
    /// <summary>Chat sends <c>delta: {"role":"assistant","content":""}</c> first; completions sends no such chunk.</summary>
    bool HasRoleChunk { get; }

    void WriteRoleChunk(Utf8JsonWriter writer, GenerationRequest request, int choice, TokenUsage? usage);

    /// <summary>A content chunk; with <paramref name="finished"/> it is the finish chunk of that choice.</summary>
    /// <paramref name="toolCall"/>: the text is a fragment of that call's arguments (chat only); the first fragment
    /// (<paramref name="firstToolDelta"/>) also carries the call's id, type and name.
    void WriteDeltaChunk(
        Utf8JsonWriter writer, GenerationRequest request, int choice, ReadOnlySpan<char> text, GenerationPlan? finished, TokenUsage? usage, ToolCallPlan? toolCall = null, bool firstToolDelta = false);

    /// <summary>The final <c>choices: []</c> chunk carrying usage.</summary>
    void WriteUsageChunk(Utf8JsonWriter writer, GenerationRequest request, TokenUsage usage);

    /// <summary>The complete non-streaming response.</summary>
    void WriteResponse(Utf8JsonWriter writer, GenerationRequest request, GenerationPlan[] plans, TokenUsage usage);
}
