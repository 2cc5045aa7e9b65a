namespace R2M.Estimators.Training;

/// <summary>How every trainer splits a batch of rows into minibatches: in order, or in a seeded random order.</summary>
public static class Minibatches
{
    /// <summary>Row indices in order, <paramref name="size"/> at a time (the last batch may be smaller).</summary>
    public static IEnumerable<int[]> Ordered(int count, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        for (int i = 0; i < count; i += size) yield return Enumerable.Range(i, Math.Min(size, count - i)).ToArray();
    }

    /// <summary>Row indices shuffled by <paramref name="random"/>, <paramref name="size"/> at a time.</summary>
    public static IEnumerable<int[]> Shuffled(int count, int size, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        for (int i = 0; i < count; i += size) yield return order[i..Math.Min(count, i + size)];
    }

    /// <summary>The size that splits <paramref name="count"/> rows into at most <paramref name="parts"/> minibatches.</summary>
    public static int SizeFor(int count, int parts) => (count + parts - 1) / parts;
}
