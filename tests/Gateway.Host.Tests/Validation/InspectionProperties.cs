using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gateway.Host.Endpoints;
using Gateway.Host.Validation;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Tests.Validation;

/// <summary>
/// The request inspection path (header checks, body checks and JSON parse, <see cref="RequestValidator"/>,
/// <see cref="ParameterValidator"/>) never throws: whatever arrives, the answer is success or a 4xx.
/// </summary>
public sealed class InspectionProperties
{
    private const int Cases = 200;

    private static readonly string[] Routes = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"];

    private static readonly string[] Parameters =
    [
        "model", "messages", "stream", "stream_options", "n", "max_tokens", "max_completion_tokens", "temperature", "top_p",
        "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "stop", "seed", "response_format", "user",
        "prompt", "input", "echo", "tools", "tool_choice",
    ];

    private static readonly string[] Valid =
    [
        """{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.5,"stop":["x"],"stream":true,"stream_options":{"include_usage":true}}""",
        """{"model":"m","prompt":[[1,2]],"logprobs":3,"n":2}""",
        """{"model":"m","input":["a","b"]}""",
    ];

    [Property(MaxTest = Cases)]
    public Property Arbitrary_bytes_never_throw() =>
        Prop.ForAll(Arb.From(Gen.Elements(Routes).Zip(ArbMap.Default.GeneratorFor<byte[]>())), c => IsSuccessOr4xx(Inspect(c.Item1, c.Item2)));

    [Property(MaxTest = Cases)]
    public Property Mutated_valid_requests_never_throw() =>
        Prop.ForAll(Arb.From(Mutations()), c => IsSuccessOr4xx(Inspect(c.Route, c.Body)));

    [Property(MaxTest = Cases)]
    public Property Arbitrary_json_in_known_parameters_never_throws() =>
        Prop.ForAll(Arb.From(ParameterBodies()), c => IsSuccessOr4xx(Inspect(c.Route, Encoding.UTF8.GetBytes(c.Body))));

    [Property(MaxTest = Cases)]
    public Property Arbitrary_content_headers_never_throw() =>
        Prop.ForAll(
            Arb.From(Gen.OneOf(ArbMap.Default.GeneratorFor<string>(), Gen.Elements("application/json", "application/json; charset=utf-8", "text/plain", "a/b+json; charset=\"x\"", ";;", "application/json; charset=")).Zip(ArbMap.Default.GeneratorFor<string>())),
            h => RequestHeaderCheck.Check(h.Item1, h.Item2) is not { } e || e.Status == 415);

    [Fact]
    public void The_property_helper_sees_a_success_and_a_4xx()
    {
        Assert.Null(Inspect("/v1/chat/completions", Encoding.UTF8.GetBytes(Valid[0])));
        Assert.Equal(400, Inspect("/v1/chat/completions", [0xFF])!.Status);
    }

    private static GatewayError? Inspect(string path, byte[] body)
    {
        var route = ProxyRoute.All.Single(r => r.Path == path);
        if (RequestBodyCheck.TryParse(body, out var document) is { } bad)
        {
            return bad;
        }

        using (document)
        {
            var root = document!.RootElement;
            return RequestValidator.Validate(root, route, out _, out _) ?? ParameterValidator.Validate(root, route, maxModelLen: 4096);
        }
    }

    private static bool IsSuccessOr4xx(GatewayError? error) => error is null || error.Status is >= 400 and < 500;

    private static Gen<(string Route, byte[] Body)> Mutations() =>
        from index in Gen.Choose(0, Valid.Length - 1)
        from edits in Gen.Choose(0, int.MaxValue).Zip(ArbMap.Default.GeneratorFor<byte>()).NonEmptyListOf()
        select (Routes[index], Mutate(Encoding.UTF8.GetBytes(Valid[index]), edits));

    /// <summary>Each edit overwrites, inserts or truncates at a position.</summary>
    private static byte[] Mutate(byte[] body, IReadOnlyList<(int At, byte Value)> edits)
    {
        var bytes = body.ToList();
        foreach (var (at, value) in edits)
        {
            var i = at % (bytes.Count + 1);
            switch (at % 3)
            {
                case 0 when i < bytes.Count: bytes[i] = value; break;
                case 1: bytes.Insert(i, value); break;
                default: bytes.RemoveRange(i, bytes.Count - i); break;
            }
        }

        return [.. bytes];
    }

    private static Gen<(string Route, string Body)> ParameterBodies() =>
        from route in Gen.Elements(Routes)
        from values in Gen.Elements(Parameters).Zip(JsonValue(3)).NonEmptyListOf()
        from nested in Gen.Elements("", "role", "content", "type", "include_usage", "json_schema", "tool_call_id")
        from inner in JsonValue(2)
        select (route, Body(values, nested, inner));

    /// <summary>A body whose known parameters hold arbitrary JSON, plus a message or format object with one arbitrary member.</summary>
    private static string Body(IEnumerable<(string Name, string Value)> values, string nested, string inner)
    {
        var members = new Dictionary<string, string>
        {
            ["model"] = "\"m\"",
            ["messages"] = nested.Length == 0 ? "[{\"role\":\"user\"}]" : $"[{{\"role\":\"user\",\"{nested}\":{inner}}}]",
            ["response_format"] = nested.Length == 0 ? "null" : $"{{\"type\":\"json_schema\",\"{nested}\":{inner}}}",
            ["stream_options"] = nested.Length == 0 ? "null" : $"{{\"{nested}\":{inner}}}",
        };
        foreach (var (name, value) in values)
        {
            members[name] = value;
        }

        return "{" + string.Join(",", members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";
    }

    private static readonly string[] Scalars =
    [
        "null", "true", "false", "0", "-0", "1", "-1", "2", "128", "129", "4096", "4097", "0.5", "-2.5", "1.0", "1e2", "1e400", "-1e400",
        "1e-400", "99999999999999999999999", "-9223372036854775809", "9223372036854775807", "\"\"", "\"hot\"", "\"user\"",
        "\"json_schema\"", "\"\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"é世🎉\"",
    ];

    private static Gen<string> JsonValue(int depth)
    {
        var scalar = Gen.OneOf(Gen.Elements(Scalars), ArbMap.Default.GeneratorFor<int>().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        if (depth == 0)
        {
            return scalar;
        }

        var array = JsonValue(depth - 1).ListOf().Select(items => "[" + string.Join(",", items) + "]");
        var obj = Gen.Elements(Parameters.Concat(["role", "type", "content"]).ToArray()).Zip(JsonValue(depth - 1)).ListOf()
            .Select(members => "{" + string.Join(",", members.DistinctBy(m => m.Item1).Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}");
        return Gen.Frequency((3, scalar), (1, array), (1, obj));
    }
}
