namespace Gateway.Streams.ToolCalls.Scanning;

internal enum ScanStatus
{
    /// <summary>A complete value: <c>end</c> is just past it.</summary>
    Complete,

    /// <summary>The text ends before the value does; more text may complete it.</summary>
    Incomplete,

    /// <summary>The text cannot be this value: <c>end</c> is where that became certain.</summary>
    Invalid,
}
