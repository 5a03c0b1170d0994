namespace Gateway.Simulator.Tests;

/// <summary>One simulator on a free port plus a client, shared by the tests of a class.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public const string Model = "sim-model";
    public const string SecondModel = "second-model";

    public SimulatorServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = [Model, SecondModel], MaxModelLen = 4096 });
        Client = SimHttp.CreateClient(Server);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
