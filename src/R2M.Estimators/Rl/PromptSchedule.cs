namespace R2M.Estimators.Rl;

/// <summary>
/// Which prompts step t uses: an endless stream of seeded shuffles of the prompt list, read
/// <c>PromptsPerStep</c> at a time. A function of (seed, step) alone, so a resumed run reads the same prompts.
/// </summary>
public sealed class PromptSchedule(IReadOnlyList<string> prompts, int perStep, int seed)
{
    private readonly Dictionary<int, int[]> shuffles = [];

    /// <summary>Index into the stream of the first prompt of <paramref name="step"/>: the data cursor.</summary>
    public long Cursor(int step) => (long)step * perStep;

    /// <summary>The prompts of <paramref name="step"/>.</summary>
    public IReadOnlyList<string> ForStep(int step)
    {
        if (prompts.Count == 0) throw new InvalidOperationException("RL needs at least one prompt.");
        var result = new string[perStep];
        for (int i = 0; i < perStep; i++)
        {
            long at = Cursor(step) + i;
            int pass = (int)(at / prompts.Count);
            result[i] = prompts[Shuffle(pass)[(int)(at % prompts.Count)]];
        }
        return result;
    }

    private int[] Shuffle(int pass)
    {
        if (shuffles.TryGetValue(pass, out var order)) return order;
        order = Enumerable.Range(0, prompts.Count).ToArray();
        new Random(StableSeed.Mix(seed, pass, 0x5eed)).Shuffle(order);
        return shuffles[pass] = order;
    }
}
