namespace R2M.Orleans;

/// <summary>
/// A rollout worker: one per silo (its key is the silo's address, see <see cref="SiloKeyPlacementAttribute"/>),
/// holding its own copy of the policy and sampling one chunk at a time.
/// </summary>
public interface IRolloutWorkerGrain : IGrainWithStringKey
{
    /// <summary>Samples the chunk, first fetching the weights when their version changed.</summary>
    [ResponseTimeout("01:00:00")] // the learner bounds each chunk with OrleansRolloutOptions.ChunkTimeout
    Task<RolloutChunkResult> Generate(RolloutChunkRequest request);
}
