using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Streams.Proxy;

/// <summary>Writes <see cref="GatewayError"/> as the OpenAI error envelope.</summary>
public static class GatewayErrorJson
{
    // Messages quote model names with ` and ': keep them readable instead of \u0060-escaped.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(IBufferWriter<byte> output, GatewayError error)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", error.Message);
        writer.WriteString("type", error.Type);
        if (error.Param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", error.Param);
        }

        if (error.Code is null)
        {
            writer.WriteNull("code");
        }
        else
        {
            writer.WriteString("code", error.Code);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] ToBytes(GatewayError error)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, error);
        return buffer.WrittenSpan.ToArray();
    }
}
