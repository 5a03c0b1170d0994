using System.Text.Json;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Integration;

/// <summary>The gateway reads time from the one <see cref="TimeProvider"/> in DI.</summary>
public sealed class ClockTests
{
    [Fact]
    public async Task Models_created_and_readiness_timestamps_come_from_the_injected_clock()
    {
        var start = new DateTimeOffset(2031, 5, 4, 3, 2, 1, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        await using var gateway = await RunningGateway.StartAsync(time: clock);
        await gateway.WaitUntilReadyAsync();

        using var models = JsonDocument.Parse(await gateway.Client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));
        var model = models.RootElement.GetProperty("data")[0];
        Assert.Equal(start.ToUnixTimeSeconds(), model.GetProperty("created").GetInt64());

        using var ready = JsonDocument.Parse(await gateway.Client.GetStringAsync(new Uri("/ready", UriKind.Relative)));
        var checkedAt = ready.RootElement.GetProperty("models").GetProperty("test-model").GetProperty("checked_at").GetDateTimeOffset();
        Assert.Equal(start, checkedAt);
    }
}
