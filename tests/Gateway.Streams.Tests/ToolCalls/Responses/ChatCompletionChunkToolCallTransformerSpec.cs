using System.Text.Json;
using System.Text;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Responses;

namespace Gateway.Streams.Tests.ToolCalls.Responses;

public sealed class ChatCompletionChunkToolCallTransformerSpec
{
    private const string Prefix = "{\"id\":\"chatcmpl-7c3a\",\"object\":\"chat.completion.chunk\",\"created\":1732406402,\"model\":\"qwen2.5-7b\",";

    private const string RoleChunk =
        Prefix + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"prompt_token_ids\":null}";

    private const string UsageChunk =
        Prefix + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"total_tokens\":12,\"completion_tokens\":3}}";

    private const string ModelOutput = "Let me check. [[get_weather {\"city\": \"Zürich\", \"unit\": \"c\"}]] and [[get_time {}]] Done ✓";

    private static string ContentChunk(string text, int index = 0) =>
        Prefix + "\"choices\":[{\"index\":" + index + ",\"delta\":{\"content\":" + JsonSerializer.Serialize(text) + "},\"logprobs\":null,\"finish_reason\":null,\"token_ids\":null}]}";

    private static string FinishChunk(string text = "", string finish = "stop", int index = 0) =>
        Prefix + "\"choices\":[{\"index\":" + index + ",\"delta\":{\"content\":" + JsonSerializer.Serialize(text) + "},\"logprobs\":null,\"finish_reason\":\""
        + finish + "\",\"stop_reason\":null,\"token_ids\":null}]}";

    private static List<byte[]> Run(IEnumerable<string> chunks, bool end = true)
    {
        var transformer = new ChatCompletionChunkToolCallTransformer(new BracketTestParser(), ToolSchemas.Empty);
        var output = new List<byte[]>();
        foreach (var chunk in chunks)
        {
            transformer.OnChunk(Encoding.UTF8.GetBytes(chunk), output);
        }

        if (end)
        {
            transformer.OnEnd(output);
        }

        return output;
    }

    private static IEnumerable<string> Split(string text, IEnumerable<int> sizes)
    {
        var at = 0;
        foreach (var size in sizes)
        {
            if (at >= text.Length)
            {
                yield break;
            }

            var length = Math.Min(size, text.Length - at);
            yield return text.Substring(at, length);
            at += length;
        }

        if (at < text.Length)
        {
            yield return text[at..];
        }
    }

    private static List<string> Stream(IEnumerable<string> deltas, string lastDelta = "") =>
        [RoleChunk, .. deltas.Select(d => ContentChunk(d)), FinishChunk(lastDelta), UsageChunk];

    [Fact]
    public void Markup_split_mid_marker_is_rebuilt_by_an_sdk_accumulator()
    {
        // Splits fall inside "[[", inside the name, inside the arguments and inside "]]".
        var deltas = Split(ModelOutput, [15, 3, 7, 12, 9, 14, 1, 5, 8, 4]).ToList();
        Assert.Equal(ModelOutput, string.Concat(deltas));

        var output = Run(Stream(deltas));
        var message = Accumulator.Build(output);

        AssertWeatherAndTime(message);
        Assert.Equal(UsageChunk, Encoding.UTF8.GetString(output[^1]));
    }

    [Fact]
    public void One_character_deltas_give_the_same_result()
    {
        var output = Run(Stream(ModelOutput.Select(c => c.ToString())));

        AssertWeatherAndTime(Accumulator.Build(output));
    }

    [Fact]
    public void The_whole_output_in_the_finish_chunk_gives_the_same_result()
    {
        var output = Run([RoleChunk, FinishChunk(ModelOutput), UsageChunk]);

        AssertWeatherAndTime(Accumulator.Build(output));
    }

    private static void AssertWeatherAndTime(Accumulator.Message message)
    {
        Assert.Equal("Let me check.  and  Done ✓", message.Content);
        Assert.Equal("tool_calls", message.FinishReason);
        Assert.Equal(2, message.Calls.Count);
        Assert.Equal(("call_test_0", "function", "get_weather"), (message.Calls[0].Id, message.Calls[0].Type, message.Calls[0].Name));
        Assert.Equal("{\"city\": \"Zürich\", \"unit\": \"c\"}", message.Calls[0].Arguments);
        Assert.Equal(("call_test_1", "function", "get_time"), (message.Calls[1].Id, message.Calls[1].Type, message.Calls[1].Name));
        Assert.Equal("{}", message.Calls[1].Arguments);
        Assert.Equal("assistant", message.Role);
        Assert.Equal(1, message.FinishChunks);
    }

