namespace Gateway.Deploy.Tests.Support;

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("gateway-deploy-tests-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes an executable script (a stub command put first on PATH).</summary>
    public string Executable(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
