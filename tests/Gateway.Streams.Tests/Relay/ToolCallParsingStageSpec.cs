using System.Text;
using System.Text.Json;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Sse;
using Gateway.Streams.Relay;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.Tests.Relay;

public class ToolCallParsingStageSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Raw = "Checking.<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\"}}\n</tool_call>";

    private static IEnumerable<SseEvent> UpstreamChunks(string text, int size)
    {
        static SseEvent Chunk(string delta, string? finish) => new(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion.chunk",
            created = 1,
            model = "qwen",
            choices = new[] { new { index = 0, delta = new { content = delta }, logprobs = (object?)null, finish_reason = finish } },
        })));

        yield return Chunk("", null);
        for (var i = 0; i < text.Length; i += size)
        {
            yield return Chunk(text.Substring(i, Math.Min(size, text.Length - i)), null);
        }

        yield return Chunk("", "stop");
        yield return SseEvent.Done;
    }

    private async Task<(string Content, List<(string Id, string Name, string Args)> Calls, string? Finish, int Done)> RunAsync(IEnumerable<SseEvent> input)
    {
        if (!ToolCallParserRegistry.TryGet("hermes", out var parser))
        {
            throw new InvalidOperationException("hermes parser missing");
        }

        var output = await Source.From(input).Via(new ToolCallParsingStage(parser, ToolSchemas.Empty)).RunWith(Sink.Seq<SseEvent>(), Sys.Materializer());
        var content = new StringBuilder();
        var calls = new Dictionary<int, (string Id, string Name, StringBuilder Args)>();
        string? finish = null;
        var done = 0;
        foreach (var e in output)
        {
            if (e.IsDone)
            {
                done++;
                continue;
            }

            using var doc = JsonDocument.Parse(e.Data);
            foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
                {
                    finish = f.GetString();
                }

                var delta = choice.GetProperty("delta");
                if (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                {
                    content.Append(c.GetString());
                }

                if (delta.TryGetProperty("tool_calls", out var toolCalls))
                {
                    foreach (var call in toolCalls.EnumerateArray())
                    {
                        var index = call.GetProperty("index").GetInt32();
                        if (!calls.TryGetValue(index, out var entry))
                        {
                            entry = (call.GetProperty("id").GetString()!, call.GetProperty("function").GetProperty("name").GetString()!, new StringBuilder());
                            calls[index] = entry;
                        }

                        if (call.GetProperty("function").TryGetProperty("arguments", out var args))
                        {
                            entry.Args.Append(args.GetString());
                        }
                    }
                }
            }
        }

        return (content.ToString(), calls.OrderBy(c => c.Key).Select(c => (c.Value.Id, c.Value.Name, c.Value.Args.ToString())).ToList(), finish, done);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public async Task ToolCallParsingStage_should_turn_raw_markup_into_tool_call_deltas_however_it_is_chunked(int chunkSize)
    {
        var (content, calls, finish, done) = await RunAsync(UpstreamChunks(Raw, chunkSize));

        Assert.Equal("Checking.", content.Trim());
        var call = Assert.Single(calls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("{\"city\":\"Zürich\"}", call.Args);
        Assert.Equal("tool_calls", finish);
        Assert.Equal(1, done);
    }

    [Fact]
    public async Task ToolCallParsingStage_should_pass_plain_text_through()
    {
        var (content, calls, finish, _) = await RunAsync(UpstreamChunks("Just words, no tools.", 4));

        Assert.Equal("Just words, no tools.", content);
        Assert.Empty(calls);
        Assert.Equal("stop", finish);
    }

    [Fact]
    public async Task ToolCallParsingStage_should_flush_held_text_when_the_stream_is_cut_short()
    {
        var truncated = UpstreamChunks("Almost <tool", 3).Where(e => !e.IsDone).SkipLast(1);

        var (content, _, _, done) = await RunAsync(truncated);

        Assert.Equal("Almost <tool", content);
        Assert.Equal(0, done);
    }
}
