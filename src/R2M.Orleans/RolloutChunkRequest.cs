namespace R2M.Orleans;

/// <summary>One chunk of a step's prompts for a worker, with everything that decides its tokens.</summary>
/// <param name="Step">The RL step.</param>
/// <param name="Index">The chunk's index within the step.</param>
/// <param name="Prompts">One row per sample (each prompt K times).</param>
/// <param name="Seed">The chunk's sampling seed.</param>
/// <param name="MaxNewTokens">Most tokens generated per response.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="TopK">Top-k (0 = off).</param>
/// <param name="TopP">Top-p (1 = off).</param>
/// <param name="Weights">The policy weights to sample with.</param>
/// <param name="EmbedRewards">Whether the worker also returns the reward model's final-token embeddings (RTE).</param>
[GenerateSerializer, Immutable]
public sealed record RolloutChunkRequest([property: Id(0)] int Step, [property: Id(1)] int Index, [property: Id(2)] string[] Prompts,
    [property: Id(3)] long Seed, [property: Id(4)] int MaxNewTokens, [property: Id(5)] double Temperature, [property: Id(6)] int TopK,
    [property: Id(7)] double TopP, [property: Id(8)] WeightsRef Weights,
    [property: Id(9)] bool EmbedRewards);
