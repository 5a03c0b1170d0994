using System.Security.Cryptography;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Tool call ids as OpenAI spells them: <c>call_</c> followed by 24 random alphanumerics.</summary>
internal static class ToolCallIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => string.Create(29, 0, static (span, _) =>
    {
        "call_".CopyTo(span);
        RandomNumberGenerator.GetItems(Alphabet, span[5..]);
    });
}
