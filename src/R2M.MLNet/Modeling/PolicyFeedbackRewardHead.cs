using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// The trainable part of R2M's reward model: the cross-attention and the score head φ, with the blend
/// H_fin = (1 − ω)·Ĥ + ω·RTE and reward r = φ(H_fin). The reward-model body stays frozen outside it, so its
/// RTE is computed once per rollout. At ω = 1 the reward is φ(RTE), the vanilla reward, exactly.
/// </summary>
public sealed class PolicyFeedbackRewardHead : nn.Module
{
    private readonly PolicyFeedbackAttention cross;
    private readonly Linear score; // D_rm -> 1 (φ)

    /// <summary>Creates the head; φ starts as a copy of <paramref name="rewardHead"/> (the trained RM's score head).</summary>
    public PolicyFeedbackRewardHead(Linear rewardHead, int policyWidth, int width) : base(nameof(PolicyFeedbackRewardHead))
    {
        int rewardWidth = (int)rewardHead.weight!.shape[1];
        cross = new PolicyFeedbackAttention(rewardWidth, policyWidth, width);
        score = nn.Linear(rewardWidth, 1, hasBias: false);
        using (no_grad()) score.weight!.copy_(rewardHead.weight![..1]);
        RegisterComponents();
        this.to(rewardHead.weight!.device);
    }

    /// <summary>The score head φ.</summary>
    public Linear Score => score;

    /// <summary>The cross-attention.</summary>
    public PolicyFeedbackAttention CrossAttention => cross;

    /// <summary>
    /// ω(t) = max(½·cos(π·t/T) + ½, Ω) for t &lt; T, and Ω from t = T on: the cosine falls once and stays at its floor
    /// (the cosine alone would climb back to 1 between T and 2T).
    /// </summary>
    public static double Omega(int step, int totalSteps, double floor) =>
        step >= Math.Max(1, totalSteps) ? floor : Math.Max(0.5 * Math.Cos(Math.PI * step / Math.Max(1, totalSteps)) + 0.5, floor);

    /// <summary>
    /// Rewards (B) from cached <paramref name="rte"/> (B, D_rm) and <paramref name="feedback"/> (B, S, D_p)
    /// masked by <paramref name="keyMask"/> (B, S), blended with weight <paramref name="omega"/> on RTE.
    /// Null <paramref name="feedback"/> means no feedback: r = φ(RTE).
    /// </summary>
    public Tensor Reward(Tensor rte, Tensor? feedback, Tensor? keyMask, double omega)
    {
        if (feedback is null || omega >= 1.0) return score.forward(rte).squeeze(1);
        var attended = cross.Forward(rte, feedback, keyMask!);                  // (B, D_rm)
        using var feedbackWeight = (1 - omega).ToScalar();
        using var ownWeight = omega.ToScalar();
        return score.forward(attended.mul(feedbackWeight).Plus(rte.mul(ownWeight))).squeeze(1); // (B)
    }

    /// <summary>
    /// The two additive parts of <see cref="Reward"/> (φ has no bias): (1 − ω)·φ(Ĥ), what comes through the
    /// policy feedback, and ω·φ(RTE), the reward model's own. Both (B).
    /// </summary>
    public (Tensor FeedbackPath, Tensor OwnPath) Parts(Tensor rte, Tensor feedback, Tensor keyMask, double omega)
    {
        var attended = cross.Forward(rte, feedback, keyMask);                   // (B, D_rm)
        using var feedbackWeight = (1 - omega).ToScalar();
        using var ownWeight = omega.ToScalar();
        return (score.forward(attended).squeeze(1).mul(feedbackWeight), score.forward(rte).squeeze(1).mul(ownWeight));
    }
}
