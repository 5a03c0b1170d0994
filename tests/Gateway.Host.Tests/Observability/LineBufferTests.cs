using Gateway.Host.Observability;

namespace Gateway.Host.Tests.Observability;

/// <summary>A line built in a small buffer keeps every piece, in order, past the buffer's size, and goes out in one call.</summary>
public sealed class LineBufferTests
{
    [Fact]
    public void Pieces_past_the_initial_buffer_are_kept_whole_and_written_in_one_call()
    {
        var writer = new CallCountingWriter();
        var expected = new System.Text.StringBuilder();
        var line = new LineBuffer(stackalloc char[8]);
        try
        {
            for (var i = 0; i < 200; i++)
            {
                line.Write('[');
                line.Write("piece " + i);
                line.Write("]-".AsSpan());
                expected.Append('[').Append("piece ").Append(i).Append("]-");
            }

            line.WriteTo(writer);
        }
        finally
        {
            line.Dispose();
        }

        Assert.Equal(expected.ToString(), writer.ToString());
        Assert.Equal(1, writer.Calls);
    }

    [Fact]
    public void Writing_out_empties_the_buffer_for_the_next_line()
    {
        var writer = new CallCountingWriter();
        var line = new LineBuffer(stackalloc char[4]);
        line.Write("first");
        line.WriteTo(writer);
        line.Write("second");
        line.WriteTo(writer);
        line.Dispose();

        Assert.Equal("firstsecond", writer.ToString());
        Assert.Equal(2, writer.Calls);
    }

    /// <summary>A string writer that counts the calls made to it.</summary>
    private sealed class CallCountingWriter : StringWriter
    {
        public int Calls { get; private set; }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Calls++;
            base.Write(buffer);
        }

        public override void Write(char value)
        {
            Calls++;
            base.Write(value);
        }

        public override void Write(string? value)
        {
            Calls++;
            base.Write(value);
        }
    }
}
