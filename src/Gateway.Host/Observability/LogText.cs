namespace Gateway.Host.Observability;

/// <summary>Client-supplied text made safe for a log line.</summary>
internal static class LogText
{
    /// <summary>Control characters in a client-supplied path or model name would forge log lines.</summary>
    public static string? Sanitize(string? text) =>
        text is null || !text.AsSpan().ContainsAnyInRange('\0', '\u001f') ? text : string.Create(text.Length, text, (span, p) =>
        {
            for (var i = 0; i < p.Length; i++)
            {
                span[i] = char.IsControl(p[i]) ? '\uFFFD' : p[i];
            }
        });
}
