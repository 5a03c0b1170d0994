using System.Net;
using System.Text.Json;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration.Faults;

/// <summary>
/// One gateway and one simulator shared by every fault row: a short total timeout (2 s, for the hang rows), a
/// 16 KiB plain-response cap, breakers that never open (so the rows don't depend on their order; the breaker's
/// part is covered by BreakerStage specs), and a second model whose replica is a port nothing listens on.
/// </summary>
public sealed class UpstreamFaultFixture : IAsyncLifetime
{
    public const string Model = "faults";
    public const string DownModel = "down";
    public const int MaxResponseBodyBytes = 16 * 1024;

    private RunningGateway? _gateway;

    internal RunningGateway Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync(
            s =>
            {
                s.Upstream.RequestTimeoutSeconds = 2;
                s.Upstream.MaxResponseBodyBytes = MaxResponseBodyBytes;
                s.CircuitBreaker.FailureThreshold = 100_000;
                s.Models.Add(new Gateway.Host.Configuration.ModelSettings { Id = DownModel, Upstreams = [$"http://127.0.0.1:{Loopback.FreePort()}"] });
            },
            model: Model);
        await Eventually.TrueAsync(
            async () => (await ModelAsync(Model)).GetProperty("ready").GetBoolean(),
            "the simulated model becomes ready");
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    /// <summary>One model's entry from <c>/admin/models</c>.</summary>
    public async Task<JsonElement> ModelAsync(string id)
    {
        using var response = await Gateway.Client.GetAsync(new Uri("/admin/models", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.EnumerateArray().Single(m => m.GetProperty("model_id").GetString() == id).Clone();
    }

    /// <summary>Nothing held: the gateway's in-flight and queued counts and its replicas' in-flight are 0, the simulator runs nothing.</summary>
    public async Task AssertNothingHeldAsync(string model)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                var m = await ModelAsync(model);
                return m.GetProperty("in_flight").GetInt32() == 0
                    && m.GetProperty("queued").GetInt32() == 0
                    && m.GetProperty("replicas").EnumerateArray().All(r => r.GetProperty("in_flight").GetInt32() == 0)
                    && Gateway.Simulator!.Stats.InFlight == 0;
            },
            $"{model}: in flight, queued and the simulator's in_flight back to 0");
    }
}
