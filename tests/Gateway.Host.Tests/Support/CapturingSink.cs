using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Gateway.Host.Tests.Support;

/// <summary>A Serilog sink that keeps every event as the sinks would write it (rendered text and compact JSON).</summary>
internal sealed class CapturingSink : ILogEventSink
{
    private static readonly CompactJsonFormatter Json = new();
    private static readonly MessageTemplateTextFormatter Message = new("{Message:lj}");

    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    /// <summary>Each event as written: its rendered message, its exception, then its compact JSON (all properties).</summary>
    public IReadOnlyList<string> Written() => Events.Select(e =>
    {
        using var json = new StringWriter();
        Json.Format(e, json);
        return e.RenderMessage() + "\n" + e.Exception + "\n" + json;
    }).ToList();

    /// <summary>Each event's message as the console writes it (strings unquoted).</summary>
    public IReadOnlyList<string> Messages() => Events.Select(e =>
    {
        using var text = new StringWriter();
        Message.Format(e, text);
        return text.ToString();
    }).ToList();

    public string AccessLines() => string.Join("\n", Events.Select(e => e.RenderMessage() + e.Exception));
}
