namespace Gateway.Actors; internal static class Placeholder {}
