namespace Gateway.Simulator.Tests;

public sealed class SimTokenizerTests
{
    [Theory]
    [InlineData("Hello world", new[] { "Hell", "o", " wor", "ld" })]
    [InlineData("a  b", new[] { "a", "  b" })]
    [InlineData("🎉🎉🎉", new[] { "🎉🎉", "🎉" })]
    [InlineData("x\n\n\n\ny", new[] { "x", "\n\n\n\n", "y" })]
    public void Tokens_are_at_most_four_units_and_whitespace_starts_a_token(string text, string[] expected) =>
        Assert.Equal(expected, OutputChunker.Split(text, chunkChars: null).Select(m => m.ToString()));

    [Fact]
    public void Count_agrees_with_split()
    {
        const string text = "The quick brown fox jumps over the lazy dog. 世界 🎉";

        Assert.Equal(OutputChunker.Split(text, null).Length, SimTokenizer.Count(text));
        Assert.Equal(0, SimTokenizer.Count(string.Empty));
    }

    [Fact]
    public void Token_ids_are_stable_and_in_vocabulary_range()
    {
        var id = SimTokenizer.TokenId("Hell");

        Assert.Equal(id, SimTokenizer.TokenId("Hell"));
        Assert.InRange(id, 100, 150_999);
        Assert.NotEqual(id, SimTokenizer.TokenId("Help"));
    }
}
