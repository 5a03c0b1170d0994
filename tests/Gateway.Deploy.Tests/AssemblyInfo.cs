// The deploy scripts are bash and the units systemd: these tests run on Linux (or macOS) only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("macos")]
