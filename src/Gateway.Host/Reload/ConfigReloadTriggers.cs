using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Gateway.Host.Reload;

/// <summary>
/// Starts a config reload when the config file changes or on SIGHUP. The file's directory is watched (not the file)
/// so editors that write a new file and rename it over the old one, and Kubernetes' symlink swaps, are seen too;
/// bursts of events are debounced, and a reload runs only when the file's content hash changed. SIGHUP always reloads
/// (it also re-reads <c>.env</c> and <c>appsettings.json</c>).
/// </summary>
internal sealed class ConfigReloadTriggers(ConfigReloader reloader, TimeProvider time, ILogger<ConfigReloadTriggers> log) : IHostedService, IDisposable
{
    /// <summary>Quiet time after the last file event before the file is read.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly object _gate = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private PosixSignalRegistration? _sighup;
    private string? _lastHash;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!reloader.Status.Enabled)
        {
            return Task.CompletedTask;
        }

        try
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // SIGHUP reloads; it does not end the process
                _ = reloader.ReloadAsync("signal");
            });
        }
        catch (PlatformNotSupportedException)
        {
            log.LogInformation("SIGHUP is not available on this platform; the configuration reloads only when its file changes");
        }

        if (reloader.ConfigFile is { } file && Path.GetDirectoryName(file) is { } directory && Directory.Exists(directory))
        {
            _lastHash = Hash(file);
            _debounce = time.CreateTimer(_ => OnQuiet(file), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            var name = Path.GetFileName(file);
            _watcher.Changed += (_, e) => PokeIfAbout(name, e.Name);
            _watcher.Created += (_, e) => PokeIfAbout(name, e.Name);
            _watcher.Deleted += (_, e) => PokeIfAbout(name, e.Name);
            _watcher.Renamed += (_, e) =>
            {
                PokeIfAbout(name, e.Name);
                PokeIfAbout(name, e.OldName);
            };
            _watcher.Error += (_, _) => Poke();
            _watcher.EnableRaisingEvents = true;
            log.LogInformation("Watching {ConfigFile} for changes (models, replicas and keys reload without a restart; also on SIGHUP)", file);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _sighup?.Dispose();
    }

    // An event about the file (or a Kubernetes "..data" swap) restarts the quiet period; the hash decides whether the
    // file really changed. Other files in the directory (a log written next to the config) are none of its business.
    private void PokeIfAbout(string file, string? changed)
    {
        if (changed is not null && (string.Equals(changed, file, StringComparison.Ordinal) || changed.StartsWith("..", StringComparison.Ordinal)))
        {
            Poke();
        }
    }

    private void Poke() => _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);

    private void OnQuiet(string file)
    {
        var hash = Hash(file);
        lock (_gate)
        {
            if (hash == _lastHash)
            {
                return;
            }

            _lastHash = hash;
        }

        _ = reloader.ReloadAsync("file");
    }

    // A missing or unreadable file hashes to a marker, so its disappearance is a change (and the reload reports it).
    private static string Hash(string file)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable:" + e.GetType().Name;
        }
    }
}
