using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;
using Gateway.Simulator;

namespace Gateway.Host.Tests.Observability;

/// <summary>
/// Prompt and completion text reach the logs only for a key or a model with <c>logContent</c> on (plain and streamed),
/// as one content event per request, with the redaction applied; every other request logs none of it.
/// </summary>
public sealed class ContentLogTests
{
    private const string LoggedKey = "sk-logged-key-5150";
    private const string QuietKey = "sk-quiet-key-6160";
    private const string PromptSecret = "sk-inside-the-prompt-7170";

    [Fact]
    public async Task Only_the_key_that_enables_it_has_its_prompts_and_completions_logged()
    {
        var sink = new CapturingSink();
        await using var gateway = await RunningGateway.StartAsync(
            s => s.Auth.Keys =
            [
                new ApiKeySettings { Name = "logged", Key = LoggedKey, LogContent = true },
                new ApiKeySettings { Name = "quiet", Key = QuietKey },
            ],
            logSink: sink);
        await gateway.WaitUntilReadyAsync();

        foreach (var (key, name) in new[] { (QuietKey, "quiet"), (LoggedKey, "logged") })
        {
            await SendAsync(gateway, key, name + "-plain", stream: false, secret: PromptSecret);
            await SendAsync(gateway, key, name + "-streamed", stream: true, secret: PromptSecret);
        }

        var content = await ContentEventsAsync(sink, expected: 2);
        var written = sink.Written();

        // Default off: the quiet key's text reaches no sink, in no event.
        Assert.DoesNotContain(written, w => w.Contains("quiet-plain-", StringComparison.Ordinal) || w.Contains("quiet-streamed-", StringComparison.Ordinal));

        // On: one event per request with the prompt as sent and the completion (a stream's deltas concatenated).
        Assert.Equal(2, content.Count);
        Assert.All(content, c => Assert.Contains("key=\"logged\"", c, StringComparison.Ordinal));
        Assert.All(content, c => Assert.Contains("model=\"test-model\"", c, StringComparison.Ordinal));
        Assert.All(content, c => Assert.Contains("request_id=", c, StringComparison.Ordinal));
        Assert.Single(content, c => c.Contains("logged-plain-prompt", StringComparison.Ordinal) && c.Contains(Completion("logged-plain"), StringComparison.Ordinal));
        Assert.Single(content, c => c.Contains("logged-streamed-prompt", StringComparison.Ordinal) && c.Contains(Completion("logged-streamed"), StringComparison.Ordinal));

        // The redaction still applies: the prompt's secret-looking field is masked.
        Assert.DoesNotContain(written, w => w.Contains(PromptSecret, StringComparison.Ordinal));
        Assert.All(content, c => Assert.Contains("api_key", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_model_that_enables_it_logs_every_keys_content_from_the_reload_that_turns_it_on()
    {
        var directory = Path.Combine(Path.GetTempPath(), "gateway-content-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["test-model"] });
        var file = Path.Combine(directory, "gateway.json");
        string Config(bool logContent) => $$"""
            { "auth": { "keys": [ { "name": "quiet", "key": "{{QuietKey}}" } ] },
              "upstream": { "probeIntervalSeconds": 0.2, "probeTimeoutSeconds": 1 },
              "models": [ { "id": "test-model", "logContent": {{(logContent ? "true" : "false")}}, "upstreams": ["{{simulator.BaseUrl}}"] } ] }
            """;
        try
        {
            await File.WriteAllTextAsync(file, Config(logContent: false));
            var sink = new CapturingSink();
            var source = new GatewaySettingsSource(new Dictionary<string, string?> { ["GATEWAY_CONFIG_FILE"] = file }, directory, [$"--Gateway:Server:Port={Loopback.FreePort()}"]);
            await using var gateway = await RunningGateway.StartFromSourceAsync(source, logSink: sink);
            await gateway.WaitUntilReadyAsync();

            await SendAsync(gateway, QuietKey, "before-plain", stream: false);
            await SendAsync(gateway, QuietKey, "before-streamed", stream: true);

            await File.WriteAllTextAsync(file, Config(logContent: true));
            var attempt = 0;
            await Eventually.TrueAsync(
                async () =>
                {
                    attempt++;
                    await SendAsync(gateway, QuietKey, $"after{attempt}-streamed", stream: true);
                    return sink.Written().Any(w => IsContentEvent(w) && w.Contains($"after{attempt}-streamed-prompt", StringComparison.Ordinal));
                },
                "the reloaded model logs its content");

            await SendAsync(gateway, QuietKey, "after-plain", stream: false);
            var content = await ContentEventsAsync(sink, expected: 2);
            Assert.Contains(content, c => c.Contains(Completion($"after{attempt}-streamed"), StringComparison.Ordinal) && c.Contains("key=\"quiet\"", StringComparison.Ordinal));
            Assert.Contains(content, c => c.Contains("after-plain-prompt", StringComparison.Ordinal) && c.Contains(Completion("after-plain"), StringComparison.Ordinal));
            Assert.DoesNotContain(sink.Written(), w => w.Contains("before-plain-", StringComparison.Ordinal) || w.Contains("before-streamed-", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Completion(string tag) => tag + "-completion-text";

    private static bool IsContentEvent(string written) => written.StartsWith("content request_id=", StringComparison.Ordinal);

    private static async Task<List<string>> ContentEventsAsync(CapturingSink sink, int expected)
    {
        await Eventually.TrueAsync(() => sink.Written().Count(IsContentEvent) >= expected, $"{expected} content events were written");
        return [.. sink.Written().Where(IsContentEvent)];
    }

    /// <summary>One request whose prompt and completion carry <paramref name="tag"/>; the stream comes in several deltas.</summary>
    private static async Task SendAsync(RunningGateway gateway, string key, string tag, bool stream, string? secret = null)
    {
        var extra = secret is null ? "" : $$""","api_key":"{{secret}}" """;
        var json = $$$"""
            {"model":"test-model","stream":{{{(stream ? "true" : "false")}}},
             "messages":[{"role":"user","content":"{{{tag}}}-prompt"{{{extra}}}}],
             "vllm_sim":{"output":"{{{Completion(tag)}}}","chunk_chars":4}}
            """;
        using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", json, key));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var text = stream ? SseReader.Content(SseReader.Events(body)) : body;
        Assert.Contains(Completion(tag), text, StringComparison.Ordinal);
    }
}
