using System.Globalization;

namespace Gateway.Soak;

/// <summary>Command-line options of the soak run.</summary>
internal sealed record SoakOptions
{
    public double Minutes { get; init; } = 10;

    /// <summary>Concurrent traffic workers (besides the one over-limit worker).</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Warm-up before the baseline is taken (same traffic mix).</summary>
    public double WarmupSeconds { get; init; } = 30;

    public string ResultsDirectory { get; init; } = "bench/results";

    public int Seed { get; init; } = 9;

    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--minutes" => options with { Minutes = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--concurrency" => options with { Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--warmup-seconds" => options with { WarmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--results" => options with { ResultsDirectory = Next() },
                "--seed" => options with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"unknown option {args[i]}\n{Usage}"),
            };
        }

        return options;
    }

    public const string Usage =
        "dotnet run -c Release --project bench/Gateway.Soak -- [--minutes 10] [--concurrency 16] [--warmup-seconds 30] [--results bench/results] [--seed 9]";
}
