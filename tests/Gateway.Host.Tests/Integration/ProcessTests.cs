using System.Diagnostics;
using System.Net;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

/// <summary>The gateway as users start it: a process, configured by the environment.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("gateway-process-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    private Process Start(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(GatewayApp).Assembly.Location);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Gateway__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        // Drain stdout so a chatty process can never block on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    [Fact]
    public async Task An_invalid_setting_stops_the_process_with_one_line_naming_the_key()
    {
        using var process = Start(("SERVER_PORT", "70000"));
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains("SERVER_PORT", line, StringComparison.Ordinal);
        Assert.Contains("70000", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_nothing_configured_the_process_answers_at_once_from_the_embedded_simulator()
    {
        var port = Loopback.FreePort();
        using var process = Start(("SERVER_PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HttpStatusCode? status = null;
            while (DateTime.UtcNow < deadline && status != HttpStatusCode.OK)
            {
                try
                {
                    using var response = await client.PostAsync(
                        new Uri("/v1/chat/completions", UriKind.Relative),
                        new StringContent("""{"model":"selfhost-qwen","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""", System.Text.Encoding.UTF8, "application/json"));
                    status = response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }

            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Sigterm_drains_ready_turns_draining_new_requests_are_refused_the_stream_finishes_and_the_process_exits_0()
    {
        var port = Loopback.FreePort();
        using var process = Start(("SERVER_PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitUntilReadyAsync(client);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
            {
                Content = new StringContent(
                    """{"model":"selfhost-qwen","stream":true,"max_tokens":30,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"itl_ms":100}}""",
                    System.Text.Encoding.UTF8,
                    "application/json"),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

            // The stream is in flight once its first event has arrived.
            var first = await reader.ReadLineAsync();
            Assert.StartsWith("data: ", first, StringComparison.Ordinal);
            var body = reader.ReadToEndAsync();

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // Draining: /ready says so at once, a new request is refused, the stream in flight runs on.
            await Support.Eventually.TrueAsync(
                async () =>
                {
                    using var ready = await client.GetAsync(new Uri("/ready", UriKind.Relative));
                    return ready.StatusCode == HttpStatusCode.ServiceUnavailable && (await ready.Content.ReadAsStringAsync()).Contains("\"status\":\"draining\"", StringComparison.Ordinal);
                },
                "/ready answers 503 draining after SIGTERM");
            using (var refused = await client.PostAsync(
                new Uri("/v1/chat/completions", UriKind.Relative),
                new StringContent("""{"model":"selfhost-qwen","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json")))
            {
                await Support.ErrorAssert.IsOpenAiErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "shutting_down");
            }

            var events = Support.SseReader.Events(first + "\n" + await body);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal("[DONE]", events[^1]);
            Assert.DoesNotContain(events, e => e.StartsWith("{\"error\"", StringComparison.Ordinal));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var ready = await client.GetAsync(new Uri("/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the gateway process never became ready");
    }
}
