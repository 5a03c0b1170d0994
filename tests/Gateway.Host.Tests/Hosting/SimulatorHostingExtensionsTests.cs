using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Simulator;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Hosting;

public sealed class SimulatorHostingExtensionsTests
{
    [Fact]
    public async Task The_embedded_simulator_runs_with_the_standalone_defaults_and_writes_what_the_parser_reads()
    {
        var settings = GatewayConfiguration.Bind(new ConfigurationBuilder().Build());
        await using var simulator = await settings.StartEmbeddedSimulatorAsync();

        Assert.NotNull(simulator);
        var standalone = new SimulatorOptions();
        var embedded = simulator.Options;
        Assert.Equal(
            (standalone.TtftMs, standalone.ItlMs, standalone.DefaultMaxTokens, standalone.MaxNumSeqs, standalone.KvCacheTokens, standalone.MaxModelLen),
            (embedded.TtftMs, embedded.ItlMs, embedded.DefaultMaxTokens, embedded.MaxNumSeqs, embedded.KvCacheTokens, embedded.MaxModelLen));
        Assert.Equal("hermes", settings.Models[0].ToolCallParser);
        Assert.Equal("hermes", embedded.ToolMarkup);
        Assert.False(embedded.EnableAutoToolChoice);
    }

    [Theory]
    [InlineData("hermes", "selfhost-qwen", "hermes")]
    [InlineData("mistral", "m", "mistral")]
    [InlineData("auto", "meta-llama/Llama-3.1-8B-Instruct", "llama3_json")]
    [InlineData("none", "m", null)]
    public void The_markup_follows_the_models_parser(string parser, string upstreamModel, string? markup) =>
        Assert.Equal(markup, SimulatorHostingExtensions.ToolMarkupFor(new ModelSettings { Id = "m", UpstreamModel = upstreamModel, ToolCallParser = parser }));
}
