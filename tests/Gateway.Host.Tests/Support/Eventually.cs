namespace Gateway.Host.Tests.Support;

/// <summary>Waits on a condition itself (polled), not on a guessed amount of time; fails after a bound.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? bound = null)
    {
        var deadline = DateTime.UtcNow + (bound ?? DefaultBound);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Condition not met within {(bound ?? DefaultBound).TotalSeconds} s: {because}");
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string because, TimeSpan? bound = null) =>
        TrueAsync(() => Task.FromResult(condition()), because, bound);
}
