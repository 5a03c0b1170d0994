using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

/// <summary>Tools without vllm_sim.output: the simulated model calls a tool, then answers from the tool's result.</summary>
public sealed class ToolBehaviourTests
{
    private const string Tools = """
        [{"type":"function","function":{"name":"get_time","parameters":{"type":"object","required":["tz"],"properties":{"tz":{"type":"string"}}}}},
         {"type":"function","function":{"name":"get_weather","parameters":{"type":"object","required":["city","unit"],"properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}}}}}]
        """;

    private const string Weather = "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"example\", \"unit\": \"celsius\"}}";

    public static TheoryData<string, string> Families => new()
    {
        { "hermes", "<tool_call>\n" + Weather + "\n</tool_call>" },
        { "llama3_json", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"example\", \"unit\": \"celsius\"}}" },
        { "mistral", "[TOOL_CALLS][" + Weather + "]" },
        { "pythonic", "[get_weather(city=\"example\", unit=\"celsius\")]" },
        { "qwen3_coder", "<tool_call>\n<function=get_weather>\n<parameter=city>\nexample\n</parameter>\n<parameter=unit>\ncelsius\n</parameter>\n</function>\n</tool_call>" },
        { "deepseek_v3", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"example\", \"unit\": \"celsius\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>" },
        { "granite", "<|tool_call|>[" + Weather + "]" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task With_tool_choice_none_the_call_is_raw_text_in_the_family_markup(string family, string expected)
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, ToolMarkup = family });
        using var client = SimHttp.CreateClient(server);

        var (response, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", Request("none", "What is the weather? use get_weather", skipSpecialTokens: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(expected, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(0, choice.GetProperty("message").GetProperty("tool_calls").GetArrayLength());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Raw_markup_streams_in_chunk_chars_pieces_and_defaults_to_the_first_tool()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, "/v1/chat/completions", Request("none", "hello", stream: true, sim: """{"chunk_chars":5}"""));

        const string expected = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": \"example\"}}\n</tool_call>";
        Assert.Equal(expected, sse.Content);
        Assert.Equal((expected.Length + 4) / 5, sse.Chunks.Count(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) && t.GetString()!.Length > 0));
    }

    [Fact]
    public async Task After_a_tool_message_the_model_answers_with_the_result()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);
        var result = new string('r', 250);
        var json = "{\"tool_choice\":\"none\",\"tools\":" + Tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"time?\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"" + result + "\"}]}";

        var (_, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", json);

        Assert.Equal("The tool returned: " + result[..200], body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_named_tool_choice_returns_a_structured_call_with_finish_stop()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);

        var (_, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", Request("""{"type":"function","function":{"name":"get_weather"}}""", "hi"));

        var choice = body.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        Assert.Equal(string.Empty, message.GetProperty("content").GetString());
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.StartsWith("chatcmpl-tool-", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"city\": \"example\", \"unit\": \"celsius\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Required_calls_the_tool_the_user_mentions()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);

        var (_, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", Request("\"required\"", "please run get_weather"));

        var call = body.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Auto_with_the_flag_streams_a_parsed_call_and_finishes_with_tool_calls()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, EnableAutoToolChoice = true });
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, "/v1/chat/completions", Request("\"auto\"", "weather via get_weather", stream: true, sim: """{"chunk_chars":7}"""));
        var (_, plain) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", Request("\"auto\"", "weather via get_weather"));

        var deltas = sse.Chunks.Select(c => c.GetProperty("choices")[0]).ToArray();
        var calls = deltas.Select(d => d.GetProperty("delta")).Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls")[0]).ToArray();
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.StartsWith("chatcmpl-tool-", calls[0].GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.All(calls.Skip(1), c => Assert.False(c.TryGetProperty("id", out _)));
        Assert.All(calls, c => Assert.Equal(0, c.GetProperty("index").GetInt32()));
        Assert.Equal("{\"city\": \"example\", \"unit\": \"celsius\"}", string.Concat(calls.Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
        Assert.Equal("[DONE]", sse.Events[^1]);

        var message = plain.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal("tool_calls", plain.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task An_explicit_output_still_wins_over_the_tool_behaviour()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);

        var (_, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", Request("none", "hi", sim: """{"output":"plain words"}"""));

        Assert.Equal("plain words", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public void An_unknown_markup_is_refused_at_start()
    {
        Assert.Contains("unknown tool markup", new SimulatorOptions { ToolMarkup = "nope" }.Validate(), StringComparison.Ordinal);
        Assert.True(SimulatorCli.TryParse(["--tool-markup", "pythonic"], out var options, out _, out _));
        Assert.Equal("pythonic", options.ToolMarkup);
    }

    [Fact]
    public async Task Special_marker_tokens_are_stripped_unless_skip_special_tokens_is_false()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, ToolMarkup = "mistral" });
        using var client = SimHttp.CreateClient(server);

        var (_, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", Request("none", "get_weather"));

        Assert.Equal("[" + Weather + "]", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    private static string Request(string toolChoice, string user, bool stream = false, string? sim = null, bool? skipSpecialTokens = null)
    {
        var choice = toolChoice.StartsWith('{') || toolChoice.StartsWith('"') ? toolChoice : "\"" + toolChoice + "\"";
        return "{\"tools\":" + Tools + (skipSpecialTokens is bool skip ? ",\"skip_special_tokens\":" + (skip ? "true" : "false") : string.Empty) + ",\"tool_choice\":" + choice + ",\"stream\":" + (stream ? "true" : "false")
            + ",\"messages\":[{\"role\":\"user\",\"content\":" + JsonSerializer.Serialize(user) + "}]"
            + (sim is null ? string.Empty : ",\"vllm_sim\":" + sim) + "}";
    }
}
