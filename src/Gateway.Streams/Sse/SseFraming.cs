namespace Gateway.Streams.Sse;

/// <summary>Renders events in vLLM's framing: exactly <c>data: &lt;payload&gt;\n\n</c>.</summary>
internal static class SseFraming
{
    public static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    public static ReadOnlySpan<byte> EventEnd => "\n\n"u8;
    public static ReadOnlySpan<byte> DoneEvent => "data: [DONE]\n\n"u8;

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var framed = new byte[DataPrefix.Length + payload.Length + EventEnd.Length];
        DataPrefix.CopyTo(framed);
        payload.CopyTo(framed.AsSpan(DataPrefix.Length));
        EventEnd.CopyTo(framed.AsSpan(DataPrefix.Length + payload.Length));
        return framed;
    }
}
