namespace Gateway.Simulator.Tests;

public sealed class SimulatorCliTests
{
    [Fact]
    public void All_flags_are_parsed()
    {
        var ok = SimulatorCli.TryParse(
            ["--port", "0", "--model", "a", "--model=b", "--host", "0.0.0.0", "--ttft-ms", "5", "--itl-ms", "2",
             "--max-model-len", "100", "--max-tokens", "7", "--embedding-dimensions", "3", "--keep-alive-timeout", "9",
             "--api-key", "k", "--enable-auto-tool-choice", "--legacy-error-envelope", "--max-num-seqs", "4",
             "--kv-cache-tokens=500", "--lora", "ad=/x", "--tool-markup", "granite"],
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
        Assert.Equal(4, options.MaxNumSeqs);
        Assert.Equal(500, options.KvCacheTokens);
        Assert.Equal(["ad=/x"], options.LoraAdapters);
        Assert.Equal("granite", options.ToolMarkup);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port")]
    [InlineData("--port", "abc")]
    [InlineData("--port", "70000")]
    [InlineData("stray")]
    [InlineData("--max-num-seqs", "0")]
    [InlineData("--kv-cache-tokens", "0")]
    [InlineData("--tool-markup", "xml")]
    [InlineData("--lora", "=path")]
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
        Assert.Equal(256, options.MaxNumSeqs);
        Assert.Equal(65536, options.KvCacheTokens);
        Assert.Equal("hermes", options.ToolMarkup);
        Assert.Empty(options.LoraAdapters);
    }
}
