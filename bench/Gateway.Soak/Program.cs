using Gateway.Soak;

// A soak of the gateway: mixed traffic for --minutes, then checks that nothing grew. Not part of dotnet test.
SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var result = await SoakRun.RunAsync(options);
var (markdown, svg) = SoakReport.Render(options, result);
Directory.CreateDirectory(options.ResultsDirectory);
var stem = Path.Combine(options.ResultsDirectory, $"{DateTime.UtcNow:yyyy-MM-dd}-soak");
await File.WriteAllTextAsync(stem + ".md", markdown);
await File.WriteAllTextAsync(stem + ".svg", svg);
await File.WriteAllTextAsync(stem + ".csv", SoakReport.Csv(result.Timeline));
Console.WriteLine(markdown);
Console.WriteLine($"wrote {stem}.md, {stem}.svg and {stem}.csv");
return result.Checks.TrueForAll(c => c.Passed) ? 0 : 1;
