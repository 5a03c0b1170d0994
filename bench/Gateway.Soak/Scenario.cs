namespace Gateway.Soak;

/// <summary>One kind of traffic: how often it is picked and how one request of it runs and is judged.</summary>
internal sealed record Scenario(string Name, int Weight, Func<Random, Task<Verdict>> RunAsync);
