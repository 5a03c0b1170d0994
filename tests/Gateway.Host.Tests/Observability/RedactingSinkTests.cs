using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Serilog.Events;
using Serilog.Parsing;

namespace Gateway.Host.Tests.Observability;

/// <summary>The redaction in front of every sink: what it masks, what it leaves untouched, and its memory of templates.</summary>
public sealed class RedactingSinkTests
{
    private static readonly MessageTemplateParser Parser = new();

    private static LogEvent Event(string template, params (string Name, object? Value)[] properties) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, Parser.Parse(template), properties.Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value))));

    [Fact]
    public void An_event_with_nothing_to_mask_passes_through_as_it_is()
    {
        var sink = new CapturingSink();
        var redacting = new RedactingSink(sink, new SecretRedactor(["sk-known-secret-1"]));
        var e = Event("POST {Path} {Status} prompt_tokens={PromptTokens} outcome={Outcome}", ("Path", "/v1/chat/completions"), ("Status", 200), ("PromptTokens", 12), ("Outcome", "ok"));

        redacting.Emit(e);
        redacting.Emit(e); // the second time from the template memory

        Assert.All(sink.Events, written => Assert.Same(e, written));
    }

    [Fact]
    public void Credentials_in_names_values_and_template_text_are_masked()
    {
        var sink = new CapturingSink();
        var redacting = new RedactingSink(sink, new SecretRedactor(["sk-known-secret-1"]));

        redacting.Emit(Event("sent Authorization: Bearer abc.def {Note} {ApiKey} {Model}", ("Note", "key sk-known-secret-1"), ("ApiKey", "anything"), ("Model", "m")));

        var written = Assert.Single(sink.Messages());
        Assert.StartsWith("sent Authorization: ***", written, StringComparison.Ordinal);
        Assert.EndsWith(" key *** *** m", written, StringComparison.Ordinal);
        Assert.DoesNotContain("abc.def", written, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-known", written, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_seen_before_a_reload_is_masked_with_the_reloaded_secret()
    {
        var sink = new CapturingSink();
        var redactor = new SecretRedactor(["sk-old-secret-1"]);
        var redacting = new RedactingSink(sink, redactor);
        const string Text = "a note quoting sk-new-secret-2 in its template";

        redacting.Emit(Event(Text));
        redactor.Remember(["sk-new-secret-2"]);
        redacting.Emit(Event(Text));

        var messages = sink.Messages();
        Assert.Equal(Text, messages[0]); // not a secret yet
        Assert.Equal("a note quoting *** in its template", messages[1]);
    }
}
