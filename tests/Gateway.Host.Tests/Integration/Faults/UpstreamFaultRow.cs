namespace Gateway.Host.Tests.Integration.Faults;

/// <summary>
/// One row of the upstream fault matrix: the request (model, stream, the simulator's <c>vllm_sim</c> fault) and what
/// the client must receive: a status and code, or (<see cref="InBand"/>) a 200 stream ending with an in-band error
/// carrying <see cref="Code"/> and exactly one <c>[DONE]</c>. <see cref="UpstreamAborted"/>: the gateway must have
/// closed the upstream connection itself (the simulator sees its client leave).
/// </summary>
public sealed record UpstreamFaultRow(
    string Name,
    bool Stream,
    string Sim,
    int Status,
    string Code,
    bool InBand = false,
    bool UpstreamAborted = false,
    string Model = UpstreamFaultFixture.Model,
    string? MessageContains = null);
