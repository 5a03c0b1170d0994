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
}
