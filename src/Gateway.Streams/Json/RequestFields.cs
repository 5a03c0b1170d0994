using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Gateway.Streams.Json;

/// <summary>
/// The <see cref="RequestField"/>s of a request body's root object, found in one walk over its properties (each
/// name classified once) instead of one search by name per field and per check. Reads as
/// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> would: names compare after unescaping, and of
/// a repeated name the last one counts. A field that is absent (or a root that is no object) reads as
/// <c>default</c> (<see cref="JsonValueKind.Undefined"/>). Valid as long as the document it was read from.
/// </summary>
public struct RequestFields
{
    /// <summary>How many <see cref="RequestField"/>s there are (the inline array's length; checked when the type loads).</summary>
    private const int FieldCount = 25;

    private static readonly byte[][] Names = BuildNames();

    /// <summary>Field indexes by name length: the few candidates a property name is compared with.</summary>
    private static readonly RequestField[][] ByLength = BuildByLength();

    private Values _values;

    public readonly JsonElement this[RequestField field] => _values[(int)field];

    /// <summary>Given and not <c>null</c>.</summary>
    public readonly bool Has(RequestField field) => _values[(int)field].ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    /// <summary>The field as the client spelled it on the wire (<c>max_tokens</c>).</summary>
    public static string NameOf(RequestField field) => Encoding.UTF8.GetString(Names[(int)field]);

    public static RequestFields Read(JsonElement root)
    {
        var fields = default(RequestFields);
        if (root.ValueKind != JsonValueKind.Object)
        {
            return fields;
        }

        foreach (var property in root.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var field = raw.Contains((byte)'\\') ? Classify(Encoding.UTF8.GetBytes(property.Name)) : Classify(raw);
            if (field >= 0)
            {
                fields._values[field] = property.Value; // a repeated name: the last one counts
            }
        }

        return fields;
    }

    private static int Classify(ReadOnlySpan<byte> name)
    {
        if (name.Length >= ByLength.Length)
        {
            return -1;
        }

        foreach (var candidate in ByLength[name.Length])
        {
            if (name.SequenceEqual(Names[(int)candidate]))
            {
                return (int)candidate;
            }
        }

        return -1;
    }

    private static byte[][] BuildNames()
    {
        if (Enum.GetValues<RequestField>().Length != FieldCount)
        {
            throw new InvalidOperationException($"RequestFields holds {FieldCount} fields; RequestField has {Enum.GetValues<RequestField>().Length}.");
        }

        var names = new byte[FieldCount][];
        foreach (var field in Enum.GetValues<RequestField>())
        {
            names[(int)field] = Encoding.UTF8.GetBytes(WireName(field));
        }

        return names;
    }

    private static RequestField[][] BuildByLength()
    {
        var fields = Enum.GetValues<RequestField>();
        var longest = fields.Max(f => Names[(int)f].Length);
        var byLength = new RequestField[longest + 1][];
        for (var length = 0; length <= longest; length++)
        {
            byLength[length] = [.. fields.Where(f => Names[(int)f].Length == length)];
        }

        return byLength;
    }

    private static string WireName(RequestField field) => field switch
    {
        RequestField.Model => "model",
        RequestField.Stream => "stream",
        RequestField.StreamOptions => "stream_options",
        RequestField.Messages => "messages",
        RequestField.Prompt => "prompt",
        RequestField.PromptEmbeds => "prompt_embeds",
        RequestField.Input => "input",
        RequestField.Instructions => "instructions",
        RequestField.Tools => "tools",
        RequestField.ToolChoice => "tool_choice",
        RequestField.N => "n",
        RequestField.MaxTokens => "max_tokens",
        RequestField.MaxCompletionTokens => "max_completion_tokens",
        RequestField.MaxOutputTokens => "max_output_tokens",
        RequestField.Temperature => "temperature",
        RequestField.TopP => "top_p",
        RequestField.PresencePenalty => "presence_penalty",
        RequestField.FrequencyPenalty => "frequency_penalty",
        RequestField.Stop => "stop",
        RequestField.Seed => "seed",
        RequestField.User => "user",
        RequestField.Logprobs => "logprobs",
        RequestField.TopLogprobs => "top_logprobs",
        RequestField.Echo => "echo",
        RequestField.ResponseFormat => "response_format",
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [InlineArray(FieldCount)]
    private struct Values
    {
        private JsonElement _first;
    }
}
