using BenchmarkDotNet.Attributes;
using Gateway.Host.Http;
using Gateway.Streams.Limits;

namespace Gateway.Bench;

/// <summary>
/// The bearer-key check (<c>-- keys</c>): a key set of <see cref="Keys"/> keys, a token that matches the first key,
/// the last key, or none. The three must take the same time (the look-up compares every digest in constant time and
/// never stops early), so the time says nothing about whether, or which, key matched.
/// </summary>
public class KeyLookupBench
{
    private ApiKeyAuthenticator? _keys;
    private string _first = "";
    private string _last = "";
    private string _unknown = "";

    [Params(10, 1000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var entries = Enumerable.Range(0, Keys).Select(i =>
            (ApiKeyAuthenticator.Digest($"sk-bench-{i:D8}"), new ApiKeyIdentity($"key-{i}", new HashSet<string>(), KeyLimits.Unlimited)));
        _keys = new ApiKeyAuthenticator(new KeySet(entries, KeyLimits.Unlimited));
        _first = "Bearer sk-bench-00000000";
        _last = $"Bearer sk-bench-{Keys - 1:D8}";
        _unknown = "Bearer sk-bench-99999999";
    }

    [Benchmark(Baseline = true)]
    public bool FirstKey() => _keys!.Authenticate(_first).Identity is not null;

    [Benchmark]
    public bool LastKey() => _keys!.Authenticate(_last).Identity is not null;

    [Benchmark]
    public bool UnknownKey() => _keys!.Authenticate(_unknown).Identity is not null;
}
