using System.Text.Json;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

/// <summary>One line of <c>toolcall-cases/*.jsonl</c>.</summary>
internal sealed record ToolCallVector(string Parser, string Id, string Raw, string? ExpectedContent, JsonElement ExpectedToolCalls, string Note);

/// <summary>
/// Loads the shared tool-call vectors: the copy in <c>tests/Gateway.Streams.Tests/ToolCalls/cases/</c> (found by
/// walking up to the directory holding <c>Gateway.sln</c>), else <c>../shared/toolcall-cases/</c> next to the repository.
/// </summary>
internal static class ToolCallVectors
{
    private static readonly Lazy<IReadOnlyDictionary<string, ToolCallVector>> All = new(Load);

    public static IReadOnlyDictionary<string, ToolCallVector> ById => All.Value;

    public static string Directory { get; } = FindDirectory();

    private static string FindDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"Gateway.sln not found above {AppContext.BaseDirectory}");
        }

        var copy = Path.Combine(directory.FullName, "tests", "Gateway.Streams.Tests", "ToolCalls", "cases");
        if (System.IO.Directory.EnumerateFiles(copy, "*.jsonl").Any())
        {
            return copy;
        }

        var shared = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "toolcall-cases"));
        return System.IO.Directory.Exists(shared)
            ? shared
            : throw new InvalidOperationException($"no tool-call vectors in {copy} or {shared}");
    }

    private static Dictionary<string, ToolCallVector> Load()
    {
        var vectors = new Dictionary<string, ToolCallVector>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var parser = Path.GetFileNameWithoutExtension(file);
            foreach (var line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var id = root.GetProperty("id").GetString()!;
                var content = root.GetProperty("expected_content");
                vectors.Add(id, new ToolCallVector(
                    parser,
                    id,
                    root.GetProperty("raw").GetString()!,
                    content.ValueKind == JsonValueKind.Null ? null : content.GetString(),
                    root.GetProperty("expected_tool_calls").Clone(),
                    root.TryGetProperty("note", out var note) ? note.GetString() ?? string.Empty : string.Empty));
            }
        }

        return vectors;
    }
}
