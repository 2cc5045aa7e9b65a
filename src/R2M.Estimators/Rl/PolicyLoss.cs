using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>The terms of the policy loss, each a masked mean over response tokens.</summary>
public static class PolicyLoss
{
    /// <summary>
    /// Clipped surrogate: mean of max(−A·ρ, −A·clip(ρ, 1 − ε, 1 + ε)), ρ = exp(log π − log π_old).
    /// Returns the loss and ρ (N, R).
    /// </summary>
    public static (Tensor Loss, Tensor Ratio) ClippedSurrogate(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, double clipRange)
    {
        var ratio = ((logProbs - oldLogProbs) * mask).exp();                                   // (N, R)
        var surrogate = maximum(-advantages * ratio, -advantages * ratio.clamp(1 - clipRange, 1 + clipRange));
        return (MaskedMean(surrogate, mask), ratio);
    }

    /// <summary>k3 = exp(d) − d − 1 with d = log π_ref − log π: the KL estimate that enters the loss (KlMode.InLoss).</summary>
    public static Tensor K3(Tensor logProbs, Tensor referenceLogProbs, Tensor mask)
    {
        var d = referenceLogProbs - logProbs;
        return MaskedMean(d.exp() - d - 1, mask);
    }

    /// <summary>
    /// PPO's clipped value loss ½·mean(max((V − G)², (V_clip − G)²)), V_clip = V_old + clip(V − V_old, ±c).
    /// Returns the loss and the fraction of tokens where the clip was active.
    /// </summary>
    public static (Tensor Loss, Tensor ClipFraction) ClippedValue(Tensor values, Tensor oldValues, Tensor returns, Tensor mask, double clipRange)
    {
        var clipped = oldValues + (values - oldValues).clamp(-clipRange, clipRange);
        var loss = 0.5 * MaskedMean(maximum((values - returns).pow(2), (clipped - returns).pow(2)), mask);
        Tensor fraction;
        using (no_grad()) fraction = MaskedMean((values - oldValues).abs().gt(clipRange).to_type(ScalarType.Float32), mask);
        return (loss, fraction);
    }

    /// <summary>Mean of <paramref name="x"/> over positions where <paramref name="mask"/> is 1.</summary>
    public static Tensor MaskedMean(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum().clamp_min(1);
}
