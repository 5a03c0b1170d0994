using YamlDotNet.RepresentationModel;

namespace Gateway.Deploy.Tests.Support;

/// <summary>Small accessors over YamlDotNet's representation model.</summary>
internal static class Yaml
{
    public static YamlMappingNode Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
    }

    public static YamlNode? Get(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static YamlNode Req(this YamlNode node, string key) =>
        node.Get(key) ?? throw new Xunit.Sdk.XunitException($"missing key '{key}' in {node.Start}");

    public static string? Scalar(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static List<string> Strings(this YamlNode? node) => node switch
    {
        YamlSequenceNode seq => seq.Children.Select(c => c.Scalar() ?? "").ToList(),
        YamlScalarNode s => [s.Value ?? ""],
        _ => [],
    };

    /// <summary>A compose environment block as a dictionary (map form or list of NAME=VALUE).</summary>
    public static Dictionary<string, string> Environment(this YamlNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    result[k.Scalar()!] = v.Scalar() ?? "";
                }

                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children.Select(c => c.Scalar() ?? ""))
                {
                    var eq = item.IndexOf('=', StringComparison.Ordinal);
                    result[eq < 0 ? item : item[..eq]] = eq < 0 ? "" : item[(eq + 1)..];
                }

                break;
        }

        return result;
    }
}
