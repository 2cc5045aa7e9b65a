namespace R2M.Estimators.Rl;

/// <summary>
/// Every seed the RL loop uses, derived from <see cref="PolicyOptimizationOptions.Seed"/> and the step in one
/// place, so a resumed run and a run whose rollouts come from elsewhere draw exactly the same numbers.
/// </summary>
public static class RlSeeds
{
    private const int WarmStartSalt = 0x5741524D;

    /// <summary>Salt of the reward computed while collecting a step's rollouts (w/ noise draws).</summary>
    public const long CollectSalt = 0;
    /// <summary>Salt of the rewards the aligner update trains on.</summary>
    public const long UpdateSalt = 1_000_000;
    /// <summary>Salt of rewards asked for outside a step (evaluation).</summary>
    public const long ScoreSalt = 2_000_000;

    /// <summary>The sampling seed of step <paramref name="step"/>.</summary>
    public static long Sampling(int seed, int step) => (long)seed * 1_000_003 + step;

    /// <summary>
    /// The sampling seed of chunk <paramref name="chunk"/> of step <paramref name="step"/>: chunk 0 uses the step's
    /// seed (so one chunk per step samples exactly as before chunks existed), later chunks a mix of all three. It
    /// never depends on which worker samples the chunk.
    /// </summary>
    public static long Sampling(int seed, int step, int chunk) => chunk == 0 ? Sampling(seed, step) : StableSeed.Mix(seed, step, chunk, ChunkSalt);

    private const long ChunkSalt = 3_000_000;

    /// <summary>The shuffle of policy epoch <paramref name="epoch"/> (2 and later) of step <paramref name="step"/>.</summary>
    public static Random Shuffle(int seed, int step, int epoch) => new(StableSeed.Mix(seed, step, epoch));

    /// <summary>The torch seed PPO's value head is initialised under.</summary>
    public static long ValueHead(int seed) => seed;

    /// <summary>The torch seed the aligner is initialised under when the trainer builds it.</summary>
    public static long Aligner(int seed) => seed + 1L;

    /// <summary>Shuffle seed of the aligner's offline warm start (<see cref="AlignerWarmStart"/>).</summary>
    public static int WarmStart(int seed) => StableSeed.Mix(seed, 0, 0, WarmStartSalt);
}
