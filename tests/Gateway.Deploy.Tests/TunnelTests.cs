using Gateway.Deploy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Deploy.Tests;

/// <summary>tunnel.sh: the ssh command it runs, and its /health + /v1/models check against a loopback gateway stand-in.</summary>
public sealed class TunnelTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<ShellResult> RunAsync(IEnumerable<string> args, string? token = null) => Shell.ScriptAsync("tunnel.sh", args, new Dictionary<string, string?>
    {
        ["PATH"] = $"{_dir.Path}:{Environment.GetEnvironmentVariable("PATH")}",
        ["FAKE_DIR"] = _dir.Path,
        ["OPENAI_API_KEY"] = token,
        ["BEARER_TOKEN"] = null,
        ["GPU_SSH_KEY"] = _dir.File("no-such-key"),
        ["TUNNEL_READY_TIMEOUT_S"] = "5",
    });

    /// <summary>A stand-in gateway: /health open, /v1/models behind "Bearer secret".</summary>
    private static Task<LoopbackServer> GatewayAsync() => LoopbackServer.StartAsync(async context =>
    {
        context.Response.ContentType = "application/json";
        switch (context.Request.Path.Value)
        {
            case "/health":
                await context.Response.WriteAsync("""{"status":"ok"}""");
                break;
            case "/v1/models" when context.Request.Headers.Authorization == "Bearer secret":
                await context.Response.WriteAsync("""{"object":"list","data":[{"id":"selfhost-qwen","object":"model"}]}""");
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("""{"error":{"code":"missing_bearer_token"}}""");
                break;
        }
    });

    [Fact]
    public async Task Forwards_loopback_to_the_gateway_with_keep_alives_and_fails_fast_on_a_taken_port()
    {
        var result = await RunAsync(["--host", "gpu.example.test", "--dry-run"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = result.Stdout.Trim();
        Assert.StartsWith("ssh -N ", line, StringComparison.Ordinal);
        Assert.Contains("-o ServerAliveInterval=15", line, StringComparison.Ordinal);
        Assert.Contains("-o ServerAliveCountMax=3", line, StringComparison.Ordinal);
        Assert.Contains("-o ExitOnForwardFailure=yes", line, StringComparison.Ordinal);
        Assert.Contains("-L 127.0.0.1:8000:127.0.0.1:8000", line, StringComparison.Ordinal);
        Assert.EndsWith("ubuntu@gpu.example.test", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ports_and_user_are_configurable()
    {
        var result = await RunAsync(["--host", "h", "--user", "ec2-user", "--local-port", "18000", "--remote-port", "9000", "--dry-run"]);
        Assert.Contains("-L 127.0.0.1:18000:127.0.0.1:9000", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("ec2-user@h", result.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_passes_when_health_and_models_answer()
    {
        await using var gateway = await GatewayAsync();
        var result = await RunAsync(["--check-only", "--local-port", gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], token: "secret");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"export OPENAI_BASE_URL=http://127.0.0.1:{gateway.Port}/v1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(("GET /v1/models", "Bearer secret"), gateway.Requests);
    }

    [Fact]
    public async Task The_check_fails_and_says_why_without_the_token()
    {
        await using var gateway = await GatewayAsync();
        var result = await RunAsync(["--check-only", "--local-port", gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/v1/models failed (set OPENAI_API_KEY or BEARER_TOKEN?)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_check_fails_when_nothing_listens()
    {
        var port = LoopbackServer.ClosedPort();
        var result = await RunAsync(["--check-only", "--local-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], token: "secret");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"http://127.0.0.1:{port}/health does not answer", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_reports_the_ssh_failure_instead_of_reconnecting()
    {
        _dir.Executable("ssh", """
            #!/usr/bin/env bash
            printf '%s\n' "$*" >> "$FAKE_DIR/ssh.log"
            exit 255
            """);
        var result = await RunAsync(["--host", "gpu.example.test", "--local-port", LoopbackServer.ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--once"]);
        Assert.Equal(255, result.ExitCode);
        Assert.Contains("ssh exited with status 255", result.Stderr, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(_dir.File("ssh.log")));
    }

    [Fact]
    public async Task A_host_is_required()
    {
        var result = await Shell.ScriptAsync("tunnel.sh", [], new Dictionary<string, string?> { ["GPU_HOST"] = null });
        Assert.Equal(2, result.ExitCode);
    }
}
