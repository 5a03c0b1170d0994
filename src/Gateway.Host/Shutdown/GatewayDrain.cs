using Gateway.Host.Configuration;

namespace Gateway.Host.Shutdown;

/// <summary>
/// The gateway's shutdown drain, one object the HTTP side reads and the shutdown phases drive: it counts the
/// requests in flight, says when to refuse new ones, and fires <see cref="EndStreams"/> when the requests still
/// running at the drain timeout must be ended by the gateway. Its three steps are run by Akka's
/// <c>CoordinatedShutdown</c> (see <c>DrainHostingExtensions</c>), so a node leaving a cluster drains the same way.
/// </summary>
internal sealed class GatewayDrain : IDisposable
{
    /// <summary>After <see cref="EndStreams"/> fires, how long the ended streams get to write their last event.</summary>
    public static readonly TimeSpan EndGrace = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _delay;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger<GatewayDrain> _log;
    private readonly CancellationTokenSource _endStreams = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _phase;
    private long _inFlight;

    public GatewayDrain(GatewaySettings settings, TimeProvider time, ILogger<GatewayDrain> log)
    {
        _delay = TimeSpan.FromSeconds(settings.Server.DrainDelaySeconds);
        _timeout = TimeSpan.FromSeconds(settings.Server.DrainTimeoutSeconds);
        _time = time;
        _log = log;
    }

    public DrainPhase Phase => (DrainPhase)Volatile.Read(ref _phase);

    /// <summary>Requests (other than probes) being handled right now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Fires when the drain timeout has passed with requests still in flight: they must end now.</summary>
    public CancellationToken EndStreams => _endStreams.Token;

    /// <summary>Completes when the drain is over: nothing in flight, or what was left has been ended.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Counts a request in; false (and not counted) once new requests are refused.</summary>
    public bool TryEnter()
    {
        // Count first, then look: either this request sees Refusing, or WaitForInFlightAsync sees it counted.
        Interlocked.Increment(ref _inFlight);
        if (Phase < DrainPhase.Refusing)
        {
            return true;
        }

        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Phase >= DrainPhase.Refusing)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>Step 1: <c>/ready</c> turns to <c>draining</c> at once; requests are still served for the drain delay.</summary>
    public async Task BeginAsync()
    {
        if (Interlocked.CompareExchange(ref _phase, (int)DrainPhase.Draining, (int)DrainPhase.Serving) == (int)DrainPhase.Serving)
        {
            _log.LogWarning("Shutting down: /ready says draining; new requests are served for {DelaySeconds} s more, then refused", _delay.TotalSeconds);
        }

        if (_delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay, _time).ConfigureAwait(false);
        }
    }

    /// <summary>Step 2: new requests get 503 <c>shutting_down</c>.</summary>
    public void Refuse()
    {
        if (Interlocked.Exchange(ref _phase, (int)DrainPhase.Refusing) != (int)DrainPhase.Refusing)
        {
            _log.LogWarning("Shutting down: refusing new requests; waiting up to {TimeoutSeconds} s for {InFlight} in flight", _timeout.TotalSeconds, InFlight);
        }

        if (InFlight == 0)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>Step 3: waits for the requests in flight, up to the drain timeout; then ends the rest (in-band error and <c>[DONE]</c> for streams).</summary>
    public async Task WaitForInFlightAsync()
    {
        Refuse();
        if (!await CompletesWithinAsync(_idle.Task, _timeout).ConfigureAwait(false))
        {
            _log.LogWarning("Drain timeout: ending {InFlight} request(s) still in flight", InFlight);
            await _endStreams.CancelAsync().ConfigureAwait(false);
            await CompletesWithinAsync(_idle.Task, EndGrace).ConfigureAwait(false);
        }

        _log.LogInformation("Drain complete");
        _drained.TrySetResult();
    }

    public void Dispose() => _endStreams.Dispose();

    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
