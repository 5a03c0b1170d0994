using Gateway.Deploy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Deploy.Tests;

/// <summary>gpu-host.sh against a stub <c>aws</c> (first on PATH) that records its arguments and answers canned output.</summary>
public sealed class GpuHostTests : IDisposable
{
    private readonly TempDir _dir = new();

    public GpuHostTests()
    {
        // describe-instances answers $FAKE_DIR/describe, or $FAKE_DIR/describe-after-start once start-instances was called.
        _dir.Executable("aws", """
            #!/usr/bin/env bash
            printf '%s\n' "$*" >> "$FAKE_DIR/aws.log"
            case "$*" in
              *describe-instances*)
                if grep -q start-instances "$FAKE_DIR/aws.log" && [[ -f "$FAKE_DIR/describe-after-start" ]]; then
                  cat "$FAKE_DIR/describe-after-start"
                else
                  cat "$FAKE_DIR/describe"
                fi ;;
              *start-instances*) echo '{"StartingInstances":[{"CurrentState":{"Name":"pending"}}]}' ;;
              *stop-instances*) echo '{"StoppingInstances":[{"CurrentState":{"Name":"stopping"}}]}' ;;
            esac
            """);
        _dir.Executable("ssh", """
            #!/usr/bin/env bash
            printf '%s\n' "$*" >> "$FAKE_DIR/ssh.log"
            exit 0
            """);
    }

