using System.Text;

namespace Gateway.ToolCallBench;

/// <summary>Builds a ~64 KB model output per parser family: mostly prose, with several calls in that family's markup.</summary>
public static class ModelOutputs
{
    public const int TargetChars = 64 * 1024;
    public const int Calls = 8;

    private const string Arguments =
        "{\"city\": \"Zürich\", \"days\": 3, \"query\": \"weather with \\\"quotes\\\", {braces} and ; semicolons\", "
        + "\"filters\": {\"tags\": [\"rain\", \"wind\"], \"limit\": 10, \"exact\": false}}";

    private static readonly string[] Sentences =
    [
        "The forecast for the coming days depends on several factors, including pressure systems and humidity. ",
        "You can check the details in the [documentation](https://example.com/docs) before you decide. ",
        "A template placeholder such as {city} is not a tool call, and neither is a comparison like a < b. ",
        "Temperatures will stay mild (between 12 and 18 degrees), with occasional showers in the afternoon. ",
        "Überall in der Schweiz bleibt es wechselhaft — 天气 changes quickly in the mountains. ",
        "In summary: bring an umbrella, keep an eye on the radar, and plan outdoor activities for the morning.\n\n",
    ];

    public static string Build(string parser)
    {
        var prose = new StringBuilder();
        var sentence = 0;
        var builder = new StringBuilder(TargetChars + 4096);
        if (parser == "pythonic")
        {
            // No marker: the calls must open the output; the prose follows.
            builder.Append('[');
            for (var i = 0; i < Calls; i++)
            {
                builder.Append(i == 0 ? string.Empty : ", ").Append(Call(parser, i));
            }

            builder.Append("]\n");
        }

        var segment = TargetChars / (Calls + 1);
        for (var i = 0; i <= Calls; i++)
        {
            prose.Clear();
            while (prose.Length < segment)
            {
                prose.Append(Sentences[sentence++ % Sentences.Length]);
            }

            builder.Append(prose);
            if (i < Calls && parser != "pythonic")
            {
                builder.Append(Call(parser, i)).Append('\n');
            }
        }

        return builder.ToString();
    }

    private static string Call(string parser, int index)
    {
        var name = $"get_weather_{index}";
        return parser switch
        {
            "hermes" => $"<tool_call>\n{{\"name\": \"{name}\", \"arguments\": {Arguments}}}\n</tool_call>",
            "llama3_json" => $"<|python_tag|>{{\"name\": \"{name}\", \"parameters\": {Arguments}}}",
            "mistral" => $"[TOOL_CALLS]{name}[ARGS]{Arguments}",
            "pythonic" => $"{name}(city='Zürich', days=3, query=\"weather with \\\"quotes\\\", {{braces}} and ; semicolons\", "
                + "filters={'tags': ['rain', 'wind'], 'limit': 10, 'exact': False})",
            "qwen3_coder" => $"<tool_call>\n<function={name}>\n<parameter=city>\nZürich\n</parameter>\n<parameter=days>\n3\n</parameter>\n"
                + "<parameter=query>\nweather with \"quotes\", {braces} and ; semicolons\n</parameter>\n"
                + "<parameter=filters>\n{\"tags\": [\"rain\", \"wind\"], \"limit\": 10, \"exact\": false}\n</parameter>\n</function>\n</tool_call>",
            "deepseek_v3" => "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>" + name + "\n```json\n" + Arguments
                + "\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            "granite" => $"<|tool_call|>[{{\"name\": \"{name}\", \"arguments\": {Arguments}}}]",
            _ => throw new ArgumentOutOfRangeException(nameof(parser), parser, "unknown parser"),
        };
    }
}
