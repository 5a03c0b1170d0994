using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>
/// Asks a replica's <c>/tokenize</c> how many prompt tokens a request had, for a stream cut short before vLLM's usage
/// chunk (which is the only place a stream reports them). The request sent to vLLM is copied down to what
/// <c>/tokenize</c> reads (<c>model</c>, <c>messages</c> or <c>prompt</c>, <c>tools</c>, the chat-template fields), so
/// the count is the prompt vLLM prefilled. Off the client path (the client has left); bounded in time; null on any failure.
/// </summary>
public sealed class PromptTokenCounter(HttpClient client, TimeSpan timeout, TimeProvider? time = null)
{
    private static readonly string[] Fields =
        ["model", "messages", "prompt", "tools", "chat_template", "chat_template_kwargs", "add_generation_prompt", "continue_final_message", "add_special_tokens"];

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    public async Task<int?> CountAsync(UpstreamEndpoint endpoint, ReadOnlyMemory<byte> upstreamBody)
    {
        try
        {
            using var cts = new CancellationTokenSource(timeout, time ?? TimeProvider.System);
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Resolve("/tokenize"));
            var content = new ReadOnlyMemoryContent(TokenizeBody(upstreamBody));
            content.Headers.ContentType = JsonContentType;
            message.Content = content;
            using var response = await client.SendAsync(message, cts.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cts.Token).ConfigureAwait(false);
            return document.RootElement.TryGetProperty("count", out var count) && count.TryGetInt32(out var n) ? n : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or IOException)
        {
            return null;
        }
    }

    private static ReadOnlyMemory<byte> TokenizeBody(ReadOnlyMemory<byte> upstreamBody)
    {
        using var document = JsonDocument.Parse(upstreamBody);
        var buffer = new ArrayBufferWriter<byte>(upstreamBody.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var field in Fields)
            {
                if (document.RootElement.TryGetProperty(field, out var value))
                {
                    writer.WritePropertyName(field);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
