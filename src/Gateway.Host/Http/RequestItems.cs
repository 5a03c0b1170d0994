namespace Gateway.Host.Http;

/// <summary>Keys of the per-request facts the access log reports.</summary>
internal static class RequestItems
{
    public const string RequestId = "gateway.request_id";
    public const string Model = "gateway.model";
    public const string KeyName = "gateway.key";
    public const string ErrorCode = "gateway.error_code";
    public const string Relay = "gateway.relay";
    public const string Usage = "gateway.usage";
}
