using System.Globalization;
using System.Text.Json;
using System.Text;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>
/// Writes compact JSON text escaping only what JSON requires (quote, backslash, control characters), so non-ASCII
/// text, emoji included, stays as written (like Python's <c>json.dumps(ensure_ascii=False)</c>).
/// </summary>
internal sealed class CompactJsonWriter
{
    private readonly StringBuilder _builder;
    private bool _needsComma;

    public CompactJsonWriter(int capacity = 128) => _builder = new StringBuilder(capacity);

    public override string ToString() => _builder.ToString();

    public void WriteStartObject() => Open('{');

    public void WriteEndObject() => Close('}');

    public void WriteStartArray() => Open('[');

    public void WriteEndArray() => Close(']');

    public void WritePropertyName(string name)
    {
        Separate();
        AppendString(name);
        _builder.Append(':');
        _needsComma = false;
    }

    public void WriteStringValue(string value)
    {
        Separate();
        AppendString(value);
        _needsComma = true;
    }

    /// <summary>A value already in JSON spelling (a number, <c>true</c>, a whole compact value, …).</summary>
    public void WriteRawValue(string json)
    {
        Separate();
        _builder.Append(json);
        _needsComma = true;
    }

    public void WriteBooleanValue(bool value) => WriteRawValue(value ? "true" : "false");

    public void WriteNullValue() => WriteRawValue("null");

    public void WriteNumberValue(long value) => WriteRawValue(value.ToString(CultureInfo.InvariantCulture));

    public void WriteNumberValue(double value) => WriteRawValue(value.ToString("R", CultureInfo.InvariantCulture));

    public void WriteElement(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    WritePropertyName(property.Name);
                    WriteElement(property.Value);
                }

                WriteEndObject();
                break;
            case JsonValueKind.Array:
                WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteElement(item);
                }

                WriteEndArray();
                break;
            case JsonValueKind.String:
                WriteStringValue(element.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteRawValue(element.GetRawText());
                break;
            case JsonValueKind.True:
                WriteRawValue("true");
                break;
            case JsonValueKind.False:
                WriteRawValue("false");
                break;
            default:
                WriteNullValue();
                break;
        }
    }

    private void Open(char bracket)
    {
        Separate();
        _builder.Append(bracket);
        _needsComma = false;
    }

    private void Close(char bracket)
    {
        _builder.Append(bracket);
        _needsComma = true;
    }

    private void Separate()
    {
        if (_needsComma)
        {
            _builder.Append(',');
        }
    }

    private void AppendString(string value)
    {
        _builder.Append('"');
        AppendEscaped(_builder, value);
        _builder.Append('"');
    }

    /// <summary>
    /// Appends <paramref name="value"/> as the inside of a JSON string. Text split anywhere but inside a surrogate pair
    /// escapes to the same characters piece by piece as whole.
    /// </summary>
    public static void AppendEscaped(StringBuilder builder, ReadOnlySpan<char> value)
    {
        var runStart = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            string? escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => null,
                _ when char.IsSurrogate(c) && !IsPaired(value, i) => null,
                _ => string.Empty,
            };
            if (escape is { Length: 0 })
            {
                continue;
            }

            builder.Append(value[runStart..i]);
            if (escape is null)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(escape);
            }

            runStart = i + 1;
        }

        builder.Append(value[runStart..]);
    }

    private static bool IsPaired(ReadOnlySpan<char> value, int index) => char.IsHighSurrogate(value[index])
        ? index + 1 < value.Length && char.IsLowSurrogate(value[index + 1])
        : index > 0 && char.IsHighSurrogate(value[index - 1]);
}
