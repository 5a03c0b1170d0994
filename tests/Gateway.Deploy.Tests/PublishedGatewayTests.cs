using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Deploy.Tests.Support;

namespace Gateway.Deploy.Tests;

/// <summary>
/// Docker is not available here, so this runs what the image would hold: deploy/scripts/publish.sh builds the gateway
/// and the healthcheck exactly as the Dockerfile's build stage does, the published gateway starts the way the image's
/// entrypoint starts it (all interfaces, a required token), and the published healthcheck reports it healthy.
/// </summary>
public sealed class PublishedGatewayTests(PublishedGatewayTests.Published published) : IClassFixture<PublishedGatewayTests.Published>
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task The_published_gateway_starts_as_the_image_runs_it_and_the_published_healthcheck_passes()
    {
        var app = await published.AppAsync();
        var healthcheck = await published.HealthcheckAsync();
        Assert.True(File.Exists(Path.Combine(app, "Gateway.Host.dll")), "Gateway.Host.dll is published");
        Assert.False(File.Exists(Path.Combine(app, "Gateway.Host.pdb")), "no debug symbols in the image");

        var port = FreePort();
        var env = new Dictionary<string, string?>
        {
            ["SERVER_HOST"] = "0.0.0.0",
            ["SERVER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BEARER_TOKEN"] = "sk-published-image-test",
            ["DOTNET_EnableDiagnostics"] = "0",
            ["VLLM_UPSTREAM_URL"] = null,
            ["GATEWAY_CONFIG_FILE"] = null,
        };
        using var gateway = Start(Path.Combine(app, "Gateway.Host.dll"), env, app);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            ShellResult probe;
            do
            {
                Assert.False(gateway.HasExited, "the published gateway exited early");
                probe = await Shell.RunAsync("dotnet", [Path.Combine(healthcheck, "healthcheck.dll")], env, TimeSpan.FromSeconds(20), healthcheck);
                if (probe.ExitCode == 0)
                {
                    break;
                }

                await Task.Delay(200);
            }
            while (DateTime.UtcNow < deadline);

            Assert.True(probe.ExitCode == 0, probe.ToString());
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_published_gateway_and_its_libraries_are_precompiled_ReadyToRun()
    {
        var app = await published.AppAsync();
        foreach (var name in new[] { "Gateway.Host.dll", "Gateway.Actors.dll", "Gateway.Streams.dll", "Akka.dll", "Akka.Streams.dll" })
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(Path.Combine(app, name)));
            // ReadyToRun code is announced by the managed-native header of the CLI header (IL-only assemblies have none).
            Assert.True(pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0, $"{name} is ReadyToRun");
        }
    }

    [Fact]
    public async Task The_published_gateway_refuses_all_interfaces_without_a_token()
    {
        var app = await published.AppAsync();
        var env = new Dictionary<string, string?>
        {
            ["SERVER_HOST"] = "0.0.0.0",
            ["SERVER_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BEARER_TOKEN"] = null,
            ["VLLM_UPSTREAM_URL"] = null,
            ["GATEWAY_CONFIG_FILE"] = null,
        };
        var result = await Shell.RunAsync("dotnet", [Path.Combine(app, "Gateway.Host.dll")], env, TimeSpan.FromSeconds(60), app);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not a loopback address", result.Output, StringComparison.Ordinal);
    }

    /// <summary>Publishes once for the class, on first use; each failure is reported by the test that needed it.</summary>
    public sealed class Published : IDisposable
    {
        private readonly TempDir _dir = new();
        private readonly Lazy<Task<string>> _app;
        private readonly Lazy<Task<string>> _healthcheck;

        public Published()
        {
            _app = new(() => PublishAsync("gateway", "app"));
            _healthcheck = new(() => PublishAsync("healthcheck", "healthcheck"));
        }

        public Task<string> AppAsync() => _app.Value;

        public Task<string> HealthcheckAsync() => _healthcheck.Value;

        public void Dispose() => _dir.Dispose();

        private async Task<string> PublishAsync(string component, string folder)
        {
            var output = _dir.File(folder);
            var result = await Shell.ScriptAsync("publish.sh", [component, output], timeout: PublishTimeout);
            Assert.True(result.ExitCode == 0, result.ToString());
            return output;
        }
    }

    private static Process Start(string dll, IReadOnlyDictionary<string, string?> env, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var (name, value) in env)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
