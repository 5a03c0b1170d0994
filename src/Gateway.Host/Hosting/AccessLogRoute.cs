namespace Gateway.Host.Hosting;

/// <summary>How access lines leave the gateway, chosen once at startup (<see cref="AccessLogRouting.Choose"/>).</summary>
internal enum AccessLogRoute
{
    /// <summary>As Serilog events, through the redaction to every sink.</summary>
    Serilog,

    /// <summary>Queued as their fields on the batched console and rendered as the text template renders the event.</summary>
    DirectText,

    /// <summary>Queued as their fields on the batched console and rendered as compact JSON renders the event.</summary>
    DirectJson,
}
