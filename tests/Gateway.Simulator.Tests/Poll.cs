using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Simulator.Tests;

/// <summary>Condition waits (bounded, never fixed sleeps) and reads of single /metrics gauges.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>The value of <paramref name="metric"/> for <paramref name="model"/> in a fresh <c>/metrics</c> scrape.</summary>
    public static async Task<double> GaugeAsync(HttpClient client, string metric, string model = SimulatorFixture.Model)
    {
        var text = await client.GetStringAsync("/metrics");
        var match = Regex.Match(text, "^" + Regex.Escape(metric) + "\\{[^}]*model_name=\"" + Regex.Escape(model) + "\"\\} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, metric + " missing");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public static async Task GaugeIsAsync(HttpClient client, string metric, double expected, string model = SimulatorFixture.Model) =>
        await UntilAsync(async () => await GaugeAsync(client, metric, model) == expected);
}
