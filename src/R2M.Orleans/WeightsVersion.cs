namespace R2M.Orleans;

/// <summary>
/// The version of the policy weights a chunk must be sampled with: the learner's run and the number of policy
/// updates so far (the step). A worker refetches weights only when this changes.
/// </summary>
/// <param name="Run">Identifies one learner process's run (a resumed learner starts a new one).</param>
/// <param name="Update">Policy updates applied so far, which is the index of the step being collected.</param>
[GenerateSerializer, Immutable]
public sealed record WeightsVersion([property: Id(0)] Guid Run, [property: Id(1)] int Update);
