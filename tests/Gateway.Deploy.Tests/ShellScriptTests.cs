using Gateway.Deploy.Tests.Support;

namespace Gateway.Deploy.Tests;

/// <summary>Every deploy script passes shellcheck (installed through deploy/scripts/ensure-tool.sh when missing) and is executable.</summary>
public sealed class ShellScriptTests
{
    private static List<string> Scripts() =>
        Directory.GetFiles(Repo.Path("deploy"), "*.sh", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Shellcheck_passes_on_every_script()
    {
        var ensure = await Shell.ScriptAsync("ensure-tool.sh", ["shellcheck"], timeout: TimeSpan.FromMinutes(10));
        Assert.True(ensure.ExitCode == 0, $"shellcheck is not installed and deploy/scripts/ensure-tool.sh could not install it:\n{ensure}");

        var scripts = Scripts();
        Assert.Contains(scripts, s => s.EndsWith("idle-shutdown.sh", StringComparison.Ordinal));
        var result = await Shell.RunAsync("shellcheck", ["--shell=bash", "--severity=style", "--external-sources", .. scripts], timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"shellcheck found problems:\n{result.Stdout}{result.Stderr}");
    }

    [Fact]
    public void Every_script_is_executable_and_strict()
    {
        foreach (var script in Scripts())
        {
            Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
            var text = File.ReadAllText(script);
            Assert.StartsWith("#!/usr/bin/env bash\n", text, StringComparison.Ordinal);
            Assert.Contains("set -euo pipefail", text, StringComparison.Ordinal);
        }
    }
}
