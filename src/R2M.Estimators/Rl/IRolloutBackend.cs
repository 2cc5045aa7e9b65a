namespace R2M.Estimators.Rl;

/// <summary>
/// Where a step's responses are sampled: in this process (<see cref="InProcessRolloutBackend"/>) or elsewhere
/// (a cluster). The unit of work is a <see cref="RolloutChunk"/>, whose seed comes from the step and the chunk's
/// index (<see cref="RlSeeds.Sampling(int, int, int)"/>), never from who runs it: a backend must return for each
/// chunk exactly what <see cref="InProcessRolloutBackend.GenerateChunk"/> returns for it with the same weights.
/// </summary>
public interface IRolloutBackend
{
    /// <summary>
    /// Samples every chunk of one step and returns the results in chunk order. A backend may add its own
    /// metrics (a cluster's retries and weight-sync times) to <paramref name="metrics"/>, under <c>cluster/</c>
    /// or <c>time/</c>.
    /// </summary>
    IReadOnlyList<GeneratedRollouts> Generate(int step, IReadOnlyList<RolloutChunk> chunks, IDictionary<string, double> metrics);
}
