namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Helpers for content ranges of a source string.</summary>
internal static class SourceRanges
{
    /// <summary>Extends <paramref name="piece"/> when the range at <paramref name="offset"/> of <paramref name="source"/> follows it directly.</summary>
    public static bool TryExtend(string source, ReadOnlyMemory<char> piece, int offset, int length, out ReadOnlyMemory<char> merged)
    {
        merged = default;
        if (!source.AsSpan().Overlaps(piece.Span, out var pieceOffset) || pieceOffset + piece.Length != offset)
        {
            return false;
        }

        merged = source.AsMemory(pieceOffset, piece.Length + length);
        return true;
    }
}
