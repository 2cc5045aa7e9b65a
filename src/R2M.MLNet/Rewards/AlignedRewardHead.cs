using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Rewards;

/// <summary>
/// R2M: r = φ((1 − ω)·Ĥ + ω·RTE), Ĥ the cross-attention of RTE over the policy's feedback. With
/// <c>trainable</c> false it is the "w/o train" ablation (and how a saved model scores).
/// </summary>
public sealed class AlignedRewardHead(PolicyFeedbackRewardHead aligner, bool trainable) : RewardHead
{
    /// <summary>The cross-attention and φ.</summary>
    public PolicyFeedbackRewardHead Aligner => aligner;

    /// <inheritdoc />
    public override bool UsesFeedback(double omega) => omega < 1.0;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Trainable => trainable ? [.. aligner.parameters()] : [];

    /// <inheritdoc />
    public override Tensor Reward(Tensor rte, PolicyFeedback? feedback, double omega, long salt) =>
        aligner.Reward(rte, feedback?.Hidden, feedback?.Mask, omega);

    /// <inheritdoc />
    public override Tensor? FeedbackPart(Tensor rte, PolicyFeedback? feedback, double omega) =>
        feedback is null || omega >= 1.0 ? null : aligner.Parts(rte, feedback.Hidden, feedback.Mask, omega).FeedbackPath;
}

/// <summary>
/// The "w/ noise" ablation: the feedback replaced by Gaussian noise with its mean and variance over real
/// positions, drawn from (seed, salt); the module is trained.
/// </summary>
public sealed class NoiseAlignedRewardHead(PolicyFeedbackRewardHead aligner, long seed) : RewardHead
{
    /// <inheritdoc />
    public override bool UsesFeedback(double omega) => omega < 1.0;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Trainable => [.. aligner.parameters()];

    /// <inheritdoc />
    public override Tensor Reward(Tensor rte, PolicyFeedback? feedback, double omega, long salt)
    {
        if (feedback is null) return aligner.Reward(rte, null, null, omega);
        var real = feedback.Mask.to_type(ScalarType.Float32).unsqueeze(2);                 // (N, S, 1)
        var hidden = feedback.Hidden;
        using var width = hidden.shape[2].ToScalar();
        var count = real.sum().mul(width);
        var mean = (hidden * real).sum() / count;
        var std = (((hidden - mean) * real).pow(TorchScalars.Two).sum() / count).sqrt();
        using var draws = new SeededDraws(unchecked((ulong)(seed * 7_919L + salt)), hidden.device);
        var noise = (draws.Normal(hidden.shape) * std).Plus(mean);
        return aligner.Reward(rte, noise, feedback.Mask, omega);
    }
}

/// <summary>The paper's "Iterative RM_Head" baseline: only φ, retrained on its own scores, no feedback.</summary>
public sealed class HeadOnlyRewardHead(PolicyFeedbackRewardHead aligner) : RewardHead
{
    /// <inheritdoc />
    public override IReadOnlyList<Parameter> Trainable => [.. aligner.Score.parameters()];

    /// <inheritdoc />
    public override Tensor Reward(Tensor rte, PolicyFeedback? feedback, double omega, long salt) => aligner.Reward(rte, null, null, 1.0);
}
