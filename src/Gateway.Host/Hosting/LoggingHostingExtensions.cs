using Gateway.Host.Configuration;
using Gateway.Host.Observability;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Gateway.Host.Hosting;

/// <summary>
/// Serilog as the only logging provider (Akka's events reach it through the logger factory). Every sink sits behind
/// the <see cref="RedactingSink"/>; <c>LOG_FORMAT=json</c> makes every sink write compact JSON, one object per line.
/// </summary>
internal static class LoggingHostingExtensions
{
    private const string OutputTemplate = ConsoleLogFormat.OutputTemplate;

    /// <summary>ASP.NET Core hosting's request-start and request-end logging category.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddGatewayLogging(this WebApplicationBuilder builder, GatewaySettings settings, GatewayAppOptions options)
    {
        builder.Logging.ClearProviders();
        var redactor = new SecretRedactor(SecretRedactor.SecretsOf(settings.Auth));
        builder.Services.AddSingleton(redactor); // a config reload tells it the new key secrets
        ITextFormatter formatter = settings.JsonLogs ? new RenderedCompactJsonFormatter() : new MessageTemplateTextFormatter(OutputTemplate);
        // A file or a pipe: queued and written in batches, off the request path.
        var redirected = Console.IsOutputRedirected;
        var batched = options.ConsoleLogging && redirected ? new BufferedConsoleSink(formatter, Console.OpenStandardOutput()) : null;
        var route = AccessLogRouting.Choose(options.ConsoleLogging, redirected, settings.JsonLogs, options.LogSink is not null);
        if (route != AccessLogRoute.Serilog && batched is not null)
        {
            // The batched console is the only sink: access lines skip building a Serilog event (same text or JSON).
            builder.Services.AddSingleton(new DirectAccessLog(batched, redactor, json: route == AccessLogRoute.DirectJson));
        }

        builder.Services.AddSerilog(logger =>
        {
            logger.MinimumLevel.Is(settings.SerilogMinimumLevel)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                // Off: with this category enabled at any level hosting makes an Activity and a logging scope per request
                // (two AsyncLocal writes each) only to put ids on log events; spans, when recorded, still get theirs.
                .MinimumLevel.Override(HostingDiagnosticsCategory, LevelAlias.Off)
                .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.With<AkkaSourceContextEnricher>();
            logger.WriteTo.Sink(LoggerSinkConfiguration.Wrap(sink => new RedactingSink(sink, redactor), sinks =>
            {
                if (batched is not null)
                {
                    sinks.Sink(batched);
                }
                else if (options.ConsoleLogging)
                {
                    if (settings.JsonLogs)
                    {
                        sinks.Console(formatter);
                    }
                    else
                    {
                        sinks.Console(outputTemplate: OutputTemplate);
                    }
                }

                if (options.LogSink is { } extra)
                {
                    sinks.Sink(extra);
                }
            }));
        },
        preserveStaticLogger: true); // each app (tests start several) keeps its own pipeline; none takes over Log.Logger
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
