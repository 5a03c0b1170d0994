using System.Text.RegularExpressions;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Tests.Proxy;

public sealed partial class GatewayErrorCatalogueSpec
{
    [Fact]
    public void Readme_error_table_lists_exactly_the_codes_the_catalogue_produces()
    {
        var documented = ReadmeErrorCodes();

        Assert.Empty(GatewayError.Codes.Except(documented));
        Assert.Empty(documented.Except(GatewayError.Codes));
    }

    [Fact]
    public void Catalogue_codes_are_unique()
    {
        Assert.Equal(GatewayError.Codes.Count, GatewayError.Codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Only_the_client_closed_error_is_client_closed()
    {
        Assert.True(GatewayError.ClientClosed.IsClientClosed);
        Assert.False(GatewayError.InternalError().IsClientClosed);
        Assert.False(GatewayError.UpstreamTimeout("t").IsClientClosed);
    }

    [Fact]
    public void Named_factories_produce_catalogue_codes()
    {
        GatewayError[] errors =
        [
            GatewayError.InvalidJson("x"), GatewayError.InvalidBody("x"), GatewayError.MissingParameter("model"),
            GatewayError.InvalidType("x", "stream"), GatewayError.MissingBearerToken(), GatewayError.InvalidBearerToken(),
            GatewayError.ModelNotAllowed("m"), GatewayError.ModelNotFound("m"), GatewayError.RouteNotFound("GET", "/x"),
            GatewayError.MethodNotAllowed("GET", "/v1/completions"), GatewayError.PayloadTooLarge(10, 20),
            GatewayError.RateLimited("x", 1), GatewayError.UpstreamClientError(400, "x", null, null), GatewayError.InternalError(),
            GatewayError.Overloaded("x", 1), GatewayError.UpstreamUnavailable("x"), GatewayError.UpstreamTimeout("x"),
            GatewayError.ClientClosed, GatewayError.ShuttingDown("x"), GatewayError.RequestTimeout(), GatewayError.HeaderFieldsTooLarge("x"),
            GatewayError.UriTooLong(10, 20), GatewayError.MalformedAuthorization("x"),
        ];

        Assert.All(errors, e => Assert.Contains(e.Code, GatewayError.Codes));
    }

    private static HashSet<string> ReadmeErrorCodes()
    {
        var lines = File.ReadAllLines(FindReadme());
        var start = Array.FindIndex(lines, l => l.Trim() == "### Errors");
        Assert.True(start >= 0, "README.md has no '### Errors' section.");

        var codes = new HashSet<string>(StringComparer.Ordinal);
        var rows = 0;
        foreach (var line in lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length < 4 || cells[2].StartsWith("---", StringComparison.Ordinal) || cells[2] == "`code`")
            {
                continue;
            }

            rows++;
            foreach (Match match in CodeCell().Matches(cells[2]))
            {
                codes.Add(match.Groups[1].Value);
            }
        }

        Assert.True(rows > 0, "README.md's error table has no rows.");
        return codes;
    }

    private static string FindReadme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }

        throw new FileNotFoundException("README.md next to Gateway.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([a-z][a-z0-9_]*)`")]
    private static partial Regex CodeCell();
}
