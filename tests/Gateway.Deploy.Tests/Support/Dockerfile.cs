using System.Text.RegularExpressions;

namespace Gateway.Deploy.Tests.Support;

internal sealed record DockerInstruction(string Keyword, string Arguments);

internal sealed record DockerStage(string Image, string? Name, List<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) =>
        Instructions.Where(i => i.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A Dockerfile split into stages of instructions (comments dropped, line continuations joined).</summary>
internal static partial class Dockerfile
{
    public static List<DockerStage> Parse(string text)
    {
        var logical = new List<string>();
        var current = "";
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            if (current.Trim().Length > 0)
            {
                logical.Add(Spaces().Replace(current.Trim(), " "));
            }

            current = "";
        }

        var stages = new List<DockerStage>();
        foreach (var line in logical)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var instruction = new DockerInstruction(line[..space].ToUpperInvariant(), line[(space + 1)..]);
            if (instruction.Keyword == "FROM")
            {
                var m = From().Match(instruction.Arguments);
                stages.Add(new DockerStage(m.Groups["image"].Value, m.Groups["name"].Success ? m.Groups["name"].Value : null, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return stages;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(--\S+\s+)*(?<image>\S+)(\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex From();
}
