using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.Routing;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Host.Observability;
using Gateway.Simulator;

namespace Gateway.Host.Reload;

/// <summary>
/// Applies a changed configuration without a restart. The sources are read, bound and validated exactly as at
/// start-up; an invalid configuration is rejected as a whole (the one in force stays; the problems are logged,
/// counted and shown in <c>/admin/config</c>). A valid one is applied: the models go to the registry
/// (<see cref="ApplyModels"/>: new routers are listed once up and probed, removed and replaced ones drain), then the
/// key set is swapped in one step. Settings that only a restart applies are reported, not ignored.
/// One reload at a time; requests in flight keep the pipeline and key check they started with.
/// </summary>
internal sealed class ConfigReloader : IDisposable
{
    private readonly ReloadableConfiguration? _configuration;
    private readonly GatewayRuntime _runtime;
    private readonly IRequiredActor<ModelRegistryActor> _registry;
    private readonly SimulatorServer? _simulator;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigReloader> _log;
    private readonly SecretRedactor? _redactor;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ConfigReloadStatus _status;
    private volatile GatewaySettings _current;

    public ConfigReloader(
        ReloadableConfiguration? configuration,
        GatewayRuntime runtime,
        IRequiredActor<ModelRegistryActor> registry,
        TimeProvider time,
        ILogger<ConfigReloader> log,
        SimulatorServer? simulator = null,
        SecretRedactor? redactor = null)
    {
        _redactor = redactor;
        _configuration = configuration;
        _runtime = runtime;
        _registry = registry;
        _simulator = simulator;
        _time = time;
        _log = log;
        _current = runtime.Settings;
        _status = configuration is null ? ConfigReloadStatus.Disabled : new ConfigReloadStatus(true, configuration.Source.ConfigFile, 0, 0, 0, null, []);
    }

    public ConfigReloadStatus Status => _status;

    public void Dispose() => _gate.Dispose();

    /// <summary>The settings in force: the live parts as last applied, the rest as at start-up.</summary>
    public (GatewaySettings Startup, GatewaySettings Live) Active => (_runtime.Settings, _current);

    /// <summary>The file a change of which triggers a reload, if any.</summary>
    public string? ConfigFile => _status.ConfigFile;

    /// <summary>Reads the configuration again and applies it, or rejects it. Never throws.</summary>
    /// <param name="trigger"><c>file</c> or <c>signal</c>, for the log and the status.</param>
    public async Task<ConfigReloadStatus> ReloadAsync(string trigger, CancellationToken cancellationToken = default)
    {
        if (_configuration is not { } configuration)
        {
            return _status;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReloadLockedAsync(configuration, trigger, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a failed reload must leave the gateway running on the configuration in force
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.LogError(e, "Configuration reload ({Trigger}) failed", trigger);
            return Record(trigger, ReloadAttempt.RejectedResult, [$"The reload failed: {e.Message}"], []);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ConfigReloadStatus> ReloadLockedAsync(ReloadableConfiguration configuration, string trigger, CancellationToken ct)
    {
        LoadedSettings loaded;
        try
        {
            loaded = configuration.Source.Load();
        }
        catch (ConfigurationException e)
        {
            _log.LogError(
                "Configuration reload ({Trigger}) rejected; the configuration in force stays: {Problems}", trigger, string.Join(" | ", e.Problems));
            return Record(trigger, ReloadAttempt.RejectedResult, e.Problems, []);
        }

        var settings = loaded.Settings;
        if (settings.Simulated)
        {
            if (_simulator is null)
            {
                const string Problem = "Gateway:Models: no model has an upstream URL; the embedded simulator only starts at start-up, so give every model an upstream (or restart).";
                _log.LogError("Configuration reload ({Trigger}) rejected; the configuration in force stays: {Problems}", trigger, Problem);
                return Record(trigger, ReloadAttempt.RejectedResult, [Problem], []);
            }

            foreach (var model in settings.Models)
            {
                model.Upstreams.Add(_simulator.BaseUrl.ToString());
            }
        }

        var restart = LiveSettings.RestartRequired(configuration.StartupValues, loaded);
        var registry = await _registry.GetAsync(ct).ConfigureAwait(false);
        var applyTimeout = TimeSpan.FromSeconds(settings.Upstream.ProbeTimeoutSeconds + 30);
        try
        {
            await registry.Ask<ModelsApplied>(new ApplyModels(GatewayRuntime.BuildRoutes(settings, _time)), applyTimeout, ct).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            _log.LogWarning("Configuration reload ({Trigger}): some new models are still starting after {Timeout}; they are listed once up", trigger, applyTimeout);
        }

        _redactor?.Remember(SecretRedactor.SecretsOf(settings.Auth)); // before the keys can be used (and logged)
        _runtime.Keys.Publish(GatewayRuntime.BuildKeys(settings.Auth, _runtime.Settings.RateLimit));
        _current = settings;

        if (restart.Count > 0)
        {
            _log.LogWarning(
                "Configuration reloaded ({Trigger}): models and keys applied; RESTART REQUIRED for {Settings} (still running with the start-up values)",
                trigger,
                string.Join(", ", restart));
            return Record(trigger, ReloadAttempt.RestartRequiredResult, [], restart);
        }

        _log.LogInformation(
            "Configuration reloaded ({Trigger}): {Models} model(s) ({ModelIds}), {Keys} key(s)",
            trigger,
            settings.Models.Count,
            string.Join(", ", settings.Models.Select(m => m.Id)),
            settings.Auth.Keys.Count + (string.IsNullOrEmpty(settings.Auth.BearerToken) ? 0 : 1));
        return Record(trigger, ReloadAttempt.Ok, [], []);
    }

    private ConfigReloadStatus Record(string trigger, string result, IReadOnlyList<string> errors, IReadOnlyList<string> restart)
    {
        ConfigReloadMetrics.Record(result);
        var previous = _status;
        var rejected = result == ReloadAttempt.RejectedResult;
        _status = previous with
        {
            Generation = previous.Generation + (rejected ? 0 : 1),
            Attempts = previous.Attempts + 1,
            Rejected = previous.Rejected + (rejected ? 1 : 0),
            Last = new ReloadAttempt(_time.GetUtcNow(), trigger, result, errors, restart),
            RestartRequired = rejected ? previous.RestartRequired : restart,
        };
        return _status;
    }
}
