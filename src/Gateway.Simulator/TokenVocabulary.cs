using System.Collections.Concurrent;

namespace Gateway.Simulator;

/// <summary>
/// Reverse map id → token text, filled by <c>/tokenize</c> so that <c>/detokenize</c> can round-trip. Bounded, so a
/// long benchmark of <c>/tokenize</c> cannot grow it without limit; ids it has never seen decode to a word of the
/// deterministic word list.
/// </summary>
internal sealed class TokenVocabulary
{
    private const int Capacity = 200_000;
    private readonly ConcurrentDictionary<int, string> _texts = new();

    public void Remember(int id, ReadOnlySpan<char> text)
    {
        if (_texts.Count < Capacity && !_texts.ContainsKey(id))
        {
            _texts.TryAdd(id, text.ToString());
        }
    }

    public string Decode(int id) => id == SimTokenizer.BosTokenId
        ? string.Empty
        : _texts.TryGetValue(id, out var text) ? text : DeterministicText.Word((ulong)(uint)id, 0, spaced: true);
}
