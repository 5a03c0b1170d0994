using System.Buffers;

namespace Gateway.Host.Observability;

/// <summary>
/// A line built in a caller's stack buffer (a pooled array once it outgrows it) and written to its writer in one
/// call: a log line made of many small pieces then costs one writer call instead of one per piece.
/// </summary>
internal ref struct LineBuffer
{
    private Span<char> _chars;
    private char[]? _rented;
    private int _length;

    public LineBuffer(Span<char> initial)
    {
        _chars = initial;
        _rented = null;
        _length = 0;
    }

    public void Write(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
    }

    public void Write(string text) => Write(text.AsSpan());

    public void Write(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _chars.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars[_length..]);
        _length += text.Length;
    }

    /// <summary>Writes what was built to <paramref name="output"/> and starts again, empty.</summary>
    public void WriteTo(TextWriter output)
    {
        output.Write(_chars[.._length]);
        _length = 0;
    }

    /// <summary>Returns the pooled array, if one was taken.</summary>
    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void Grow(int more)
    {
        var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + more));
        _chars[.._length].CopyTo(bigger);
        if (_rented is { } old)
        {
            ArrayPool<char>.Shared.Return(old);
        }

        _rented = bigger;
        _chars = bigger;
    }
}
