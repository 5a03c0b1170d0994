using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Actors.Routing;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using static Gateway.Host.Observability.TelemetryNames;

namespace Gateway.Host.Observability;

/// <summary>
/// The gateway's instruments (meter <see cref="TelemetryNames.MeterName"/>, created through <see cref="IMeterFactory"/>
/// so each app instance has its own). Requests are recorded once, at their end, from <see cref="RequestRecord"/>;
/// gauges and the per-replica counters are observed at scrape time from the published model registry and each
/// replica's <see cref="UpstreamEndpoint"/> (its snapshot, breaker and counters), so the request path never pays for them.
/// Every label value is a configured name (model, replica, key) or from a closed set: cardinality is bounded.
/// </summary>
internal sealed class GatewayMetrics
{
    private readonly Histogram<double> _httpDuration;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _timePerToken;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<long> _tokenUsage;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _cancellations;
    private readonly Counter<long> _sheds;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _keyRequests;
    private readonly Counter<long> _keyTokens;

    public GatewayMetrics(IMeterFactory meters, PublishedModelRegistry models)
    {
        var meter = meters.Create(MeterName);
        _httpDuration = meter.CreateHistogram(HttpRequestDuration, "s", "HTTP requests by route template, method and status class", advice: Buckets(HttpDurationBuckets));
        _ttft = meter.CreateHistogram(TimeToFirstToken, "s", "Time from the request's arrival to the first streamed event", advice: Buckets(TimeToFirstTokenBuckets));
        _timePerToken = meter.CreateHistogram(TimePerOutputToken, "s", "Time per output token after the first (streams)", advice: Buckets(TimePerOutputTokenBuckets));
        _requestDuration = meter.CreateHistogram(RequestDuration, "s", "End-to-end duration of requests that reached a model", advice: Buckets(RequestDurationBuckets));
        _tokenUsage = meter.CreateHistogram(TokenUsage, "{token}", "Tokens per request as vLLM reported them", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenUsageBuckets });
        _queueWait = meter.CreateHistogram(QueueWait, "s", "Time a request waited in its model's queue for an in-flight slot", advice: Buckets(QueueWaitBuckets));
        _tokens = meter.CreateCounter<long>(Tokens, "{token}", "Prompt (input) and completion (output) tokens per model");
        _retries = meter.CreateCounter<long>(Retries, "{retry}", "Requests sent again to another replica before their first byte");
        _timeouts = meter.CreateCounter<long>(Timeouts, "{request}", "Requests that timed out, by phase");
        _cancellations = meter.CreateCounter<long>(ClientCancellations, "{request}", "Requests the client abandoned");
        _sheds = meter.CreateCounter<long>(Sheds, "{request}", "Requests refused before any upstream work, by reason");
        _upstreamErrors = meter.CreateCounter<long>(UpstreamErrors, "{request}", "Requests failed by the upstream, by error class");
        _keyRequests = meter.CreateCounter<long>(KeyRequests, "{request}", "Authenticated requests per configured key name");
        _keyTokens = meter.CreateCounter<long>(KeyTokens, "{token}", "Tokens per configured key name");

