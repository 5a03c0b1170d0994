namespace Gateway.Simulator.Tests;

public sealed class OutputChunkerTests
{
    [Fact]
    public void Chunk_chars_never_splits_a_surrogate_pair()
    {
        var pieces = OutputChunker.Split("a🎉b🎉", chunkChars: 2).Select(m => m.ToString()).ToList();

        Assert.Equal(["a🎉", "b🎉"], pieces);
        Assert.All(pieces, p => Assert.False(char.IsHighSurrogate(p[^1])));
    }

    [Fact]
    public void Chunk_chars_one_keeps_emoji_whole()
    {
        var pieces = OutputChunker.Split("é🎉", chunkChars: 1).Select(m => m.ToString()).ToList();

        Assert.Equal(["é", "🎉"], pieces);
    }

    [Fact]
    public void Empty_output_has_no_pieces() => Assert.Empty(OutputChunker.Split(string.Empty, null));
}
