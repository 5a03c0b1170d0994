using Gateway.Healthcheck;

return await Probe.RunAsync(args, Environment.GetEnvironmentVariable, Console.Error);