        meter.CreateObservableGauge(RequestsInFlight, () => PerModel(models, e => e.InFlight), "{request}", "Requests in flight to the model's replicas");
        meter.CreateObservableGauge(RequestsQueued, () => PerModel(models, e => e.Queued), "{request}", "Requests waiting in the model's admission queue");
        meter.CreateObservableGauge(ModelReady, () => PerModel(models, e => e.Readiness.Ready ? 1 : 0), null, "1 when the model has a ready replica");
        meter.CreateObservableGauge(ReplicaInFlight, () => PerReplica(models, r => r.InFlight), "{request}", "Requests in flight to the replica");
        meter.CreateObservableGauge(ReplicaReady, () => PerReplica(models, r => r.Snapshot.ProbeOk == true ? 1 : 0), null, "1 when the replica's last health probe passed");
        meter.CreateObservableGauge(ReplicaEjected, () => PerReplica(models, r => r.Breaker.State == CircuitState.Closed ? 0 : 1), null, "1 while the replica is ejected (breaker open, or half-open awaiting its trial request)");
        meter.CreateObservableCounter(ReplicaEjections, () => PerReplica(models, r => r.Breaker.Ejections), "{ejection}", "Times the replica was ejected");
        meter.CreateObservableCounter(ReplicaGatewayFailures, () => PerReplica(models, r => r.GatewayFailures), "{failure}", "Gateway failures of the replica (connect, reset, 502/503/504, timeouts, dropped streams)");
        meter.CreateObservableCounter(ReplicaRetries, () => PerReplica(models, r => r.Retries), "{retry}", "Retries sent to the replica");
    }

    public void Record(RequestRecord r)
    {
        var http = new TagList
        {
            { HttpRoute, r.Route },
            { TelemetryNames.HttpMethod, r.Method },
            { HttpStatusClass, StatusClass(r.Status) },
        };
        _httpDuration.Record(r.Seconds, http);

        if (r.Key is { } key)
        {
            _keyRequests.Add(1, new KeyValuePair<string, object?>(Key, key));
        }

        var outcome = r.Outcome;
        if (r.Model is not { } model)
        {
            // Refused before a model was known (draining, for one): only the reason is a label.
            if (outcome.ShedReason is { } early)
            {
                _sheds.Add(1, new KeyValuePair<string, object?>(Reason, early));
            }

            return;
        }

        var genAi = new TagList
        {
            { OperationName, r.Operation },
            { RequestModel, model },
            { ProviderName, Provider },
        };
        var withError = genAi;
        if (!outcome.IsOk)
        {
            withError.Add(ErrorType, outcome.Name);
        }

        _requestDuration.Record(r.Seconds, withError);
        if (r.TimeToFirstTokenSeconds is { } ttft)
        {
            var withReplica = genAi;
            withReplica.Add(Replica, r.Replica);
            _ttft.Record(ttft, withReplica);
        }

        if (r.TimePerOutputTokenSeconds is { } tpot)
        {
            _timePerToken.Record(tpot, genAi);
        }

        if (r.PromptTokens is { } input)
        {
            RecordTokens(genAi, "input", input, r.Key);
        }

        if (r.CompletionTokens is { } output)
        {
            RecordTokens(genAi, "output", output, r.Key);
        }

        var byModel = new KeyValuePair<string, object?>(RequestModel, model);
        if (r.QueueWaitSeconds is { } wait)
        {
            _queueWait.Record(wait, byModel);
        }

        if (r.Retries > 0)
        {
            _retries.Add(r.Retries, byModel);
        }

        if (outcome.TimeoutPhase is { } phase)
        {
            _timeouts.Add(1, byModel, new KeyValuePair<string, object?>(Phase, phase));
        }
        else if (outcome.ShedReason is { } reason)
        {
            _sheds.Add(1, byModel, new KeyValuePair<string, object?>(Reason, reason));
        }
        else if (outcome.UpstreamErrorClass is { } errorClass)
        {
            _upstreamErrors.Add(1, byModel, new KeyValuePair<string, object?>(Replica, r.Replica), new KeyValuePair<string, object?>(ErrorType, errorClass));
        }
        else if (outcome == RequestOutcome.ClientCancelled)
        {
            _cancellations.Add(1, byModel);
        }
    }

    private void RecordTokens(TagList genAi, string type, int count, string? key)
    {
        var typed = genAi;
        typed.Add(TokenType, type);
        _tokenUsage.Record(count, typed);
        _tokens.Add(count, new KeyValuePair<string, object?>(RequestModel, genAi[1].Value), new KeyValuePair<string, object?>(TokenType, type));
        if (key is not null)
        {
            _keyTokens.Add(count, new KeyValuePair<string, object?>(Key, key), new KeyValuePair<string, object?>(TokenType, type));
        }
    }

    private static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    private static InstrumentAdvice<double> Buckets(double[] boundaries) => new() { HistogramBucketBoundaries = boundaries };

    private static IEnumerable<Measurement<int>> PerModel(PublishedModelRegistry models, Func<ModelEntry, int> value)
    {
        foreach (var entry in models.Current.All)
        {
            yield return new Measurement<int>(value(entry), new KeyValuePair<string, object?>(RequestModel, entry.ModelId));
        }
    }

    /// <summary>One measurement per configured replica of each configured model (a replica serving two models appears under each).</summary>
    private static IEnumerable<Measurement<T>> PerReplica<T>(PublishedModelRegistry models, Func<UpstreamEndpoint, T> value)
        where T : struct
    {
        foreach (var entry in models.Current.All)
        {
            foreach (var endpoint in entry.Route.Endpoints)
            {
                yield return new Measurement<T>(
                    value(endpoint),
                    new KeyValuePair<string, object?>(RequestModel, entry.ModelId),
                    new KeyValuePair<string, object?>(Replica, endpoint.Label));
            }
        }
    }
}
