namespace R2M.Estimators.Rl;

/// <summary>
/// A unit of rollout work: consecutive prompts of a step (each repeated K times), sampled under a seed from
/// (seed, step, chunk index). Whoever samples it, in this process or on a worker, gets the same tokens.
/// </summary>
/// <param name="Step">The RL step.</param>
/// <param name="Index">The chunk's index within the step (chunk order is row order).</param>
/// <param name="Prompts">One row per sample: each of the chunk's prompts K times, grouped by prompt.</param>
/// <param name="Seed">The sampling seed, <see cref="RlSeeds.Sampling(int, int, int)"/>.</param>
public sealed record RolloutChunk(int Step, int Index, IReadOnlyList<string> Prompts, long Seed)
{
    /// <summary>
    /// Splits a step's prompts into chunks of <see cref="PolicyOptimizationOptions.RolloutChunkPrompts"/> prompts
    /// (the last may be smaller), each prompt repeated <see cref="PolicyOptimizationOptions.SamplesPerPrompt"/> times.
    /// </summary>
    public static IReadOnlyList<RolloutChunk> Split(int step, IReadOnlyList<string> stepPrompts, PolicyOptimizationOptions options)
    {
        int size = Math.Max(1, options.RolloutChunkPrompts ?? stepPrompts.Count);
        var chunks = new List<RolloutChunk>();
        for (int start = 0, index = 0; start < stepPrompts.Count; start += size, index++)
        {
            var rows = stepPrompts.Skip(start).Take(size).SelectMany(p => Enumerable.Repeat(p, options.SamplesPerPrompt)).ToArray();
            chunks.Add(new RolloutChunk(step, index, rows, RlSeeds.Sampling(options.Seed, step, index)));
        }
        return chunks;
    }
}
