using System.Text.Json;
using Gateway.Deploy.Tests.Support;

namespace Gateway.Deploy.Tests;

/// <summary>The Dockerfiles, parsed (no engine here to build them).</summary>
public sealed class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "Dockerfile", "gateway" },
        { "Dockerfile.simulator", "simulator" },
    };

    private static List<DockerStage> Stages(string file) => Dockerfile.Parse(Repo.Read("deploy", file));

    [Theory]
    [MemberData(nameof(Images))]
    public void Builds_with_the_sdk_and_runs_on_the_aspnet_runtime(string file, string component)
    {
        _ = component;
        var stages = Stages(file);
        Assert.True(stages.Count >= 2, "multi-stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", stages[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", stages[^1].Image, StringComparison.Ordinal);
        Assert.Contains("chiseled", stages[^1].Image, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Publishes_through_the_shared_publish_script(string file, string component)
    {
        var runs = string.Join("\n", Stages(file)[0].All("RUN").Select(r => r.Arguments));
        Assert.Contains($"deploy/scripts/publish.sh {component} /out/app", runs, StringComparison.Ordinal);
        Assert.Contains("deploy/scripts/publish.sh healthcheck /out/healthcheck", runs, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet publish", runs, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_runtime_stage_runs_as_a_non_root_numeric_user_and_has_no_shell_steps(string file, string component)
    {
        _ = component;
        var runtime = Stages(file)[^1];
        var user = Assert.Single(runtime.All("USER")).Arguments;
        Assert.Matches("^[0-9]+(:[0-9]+)?$", user);
        Assert.NotEqual("0", user.Split(':')[0]);
        Assert.Empty(runtime.All("RUN"));
        var text = string.Join("\n", runtime.Instructions.Select(i => i.Arguments));
        foreach (var tool in new[] { "curl", "wget", "apt-get", "/bin/sh" })
        {
            Assert.DoesNotContain(tool, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Has_an_exec_form_healthcheck_on_health_using_the_shipped_probe(string file, string component)
    {
        _ = component;
        var runtime = Stages(file)[^1];
        var check = Assert.Single(runtime.All("HEALTHCHECK")).Arguments;
        var cmd = check[(check.IndexOf("CMD ", StringComparison.Ordinal) + 4)..];
        var argv = JsonSerializer.Deserialize<string[]>(cmd)!;
        Assert.Equal(["dotnet", "/healthcheck/healthcheck.dll"], argv[..2]);
        Assert.Contains(runtime.All("COPY"), c => c.Arguments.EndsWith("/out/healthcheck /healthcheck", StringComparison.Ordinal));
        if (argv.Length > 2)
        {
            Assert.EndsWith("/health", argv[2], StringComparison.Ordinal);
        }

        // Exec-form entrypoint: the process is PID 1 and gets SIGTERM.
        var entry = Assert.Single(runtime.All("ENTRYPOINT")).Arguments;
        Assert.StartsWith("[\"dotnet\"", entry, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gateway_image_binds_all_interfaces_and_ships_no_token()
    {
        var runtime = Stages("Dockerfile")[^1];
        var env = string.Join(" ", runtime.All("ENV").Select(e => e.Arguments));
        Assert.Contains("SERVER_HOST=0.0.0.0", env, StringComparison.Ordinal);
        Assert.DoesNotContain("BEARER_TOKEN", env, StringComparison.Ordinal);
        Assert.Contains("[\"dotnet\", \"/app/Gateway.Host.dll\"]", Assert.Single(runtime.All("ENTRYPOINT")).Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void The_simulator_image_listens_on_all_interfaces_on_port_8000()
    {
        var entry = Assert.Single(Stages("Dockerfile.simulator")[^1].All("ENTRYPOINT")).Arguments;
        var argv = JsonSerializer.Deserialize<string[]>(entry)!;
        Assert.Equal(["dotnet", "/app/Gateway.Simulator.dll", "--host", "0.0.0.0", "--port", "8000"], argv);
    }

    [Fact]
    public void The_dockerignore_keeps_secrets_and_build_output_out_but_sources_in()
    {
        var lines = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var required in new[] { ".git/", "**/bin/", "**/obj/", "tests/", "**/.env" })
        {
            Assert.Contains(required, lines);
        }

        Assert.DoesNotContain(lines, l => l.TrimEnd('/') is "src" or "deploy" or "Directory.Build.props" or "Directory.Packages.props");
    }

    [Theory]
    [InlineData("gateway", "src/Gateway.Host/Gateway.Host.csproj")]
    [InlineData("simulator", "src/Gateway.Simulator/Gateway.Simulator.csproj")]
    [InlineData("healthcheck", "deploy/healthcheck/Gateway.Healthcheck.csproj")]
    public async Task The_publish_script_publishes_a_release_build(string component, string project)
    {
        var result = await Shell.ScriptAsync("publish.sh", [component, "/out/app", "--dry-run"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"dotnet publish {Repo.Path(project)} --configuration Release --output /out/app", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--self-contained false", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Repo.Path(project)), project);
    }

    [Fact]
    public async Task The_publish_script_builds_self_contained_for_a_runtime()
    {
        var result = await Shell.ScriptAsync("publish.sh", ["gateway", "/tmp/x", "--self-contained", "linux-x64", "--dry-run"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--runtime linux-x64 --self-contained true", result.Stdout, StringComparison.Ordinal);
    }
}
