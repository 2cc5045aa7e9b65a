using R2M.MLNet.Modeling;
using R2M.MLNet.Rewards;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// An <see cref="AlignerMode"/> made concrete: the reward head it scores with, whether ω follows the cosine
/// schedule (otherwise it stays 1), and the aligner module when there is one. The only place the mode is read.
/// </summary>
/// <param name="Head">The reward head.</param>
/// <param name="Blends">Whether the head blends the policy's feedback in with ω(t).</param>
/// <param name="Aligner">The cross-attention and φ (null for vanilla).</param>
/// <param name="OrdersByGold">Whether GREBT's Bradley–Terry pairs come from the gold judge (the oracle control).</param>
/// <param name="TrainsBeforePolicy">Whether the aligner's update runs before the policy update and the step's rollouts
/// are scored again with the updated head (the instrument check); otherwise it runs after, as in the paper.</param>
public sealed record AlignerVariant(RewardHead Head, bool Blends, PolicyFeedbackRewardHead? Aligner, bool OrdersByGold = false, bool TrainsBeforePolicy = false)
{
    /// <summary>Whether <paramref name="options"/>' mode uses an aligner module (every mode but vanilla).</summary>
    public static bool HasAligner(PolicyFeedbackOptions options) => options.Mode != AlignerMode.Vanilla;

    /// <summary>
    /// The variant of <paramref name="options"/>: vanilla scores with φ₀; the others with <paramref name="aligner"/>
    /// (built by <see cref="Build"/> when null, under <paramref name="initSeed"/>).
    /// </summary>
    public static AlignerVariant For(PolicyFeedbackOptions options, SequenceScoreModel rewardModel, CausalLM policy,
        PolicyFeedbackRewardHead? aligner, long initSeed, int noiseSeed)
    {
        if (!HasAligner(options)) return new(new FrozenRewardHead(rewardModel.Head), false, null);
        aligner ??= Build(options, rewardModel, policy, initSeed);
        return options.Mode switch
        {
            AlignerMode.R2M => new(new AlignedRewardHead(aligner, trainable: true), true, aligner),
            AlignerMode.WithoutTrain => new(new AlignedRewardHead(aligner, trainable: false), true, aligner),
            AlignerMode.WithNoise => new(new NoiseAlignedRewardHead(aligner, noiseSeed), true, aligner),
            AlignerMode.HeadOnlyIterative => new(new HeadOnlyRewardHead(aligner), false, aligner),
            AlignerMode.Oracle => new(new AlignedRewardHead(aligner, trainable: true), true, aligner, OrdersByGold: true),
            AlignerMode.OracleBeforePolicy => new(new AlignedRewardHead(aligner, trainable: true), true, aligner, OrdersByGold: true, TrainsBeforePolicy: true),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Mode, "Unknown aligner mode."),
        };
    }

    /// <summary>
    /// Builds R2M's cross-attention and φ (φ a copy of the reward model's head) for <paramref name="policy"/> and
    /// <paramref name="rewardModel"/>, on their device, in the reward model's dtype (the policy's feedback is cast to
    /// it), under torch seed <paramref name="initSeed"/>. Both models must share a device; a mismatch names both.
    /// </summary>
    public static PolicyFeedbackRewardHead Build(PolicyFeedbackOptions options, SequenceScoreModel rewardModel, CausalLM policy, long initSeed)
    {
        var rmWeight = rewardModel.Head.weight!;
        var policyWeight = policy.Body.TokenEmbeddingWeight;
        if (rmWeight.device.ToString() != policyWeight.device.ToString())
            throw new ArgumentException($"The reward model ({rewardModel.Architecture}, on {rmWeight.device}) and the policy ({policy.Architecture}, on {policyWeight.device}) must be on one device for the aligner.");
        if (!policyWeight.is_floating_point() || !rmWeight.is_floating_point())
            throw new ArgumentException($"The reward model ({rewardModel.Architecture}, {rmWeight.dtype}) and the policy ({policy.Architecture}, {policyWeight.dtype}) must both hold floating-point weights for the aligner.");
        if (rmWeight.shape[1] != rewardModel.Config.HiddenSize)
            throw new ArgumentException($"The reward model's score head reads width {rmWeight.shape[1]} but its body is {rewardModel.Config.HiddenSize} wide.");
        manual_seed(initSeed);
        var aligner = new PolicyFeedbackRewardHead(rewardModel.Head, policy.Config.HiddenSize, options.Width);
        if (options.ZeroInitOutput) aligner.CrossAttention.ZeroOutput();
        if (rmWeight.dtype != ScalarType.Float32) aligner.to(rmWeight.dtype);
        return aligner;
    }

    /// <summary>A copy of <paramref name="aligner"/> with its own weights (so a stage's aligner is never trained in place).</summary>
    public static PolicyFeedbackRewardHead Copy(PolicyFeedbackRewardHead aligner, PolicyFeedbackOptions options, SequenceScoreModel rewardModel, CausalLM policy)
    {
        long readsPolicy = aligner.CrossAttention.state_dict()["wk.weight"].shape[1];
        long readsRewardModel = aligner.Score.weight!.shape[1];
        if (readsPolicy != policy.Config.HiddenSize || readsRewardModel != rewardModel.Config.HiddenSize)
            throw new ArgumentException(
                $"The aligner reads a policy {readsPolicy} wide and a reward model {readsRewardModel} wide, but the policy ({policy.Architecture}) is " +
                $"{policy.Config.HiddenSize} wide and the reward model ({rewardModel.Architecture}) {rewardModel.Config.HiddenSize}: build it from these models.");
        var copy = new PolicyFeedbackRewardHead(rewardModel.Head, policy.Config.HiddenSize, options.Width);
        var dtype = aligner.Score.weight!.dtype;
        if (dtype != ScalarType.Float32) copy.to(dtype);
        using var noGrad = no_grad();
        var source = aligner.state_dict();
        foreach (var (key, tensor) in copy.state_dict()) tensor.copy_(source[key]);
        return copy;
    }
}
