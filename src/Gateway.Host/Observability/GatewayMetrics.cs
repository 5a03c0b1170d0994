using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Actors.Routing;
using Gateway.Streams.Breaker;
using static Gateway.Host.Observability.TelemetryNames;

namespace Gateway.Host.Observability;

/// <summary>
/// The gateway's instruments (meter <see cref="TelemetryNames.MeterName"/>, created through <see cref="IMeterFactory"/>
/// so each app instance has its own). Requests are recorded once, at their end, from <see cref="RequestRecord"/>;
/// gauges are observed from the published model snapshot at scrape time, so the request path never pays for them.
/// Every label value is a configured name (model, replica, key) or from a closed set: cardinality is bounded.
/// </summary>
internal sealed class GatewayMetrics
{
    private readonly Histogram<double> _httpDuration;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _timePerToken;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<long> _tokenUsage;
    private readonly Counter<long> _tokens;
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
        _tokens = meter.CreateCounter<long>(Tokens, "{token}", "Prompt (input) and completion (output) tokens per model");
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
        meter.CreateObservableGauge(ReplicaBreakerOpen, () => PerReplica(models, r => r.Breaker.State == CircuitState.Closed ? 0 : 1), null, "1 while the replica's circuit breaker is open or half-open (ejected)");
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

        if (r.Model is not { } model)
        {
            return;
        }

        var genAi = new TagList
        {
            { OperationName, r.Operation },
            { RequestModel, model },
            { ProviderName, Provider },
        };
        var outcome = r.Outcome;
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

    private static IEnumerable<Measurement<int>> PerReplica(PublishedModelRegistry models, Func<Gateway.Streams.Proxy.UpstreamEndpoint, int> value)
    {
        foreach (var entry in models.Current.All)
        {
            foreach (var endpoint in entry.Route.Endpoints)
            {
                yield return new Measurement<int>(
                    value(endpoint),
                    new KeyValuePair<string, object?>(RequestModel, entry.ModelId),
                    new KeyValuePair<string, object?>(Replica, endpoint.Label));
            }
        }
    }
}
