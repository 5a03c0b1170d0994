using Gateway.Streams.Proxy;
using Gateway.Streams.Queueing;
using Gateway.Streams.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Streams.Tests.Queueing;

/// <summary>
/// The fair queue under the issue's two scenarios, on a fake clock with a scripted upstream: a model with
/// <c>slots</c> in-flight slots whose requests take a known service time. Each virtual millisecond finished
/// requests free their slot (and charge their generated tokens), then free slots take the next request by fairness.
/// A key is served its prompt tokens when its request gets a slot and its generated tokens when the request ends.
/// </summary>
public class FairQueueFairnessSpec(ITestOutputHelper output)
{
    [Fact]
    public void A_light_key_waits_no_longer_than_one_slot_while_another_key_keeps_ten_times_the_capacity_queued()
    {
        const int slots = 4;
        var service = TimeSpan.FromMilliseconds(800);
        var sim = new Simulation(slots, maxQueue: 1000, maxPerKey: 500);
        var waits = new List<TimeSpan>();
        for (var ms = 0; ms < 60_000; ms++)
        {
            while (sim.Queue.Count < 10 * slots)
            {
                sim.Enqueue("flood", prompt: 200, completion: 100, service);
            }

            if (ms % 1000 == 0)
            {
                sim.Enqueue("light", prompt: 200, completion: 100, service);
            }

            foreach (var started in sim.Step())
            {
                if (started.RateLimitKey == "light")
                {
                    waits.Add(sim.Clock.GetElapsedTime(started.EnqueuedAt, started.DequeuedAt));
                }
            }
        }

        waits.Sort();
        var p99 = waits[(int)Math.Ceiling(waits.Count * 0.99) - 1];
        output.WriteLine($"light key: {waits.Count} requests, queue wait p50 {waits[waits.Count / 2].TotalMilliseconds} ms, p99 {p99.TotalMilliseconds} ms, max {waits[^1].TotalMilliseconds} ms (one slot's service time: {service.TotalMilliseconds} ms)");
        Assert.Equal(60, waits.Count);
        Assert.True(waits[^1] <= service, $"the light key waited {waits[^1]} > one service time {service}");
    }

    [Fact]
    public void Two_keys_at_the_same_rate_are_served_the_same_tokens_although_one_sends_ten_times_longer_prompts()
    {
        const int slots = 4;
        var sim = new Simulation(slots, maxQueue: 1000, maxPerKey: 500);
        const int longPrompt = 2000, shortPrompt = 200, completion = 100;
        long longAtStart = 0, shortAtStart = 0;
        for (var ms = 0; ms < 120_000; ms++)
        {
            if (ms == 10_000)
            {
                // The window opens once both keys are backlogged (before, each was served as it arrived).
                (longAtStart, shortAtStart) = (sim.TokensServed("long"), sim.TokensServed("short"));
            }

            if (ms % 5 == 0)
            {
                // Both keys send 200 requests a second, far more than the slots serve: both stay backlogged (and are shed at their share of the queue).
                sim.Enqueue("long", longPrompt, completion, TimeSpan.FromMilliseconds((longPrompt / 20) + completion));
                sim.Enqueue("short", shortPrompt, completion, TimeSpan.FromMilliseconds((shortPrompt / 20) + completion));
            }

            sim.Step();
        }

        var servedLong = sim.TokensServed("long") - longAtStart;
        var servedShort = sim.TokensServed("short") - shortAtStart;
        output.WriteLine($"tokens served from 10 s to 120 s: long-prompt key {servedLong}, short-prompt key {servedShort}; requests {sim.RequestsServed("long")} vs {sim.RequestsServed("short")}");
        Assert.True(Math.Abs(servedLong - servedShort) <= longPrompt + completion, $"long {servedLong} vs short {servedShort}");
        Assert.True(sim.RequestsServed("short") > 5 * sim.RequestsServed("long"));
    }

    [Fact]
    public void Priority_weights_the_share_of_tokens()
    {
        var sim = new Simulation(slots: 2, maxQueue: 1000, maxPerKey: 500);
        for (var ms = 0; ms < 60_000; ms++)
        {
            if (ms % 50 == 0)
            {
                sim.Enqueue("gold", 100, 100, TimeSpan.FromMilliseconds(100), priority: 2);
                sim.Enqueue("bronze", 100, 100, TimeSpan.FromMilliseconds(100));
            }

            sim.Step();
        }

        var ratio = (double)sim.TokensServed("gold") / sim.TokensServed("bronze");
        output.WriteLine($"gold/bronze tokens: {ratio:0.00}");
        Assert.InRange(ratio, 1.9, 2.1);
    }

    private sealed class Simulation
    {
        private readonly int _slots;
        private readonly List<(ProxyRequest Request, long EndsAtMs, int Completion)> _running = [];
        private readonly Dictionary<ProxyRequest, (int Completion, TimeSpan Service)> _plans = [];
        private readonly Dictionary<string, long> _tokens = [];
        private readonly Dictionary<string, int> _requests = [];
        private long _nowMs;

        public Simulation(int slots, int maxQueue, int maxPerKey)
        {
            _slots = slots;
            Queue = new FairQueue(maxQueue, maxPerKey, Clock);
        }

        public ManualTimeProvider Clock { get; } = new();

        public FairQueue Queue { get; }

        public void Enqueue(string key, int prompt, int completion, TimeSpan service, double priority = 1)
        {
            var request = Requests.Chat(key: key, promptEstimate: prompt, priority: priority);
            // A key over its share of the queue is shed, as the pipeline does.
            if (Queue.Enqueue(request) == EnqueueResult.Enqueued)
            {
                _plans[request] = (completion, service);
            }
        }

        public long TokensServed(string key) => _tokens.GetValueOrDefault(key);

        public int RequestsServed(string key) => _requests.GetValueOrDefault(key);

        /// <summary>Advances one virtual millisecond; returns the requests that got a slot.</summary>
        public List<ProxyRequest> Step()
        {
            _nowMs++;
            Clock.Advance(TimeSpan.FromMilliseconds(1));
            foreach (var done in _running.Where(r => r.EndsAtMs <= _nowMs).ToList())
            {
                _running.Remove(done);
                Queue.Charge(done.Request.RateLimitKey, done.Completion);
                _tokens[done.Request.RateLimitKey] = TokensServed(done.Request.RateLimitKey) + done.Completion;
            }

            var started = new List<ProxyRequest>();
            while (_running.Count < _slots && Queue.TryDequeue(() => { }, out var dequeued))
            {
                var next = dequeued!;
                var (completion, service) = _plans[next];
                _plans.Remove(next);
                _running.Add((next, _nowMs + (long)service.TotalMilliseconds, completion));
                _tokens[next.RateLimitKey] = TokensServed(next.RateLimitKey) + next.PromptTokenEstimate;
                _requests[next.RateLimitKey] = RequestsServed(next.RateLimitKey) + 1;
                started.Add(next);
            }

            return started;
        }
    }
}
