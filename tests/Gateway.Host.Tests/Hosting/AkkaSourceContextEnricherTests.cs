using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using LogEvent = Serilog.Events.LogEvent;
using Akka.Hosting;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Gateway.Host.Tests.Hosting;

public sealed class AkkaSourceContextEnricherTests
{
    [Fact]
    public async Task An_actors_log_event_carries_the_actor_path_as_its_source_context()
    {
        var sink = new CollectingSink();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // preserveStaticLogger: this host never touches Serilog's static Log.Logger, which other tests' hosts run beside it.
        builder.Services.AddSerilog(logger => logger.MinimumLevel.Information().Enrich.With<AkkaSourceContextEnricher>().WriteTo.Sink(sink), preserveStaticLogger: true);
        builder.Services.AddAkka("enricher-test", (akka, _) => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithActors((system, _) => system.ActorOf(Props.Create(() => new Talker()), "talker")));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(() => sink.Events.Any(e => e.MessageTemplate.Text.Contains("hello from the talker", StringComparison.Ordinal) || e.RenderMessage().Contains("hello from the talker", StringComparison.Ordinal)), "the actor's line reached Serilog");
            var line = sink.Events.First(e => e.RenderMessage().Contains("hello from the talker", StringComparison.Ordinal));
            Assert.Equal("\"akka://enricher-test/user/talker\"", line.Properties[Constants.SourceContextPropertyName].ToString());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void Events_of_other_categories_keep_their_source_context()
    {
        var sink = new CollectingSink();
        using var logger = new LoggerConfiguration().Enrich.With<AkkaSourceContextEnricher>().WriteTo.Sink(sink).CreateLogger();

        logger.ForContext(Constants.SourceContextPropertyName, "Gateway.Host.Http.RequestLoggingMiddleware")
            .ForContext(AkkaSourceContextEnricher.LogSourceProperty, "something-else")
            .Information("a request");

        Assert.Equal("\"Gateway.Host.Http.RequestLoggingMiddleware\"", Assert.Single(sink.Events).Properties[Constants.SourceContextPropertyName].ToString());
    }

    private sealed class Talker : ReceiveActor
    {
        public Talker() => Context.GetLogger().Info("hello from the talker");
    }

    private sealed class CollectingSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }
}
