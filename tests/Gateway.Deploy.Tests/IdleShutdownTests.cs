using Gateway.Deploy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Deploy.Tests;

/// <summary>
/// idle-shutdown.sh against recorded GET /health/actors responses served on loopback, with "now" pinned to
/// 2026-12-03T12:00:00Z. The contract: top-level "summary" {inFlight, queued, lastRequestAt|null, startedAt}.
/// </summary>
public sealed class IdleShutdownTests : IDisposable
{
    private const string Now = "2026-12-03T12:00:00Z";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, string?> Env(string? adminKey = null) => new()
    {
        ["IDLE_NOW"] = Now,
        ["IDLE_STATE_FILE"] = _dir.File("state/down-since"),
        ["IDLE_POWEROFF_CMD"] = _dir.Executable("fake-poweroff", $"#!/usr/bin/env bash\necho powered-off >> '{_dir.File("poweroff.log")}'\n"),
        ["GATEWAY_ADMIN_KEY"] = adminKey,
        ["IDLE_MINUTES"] = null,
        ["IDLE_GATEWAY_URL"] = null,
        ["IDLE_HTTP_TIMEOUT_S"] = "5",
    };

    private async Task<ShellResult> RunAsync(string url, IEnumerable<string> args, string? adminKey = null) =>
        await Shell.ScriptAsync("idle-shutdown.sh", ["--url", url, .. args], Env(adminKey));

    private async Task<(ShellResult Result, LoopbackServer Server)> AgainstAsync(string recorded, IEnumerable<string> args, string? adminKey = null)
    {
        var server = await LoopbackServer.JsonAsync(await File.ReadAllTextAsync(Repo.Recorded(recorded)));
        var result = await RunAsync(server.BaseUrl.ToString().TrimEnd('/'), args, adminKey);
        await server.DisposeAsync();
        return (result, server);
    }

    private bool PoweredOff => File.Exists(_dir.File("poweroff.log"));

