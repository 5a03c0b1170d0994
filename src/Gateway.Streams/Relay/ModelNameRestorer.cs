using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Streams.Dsl;
using Gateway.Streams.Json;
using Akka;
using Gateway.Streams.Proxy;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Relay;

/// <summary>
/// Puts the client's model name back into responses of a model that vLLM serves under another name, so clients
/// see the id they asked for. Splices the top-level <c>"model"</c> string in place; every other byte is kept.
/// </summary>
internal sealed class ModelNameRestorer
{
    private readonly byte[] _quotedModel;

    public ModelNameRestorer(string clientModel)
    {
        var encoded = JsonEncodedText.Encode(clientModel, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        _quotedModel = new byte[encoded.Length + 2];
        _quotedModel[0] = (byte)'"';
        encoded.CopyTo(_quotedModel.AsSpan(1));
        _quotedModel[^1] = (byte)'"';
    }

    /// <summary>The response with its top-level <c>model</c> replaced; unchanged when there is none or it is not JSON.</summary>
    public ReadOnlyMemory<byte> Restore(ReadOnlyMemory<byte> json)
    {
        var span = json.Span;
        try
        {
            if (!TopLevelJsonFields.TryOpen(span, out var reader))
            {
                return json;
            }

            while (TopLevelJsonFields.Next(ref reader, "model"u8, out var isModel))
            {
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    var start = (int)reader.TokenStartIndex;
                    var end = start + reader.ValueSpan.Length + 2;
                    var result = new byte[span.Length - (end - start) + _quotedModel.Length];
                    span[..start].CopyTo(result);
                    _quotedModel.CopyTo(result.AsSpan(start));
                    span[end..].CopyTo(result.AsSpan(start + _quotedModel.Length));
                    return result;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return json;
    }

    /// <summary>The same, event by event, for a stream (the <c>[DONE]</c> and error events pass as they are).</summary>
    public Flow<SseEvent, SseEvent, NotUsed> StreamFlow() =>
        Flow.Create<SseEvent>().Select(e => e.IsDone || e.IsError ? e : e with { Data = Restore(e.Data) });

    public ResponseTransform AsTransform() => new(Restore, StreamFlow);
}
