using System.Globalization;

namespace Gateway.Healthcheck;

/// <summary>
/// <c>healthcheck [URL]</c>: exit 0 when GET URL answers 2xx within the timeout, 1 otherwise (Docker's HEALTHCHECK contract).
/// Without a URL it probes <c>http://127.0.0.1:$SERVER_PORT/health</c> (port default 8000), the gateway's liveness route.
/// <c>HEALTHCHECK_TIMEOUT_S</c> bounds the request (default 3 s).
/// </summary>
internal static class Probe
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;

    public static Uri DefaultUrl(Func<string, string?> env)
    {
        var port = env("SERVER_PORT");
        if (string.IsNullOrWhiteSpace(port) || !int.TryParse(port.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            p = 8000;
        }

        return new Uri($"http://127.0.0.1:{p}/health");
    }

    public static async Task<int> RunAsync(string[] args, Func<string, string?> env, TextWriter error)
    {
        Uri url;
        if (args.Length == 0)
        {
            url = DefaultUrl(env);
        }
        else if (args.Length == 1 && Uri.TryCreate(args[0], UriKind.Absolute, out var given) && given.Scheme is "http" or "https")
        {
            url = given;
        }
        else
        {
            await error.WriteLineAsync("usage: healthcheck [http://HOST:PORT/PATH]");
            return 2;
        }

        var timeout = TimeSpan.FromSeconds(3);
        if (double.TryParse(env("HEALTHCHECK_TIMEOUT_S"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            timeout = TimeSpan.FromSeconds(seconds);
        }

        using var client = new HttpClient { Timeout = timeout };
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            if (response.IsSuccessStatusCode)
            {
                return Healthy;
            }

            await error.WriteLineAsync($"healthcheck: {url} answered {(int)response.StatusCode}");
            return Unhealthy;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"healthcheck: {url} failed: {ex.GetType().Name}: {ex.Message}");
            return Unhealthy;
        }
    }
}
