namespace Gateway.Streams.Sse;

public sealed class SseProtocolException(string message) : Exception(message);