    public void Dispose()
    {
        // A tunnel left running by a failed test: end it (only the pid this test's script wrote).
        var pidFile = _dir.File("state/tunnel-dev.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }

        _dir.Dispose();
    }

    private Task<ShellResult> RunAsync(params string[] args) => RunAsync(null, args);

    private Task<ShellResult> RunAsync(int? localPort, params string[] args) => Shell.ScriptAsync("gpu-host.sh", args, new Dictionary<string, string?>
    {
        ["TUNNEL_LOCAL_PORT"] = localPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GPU_SSH_WAIT_S"] = "20",
        ["OPENAI_API_KEY"] = null,
        ["BEARER_TOKEN"] = null,
        ["PATH"] = $"{_dir.Path}:{Environment.GetEnvironmentVariable("PATH")}",
        ["FAKE_DIR"] = _dir.Path,
        ["AWS_REGION"] = "eu-west-1",
        ["AWS_DEFAULT_REGION"] = null,
        ["GPU_HOST_STATE_DIR"] = _dir.File("state"),
        ["GPU_SSH_KEY"] = _dir.File("no-such-key"),
        ["GPU_HOST_TAG_APPLICATION"] = null,
    });

    private void Describe(string rows, string? afterStart = null)
    {
        File.WriteAllText(_dir.File("describe"), rows);
        if (afterStart is not null)
        {
            File.WriteAllText(_dir.File("describe-after-start"), afterStart);
        }
    }

    private string[] AwsCalls() => File.Exists(_dir.File("aws.log")) ? File.ReadAllLines(_dir.File("aws.log")) : [];

    private static string Find(string env) =>
        "--region eu-west-1 ec2 describe-instances --filters Name=tag:application,Values=vllm-serving " +
        $"Name=tag:environment,Values={env} Name=instance-state-name,Values=pending,running,stopping,stopped " +
        "--query Reservations[].Instances[].[InstanceId,State.Name,PublicIpAddress,PrivateIpAddress] --output text";

    [Fact]
    public async Task Up_dry_run_only_describes_and_prints_the_calls_that_would_start_the_instance()
    {
        Describe("i-0123456789abcdef0\tstopped\tNone\t10.0.0.5\n");
        var result = await RunAsync("up", "--env", "staging", "--dry-run");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([Find("staging")], AwsCalls());
        Assert.Contains("would run: aws --region eu-west-1 ec2 start-instances --instance-ids i-0123456789abcdef0", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("would run: aws --region eu-west-1 ec2 wait instance-running --instance-ids i-0123456789abcdef0", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("would run in the background:", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("ssh.log")));
    }

    [Fact]
    public async Task Up_starts_a_stopped_instance_waits_for_it_and_for_ssh()
    {
        Describe("i-0aaa\tstopped\tNone\t10.0.0.5\n", afterStart: "i-0aaa\trunning\t203.0.113.7\t10.0.0.5\n");
        var result = await RunAsync("up", "--no-tunnel");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                Find("dev"),
                "--region eu-west-1 ec2 start-instances --instance-ids i-0aaa",
                "--region eu-west-1 ec2 wait instance-running --instance-ids i-0aaa",
                Find("dev"),
            ],
            AwsCalls());
        Assert.Contains("instance i-0aaa is running at 203.0.113.7", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_leaves_a_running_instance_alone_and_checks_ssh_before_the_tunnel()
    {
        Describe("i-0bbb\trunning\t203.0.113.8\t10.0.0.6\n");
        var result = await RunAsync("up", "--dry-run");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([Find("dev")], AwsCalls());
        Assert.DoesNotContain("start-instances", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.8 true", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("tunnel.sh --host 203.0.113.8 --user ubuntu", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_waits_for_a_stopping_instance_before_starting_it()
    {
        Describe("i-0ccc\tstopping\tNone\t10.0.0.7\n");
        var result = await RunAsync("up", "--dry-run");
        Assert.True(result.ExitCode == 0, result.ToString());
        var stopped = result.Stderr.IndexOf("wait instance-stopped --instance-ids i-0ccc", StringComparison.Ordinal);
        var start = result.Stderr.IndexOf("start-instances --instance-ids i-0ccc", StringComparison.Ordinal);
        Assert.True(stopped >= 0 && start > stopped, result.ToString());
    }

    [Fact]
    public async Task Down_stops_the_instance_and_waits_until_stopped()
    {
        Describe("i-0ddd\trunning\t203.0.113.9\t10.0.0.8\n");
        var result = await RunAsync("down", "--env", "prod");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                Find("prod"),
                "--region eu-west-1 ec2 stop-instances --instance-ids i-0ddd",
                "--region eu-west-1 ec2 wait instance-stopped --instance-ids i-0ddd",
            ],
            AwsCalls());
        Assert.Contains("no tunnel opened by this script is running", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Down_dry_run_changes_nothing()
    {
        Describe("i-0ddd\trunning\t203.0.113.9\t10.0.0.8\n");
        var result = await RunAsync("down", "--dry-run", "--no-wait", "--region", "us-east-2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(AwsCalls());
        Assert.StartsWith("--region us-east-2 ec2 describe-instances", AwsCalls()[0], StringComparison.Ordinal);
        Assert.Contains("would run: aws --region us-east-2 ec2 stop-instances --instance-ids i-0ddd", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("instance-stopped", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_reports_the_instance()
    {
        Describe("i-0eee\tstopped\tNone\t10.0.0.9\n");
        var result = await RunAsync("status");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("instance=i-0eee state=stopped address=10.0.0.9 region=eu-west-1 env=dev", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("tunnel=none", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("i-01\trunning\t1.2.3.4\t10.0.0.1\ni-02\tstopped\tNone\t10.0.0.2\n")]
    public async Task No_or_several_tagged_instances_is_an_error(string rows)
    {
        Describe(rows);
        var result = await RunAsync("up");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("tagged application=vllm-serving environment=dev", result.Stderr, StringComparison.Ordinal);
        Assert.Single(AwsCalls());
    }

    [Theory]
    [InlineData("launch")]
    [InlineData("up", "--env", "bad env")]
    [InlineData("up", "--frobnicate")]
    public async Task Bad_arguments_exit_2(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(AwsCalls());
    }

    [Fact]
    public void No_instance_id_is_hard_coded()
    {
        Assert.DoesNotMatch("i-[0-9a-f]{8,17}", Repo.Read("deploy", "scripts", "gpu-host.sh"));
    }

    [Fact]
    public async Task Up_opens_the_tunnel_in_the_background_status_sees_it_and_down_closes_it()
    {
        // The stub ssh answers the reachability probe at once and, for the tunnel (-N), stays up until killed.
        _dir.Executable("ssh", """
            #!/usr/bin/env bash
            printf '%s\n' "$*" >> "$FAKE_DIR/ssh.log"
            if [[ " $* " == *" -N "* ]]; then exec sleep 600; fi
            exit 0
            """);
        // The "gateway" at the far end of the tunnel: a loopback server on the local port.
        await using var gateway = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(context.Request.Path == "/health" ? """{"status":"ok"}""" : """{"data":[{"id":"selfhost-qwen"}]}""");
        });
        Describe("i-0fff\trunning\t203.0.113.10\t10.0.0.10\n");

        var up = await RunAsync(gateway.Port, "up");
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Contains($"export OPENAI_BASE_URL=http://127.0.0.1:{gateway.Port}/v1", up.Stdout, StringComparison.Ordinal);
        var ssh = File.ReadAllLines(_dir.File("ssh.log"));
        Assert.EndsWith("ubuntu@203.0.113.10 true", ssh[0], StringComparison.Ordinal);
        Assert.Contains(ssh, l => l.Contains($"-L 127.0.0.1:{gateway.Port}:127.0.0.1:8000", StringComparison.Ordinal));
        var pid = int.Parse(File.ReadAllText(_dir.File("state/tunnel-dev.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var status = await RunAsync(gateway.Port, "status");
        Assert.Contains($"tunnel=running pid={pid}", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("tunnel: ok", status.Stdout, StringComparison.Ordinal);

        var down = await RunAsync(gateway.Port, "down", "--no-wait");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains($"closed the tunnel (pid {pid})", down.Stderr, StringComparison.Ordinal);
        Assert.Contains("--region eu-west-1 ec2 stop-instances --instance-ids i-0fff", AwsCalls());
        Assert.False(File.Exists(_dir.File("state/tunnel-dev.pid")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (IsRunning(pid))
        {
            await Task.Delay(50, cts.Token);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
