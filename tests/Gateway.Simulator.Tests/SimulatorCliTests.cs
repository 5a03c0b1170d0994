namespace Gateway.Simulator.Tests;

public sealed class SimulatorCliTests
{
    [Fact]
    public void All_flags_are_parsed()
    {
        var ok = SimulatorCli.TryParse(
            ["--port", "0", "--model", "a", "--model=b", "--host", "0.0.0.0", "--ttft-ms", "5", "--itl-ms", "2",
             "--max-model-len", "100", "--max-tokens", "7", "--embedding-dimensions", "3", "--keep-alive-timeout", "9",
             "--api-key", "k", "--enable-auto-tool-choice", "--legacy-error-envelope"],
            out var options,
            out var help,
            out var error);

        Assert.True(ok, error);
        Assert.False(help);
        Assert.Equal(0, options.Port);
        Assert.Equal(["a", "b"], options.Models);
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(5, options.TtftMs);
        Assert.Equal(2, options.ItlMs);
        Assert.Equal(100, options.MaxModelLen);
        Assert.Equal(7, options.DefaultMaxTokens);
        Assert.Equal(3, options.EmbeddingDimensions);
        Assert.Equal(9, options.KeepAliveTimeoutSeconds);
        Assert.Equal(["k"], options.ApiKeys);
        Assert.True(options.EnableAutoToolChoice);
        Assert.True(options.LegacyErrorEnvelope);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port")]
    [InlineData("--port", "abc")]
    [InlineData("--port", "70000")]
    [InlineData("stray")]
    public void Bad_flags_give_one_line_errors(params string[] args)
    {
        var ok = SimulatorCli.TryParse(args, out _, out _, out var error);

        Assert.False(ok);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Defaults_without_flags()
    {
        Assert.True(SimulatorCli.TryParse([], out var options, out _, out _));
        Assert.Equal(18000, options.Port);
        Assert.Equal(["sim-model"], options.Models);
    }
}
