using System.Text.RegularExpressions;

namespace Gateway.Streams.Tests.Architecture;

/// <summary>
/// Reads the sources of <c>src/Gateway.Streams</c> and checks that its folders depend on each other one way only:
/// a folder may use the folders of lower layers, never those of its own layer (except the few pairs listed) or above.
/// A folder's sub-namespaces (<c>ToolCalls.Parsers</c>, ...) count as the folder.
/// </summary>
public partial class NamespaceLayeringSpec
{
    private const string Root = "Gateway.Streams";

    /// <summary>Layer of each top-level folder, bottom (0) to top.</summary>
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        // Building blocks that depend on nothing else in Gateway.Streams.
        ["Json"] = 0,
        ["Sse"] = 0,
        ["Breaker"] = 0,

        // The request element and everything it carries: request, outcome, errors, replica, upstream response.
        ["Proxy"] = 1,

        // What the stages and relays are built from.
        ["Limits"] = 2,
        ["Picking"] = 2,
        ["Accounting"] = 2,
        ["Queueing"] = 2,
        ["ToolCalls"] = 2,
        ["Upstream"] = 2,

        // The pipeline's admission stages, and the relays that carry a response back.
        ["Stages"] = 3,
        ["Relay"] = 3,

        // The long-lived per-model pipeline that composes them.
        ["Pipeline"] = 4,
    };

    /// <summary>Same-layer dependencies that are allowed, one way: (from, to).</summary>
    private static readonly HashSet<(string From, string To)> AllowedWithinLayer =
    [
        // The request-preparation stage attaches the response transforms the relays run.
        ("Stages", "Relay"),
    ];

    [Fact]
    public void Every_folder_of_Gateway_Streams_has_a_layer()
    {
        var folders = Directory.GetDirectories(StreamsDirectory())
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj"))
            .Where(name => SourceFiles().Any(f => TopFolder(f) == name))
            .ToList();

        var unplaced = folders.Where(name => !Layers.ContainsKey(name!)).ToList();
        Assert.True(unplaced.Count == 0, "Folders without a layer: " + string.Join(", ", unplaced));
    }

    [Fact]
    public void Every_source_file_declares_the_namespace_of_its_folder()
    {
        var mismatches = new List<string>();
        foreach (var file in SourceFiles())
        {
            var relativeDirectory = Path.GetDirectoryName(Path.GetRelativePath(StreamsDirectory(), file)) ?? "";
            var expected = relativeDirectory.Length == 0
                ? Root
                : Root + "." + relativeDirectory.Replace(Path.DirectorySeparatorChar, '.');
            var declared = NamespaceDeclaration().Matches(File.ReadAllText(file)).Select(m => m.Groups["ns"].Value).ToList();
            if (declared.Count != 1 || declared[0] != expected)
            {
                mismatches.Add($"{Relative(file)}: declares [{string.Join(", ", declared)}], its folder says {expected}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public void No_folder_uses_a_folder_of_its_own_or_a_higher_layer()
    {
        var typesByFolder = DeclaredTypesByFolder();
        var violations = new List<string>();
        foreach (var file in SourceFiles())
        {
            var from = TopFolder(file);
            if (from is null || !Layers.TryGetValue(from, out var fromLayer))
            {
                continue;
            }

            foreach (var (to, how) in References(File.ReadAllText(file), typesByFolder))
            {
                if (to == from || !Layers.TryGetValue(to, out var toLayer))
                {
                    continue;
                }

                if (toLayer > fromLayer || (toLayer == fromLayer && !AllowedWithinLayer.Contains((from, to))))
                {
                    violations.Add($"{Relative(file)}: {from} (layer {fromLayer}) uses {to} (layer {toLayer}) through `{how}`");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations.Distinct()));
    }

    [Fact]
    public void The_reference_finder_sees_usings_qualified_names_and_partly_qualified_names()
    {
        var types = new Dictionary<string, HashSet<string>> { ["Upstream"] = ["VllmDispatcher"], ["Relay"] = ["PlainRelay"] };
        const string source = """
            using Gateway.Streams.Pipeline;
            using static Gateway.Streams.Sse.SseFraming;
            using Alias = Gateway.Streams.Limits.IRateLimiter;

            namespace Gateway.Streams.Proxy;

            // Gateway.Streams.Breaker in a line comment does not count.
            internal sealed class X
            {
                private object A => global::Gateway.Streams.Stages.ThrottleStage.Name;
                private object B => Upstream.VllmDispatcher.Something;
                private object C => endpoint.Relay.PlainRelay;
                private object D => Breaker.RecordFailure();
            }
            """;

        var found = References(source, types).Select(r => r.Folder).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["Limits", "Pipeline", "Sse", "Stages", "Upstream"], found);
    }

    /// <summary>The top-level folders a source file refers to, with the text that refers to each.</summary>
    private static IEnumerable<(string Folder, string How)> References(string source, Dictionary<string, HashSet<string>> typesByFolder)
    {
        var code = string.Join('\n', source.Split('\n').Select(StripLineComment));
        foreach (Match m in UsingDirective().Matches(code))
        {
            yield return (m.Groups["folder"].Value, m.Value.Trim());
        }

        var withoutDirectives = UsingDirective().Replace(NamespaceDeclaration().Replace(code, ""), "");
        foreach (Match m in QualifiedName().Matches(withoutDirectives))
        {
            yield return (m.Groups["folder"].Value, m.Value);
        }

        // Inside namespace Gateway.Streams.X, `Upstream.VllmDispatcher` already names Gateway.Streams.Upstream.
        foreach (Match m in PartlyQualifiedName().Matches(withoutDirectives))
        {
            var folder = m.Groups["folder"].Value;
            if (typesByFolder.TryGetValue(folder, out var types) && types.Contains(m.Groups["type"].Value))
            {
                yield return (folder, m.Value);
            }
        }
    }

    private static string StripLineComment(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("//", StringComparison.Ordinal) && !trimmed.StartsWith("///", StringComparison.Ordinal) ? "" : line;
    }

    private static Dictionary<string, HashSet<string>> DeclaredTypesByFolder()
    {
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            if (TopFolder(file) is not { } folder)
            {
                continue;
            }

            var set = types.TryGetValue(folder, out var existing) ? existing : types[folder] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in TypeDeclaration().Matches(File.ReadAllText(file)))
            {
                set.Add(m.Groups["name"].Value);
            }
        }

        return types;
    }

    private static string? TopFolder(string file)
    {
        var relative = Path.GetRelativePath(StreamsDirectory(), file);
        var separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return separator < 0 ? null : relative[..separator];
    }

    private static string Relative(string file) => Path.GetRelativePath(RepositoryRoot(), file).Replace(Path.DirectorySeparatorChar, '/');

    private static IEnumerable<string> SourceFiles()
    {
        var directory = StreamsDirectory();
        return Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => TopFolder(f) is not ("bin" or "obj"))
            .Order(StringComparer.Ordinal);
    }

    private static string StreamsDirectory() => Path.Combine(RepositoryRoot(), "src", Root);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Gateway.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^\s*namespace\s+(?<ns>[\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?Gateway\.Streams\.(?<folder>\w+)[\w.<>, ]*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?Gateway\.Streams\.(?<folder>\w+)\b")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.:])(?<folder>[A-Z]\w*)\.(?<type>[A-Z]\w*)\b")]
    private static partial Regex PartlyQualifiedName();

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record|delegate\s+[\w<>\[\]?,. ]+?)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();
}
