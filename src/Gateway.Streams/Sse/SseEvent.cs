namespace Gateway.Streams.Sse;

/// <summary>
/// One complete server-sent event: the joined <c>data:</c> lines as raw UTF-8 bytes (never decoded, so a
/// multi-byte character split across reads cannot be corrupted). <see cref="MoreFollows"/> says that more
/// events completed in the same upstream read, so the relay may flush once after the last of them.
/// </summary>
public readonly record struct SseEvent(ReadOnlyMemory<byte> Data, bool MoreFollows = false)
{
    private static ReadOnlySpan<byte> DoneMarker => "[DONE]"u8;
    private static ReadOnlySpan<byte> ErrorKey => "\"error\""u8;
    private static ReadOnlySpan<byte> Whitespace => " \t\r\n"u8;

    /// <summary>The terminal <c>data: [DONE]</c> event.</summary>
    public bool IsDone => Data.Span.SequenceEqual(DoneMarker);

    /// <summary>An in-band error event (<c>data: {"error": ...}</c>), as vLLM sends after the stream started.</summary>
    public bool IsError
    {
        get
        {
            var span = Data.Span.TrimStart(Whitespace);
            if (span.IsEmpty || span[0] != (byte)'{')
            {
                return false;
            }

            return span[1..].TrimStart(Whitespace).StartsWith(ErrorKey);
        }
    }

    public static SseEvent Done { get; } = new("[DONE]"u8.ToArray());
}
