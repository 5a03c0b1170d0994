using System.Text;
using System.Text.Json;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Responses;

namespace Gateway.Streams.Tests.ToolCalls.Responses;

/// <summary>Through the chunk transformer, a long call's arguments reach the client while the model is still writing them.</summary>
public sealed class ChunkArgumentStreamingSpec
{
    private const string Prefix = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1732406402,\"model\":\"qwen\",";

    private static string ContentChunk(string text, string? finish = null) =>
        Prefix + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + JsonSerializer.Serialize(text) + "},\"finish_reason\":"
        + (finish is null ? "null" : "\"" + finish + "\"") + "}]}";

    [Fact]
    public void A_hermes_call_in_8_character_chunks_sends_argument_deltas_before_its_closing_tag_arrives()
    {
        var content = string.Concat(Enumerable.Repeat("All work and no play. ", 14))[..300];
        var raw = "Let me write it. <tool_call>{\"name\": \"write_file\", \"arguments\": {\"path\": \"a.txt\", \"content\": \""
            + content + "\"}}</tool_call>";
        var closeAt = raw.IndexOf("</tool_call>", StringComparison.Ordinal);
        Assert.True(ToolCallParserRegistry.TryGet("hermes", out var parser));
        var transformer = new ChatCompletionChunkToolCallTransformer(parser, ToolSchemas.Empty);

        var output = new List<byte[]>();
        var argumentDeltasBeforeClose = 0;
        var arguments = new StringBuilder();
        string? name = null;
        for (var at = 0; at < raw.Length; at += 8)
        {
            var piece = raw.Substring(at, Math.Min(8, raw.Length - at));
            output.Clear();
            transformer.OnChunk(Encoding.UTF8.GetBytes(ContentChunk(piece)), output);
            foreach (var chunk in output)
            {
                using var document = JsonDocument.Parse(chunk);
                var delta = document.RootElement.GetProperty("choices")[0].GetProperty("delta");
                if (!delta.TryGetProperty("tool_calls", out var calls))
                {
                    continue;
                }

                var function = calls[0].GetProperty("function");
                if (function.TryGetProperty("name", out var nameElement))
                {
                    name = nameElement.GetString();
                }

                var fragment = function.GetProperty("arguments").GetString()!;
                arguments.Append(fragment);
                if (fragment.Length > 0 && at + piece.Length <= closeAt)
                {
                    argumentDeltasBeforeClose++;
                }
            }
        }

        output.Clear();
        transformer.OnChunk(Encoding.UTF8.GetBytes(ContentChunk("", "stop")), output);

        Assert.Equal("write_file", name);
        Assert.True(argumentDeltasBeforeClose >= 300 / 8, $"only {argumentDeltasBeforeClose} argument deltas before the closing tag");
        using var parsed = JsonDocument.Parse(arguments.ToString());
        Assert.Equal(content, parsed.RootElement.GetProperty("content").GetString());
        Assert.Contains(output, chunk => Encoding.UTF8.GetString(chunk).Contains("\"finish_reason\":\"tool_calls\"", StringComparison.Ordinal));
    }
}
