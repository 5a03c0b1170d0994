using System.Globalization;
using System.Text;

namespace Gateway.Host.Tests.Support;

/// <summary>
/// A parser for the Prometheus text exposition format (0.0.4): <c># HELP</c>, <c># TYPE</c>, samples with escaped
/// label values, optional timestamps. Anything malformed throws <see cref="FormatException"/>, so a test that parses
/// a scrape also checks that it is valid: legal metric and label names, no duplicate series, samples after their
/// family's TYPE, histogram buckets cumulative and ending in <c>+Inf</c> equal to <c>_count</c>.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, List<Sample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>Family name → type (counter, gauge, histogram, summary, untyped).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string SeriesKey => Name + "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
    }

    /// <summary>Sum of the samples named <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    public bool Has(string name, params (string Key, string Value)[] labels) =>
        Samples.Any(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var series = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] == "TYPE")
                {
                    RequireMetricName(parts[2], lineNumber);
                    var type = parts.Length == 4 ? parts[3] : throw new FormatException($"line {lineNumber}: TYPE without a type");
                    if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                    {
                        throw new FormatException($"line {lineNumber}: unknown type '{type}'");
                    }

                    if (!types.TryAdd(parts[2], type))
                    {
                        throw new FormatException($"line {lineNumber}: second TYPE for {parts[2]}");
                    }
                }
                else if (parts.Length >= 3 && parts[1] == "HELP")
                {
                    RequireMetricName(parts[2], lineNumber);
                }

                continue;
            }

            var sample = ParseSample(line, lineNumber);
            if (!series.Add(sample.SeriesKey))
            {
                throw new FormatException($"line {lineNumber}: duplicate series {sample.SeriesKey}");
            }

            if (FamilyOf(sample.Name, types) is null)
            {
                throw new FormatException($"line {lineNumber}: sample {sample.Name} before any TYPE for its family");
            }

            samples.Add(sample);
        }

        var parsed = new PrometheusText(types, samples);
        parsed.CheckHistograms();
        return parsed;
    }

    private static string? FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count", "_total", "_created" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.ContainsKey(name[..^suffix.Length]))
            {
                return name[..^suffix.Length];
            }
        }

        return null;
    }

    private void CheckHistograms()
    {
        foreach (var (family, _) in Types.Where(t => t.Value == "histogram"))
        {
            var groups = Samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
            foreach (var group in groups)
            {
                var buckets = group.Select(s => (Le: ParseValue(s.Labels["le"], 0), s.Value)).OrderBy(b => b.Le).ToList();
                for (var i = 1; i < buckets.Count; i++)
                {
                    if (buckets[i].Value < buckets[i - 1].Value)
                    {
                        throw new FormatException($"{family}: buckets not cumulative at le={buckets[i].Le}");
                    }
                }

                if (!double.IsPositiveInfinity(buckets[^1].Le))
                {
                    throw new FormatException($"{family}: no +Inf bucket");
                }

                var labels = group.First().Labels.Where(l => l.Key != "le").ToArray();
                var count = Samples.Single(s => s.Name == family + "_count" && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));
                if (count.Value != buckets[^1].Value)
                {
                    throw new FormatException($"{family}: +Inf bucket {buckets[^1].Value} differs from _count {count.Value}");
                }
            }
        }
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        RequireMetricName(name, lineNumber);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length)
                {
                    throw new FormatException($"line {lineNumber}: unterminated label set");
                }

                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                var labelName = line[start..i];
                if (!IsLabelName(labelName))
                {
                    throw new FormatException($"line {lineNumber}: illegal label name '{labelName}'");
                }

                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new FormatException($"line {lineNumber}: label value not quoted");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException($"line {lineNumber}: unterminated label value");
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        var e = i < line.Length ? line[i++] : throw new FormatException($"line {lineNumber}: dangling escape");
                        value.Append(e switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            _ => throw new FormatException($"line {lineNumber}: bad escape \\{e}"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!labels.TryAdd(labelName, value.ToString()))
                {
                    throw new FormatException($"line {lineNumber}: label {labelName} twice");
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                }
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"line {lineNumber}: no value");
        }

        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2)
        {
            throw new FormatException($"line {lineNumber}: expected a value and an optional timestamp");
        }

        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"line {lineNumber}: bad timestamp '{rest[1]}'");
        }

        return new Sample(name, labels, ParseValue(rest[0], lineNumber));
    }

    private static double ParseValue(string text, int lineNumber) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"line {lineNumber}: bad value '{text}'"),
    };

    private static void RequireMetricName(string name, int lineNumber)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
        {
            throw new FormatException($"line {lineNumber}: illegal metric name '{name}'");
        }
    }

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
