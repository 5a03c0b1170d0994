namespace Gateway.Streams; internal static class Placeholder {}
