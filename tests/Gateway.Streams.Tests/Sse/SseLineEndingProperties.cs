using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Tests.Sse;

/// <summary>
/// Any valid event sequence, written with any mix of LF, CRLF and CR line ends, with comments and ignored fields
/// between the data lines, and split at arbitrary points, parses to the same events — in the parser and the stage.
/// </summary>
public sealed class SseLineEndingProperties : Akka.TestKit.Xunit2.TestKit
{
    private const int Cases = 200;

    /// <summary>Pieces of a data line: ASCII, JSON punctuation, multi-byte UTF-8 (2, 3 and 4 bytes), a colon and leading spaces. No '[' so no event is [DONE].</summary>
    private static readonly string[] Pieces = ["a", "b", " ", "{\"x\":1}", ":", "é", "世", "🎉", "\t", "data: ", "\"", "\\n"];

    [Fact]
    public void Crlf_data_lines_are_joined_with_lf()
    {
        Assert.Equal(["a\nb"], Parse(Encoding.UTF8.GetBytes("data: a\r\ndata: b\r\n\r\n"), []));
    }

    [Fact]
    public void A_cr_line_end_followed_by_an_lf_blank_line_is_one_crlf()
    {
        // The serializer below must never write this: it is why a blank line after a CR never ends with a lone LF.
        Assert.Empty(Parse(Encoding.UTF8.GetBytes("data: a\r\n"), []));
    }

    [Property(MaxTest = Cases)]
    public Property Parser_gives_the_same_events_for_every_line_ending_and_split() =>
        Prop.ForAll(Arb.From(Streams()), s => Parse(s.Bytes, s.Splits).SequenceEqual(s.Expected));

    [Property(MaxTest = Cases)]
    public Property Framing_stage_gives_the_same_events_for_every_line_ending_and_split() =>
        Prop.ForAll(Arb.From(Streams()), s =>
        {
            var chunks = Chunks(s.Bytes, s.Splits).Select(c => (ReadOnlyMemory<byte>)c).ToList();
            var events = Source.From(chunks).Via(new SseFramingStage()).RunWith(Sink.Seq<SseEvent>(), Sys.Materializer())
                .GetAwaiter().GetResult();
            return events.Select(e => Encoding.UTF8.GetString(e.Data.Span)).SequenceEqual(s.Expected);
        });

    private static List<string> Parse(byte[] bytes, int[] splits)
    {
        var parser = new SseEventParser();
        var events = new List<SseEvent>();
        foreach (var chunk in Chunks(bytes, splits))
        {
            parser.Feed(chunk, events);
        }

        return events.Select(e => Encoding.UTF8.GetString(e.Data.Span)).ToList();
    }

    private static IEnumerable<byte[]> Chunks(byte[] bytes, int[] splits)
    {
        var at = 0;
        foreach (var split in splits.Select(s => s % (bytes.Length + 1)).Order())
        {
            yield return bytes[at..split];
            at = split;
        }

        yield return bytes[at..];
    }

    private static Gen<SseCase> Streams()
    {
        var line = Gen.Elements(Pieces).ListOf().Select(p => string.Concat(p));
        var eventData = line.NonEmptyListOf().Select(lines => string.Join('\n', lines));
        return from events in eventData.ListOf()
               from seed in Gen.Choose(0, int.MaxValue)
               from splits in Gen.Choose(0, int.MaxValue).ArrayOf()
               select Serialize([.. events], seed, splits);
    }

    /// <summary>Writes the events with random line ends (never a CR line end followed by an LF-only blank line, which is a CRLF), comments and ignored fields.</summary>
    private static SseCase Serialize(string[] events, int seed, int[] splits)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        var lastWasCr = false;
        void Line(string content)
        {
            string[] endings = content.Length == 0 && lastWasCr ? ["\r", "\r\n"] : ["\n", "\r\n", "\r"];
            var ending = endings[random.Next(endings.Length)];
            text.Append(content).Append(ending);
            lastWasCr = ending == "\r";
        }

        void Noise()
        {
            switch (random.Next(6))
            {
                case 0: Line(": keep-alive"); break;
                case 1: Line("event: message"); break;
                case 2: Line("id: 7"); break;
                case 3: Line("retry: 100"); break;
            }
        }

        foreach (var data in events)
        {
            if (random.Next(4) == 0)
            {
                Line("");
            }

            foreach (var value in data.Split('\n'))
            {
                Noise();
                Line(value.StartsWith(' ') || random.Next(2) == 0 ? "data: " + value : "data:" + value);
            }

            Noise();
            Line("");
        }

        return new SseCase(Encoding.UTF8.GetBytes(text.ToString()), splits, events);
    }

    public sealed record SseCase(byte[] Bytes, int[] Splits, string[] Expected)
    {
        public override string ToString() =>
            $"{Encoding.UTF8.GetString(Bytes).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)} split at [{string.Join(',', Splits)}]";
    }
}
