using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Deploy.Tests.Support;

/// <summary>Compose/systemd durations: "45s", "1m30s", "2min", "90".</summary>
internal static partial class Duration
{
    public static TimeSpan Parse(string text)
    {
        var total = TimeSpan.Zero;
        var matches = Part().Matches(text.Trim());
        Assert.True(matches.Count > 0, $"not a duration: '{text}'");
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "" or "s" or "sec" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                "m" or "min" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                var unit => throw new Xunit.Sdk.XunitException($"unknown unit '{unit}' in '{text}'"),
            };
        }

        return total;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*(ms|min|sec|s|m|h|)")]
    private static partial Regex Part();
}
