namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>Matching of literal markers against text that may end in the middle of one.</summary>
internal static class Markers
{
    public enum Match
    {
        None,
        Partial,
        Full,
    }

    /// <summary>Whether <paramref name="text"/> starts with <paramref name="marker"/>, or is cut inside it.</summary>
    public static Match At(ReadOnlySpan<char> text, string marker)
    {
        if (text.Length >= marker.Length)
        {
            return text.StartsWith(marker, StringComparison.Ordinal) ? Match.Full : Match.None;
        }

        return marker.AsSpan().StartsWith(text, StringComparison.Ordinal) ? Match.Partial : Match.None;
    }

    public static int SkipWhitespace(ReadOnlySpan<char> text, int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }
}
