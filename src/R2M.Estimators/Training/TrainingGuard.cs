namespace R2M.Estimators.Training;

/// <summary>Thrown when a loss or reward becomes NaN or infinite; names the stage, step and quantity.</summary>
public sealed class NonFiniteValueException(string stage, int epoch, int step, string quantity, double value)
    : Exception($"{stage}: {quantity} became {value} at epoch {epoch}, step {step}; training stopped and nothing was saved from that state.")
{
    /// <summary>The training stage (for example "reward model").</summary>
    public string Stage { get; } = stage;
    /// <summary>The epoch (1-based) or RL step where it happened.</summary>
    public int Epoch { get; } = epoch;
    /// <summary>The optimizer step within the epoch (1-based).</summary>
    public int Step { get; } = step;
    /// <summary>Which quantity (for example "loss").</summary>
    public string Quantity { get; } = quantity;
}

internal static class TrainingGuard
{
    public static double Finite(double value, string stage, int epoch, int step, string quantity) =>
        double.IsFinite(value) ? value : throw new NonFiniteValueException(stage, epoch, step, quantity, value);

    /// <summary>Batches of indices in a seeded random order.</summary>
    public static IEnumerable<int[]> ShuffledBatches(int count, int batchSize, Random random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        for (int i = 0; i < count; i += batchSize) yield return order[i..Math.Min(count, i + batchSize)];
    }

    /// <summary>Batches of indices in order.</summary>
    public static IEnumerable<int[]> OrderedBatches(int count, int batchSize)
    {
        for (int i = 0; i < count; i += batchSize) yield return Enumerable.Range(i, Math.Min(batchSize, count - i)).ToArray();
    }
}
