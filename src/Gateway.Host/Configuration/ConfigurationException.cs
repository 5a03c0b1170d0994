namespace Gateway.Host.Configuration;

/// <summary>
/// Configuration that cannot be loaded, bound or validated. <see cref="Problems"/> holds one line per problem,
/// each naming the key; the host prints them and exits non-zero instead of showing a stack trace.
/// </summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException()
        : this("The gateway configuration is invalid.")
    {
    }

    public ConfigurationException(string message)
        : base(message) => Problems = [message];

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    public ConfigurationException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems)) => Problems = problems;

    /// <summary>One line per problem.</summary>
    public IReadOnlyList<string> Problems { get; }
}
