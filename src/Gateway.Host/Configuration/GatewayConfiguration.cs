using System.Collections;
using Gateway.Streams.ToolCalls.Parsers;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Configuration;

/// <summary>
/// Loads the gateway's configuration: standard .NET sources plus the Python gateway's environment variables
/// and <c>.env</c> file, bound to <see cref="GatewaySettings"/>.
/// </summary>
/// <remarks>
/// Precedence, lowest first (a later source overrides an earlier one key by key; lists merge by index):
/// <list type="number">
/// <item><c>appsettings.json</c>, then <c>appsettings.{ASPNETCORE_ENVIRONMENT or DOTNET_ENVIRONMENT}.json</c>, in the working directory (section <c>Gateway</c>);</item>
/// <item>the JSON file named by <c>GATEWAY_CONFIG_FILE</c> (relative to the working directory), see <see cref="GatewayConfigFile"/>;</item>
/// <item>the <c>.env</c> file in the working directory, legacy variables only;</item>
/// <item>the legacy environment variables (<see cref="LegacyEnvironmentVariables"/>), case-insensitive;</item>
/// <item>environment variables prefixed <c>Gateway__</c> (<c>Gateway__Server__Port=9000</c>);</item>
/// <item>command-line arguments (<c>--Gateway:Server:Port=9000</c>).</item>
/// </list>
/// Items 3 and 4 form one source: a real environment variable overrides the same name in <c>.env</c>.
/// </remarks>
internal static class GatewayConfiguration
{
    /// <summary>The configuration section the settings live in.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Prefix of the environment variables that address <c>Gateway:*</c> keys directly.</summary>
    public const string EnvironmentPrefix = "Gateway__";

    /// <summary>The tool-call parser a model gets when it is served by the embedded simulator and none is configured.</summary>
    public const string SimulatedToolCallParser = "hermes";

    /// <summary>
    /// Adds the gateway's sources to <paramref name="builder"/> in the order given on the class. Safe to call on
    /// <c>WebApplicationBuilder.Configuration</c>: its default sources stay underneath these.
    /// </summary>
    /// <param name="builder">The builder to add to.</param>
    /// <param name="environment">Environment variables; null reads the process environment (tests pass a dictionary).</param>
    /// <param name="workingDirectory">Where appsettings.json and .env are looked for; null is the current directory.</param>
    /// <param name="args">Command-line arguments; null or empty adds no command-line source.</param>
    /// <exception cref="ConfigurationException">An unreadable .env, appsettings or <c>GATEWAY_CONFIG_FILE</c> file.</exception>
    public static void AddGatewaySources(
        IConfigurationBuilder builder,
        IDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var env = environment ?? ReadProcessEnvironment();
        var directory = Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory());

        // 1. appsettings.json (+ environment-specific file).
        AddAppSettings(builder, Path.Combine(directory, "appsettings.json"));
        var environmentName = Lookup(env, "ASPNETCORE_ENVIRONMENT") ?? Lookup(env, "DOTNET_ENVIRONMENT");
        if (!string.IsNullOrWhiteSpace(environmentName))
        {
            AddAppSettings(builder, Path.Combine(directory, $"appsettings.{environmentName.Trim()}.json"));
        }

        var legacy = LegacyVariables(env, directory);

        // 2. GATEWAY_CONFIG_FILE.
        if (ConfigFilePath(legacy, directory) is { } configFile)
        {
            builder.AddInMemoryCollection(GatewayConfigFile.Load(configFile));
        }

        // 3 + 4. .env and legacy environment variables.
        var (values, origins) = LegacyEnvironmentVariables.Map(legacy, defineModel: !DefinesModels(builder));
        builder.Add(new LegacyEnvironmentConfigurationSource(values, origins));

        // 5. Gateway__* environment variables.
        var prefixed = env
            .Where(kv => kv.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .GroupBy(kv => kv.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase);
        builder.AddInMemoryCollection(prefixed);

        // 6. Command line.
        if (args is { Length: > 0 })
        {
            builder.AddCommandLine(args);
        }
    }

