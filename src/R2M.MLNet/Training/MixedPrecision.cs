namespace R2M.MLNet.Training;

/// <summary>The number format a model computes in while it trains.</summary>
public enum MixedPrecision
{
    /// <summary>Weights, activations, gradients and optimizer state in the model's own dtype (float32). Default.</summary>
    None,

    /// <summary>
    /// Forward and backward in bfloat16, while float32 master weights and the optimizer's float32 state hold the
    /// truth (see <see cref="MasterWeightOptimizer"/>). Halves activation memory and runs on tensor cores on GPU;
    /// on CPU it is slower and only useful for tests.
    /// </summary>
    BFloat16,
}
