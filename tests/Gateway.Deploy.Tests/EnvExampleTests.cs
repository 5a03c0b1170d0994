using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Gateway.Deploy.Tests.Support;
using Gateway.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gateway.Deploy.Tests;

/// <summary>deploy/.env.example lists exactly the settings the code and the deploy files know, with the code's defaults.</summary>
public sealed partial class EnvExampleTests
{
    private static Dictionary<string, string> Example()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Repo.Read("deploy", ".env.example").Split('\n').Select(l => l.Trim()))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(eq > 0, $"not NAME=VALUE: '{line}'");
            Assert.True(result.TryAdd(line[..eq], line[(eq + 1)..]), $"listed twice: {line[..eq]}");
        }

        return result;
    }

    /// <summary>Every LegacyEnvironmentVariables constant: the names the gateway reads.</summary>
    private static List<string> LegacyNames() =>
        typeof(LegacyEnvironmentVariables).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

    /// <summary>The default of a Gateway:* key, read from freshly constructed settings objects.</summary>
    private static string DefaultOf(string name)
    {
        if (name == LegacyEnvironmentVariables.ConfigFile)
        {
            return "";
        }

        if (name == LegacyEnvironmentVariables.ToolCallParser)
        {
            return ""; // empty: none for a real upstream, hermes for the built-in simulator (GatewayConfiguration)
        }

        object? value;
        if (LegacyEnvironmentVariables.ScalarKeys.TryGetValue(name, out var key))
        {
            value = Walk(new GatewaySettings(), key.Split(':').Skip(1));
        }
        else if (LegacyEnvironmentVariables.ModelKeys.TryGetValue(name, out key))
        {
            // Gateway:Models:0:Property[:index]
            var path = key.Split(':').Skip(3).ToArray();
            value = Walk(new ModelSettings(), path);
        }
        else
        {
            throw new Xunit.Sdk.XunitException($"{name} is a LegacyEnvironmentVariables constant but in neither ScalarKeys nor ModelKeys");
        }

        return Format(value);
    }

    private static bool Same(string expected, string value) =>
        double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var listed) && listed == number
            : string.Equals(expected, value, StringComparison.OrdinalIgnoreCase);

    private static string Format(object? value)
    {
        return value switch
        {
            null => "",
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    private static object? Walk(object? target, IEnumerable<string> path)
    {
        foreach (var part in path)
        {
            if (target is null)
            {
                return null;
            }

            if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            {
                var list = (System.Collections.IList)target;
                target = index < list.Count ? list[index] : null;
                continue;
            }

            var property = target.GetType().GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
                ?? throw new Xunit.Sdk.XunitException($"{target.GetType().Name} has no property {part}");
            target = property.GetValue(target);
        }

        return target;
    }

    [Fact]
    public void Lists_every_variable_the_gateway_reads_with_its_default()
    {
        var example = Example();
        foreach (var name in LegacyNames())
        {
            Assert.True(example.TryGetValue(name, out var value), $".env.example does not list {name}");
            var expected = DefaultOf(name);
            Assert.True(Same(expected, value), $"{name}={value} in .env.example, default is '{expected}'");
        }
    }

    /// <summary>Every scalar Gateway:* setting with a setter (lists such as Models and Auth:Keys live in the JSON file).</summary>
    private static List<string> ScalarSettingKeys(Type type, string prefix)
    {
        var keys = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(string) || t.IsPrimitive || t == typeof(decimal))
            {
                keys.Add($"{prefix}:{property.Name}");
            }
            else if (t.IsClass && !typeof(System.Collections.IEnumerable).IsAssignableFrom(t))
            {
                keys.AddRange(ScalarSettingKeys(t, $"{prefix}:{property.Name}"));
            }
        }

        return keys;
    }

    [Fact]
    public void Covers_every_scalar_gateway_setting_with_its_default()
    {
        var example = Example();
        var legacyKeys = LegacyEnvironmentVariables.ScalarKeys.Values.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var key in ScalarSettingKeys(typeof(GatewaySettings), GatewayConfiguration.SectionName))
        {
            var name = key.Replace(":", "__", StringComparison.Ordinal);
            Assert.True(legacyKeys.Contains(key) || example.ContainsKey(name), $".env.example covers {key} neither by a Python-era variable nor as {name}");
        }

        foreach (var (name, value) in example.Where(kv => kv.Key.StartsWith(GatewayConfiguration.EnvironmentPrefix, StringComparison.Ordinal)))
        {
            var path = name.Split("__").Skip(1);
            var expected = Format(Walk(new GatewaySettings(), path));
            Assert.True(Same(expected, value), $"{name}={value} in .env.example, default is '{expected}'");
        }
    }

    [Fact]
    public void Lists_nothing_that_neither_the_gateway_nor_a_deploy_file_reads()
    {
        var legacy = LegacyNames().ToHashSet(StringComparer.Ordinal);
        legacy.UnionWith(Example().Keys.Where(k => k.StartsWith(GatewayConfiguration.EnvironmentPrefix, StringComparison.Ordinal)));
        var deployText = DeployTexts();
        foreach (var name in Example().Keys.Where(n => !legacy.Contains(n)))
        {
            Assert.True(Regex.IsMatch(deployText, $@"\$\{{?{name}\b"), $".env.example lists {name}, which no compose file or script reads");
        }
    }

    [Fact]
    public void Lists_every_variable_the_compose_files_interpolate()
    {
        var example = Example();
        foreach (var file in Directory.GetFiles(Repo.Path("deploy", "compose"), "*.yml"))
        {
            foreach (Match m in Interpolation().Matches(File.ReadAllText(file)))
            {
                Assert.True(example.ContainsKey(m.Groups[1].Value), $"{Path.GetFileName(file)} uses ${{{m.Groups[1].Value}}}, which .env.example does not list");
            }
        }
    }

    [Fact]
    public void Loaded_as_is_it_gives_the_default_settings()
    {
        using var dir = new TempDir();
        File.Copy(Repo.Path("deploy", ".env.example"), dir.File(".env"));
        var configuration = new ConfigurationManager();
        GatewayConfiguration.AddGatewaySources(configuration, new Dictionary<string, string?>(), dir.Path);
        var settings = GatewayConfiguration.BindAndValidate(configuration);

        var expected = new ConfigurationManager();
        GatewayConfiguration.AddGatewaySources(expected, new Dictionary<string, string?>(), dir.Path + "-none");
        var defaults = GatewayConfiguration.BindAndValidate(expected);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(defaults), System.Text.Json.JsonSerializer.Serialize(settings));
    }

    private static string DeployTexts()
    {
        var files = Directory.GetFiles(Repo.Path("deploy", "compose"), "*.yml")
            .Concat(Directory.GetFiles(Repo.Path("deploy", "scripts"), "*.sh"));
        return string.Join("\n", files.Select(File.ReadAllText));
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Interpolation();
}
