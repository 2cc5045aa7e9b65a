namespace R2M.Estimators.Training;

/// <summary>Thrown when a loss or reward becomes NaN or infinite; names the stage, where, and the quantity.</summary>
public sealed class NonFiniteValueException(string stage, string where, string quantity, double value)
    : Exception($"{stage}: {quantity} became {value} at {where}; training stopped and nothing was saved from that state.")
{
    /// <summary>The training stage (for example "reward model" or "RL").</summary>
    public string Stage { get; } = stage;
    /// <summary>Where it happened, for example "epoch 2, step 7" or "step 12".</summary>
    public string Where { get; } = where;
    /// <summary>Which quantity (for example "loss" or "reward").</summary>
    public string Quantity { get; } = quantity;
}

internal static class TrainingGuard
{
    public static double Finite(double value, string stage, int epoch, int step, string quantity) =>
        double.IsFinite(value) ? value : throw new NonFiniteValueException(stage, $"epoch {epoch}, step {step}", quantity, value);
}
