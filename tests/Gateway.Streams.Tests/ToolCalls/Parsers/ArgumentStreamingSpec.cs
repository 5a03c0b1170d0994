using System.Text;
using System.Text.Json;
using Gateway.Streams.ToolCalls.Parsers;
using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

/// <summary>
/// Arguments stream while the model writes them: fed chunk by chunk, a call's start and its first argument fragment
/// come out before the upstream has sent the end of the call's long value (or, for pythonic, the end of the call),
/// the number of fragments grows with the length of the arguments, and the fragments concatenate to exactly the
/// arguments of the non-streamed parse.
/// </summary>
public sealed class ArgumentStreamingSpec
{
    private const string Text = "The quick brown fox \"jumps\" over\nthe lazy dog; ";

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var format in Formats.Keys)
        {
            data.Add(format, 1);
            data.Add(format, 8);
        }

        return data;
    }

    /// <summary>
    /// Per format: the parser, and the output for a call whose arguments grow with <c>size</c>, with the offset in
    /// that output where the arguments' growing part ends (the first fragment must come out before it is fed).
    /// </summary>
    private static readonly Dictionary<string, (string Parser, Func<int, (string Raw, int GrowingEnd)> Build)> Formats = new()
    {
        ["hermes"] = ("hermes", size => Json(
            "Let me write it. <tool_call>{\"name\": \"write_file\", \"arguments\": {\"path\": \"a.txt\", \"content\": \"", size, "\"}}</tool_call>")),
        ["llama3_json"] = ("llama3_json", size => Json(
            "<|python_tag|>{\"name\": \"write_file\", \"parameters\": {\"path\": \"a.txt\", \"content\": \"", size, "\"}}")),
        ["mistral array"] = ("mistral", size => Json(
            "[TOOL_CALLS][{\"name\": \"write_file\", \"arguments\": {\"path\": \"a.txt\", \"content\": \"", size, "\"}}]")),
        ["mistral name"] = ("mistral", size => Json(
            "[TOOL_CALLS]write_file[ARGS]{\"path\": \"a.txt\", \"content\": \"", size, "\"}")),
        ["granite"] = ("granite", size => Json(
            "<|tool_call|>[{\"name\": \"write_file\", \"arguments\": {\"path\": \"a.txt\", \"content\": \"", size, "\"}}]")),
        ["deepseek_v3"] = ("deepseek_v3", size => Json(
            DeepSeekV3ToolCallParser.CallsBegin + DeepSeekV3ToolCallParser.CallBegin + "function" + DeepSeekV3ToolCallParser.Separator
            + "write_file\n```json\n{\"path\": \"a.txt\", \"content\": \"",
            size,
            "\"}\n```" + DeepSeekV3ToolCallParser.CallEnd + DeepSeekV3ToolCallParser.CallsEnd)),
        ["qwen3_coder"] = ("qwen3_coder", size =>
        {
            var head = "<tool_call>\n<function=write_file>\n<parameter=path>\na.txt\n</parameter>\n<parameter=content>\n";
            var value = Repeat(size);
            return (head + value + "\n</parameter>\n</function>\n</tool_call>", head.Length + value.Length);
        }),
        ["pythonic"] = ("pythonic", size =>
        {
            var arguments = string.Join(", ", Enumerable.Range(0, size / 10).Select(i => $"a{i}='v{i}'"));
            var head = "[write_file(path=\"a.txt\", ";
            return (head + arguments + ")]", head.Length + arguments.Length);
        }),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Arguments_stream_before_the_call_ends_in_fragments_that_grow_with_their_length(string format, int chunkSize)
    {
        var (parserName, build) = Formats[format];
        var parser = Parser(parserName);

        var small = Run(parser, build(40), chunkSize);
        var large = Run(parser, build(400), chunkSize);

        Assert.True(large.Fragments > small.Fragments, $"{format}: {large.Fragments} fragments for long arguments, {small.Fragments} for short ones");
        Assert.True(large.Fragments >= 10, $"{format}: only {large.Fragments} argument fragments");
    }

    [Theory]
    [InlineData("hermes", "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1, \"b\": }}</tool_call>")]
    [InlineData("mistral", "[TOOL_CALLS]f{\"a\": 1, \"b\": \"cut by the end of the output")]
    [InlineData("qwen3_coder", "<tool_call>\n<function=f>\n<parameter=a>\n1\n</parameter>\n<parameter=b c>\n2\n</parameter>\n</function>\n</tool_call>")]
    [InlineData("pythonic", "[f(a=1, b=g())]")]
    public void A_call_that_breaks_after_its_start_went_out_is_abandoned_and_its_markup_is_content(string parserName, string raw)
    {
        var parser = Parser(parserName);
        var whole = parser.Parse(raw, ToolSchemas.Empty);
        Assert.Empty(whole.ToolCalls);
        Assert.Equal(raw, whole.Content);

        var streaming = parser.CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();
        foreach (var chunk in OneCharChunks(raw))
        {
            streaming.Feed(chunk, events);
        }

        streaming.Complete(events);

        var start = Assert.IsType<ToolCallDelta.ToolCallStart>(events[0]);
        Assert.Equal("f", start.Name);
        var abandoned = Assert.Single(events.OfType<ToolCallDelta.ToolCallAbandoned>());
        Assert.Equal(0, abandoned.Index);
        Assert.Contains(events.TakeWhile(e => e is not ToolCallDelta.ToolCallAbandoned), e => e is ToolCallDelta.ToolCallArguments);
        Assert.Equal(raw, string.Concat(events.OfType<ToolCallDelta.Content>().Select(c => c.Text)));
        Assert.False(streaming.EmittedToolCalls);
    }

    [Fact]
    public void A_call_that_breaks_within_the_same_chunk_is_withdrawn_without_trace()
    {
        const string Raw = "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": x}}</tool_call>";
        var streaming = Parser("hermes").CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();

        streaming.Feed(Raw, events);
        streaming.Complete(events);

        Assert.Equal([new ToolCallDelta.Content(Raw)], events);
    }

    private static (int Fragments, int FedBeforeFirstFragment) Run(IToolCallParser parser, (string Raw, int GrowingEnd) output, int chunkSize)
    {
        var whole = parser.Parse(output.Raw, ToolSchemas.Empty);
        var call = Assert.Single(whole.ToolCalls);
        Assert.Equal("write_file", call.Name);
        using (var arguments = JsonDocument.Parse(call.ArgumentsJson))
        {
            Assert.Equal("a.txt", arguments.RootElement.GetProperty("path").GetString());
        }

        var streaming = parser.CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();
        var fed = 0;
        var startFed = -1;
        var firstFragmentFed = -1;
        foreach (var chunk in FixedChunks(output.Raw, chunkSize))
        {
            streaming.Feed(chunk, events);
            fed += chunk.Length;
            if (startFed < 0 && events.OfType<ToolCallDelta.ToolCallStart>().Any())
            {
                startFed = fed;
            }

            if (firstFragmentFed < 0 && events.OfType<ToolCallDelta.ToolCallArguments>().Any())
            {
                firstFragmentFed = fed;
            }
        }

        streaming.Complete(events);

        Assert.InRange(startFed, 1, output.GrowingEnd);
        Assert.InRange(firstFragmentFed, startFed, output.GrowingEnd - 1);
        var fragments = events.OfType<ToolCallDelta.ToolCallArguments>().ToList();
        Assert.All(fragments, fragment => Assert.Equal(0, fragment.Index));
        Assert.Equal(call.ArgumentsJson, string.Concat(fragments.Select(f => f.Fragment)));
        Assert.DoesNotContain(events, e => e is ToolCallDelta.ToolCallAbandoned);
        Assert.True(streaming.EmittedToolCalls);
        return (fragments.Count, firstFragmentFed);
    }

    private static (string Raw, int GrowingEnd) Json(string head, int size, string tail)
    {
        var value = JsonSerializer.Serialize(Repeat(size))[1..^1];
        return (head + value + tail, head.Length + value.Length);
    }

    private static string Repeat(int size)
    {
        var text = new StringBuilder(size + Text.Length);
        while (text.Length < size)
        {
            text.Append(Text);
        }

        return text.ToString(0, size);
    }
}