    [Fact]
    public void Emitted_chunks_keep_the_upstream_top_level_fields()
    {
        var output = Run(Stream(["[[f {\"a\":", "1}]]"]));

        Assert.True(output.Count >= 5);
        foreach (var chunk in output)
        {
            var text = Encoding.UTF8.GetString(chunk);
            Assert.StartsWith(Prefix + "\"choices\":[", text, StringComparison.Ordinal);
        }

        var start = Encoding.UTF8.GetString(output[1]);
        Assert.Equal(
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_test_0\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            start);
        var finish = Encoding.UTF8.GetString(output[^2]);
        Assert.Equal(
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\",\"stop_reason\":null}]}",
            finish);
    }

    [Fact]
    public void Plain_text_streams_pass_through_byte_identical()
    {
        List<string> input = [RoleChunk, ContentChunk("Hel"), ContentChunk("lo "), ContentChunk("wörld!"), FinishChunk(), UsageChunk];

        var output = Run(input);

        Assert.Equal(input, output.Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public void Held_back_text_is_released_when_it_cannot_start_a_marker()
    {
        var output = Run(Stream(["See [", "1] and [", "[x"]));
        var message = Accumulator.Build(output);

        // "[[x" never completes a name: the parser gives it back as text at the end.
        Assert.Equal("See [1] and [[x", message.Content);
        Assert.Equal("stop", message.FinishReason);
        Assert.Empty(message.Calls);
    }

    [Fact]
    public void Structured_tool_calls_from_vllm_switch_the_choice_to_pass_through()
    {
        List<string> input =
        [
            RoleChunk,
            ContentChunk("Let me check."),
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"chatcmpl-tool-a91f\",\"type\":\"function\",\"index\":0,\"function\":{\"name\":\"get_weather\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]}",
            ContentChunk("[[not parsed {}]]"),
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\",\"stop_reason\":null}]}",
            UsageChunk,
        ];

        var output = Run(input);

        Assert.Equal(input, output.Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public void End_without_finish_completes_the_parser_and_emits_the_finish()
    {
        var output = Run([RoleChunk, ContentChunk("Sure. [[f {\"q\":"), ContentChunk("\"x\"}]"), UsageChunk]);
        var message = Accumulator.Build(output);

        Assert.Equal("Sure. ", message.Content);
        Assert.Single(message.Calls);
        Assert.Equal("{\"q\":\"x\"}]", message.Calls[0].Arguments);
        Assert.Equal("tool_calls", message.FinishReason);

        // The synthesised finish comes last, with the stream's id/model but without the usage chunk's usage.
        var last = Encoding.UTF8.GetString(output[^1]);
        Assert.Equal(
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}",
            last);
    }

    [Fact]
    public void End_without_finish_and_without_calls_reports_stop()
    {
        var output = Run([RoleChunk, ContentChunk("Hi [")]);
        var message = Accumulator.Build(output);

        Assert.Equal("Hi [", message.Content);
        Assert.Equal("stop", message.FinishReason);
        Assert.Equal(1, message.FinishChunks);
    }

    [Fact]
    public void End_after_finish_emits_nothing_more()
    {
        var transformer = new ChatCompletionChunkToolCallTransformer(new BracketTestParser(), ToolSchemas.Empty);
        var output = new List<byte[]>();
        transformer.OnChunk(Encoding.UTF8.GetBytes(ContentChunk("[[f {}]]")), output);
        transformer.OnChunk(Encoding.UTF8.GetBytes(FinishChunk()), output);
        var count = output.Count;

        transformer.OnEnd(output);
        transformer.OnEnd(output);

        Assert.Equal(count, output.Count);
    }

    [Fact]
    public void Other_delta_fields_go_out_in_a_chunk_of_their_own()
    {
        const string Input =
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\",\"content\":\"a[[f {}]]\"},\"logprobs\":null,\"finish_reason\":null}]}";

        var output = Run([Input, FinishChunk()], end: false);

        Assert.Equal(
            Prefix + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\"},\"logprobs\":null,\"finish_reason\":null}]}",
            Encoding.UTF8.GetString(output[0]));
        var message = Accumulator.Build(output);
        Assert.Equal("hmm", message.Reasoning);
        Assert.Equal("a", message.Content);
        Assert.Equal("tool_calls", message.FinishReason);
    }

    [Fact]
    public void Choices_are_parsed_independently()
    {
        List<string> input =
        [
            ContentChunk("[[f {\"a\":", 0),
            ContentChunk("plain [", 1),
            ContentChunk("1}]]", 0),
            ContentChunk("[g {}]]", 1),
            FinishChunk(index: 0),
            FinishChunk(index: 1),
        ];

        var output = Run(input);

        var first = Accumulator.Build(output, choiceIndex: 0);
        var second = Accumulator.Build(output, choiceIndex: 1);
        Assert.Equal(("f", "{\"a\":1}", "tool_calls"), (first.Calls[0].Name, first.Calls[0].Arguments, first.FinishReason));
        Assert.Equal(("g", "{}", "tool_calls"), (second.Calls[0].Name, second.Calls[0].Arguments, second.FinishReason));
        Assert.Equal("plain ", second.Content);
        Assert.Equal("call_test_0", second.Calls[0].Id);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"error\":{\"message\":\"boom\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}")]
    [InlineData("{\"object\":\"something.else\"}")]
    public void Unrecognised_payloads_pass_through(string payload)
    {
        var output = Run([payload], end: false);

        Assert.Equal(payload, Encoding.UTF8.GetString(Assert.Single(output)));
    }

    /// <summary>Rebuilds one choice the way openai-python's <c>accumulate_delta</c> does (strings concatenate).</summary>
    private static class Accumulator
    {
        public sealed record Call(string? Id, string? Type, string? Name, string Arguments);

        public sealed record Message(string? Role, string Content, string Reasoning, List<Call> Calls, string? FinishReason, int FinishChunks);

        public static Message Build(List<byte[]> chunks, int choiceIndex = 0)
        {
            string? role = null, finish = null;
            var content = new StringBuilder();
            var reasoning = new StringBuilder();
            var calls = new SortedDictionary<int, (StringBuilder Id, string? Type, StringBuilder Name, StringBuilder Args)>();
            var finishes = 0;
            foreach (var chunk in chunks)
            {
                using var document = JsonDocument.Parse(chunk);
                foreach (var choice in document.RootElement.GetProperty("choices").EnumerateArray())
                {
                    if (choice.GetProperty("index").GetInt32() != choiceIndex)
                    {
                        continue;
                    }

                    if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
                    {
                        finish = f.GetString();
                        finishes++;
                    }

                    var delta = choice.GetProperty("delta");
                    if (delta.TryGetProperty("role", out var r))
                    {
                        role = r.GetString();
                    }

                    if (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        content.Append(c.GetString());
                    }

                    if (delta.TryGetProperty("reasoning_content", out var rc) && rc.ValueKind == JsonValueKind.String)
                    {
                        reasoning.Append(rc.GetString());
                    }

                    if (delta.TryGetProperty("tool_calls", out var tc) && tc.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var call in tc.EnumerateArray())
                        {
                            var index = call.GetProperty("index").GetInt32();
                            if (!calls.TryGetValue(index, out var acc))
                            {
                                acc = (new StringBuilder(), null, new StringBuilder(), new StringBuilder());
                            }

                            if (call.TryGetProperty("id", out var id))
                            {
                                acc.Id.Append(id.GetString());
                            }

                            if (call.TryGetProperty("type", out var type))
                            {
                                acc.Type = type.GetString();
                            }

                            if (call.TryGetProperty("function", out var function))
                            {
                                if (function.TryGetProperty("name", out var name))
                                {
                                    acc.Name.Append(name.GetString());
                                }

                                if (function.TryGetProperty("arguments", out var args))
                                {
                                    acc.Args.Append(args.GetString());
                                }
                            }

                            calls[index] = acc;
                        }
                    }
                }
            }

            return new Message(
                role,
                content.ToString(),
                reasoning.ToString(),
                calls.Values.Select(a => new Call(a.Id.ToString(), a.Type, a.Name.ToString(), a.Args.ToString())).ToList(),
                finish,
                finishes);
        }
    }
}
