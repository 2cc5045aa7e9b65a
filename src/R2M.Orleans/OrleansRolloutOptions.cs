namespace R2M.Orleans;

/// <summary>How the learner dispatches rollout chunks to the cluster's workers.</summary>
public sealed record OrleansRolloutOptions
{
    /// <summary>A chunk not answered within this time is re-dispatched to another worker (default 10 minutes).</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Dispatch rounds a step may use (default 3): when every worker has failed a chunk, the learner waits (1 s, 2 s,
    /// …), re-reads the cluster's active silos and tries again; after this many rounds the step fails.
    /// </summary>
    public int MaxRounds { get; init; } = 3;

    /// <summary>Bytes per weights message when workers fetch weights from the learner (default 4 MiB).</summary>
    public int WeightChunkBytes { get; init; } = 4 << 20;

    /// <summary>
    /// A directory every worker can read at the same path (a shared file system): the learner writes each version's
    /// safetensors file there and workers read it, instead of fetching the bytes from the learner (null = off).
    /// </summary>
    public string? SharedWeightsDirectory { get; init; }

    /// <summary>
    /// Workers also run the frozen reward model's body over their chunk and return the final-token embeddings (RTE),
    /// so the learner only applies the head (default false: the learner embeds). Needs
    /// <see cref="R2MWorkerOptions.CreateRewardModel"/> on every worker, loading the learner's reward model.
    /// </summary>
    public bool EmbedRewardsOnWorkers { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (ChunkTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ChunkTimeout), ChunkTimeout, "OrleansRolloutOptions.ChunkTimeout must be positive.");
        if (MaxRounds < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxRounds), MaxRounds, "OrleansRolloutOptions.MaxRounds must be at least 1.");
        if (WeightChunkBytes < 1024)
            throw new ArgumentOutOfRangeException(nameof(WeightChunkBytes), WeightChunkBytes, "OrleansRolloutOptions.WeightChunkBytes must be at least 1024.");
    }
}
