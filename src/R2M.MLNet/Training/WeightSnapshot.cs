using static TorchSharp.torch;

namespace R2M.MLNet.Training;

/// <summary>
/// float32 copies of the true weights of the modules a <see cref="MasterWeightOptimizer"/> trains (for example the
/// best epoch's, for early stopping). Taken with <see cref="MasterWeightOptimizer.Snapshot"/>, put back with
/// <see cref="MasterWeightOptimizer.Load"/>; disposing releases the copies.
/// </summary>
public sealed class WeightSnapshot : IDisposable
{
    internal WeightSnapshot(IReadOnlyList<Tensor> values) => Values = values;

    internal IReadOnlyList<Tensor> Values { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Values) t.Dispose();
    }
}
