using System.Text.Json;

namespace Gateway.Streams.Json;

/// <summary>
/// The one walk over a JSON object's top-level fields without building a DOM: open the object, then step from
/// field to field; the caller reads the values it wants and skips (<see cref="Utf8JsonReader.Skip"/>) the others.
/// Malformed JSON surfaces as <see cref="JsonException"/>, as from <see cref="Utf8JsonReader"/> itself.
/// </summary>
internal static class TopLevelJsonFields
{
    /// <summary>A reader over <paramref name="json"/> past its opening brace; false when it is not a JSON object.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> json, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(json);
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject;
    }

    /// <summary>
    /// Moves onto the next top-level field's value; false at the end of the object. <paramref name="isNamed"/>
    /// says whether the field is called <paramref name="name"/>.
    /// </summary>
    public static bool Next(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, out bool isNamed)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            isNamed = false;
            return false;
        }

        isNamed = reader.ValueTextEquals(name);
        reader.Read();
        return true;
    }

    /// <summary>The same, for a walk that looks for two fields.</summary>
    public static bool Next(ref Utf8JsonReader reader, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, out bool isFirst, out bool isSecond)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            isFirst = isSecond = false;
            return false;
        }

        isFirst = reader.ValueTextEquals(first);
        isSecond = reader.ValueTextEquals(second);
        reader.Read();
        return true;
    }
}
