using Gateway.Host.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Gateway.Host.Hosting;

/// <summary>Serilog as the only logging provider (Akka's events reach it through the logger factory).</summary>
internal static class LoggingHostingExtensions
{
    private const string OutputTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static WebApplicationBuilder AddGatewayLogging(this WebApplicationBuilder builder, GatewaySettings settings, GatewayAppOptions options)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger =>
        {
            logger.MinimumLevel.Is(settings.SerilogMinimumLevel)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.With<AkkaSourceContextEnricher>();
            if (options.ConsoleLogging && Console.IsOutputRedirected)
            {
                // A file or a pipe: queued and written in batches, off the request path.
                logger.WriteTo.Sink(new BufferedConsoleSink(new MessageTemplateTextFormatter(OutputTemplate), Console.OpenStandardOutput()));
            }
            else if (options.ConsoleLogging)
            {
                logger.WriteTo.Console(outputTemplate: OutputTemplate);
            }

            if (options.LogSink is not null)
            {
                logger.WriteTo.Sink(options.LogSink);
            }
        });
        return builder;
    }

    /// <summary>The Akka log level matching the Serilog minimum level.</summary>
    public static Akka.Event.LogLevel AkkaLogLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => Akka.Event.LogLevel.DebugLevel,
        LogEventLevel.Information => Akka.Event.LogLevel.InfoLevel,
        LogEventLevel.Warning => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };
}
