using Gateway.Streams.Stages;
using Gateway.Streams.Pipeline;

namespace Gateway.Actors.Routing;

/// <summary>
/// The model set the registry should run: routers for new ids are started, routers for ids no longer listed are
/// stopped, and routers whose route changed are replaced. Sent at start-up (and by a config reload).
/// </summary>
public sealed record ApplyModels(IReadOnlyList<ModelRoute> Routes);

/// <summary>
/// What the registry runs now (model ids in order), in answer to <see cref="ApplyModels"/> once every router it
/// started has materialized its pipeline (so the published snapshot admits requests for them).
/// </summary>
public sealed record ModelsApplied(IReadOnlyList<string> ModelIds);


/// <summary>A router materialized (or lost) its pipeline; the registry republishes the snapshot.</summary>
internal sealed record ModelPipelineChanged(string ModelId, ModelPipeline? Pipeline);

/// <summary>A router's readiness changed (probes today; replica health from the cluster later).</summary>
internal sealed record ModelReadinessChanged(string ModelId, ModelReadiness Readiness);
