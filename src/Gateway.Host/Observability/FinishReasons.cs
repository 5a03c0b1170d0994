namespace Gateway.Host.Observability;

/// <summary>
/// Picks the <c>finish_reason</c> strings out of a response body or stream chunk for the upstream-attempt span's
/// <c>gen_ai.response.finish_reasons</c>, without parsing the JSON (<c>null</c> ones, in every chunk but the last, are skipped).
/// Only runs when the span is recorded.
/// </summary>
internal static class FinishReasons
{
    private const int MaxReasons = 8;
    private const int MaxLength = 32;

    public static void Collect(ReadOnlySpan<byte> json, List<string> into)
    {
        var key = "\"finish_reason\":"u8;
        while (into.Count < MaxReasons)
        {
            var at = json.IndexOf(key);
            if (at < 0)
            {
                return;
            }

            json = json[(at + key.Length)..].TrimStart(" \t"u8);
            if (json.IsEmpty || json[0] != (byte)'"')
            {
                continue;
            }

            json = json[1..];
            var end = json.IndexOf((byte)'"');
            if (end < 0)
            {
                return;
            }

            if (end is > 0 and <= MaxLength)
            {
                var reason = System.Text.Encoding.UTF8.GetString(json[..end]);
                if (!into.Contains(reason))
                {
                    into.Add(reason);
                }
            }

            json = json[end..];
        }
    }
}
