using System.Buffers;
using System.Text.Json;

namespace Gateway.Streams.Pipeline;

/// <summary>Rewrites top-level fields of a JSON request body and copies every other field as sent.</summary>
public static class JsonBodyRewriter
{
    public static byte[] ReplaceModel(JsonElement root, string model)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var wrote = false;
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("model"))
                {
                    writer.WriteString("model", model);
                    wrote = true;
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            if (!wrote)
            {
                writer.WriteString("model", model);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
