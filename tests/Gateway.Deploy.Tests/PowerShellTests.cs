using Gateway.Deploy.Tests.Support;

namespace Gateway.Deploy.Tests;

/// <summary>
/// gpu-host.ps1 (for Windows operators) makes the same aws calls as gpu-host.sh, against the same stub <c>aws</c>.
/// PowerShell comes from deploy/scripts/ensure-tool.sh pwsh (a .NET tool from NuGet when it is not installed).
/// </summary>
public sealed class PowerShellTests : IDisposable
{
    private readonly TempDir _dir = new();

    public PowerShellTests()
    {
        _dir.Executable("aws", """
            #!/usr/bin/env bash
            printf '%s\n' "$*" >> "$FAKE_DIR/aws.log"
            case "$*" in *describe-instances*) cat "$FAKE_DIR/describe" ;; esac
            """);
    }

    public void Dispose() => _dir.Dispose();

    private async Task<ShellResult> RunAsync(string describe, params string[] args)
    {
        var ensure = await Shell.ScriptAsync("ensure-tool.sh", ["pwsh"], timeout: TimeSpan.FromMinutes(10));
        Assert.True(ensure.ExitCode == 0, $"PowerShell is not installed and deploy/scripts/ensure-tool.sh could not install it:\n{ensure}");
        await File.WriteAllTextAsync(_dir.File("describe"), describe);
        return await Shell.RunAsync(
            ensure.Stdout.Trim(),
            ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", Repo.Path("deploy", "scripts", "gpu-host.ps1"), .. args],
            new Dictionary<string, string?>
            {
                ["PATH"] = $"{_dir.Path}:{Environment.GetEnvironmentVariable("PATH")}",
                ["FAKE_DIR"] = _dir.Path,
                ["AWS_REGION"] = "eu-west-1",
                ["GPU_HOST_STATE_DIR"] = _dir.File("state"),
                ["GPU_SSH_KEY"] = _dir.File("no-such-key"),
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
                ["POWERSHELL_UPDATECHECK"] = "Off",
            },
            TimeSpan.FromMinutes(2));
    }

    private string[] AwsCalls() => File.Exists(_dir.File("aws.log")) ? File.ReadAllLines(_dir.File("aws.log")) : [];

    [Fact]
    public async Task Up_dry_run_finds_the_instance_by_tags_and_prints_the_start()
    {
        var result = await RunAsync("i-0abc\tstopped\tNone\t10.0.0.5\n", "up", "-Environment", "staging", "-DryRun");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "--region eu-west-1 ec2 describe-instances --filters Name=tag:application,Values=vllm-serving " +
                "Name=tag:environment,Values=staging Name=instance-state-name,Values=pending,running,stopping,stopped " +
                "--query Reservations[].Instances[].[InstanceId,State.Name,PublicIpAddress,PrivateIpAddress] --output text",
            ],
            AwsCalls());
        Assert.Contains("would run: aws --region eu-west-1 ec2 start-instances --instance-ids i-0abc", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("-L 127.0.0.1:8000:127.0.0.1:8000 ubuntu@10.0.0.5", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ServerAliveInterval=15", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_stops_the_running_instance_and_waits()
    {
        var result = await RunAsync("i-0ddd\trunning\t203.0.113.9\t10.0.0.8\n", "down");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "--region eu-west-1 ec2 stop-instances --instance-ids i-0ddd",
                "--region eu-west-1 ec2 wait instance-stopped --instance-ids i-0ddd",
            ],
            AwsCalls().Skip(1));
    }
}
