using R2M.MLNet.Native;
using TorchSharp;
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
        using var low = (1 - clipRange).ToScalar();
        using var high = (1 + clipRange).ToScalar();
        var surrogate = maximum(-advantages * ratio, -advantages * ratio.clamp(low, high));
        return (MaskedMean(surrogate, mask), ratio);
    }

    /// <summary>k3 = exp(d) − d − 1 with d = log π_ref − log π: the KL estimate that enters the loss (KlMode.InLoss).</summary>
    public static Tensor K3(Tensor logProbs, Tensor referenceLogProbs, Tensor mask)
    {
        var d = referenceLogProbs - logProbs;
        return MaskedMean((d.exp() - d).sub(TorchScalars.One), mask);
    }

    /// <summary>
    /// PPO's clipped value loss ½·mean(max((V − G)², (V_clip − G)²)), V_clip = V_old + clip(V − V_old, ±c).
    /// Returns the loss and the fraction of tokens where the clip was active.
    /// </summary>
    public static (Tensor Loss, Tensor ClipFraction) ClippedValue(Tensor values, Tensor oldValues, Tensor returns, Tensor mask, double clipRange)
    {
        using var low = (-clipRange).ToScalar();
        using var high = clipRange.ToScalar();
        var clipped = oldValues.Plus((values - oldValues).clamp(low, high));
        var loss = MaskedMean(maximum((values - returns).pow(TorchScalars.Two), (clipped - returns).pow(TorchScalars.Two)), mask).mul(TorchScalars.Half);
        Tensor fraction;
        using (no_grad()) fraction = MaskedMean((values - oldValues).abs().gt(high).to_type(ScalarType.Float32), mask);
        return (loss, fraction);
    }

    /// <summary>Mean of <paramref name="x"/> over positions where <paramref name="mask"/> is 1.</summary>
    public static Tensor MaskedMean(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum().clamp_min(TorchScalars.One);
}