    [Theory]
    [InlineData("actors-busy.json", "stay", "busy: inFlight=2 queued=1")]
    [InlineData("actors-idle.json", "shutdown", "idle: no request for 44.5 min (>= 30) since lastRequestAt 2026-12-03T11:15:30Z, nothing in flight or queued")]
    [InlineData("actors-recent.json", "stay", "recently active: 10.0 min (< 30) since lastRequestAt 2026-12-03T11:50:00Z")]
    [InlineData("actors-never-used-fresh.json", "stay", "recently active: 15.0 min (< 30) since startedAt (no request yet) 2026-12-03T11:45:00Z")]
    [InlineData("actors-never-used-old.json", "shutdown", "idle: no request for 180.0 min (>= 30) since startedAt (no request yet) 2026-12-03T09:00:00Z, nothing in flight or queued")]
    public async Task Dry_run_prints_the_decision_and_why(string recorded, string decision, string reason)
    {
        var (result, _) = await AgainstAsync(recorded, ["--dry-run"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"idle-shutdown: decision={decision} reason={reason} (dry run: not powering off)", result.Stdout.Trim());
        Assert.False(PoweredOff);
    }

    [Theory]
    [InlineData("actors-malformed-no-summary.json", "KeyError")]
    [InlineData("actors-malformed-types.json", "inFlight is not a non-negative integer")]
    [InlineData("actors-malformed-time.json", "ValueError")]
    [InlineData("actors-not-json.json", "JSONDecodeError")]
    public async Task A_malformed_response_never_powers_off(string recorded, string why)
    {
        var (result, _) = await AgainstAsync(recorded, []);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("idle-shutdown: decision=stay reason=malformed /health/actors response", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(why, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("never powering off", result.Stdout, StringComparison.Ordinal);
        Assert.False(PoweredOff);
    }

    [Fact]
    public async Task A_gateway_that_is_down_never_powers_the_host_off_by_default()
    {
        var result = await RunAsync($"http://127.0.0.1:{LoopbackServer.ClosedPort()}", []);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("idle-shutdown: decision=stay reason=gateway unreachable", result.Stdout, StringComparison.Ordinal);
        Assert.False(PoweredOff);
        Assert.False(File.Exists(_dir.File("state/down-since")));
    }

    [Fact]
    public async Task An_error_status_counts_as_down()
    {
        await using var server = await LoopbackServer.JsonAsync("""{"error":"nope"}""", 503);
        var result = await RunAsync(server.BaseUrl.ToString(), ["--dry-run"]);
        Assert.Contains("decision=stay reason=gateway answered HTTP 503", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_for_long_enough_powers_off_only_with_shutdown_if_down_for()
    {
        var url = $"http://127.0.0.1:{LoopbackServer.ClosedPort()}";

        // First failure: recorded in the state file, host stays up.
        var first = await RunAsync(url, ["--shutdown-if-down-for", "60"]);
        Assert.Contains("decision=stay", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("down since 2026-12-03T12:00:00Z (0.0 min < 60)", first.Stdout, StringComparison.Ordinal);
        Assert.Equal("2026-12-03T12:00:00Z", (await File.ReadAllTextAsync(_dir.File("state/down-since"))).Trim());
        Assert.False(PoweredOff);

        // Down since 90 minutes ago: power off.
        await File.WriteAllTextAsync(_dir.File("state/down-since"), "2026-12-03T10:30:00Z\n");
        var later = await RunAsync(url, ["--shutdown-if-down-for", "60"]);
        Assert.True(later.ExitCode == 0, later.ToString());
        Assert.Contains("decision=shutdown", later.Stdout, StringComparison.Ordinal);
        Assert.Contains("down since 2026-12-03T10:30:00Z (90.0 min >= 60)", later.Stdout, StringComparison.Ordinal);
        Assert.True(PoweredOff);
    }

    [Fact]
    public async Task A_reachable_gateway_clears_the_down_state()
    {
        Directory.CreateDirectory(_dir.File("state"));
        await File.WriteAllTextAsync(_dir.File("state/down-since"), "2026-12-03T10:30:00Z\n");
        var (result, _) = await AgainstAsync("actors-busy.json", ["--shutdown-if-down-for", "60"]);
        Assert.Contains("decision=stay reason=busy", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("state/down-since")));
    }

    [Fact]
    public async Task Idle_without_dry_run_runs_the_power_off_command_and_busy_does_not()
    {
        var (busy, _) = await AgainstAsync("actors-busy.json", []);
        Assert.Contains("decision=stay", busy.Stdout, StringComparison.Ordinal);
        Assert.False(PoweredOff);

        var (idle, _) = await AgainstAsync("actors-idle.json", []);
        Assert.True(idle.ExitCode == 0, idle.ToString());
        Assert.Contains("decision=shutdown", idle.Stdout, StringComparison.Ordinal);
        Assert.True(PoweredOff);
    }

    [Fact]
    public async Task The_idle_threshold_is_configurable()
    {
        var (result, _) = await AgainstAsync("actors-idle.json", ["--dry-run", "--idle-minutes", "60"]);
        Assert.Contains("decision=stay reason=recently active: 44.5 min (< 60)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_the_admin_key_as_a_bearer_token_when_set()
    {
        var (_, withKey) = await AgainstAsync("actors-busy.json", ["--dry-run"], adminKey: "admin-secret");
        Assert.Equal(("GET /health/actors", "Bearer admin-secret"), Assert.Single(withKey.Requests));

        var (_, withoutKey) = await AgainstAsync("actors-busy.json", ["--dry-run"]);
        Assert.Equal(("GET /health/actors", ""), Assert.Single(withoutKey.Requests));
    }

    [Theory]
    [InlineData("--idle-minutes", "abc")]
    [InlineData("--shutdown-if-down-for", "-1")]
    [InlineData("--bogus", "1")]
    public async Task Bad_arguments_exit_2(string flag, string value)
    {
        var result = await RunAsync("http://127.0.0.1:1", [flag, value]);
        Assert.Equal(2, result.ExitCode);
        Assert.False(PoweredOff);
    }

    [Fact]
    public async Task A_401_counts_as_down_not_idle()
    {
        // LoopbackServer.StartAsync with a custom handler: a 401 from a protected endpoint is "down", not idle.
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
        var result = await RunAsync(server.BaseUrl.ToString(), ["--dry-run"]);
        Assert.Contains("decision=stay reason=gateway answered HTTP 401", result.Stdout, StringComparison.Ordinal);
    }
}
