using Gateway.Deploy.Tests.Support;
using Gateway.Host.Configuration;

namespace Gateway.Deploy.Tests;

/// <summary>The systemd units, parsed (systemd does not run here), and install.sh's dry run.</summary>
public sealed class SystemdTests
{
    private static SystemdUnit Unit(string name) => SystemdUnit.Load(Repo.Path("deploy", "systemd", name));

    [Theory]
    [InlineData("ProtectSystem", "strict")]
    [InlineData("ProtectHome", "yes")]
    [InlineData("NoNewPrivileges", "yes")]
    [InlineData("PrivateTmp", "yes")]
    [InlineData("Restart", "on-failure")]
    [InlineData("ExecReload", "/bin/kill -HUP $MAINPID")]
    public void The_gateway_unit_sets(string key, string value)
    {
        Assert.Equal(value, Unit("gateway.service").Get("Service", key));
    }

    [Fact]
    public void The_gateway_runs_as_an_unprivileged_user()
    {
        var unit = Unit("gateway.service");
        Assert.True(
            (unit.Has("Service", "DynamicUser") && unit.Get("Service", "DynamicUser") == "yes")
            || (unit.Has("Service", "User") && unit.Get("Service", "User") is not ("root" or "0")),
            "DynamicUser=yes or a dedicated User=");
        Assert.Equal("", unit.Get("Service", "CapabilityBoundingSet"));
    }

    [Fact]
    public void The_gateway_may_use_only_ip_and_unix_sockets()
    {
        var families = Unit("gateway.service").Get("Service", "RestrictAddressFamilies").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["AF_INET", "AF_INET6", "AF_UNIX"], families.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_gateway_has_a_memory_limit_and_an_environment_file()
    {
        var unit = Unit("gateway.service");
        Assert.Matches("^[0-9]+[KMGT]?$", unit.Get("Service", "MemoryMax"));
        Assert.Equal("/etc/gateway/gateway.env", unit.Get("Service", "EnvironmentFile"));
    }

    [Fact]
    public void The_stop_timeout_outlasts_the_drain()
    {
        var stop = Duration.Parse(Unit("gateway.service").Get("Service", "TimeoutStopSec"));
        Assert.True(stop > TimeSpan.FromSeconds(new ServerSettings().DrainTimeoutSeconds), $"TimeoutStopSec {stop} <= drain");
        Assert.Equal("SIGTERM", Unit("gateway.service").Get("Service", "KillSignal"));
    }

    [Fact]
    public void The_idle_timer_starts_the_idle_service_periodically()
    {
        var timer = Unit("gateway-idle-shutdown.timer");
        Assert.Equal("gateway-idle-shutdown.service", timer.Get("Timer", "Unit"));
        Assert.True(Duration.Parse(timer.Get("Timer", "OnUnitActiveSec")) <= TimeSpan.FromMinutes(10));
        Assert.Equal("timers.target", timer.Get("Install", "WantedBy"));
        var service = Unit("gateway-idle-shutdown.service");
        Assert.Equal("oneshot", service.Get("Service", "Type"));
        Assert.Equal("strict", service.Get("Service", "ProtectSystem"));
        Assert.Equal("yes", service.Get("Service", "NoNewPrivileges"));
        Assert.Equal("gateway-idle", service.Get("Service", "StateDirectory"));
        Assert.StartsWith("/var/lib/gateway-idle/", service.Get("Service", "Environment").Split('=', 2)[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_dry_run_publishes_self_contained_and_installs_what_the_units_reference()
    {
        var result = await Shell.ScriptAsync("install.sh", ["--dry-run", "--rid", "linux-x64"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');

        Assert.Contains(lines, l => l.StartsWith($"+ {Repo.Path("deploy", "scripts", "publish.sh")} gateway ", StringComparison.Ordinal)
                                    && l.EndsWith("--self-contained linux-x64", StringComparison.Ordinal));
        Assert.Contains("+ mv /opt/gateway.new /opt/gateway", lines);

        // What the units run is what install.sh puts in place.
        Assert.Equal("/opt/gateway/Gateway.Host", Unit("gateway.service").Get("Service", "ExecStart"));
        Assert.Equal("/opt/gateway", Unit("gateway.service").Get("Service", "WorkingDirectory"));
        var idleScript = Unit("gateway-idle-shutdown.service").Get("Service", "ExecStart").Split(' ')[0];
        Assert.Contains($"+ install -m 0755 {Repo.Path("deploy", "scripts", "idle-shutdown.sh")} {idleScript}", lines);
        foreach (var unit in new[] { "gateway.service", "gateway-idle-shutdown.service", "gateway-idle-shutdown.timer" })
        {
            Assert.Contains($"+ install -m 0644 {Repo.Path("deploy", "systemd", unit)} /etc/systemd/system/{unit}", lines);
        }

        Assert.Contains("+ systemctl enable --now gateway-idle-shutdown.timer", lines);
        Assert.Contains("+ systemctl daemon-reload", lines);
    }
}
