using Akka.Actor;
using Akka.Event;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Host.Tests.Observability;

/// <summary>A bearer token, a JSON <c>api_key</c> and a configured key secret never reach a sink, from Serilog or Akka.</summary>
public sealed class LogRedactionTests
{
    private const string KeySecret = "sk-configured-secret-4711";
    private const string BodySecret = "sk-body-api-key-0815";
    private const string AkkaSecret = "sk-akka-bearer-1234";

    [Fact]
    public async Task Secrets_never_reach_any_sink()
    {
        var sink = new CapturingSink();
        await using var gateway = await RunningGateway.StartAsync(
            s =>
            {
                s.Auth.Keys = [new ApiKeySettings { Name = "team", Key = KeySecret }];
                s.LogLevel = "DEBUG";
            },
            logSink: sink);
        await gateway.WaitUntilReadyAsync();

        using var chat = await gateway.Client.SendAsync(gateway.Post(
            "/v1/chat/completions", $$"""{"model":"test-model","api_key":"{{BodySecret}}","messages":[{"role":"user","content":"hi"}]}""", KeySecret));
        Assert.True(chat.IsSuccessStatusCode);

        // Something that does log them: an Akka event and a structured Serilog event.
        var system = gateway.App.Services.GetRequiredService<ActorSystem>();
        system.Log.Warning($"probe said Authorization: Bearer {AkkaSecret} and {{\"api_key\":\"{BodySecret}\"}}");
        var logger = gateway.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Test");
#pragma warning disable CA1848, CA2254
        logger.LogWarning("headers {Authorization} body {Body} key {ApiKey}", "Bearer " + KeySecret, $$"""{"api_key": "{{BodySecret}}"}""", KeySecret);
#pragma warning restore CA1848, CA2254

        await Eventually.TrueAsync(() => sink.Written().Any(w => w.Contains("probe said", StringComparison.Ordinal)), "Akka's event reached the sink");
        await Eventually.TrueAsync(() => sink.Written().Any(w => w.Contains("outcome=", StringComparison.Ordinal) || w.Contains("\"Outcome\"", StringComparison.Ordinal)), "the access line was written");
        var written = sink.Written();
        foreach (var secret in new[] { KeySecret, BodySecret, AkkaSecret })
        {
            Assert.DoesNotContain(written, w => w.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains(written, w => w.Contains("probe said Authorization: Bearer ***", StringComparison.Ordinal) || w.Contains("probe said Authorization: ***", StringComparison.Ordinal));
        Assert.Contains(written, w => w.Contains("key=\"team\"", StringComparison.Ordinal) || w.Contains("key=team", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_secret_added_by_a_config_reload_is_masked_too()
    {
        const string Reloaded = "sk-reloaded-secret-9090";
        var directory = Path.Combine(Path.GetTempPath(), "gateway-redact-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var simulator = await Gateway.Simulator.SimulatorServer.StartAsync(new Gateway.Simulator.SimulatorOptions { Port = 0, Models = ["test-model"] });
        var file = Path.Combine(directory, "gateway.json");
        string Config(string key) => $$"""
            { "auth": { "keys": [ { "name": "team", "key": "{{key}}" } ] },
              "upstream": { "probeIntervalSeconds": 0.2, "probeTimeoutSeconds": 1 },
              "models": [ { "id": "test-model", "upstreams": ["{{simulator.BaseUrl}}"] } ] }
            """;
        try
        {
            await File.WriteAllTextAsync(file, Config(KeySecret));
            var sink = new CapturingSink();
            var source = new GatewaySettingsSource(new Dictionary<string, string?> { ["GATEWAY_CONFIG_FILE"] = file }, directory, [$"--Gateway:Server:Port={Loopback.FreePort()}"]);
            await using var gateway = await RunningGateway.StartFromSourceAsync(source, logSink: sink);
            await gateway.WaitUntilReadyAsync();

            await File.WriteAllTextAsync(file, Config(Reloaded));
            await Eventually.TrueAsync(
                async () =>
                {
                    using var chat = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", Reloaded));
                    return chat.IsSuccessStatusCode;
                },
                "the reloaded key is in force");

            var logger = gateway.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Test");
#pragma warning disable CA1848, CA2254
            logger.LogWarning("a note that quotes {Note}", "the new key is " + Reloaded);
#pragma warning restore CA1848, CA2254
            await Eventually.TrueAsync(() => sink.Written().Any(w => w.Contains("the new key is", StringComparison.Ordinal)), "the event reached the sink");
            Assert.DoesNotContain(sink.Written(), w => w.Contains(Reloaded, StringComparison.Ordinal));
            Assert.Contains(sink.Written(), w => w.Contains("the new key is ***", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
