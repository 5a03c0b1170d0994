using Serilog.Core;
using Serilog.Events;

namespace Gateway.Host.Hosting;

/// <summary>
/// Akka's events reach Serilog through Akka.Hosting's logger-factory bridge, which logs every one of them under the
/// category <c>Akka.Actor.ActorSystem</c> and puts the real source in a <c>LogSource</c> property (an actor's path,
/// e.g. <c>akka://gateway/user/model-registry/model-qwen</c>, or the logging type's name). This enricher makes that
/// source the event's <c>SourceContext</c>, so router and pipeline lines say which actor wrote them.
/// </summary>
internal sealed class AkkaSourceContextEnricher : ILogEventEnricher
{
    public const string BridgeCategory = "Akka.Actor.ActorSystem";
    public const string LogSourceProperty = "LogSource";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var context)
            && context is ScalarValue { Value: BridgeCategory }
            && logEvent.Properties.TryGetValue(LogSourceProperty, out var source)
            && source is ScalarValue { Value: string { Length: > 0 } name })
        {
            logEvent.AddOrUpdateProperty(propertyFactory.CreateProperty(Constants.SourceContextPropertyName, name));
        }
    }
}