    /// <summary>The full path of the file <c>GATEWAY_CONFIG_FILE</c> names (from the environment or <c>.env</c>), or null.</summary>
    /// <param name="environment">Environment variables; null reads the process environment.</param>
    /// <param name="workingDirectory">Where .env is looked for and a relative path starts; null is the current directory.</param>
    public static string? ConfigFilePath(IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var directory = Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory());
        return ConfigFilePath(LegacyVariables(environment ?? ReadProcessEnvironment(), directory), directory);
    }

    // Legacy variables: .env first, real environment over it (exact upper-case names win over other spellings).
    private static Dictionary<string, string> LegacyVariables(IDictionary<string, string?> env, string directory)
    {
        var legacy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in DotEnvFile.Read(Path.Combine(directory, ".env")))
        {
            legacy[name] = value;
        }

        foreach (var (name, value) in env.Where(kv => kv.Value is not null)
                     .OrderBy(kv => kv.Key.Any(char.IsLower) ? 0 : 1))
        {
            legacy[name] = value!;
        }

        return legacy;
    }

    private static string? ConfigFilePath(Dictionary<string, string> legacy, string directory) =>
        legacy.TryGetValue(LegacyEnvironmentVariables.ConfigFile, out var configFile) && !string.IsNullOrWhiteSpace(configFile)
            ? Path.GetFullPath(configFile.Trim(), directory)
            : null;

    /// <summary>
    /// Binds section <c>Gateway</c> to <see cref="GatewaySettings"/> and fills in derived defaults:
    /// one model with id <see cref="GatewaySettings.DefaultModelId"/> when none is configured; a lone model
    /// without an id takes that id; <see cref="GatewaySettings.DefaultModelId"/>, when not set explicitly,
    /// becomes the first model's id; <see cref="ModelSettings.UpstreamModel"/> defaults to the id; valid
    /// upstream URLs lose a trailing <c>/v1</c> or <c>/</c>; known parser names are lower-cased; empty key names
    /// become <c>key-N</c>. Does not validate ranges: see <see cref="GatewaySettingsValidator"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">Values that cannot be converted (one problem per bad value, each naming its key).</exception>
    public static GatewaySettings Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var settings = new GatewaySettings { LegacyOrigins = LegacyOriginsOf(configuration) };

        var problems = ConfigurationValueCheck.Check(typeof(GatewaySettings), section, SectionName, settings.DescribeKey);
        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }

        try
        {
            section.Bind(settings);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException(GatewayConfigFile.OneLine(ex.Message), ex);
        }

        Complete(settings, section);
        return settings;
    }

    /// <summary><see cref="Bind"/> then <see cref="GatewaySettingsValidator.Validate"/>.</summary>
    /// <exception cref="ConfigurationException">Anything wrong; <see cref="ConfigurationException.Problems"/> has one line each.</exception>
    public static GatewaySettings BindAndValidate(IConfiguration configuration)
    {
        var settings = Bind(configuration);
        var problems = GatewaySettingsValidator.Validate(settings);
        return problems.Count > 0 ? throw new ConfigurationException(problems) : settings;
    }

    private static void Complete(GatewaySettings settings, IConfigurationSection section)
    {
        settings.Server.Host = settings.Server.Host?.Trim() ?? "";
        settings.LogLevel = settings.LogLevel?.Trim() ?? "";
        settings.LogFormat = settings.LogFormat?.Trim() ?? "";

        if (settings.Models.Count == 0)
        {
            settings.Models.Add(new ModelSettings { Id = settings.DefaultModelId });
        }
        else if (settings.Models.Count == 1 && string.IsNullOrWhiteSpace(settings.Models[0].Id))
        {
            settings.Models[0].Id = settings.DefaultModelId;
        }

        if (section[nameof(GatewaySettings.DefaultModelId)] is null)
        {
            settings.DefaultModelId = settings.Models[0].Id;
        }

        // The embedded simulated model (Qwen-like by name) writes hermes markup, so with no upstream anywhere a model
        // whose parser is not configured gets hermes: tools work out of the box. An explicit value (even none) wins; empty counts as not set.
        var simulated = settings.Simulated;
        for (var m = 0; m < settings.Models.Count; m++)
        {
            var model = settings.Models[m];
            if (simulated && string.IsNullOrWhiteSpace(section.GetSection($"{nameof(GatewaySettings.Models)}:{m}:{nameof(ModelSettings.ToolCallParser)}").Value))
            {
                model.ToolCallParser = SimulatedToolCallParser;
            }

            if (string.IsNullOrWhiteSpace(model.UpstreamModel))
            {
                model.UpstreamModel = model.Id;
            }

            if (string.IsNullOrWhiteSpace(model.ToolCallParser))
            {
                model.ToolCallParser = ToolCallParserRegistry.None;
            }
            else if (ToolCallParserRegistry.IsConfigurable(model.ToolCallParser))
            {
                model.ToolCallParser = model.ToolCallParser.Trim().ToLowerInvariant();
            }

            for (var i = 0; i < model.Upstreams.Count; i++)
            {
                var url = model.Upstreams[i];
                if (url is not null && UpstreamUrlValidator.Validate("upstream", url) is null)
                {
                    model.Upstreams[i] = UpstreamUrlValidator.NormalizeBaseUrl(url);
                }
            }
        }

        for (var i = 0; i < settings.Auth.Keys.Count; i++)
        {
            var key = settings.Auth.Keys[i];
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                key.Name = $"key-{i + 1}";
            }
        }
    }

    // For each key whose final value comes from the legacy source, the legacy variable's name.
    private static Dictionary<string, string> LegacyOriginsOf(IConfiguration configuration)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (configuration is not IConfigurationRoot root)
        {
            return result;
        }

        var providers = root.Providers.ToList();
        for (var i = 0; i < providers.Count; i++)
        {
            if (providers[i] is not LegacyEnvironmentConfigurationProvider legacy)
            {
                continue;
            }

            foreach (var (key, name) in legacy.Origins)
            {
                var overridden = providers.Skip(i + 1).Any(p => p.TryGet(key, out _));
                if (!overridden)
                {
                    result[key] = name;
                }
            }
        }

        return result;
    }

    // Whether the sources added so far define any model.
    private static bool DefinesModels(IConfigurationBuilder builder)
    {
        const string Models = "Gateway:Models";
        if (builder is IConfiguration live)
        {
            return live.GetSection(Models).GetChildren().Any();
        }

        var temporary = new ConfigurationBuilder();
        foreach (var source in builder.Sources)
        {
            temporary.Add(source);
        }

        var built = BuildOrExplain(temporary);
        try
        {
            return built.GetSection(Models).GetChildren().Any();
        }
        finally
        {
            (built as IDisposable)?.Dispose();
        }
    }

    private static void AddAppSettings(IConfigurationBuilder builder, string path)
    {
        try
        {
            builder.AddJsonFile(path, optional: true, reloadOnChange: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            throw Explain(ex);
        }
    }

    private static IConfigurationRoot BuildOrExplain(ConfigurationBuilder builder)
    {
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            throw Explain(ex);
        }
    }

    private static ConfigurationException Explain(Exception ex) =>
        new(GatewayConfigFile.OneLine(ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}"), ex);

    private static string? Lookup(IDictionary<string, string?> env, string name) =>
        env.FirstOrDefault(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static Dictionary<string, string?> ReadProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name)
            {
                result[name] = entry.Value as string;
            }
        }

        return result;
    }
}
