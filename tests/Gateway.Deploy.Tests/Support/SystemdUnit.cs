namespace Gateway.Deploy.Tests.Support;

/// <summary>A systemd unit file: section → key → values in order (a key may repeat).</summary>
internal sealed class SystemdUnit
{
    private readonly Dictionary<string, Dictionary<string, List<string>>> _sections = new(StringComparer.Ordinal);

    public static SystemdUnit Load(string path)
    {
        var unit = new SystemdUnit();
        Dictionary<string, List<string>>? section = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                unit._sections[line[1..^1]] = section;
                continue;
            }

            Assert.NotNull(section);
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(eq > 0, $"not Key=Value: '{line}'");
            var key = line[..eq].Trim();
            if (!section.TryGetValue(key, out var values))
            {
                section[key] = values = [];
            }

            values.Add(line[(eq + 1)..].Trim());
        }

        return unit;
    }

    public bool Has(string section, string key) => _sections.TryGetValue(section, out var s) && s.ContainsKey(key);

    /// <summary>The effective (last) value.</summary>
    public string Get(string section, string key) =>
        _sections.TryGetValue(section, out var s) && s.TryGetValue(key, out var v)
            ? v[^1]
            : throw new Xunit.Sdk.XunitException($"[{section}] {key}= is not set");
}
