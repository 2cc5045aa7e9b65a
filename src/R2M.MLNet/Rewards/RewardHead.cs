using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Rewards;

/// <summary>
/// The last part of a <see cref="RewardFunction"/>: from the frozen reward model's final-token embedding
/// (RTE) and, where it uses it, the policy's feedback, to one reward per sequence. The variants the R2M paper
/// compares are subclasses, chosen once when the reward function is built.
/// </summary>
public abstract class RewardHead
{
    /// <summary>Whether <see cref="Reward"/> reads the policy's feedback at blend weight <paramref name="omega"/>.</summary>
    public virtual bool UsesFeedback(double omega) => false;

    /// <summary>The parameters the aligner update trains (empty: the head stays as it is).</summary>
    public virtual IReadOnlyList<Parameter> Trainable => [];

    /// <summary>
    /// Rewards (N) from <paramref name="rte"/> (N, D_rm) and <paramref name="feedback"/> (null when
    /// <see cref="UsesFeedback"/> is false) at blend weight <paramref name="omega"/>. <paramref name="salt"/>
    /// tells apart the places a random head draws for (ignored by deterministic heads).
    /// </summary>
    public abstract Tensor Reward(Tensor rte, PolicyFeedback? feedback, double omega, long salt);

    /// <summary>The part (N) of <see cref="Reward"/> that comes through the policy's feedback, or null when the head has none.</summary>
    public virtual Tensor? FeedbackPart(Tensor rte, PolicyFeedback? feedback, double omega) => null;
}

/// <summary>Vanilla: the trained reward model's own score head φ₀, r = φ₀(RTE). Never trained here.</summary>
public sealed class FrozenRewardHead(Linear head) : RewardHead
{
    /// <inheritdoc />
    public override Tensor Reward(Tensor rte, PolicyFeedback? feedback, double omega, long salt) => head.forward(rte)[.., 0];
}
