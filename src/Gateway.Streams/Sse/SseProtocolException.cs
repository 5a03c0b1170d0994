namespace Gateway.Streams.Sse;

internal sealed class SseProtocolException(string message) : Exception(message);
