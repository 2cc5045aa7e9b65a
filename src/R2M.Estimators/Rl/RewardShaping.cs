using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// From the reward function's scores to what the advantage estimators read. k1 = log π − log π_ref per
/// response token; with the KL in the reward, a sequence's reward is score − β·Σk1 and PPO's token rewards are
/// −β·k1 on every token plus the score on the last one.
/// </summary>
public static class RewardShaping
{
    /// <summary>Scores (N) after the missing-EOS penalty and the chosen normalisation.</summary>
    public static Tensor Scores(Tensor scores, Tensor endedWithEos, double? missingEosPenalty, RewardNormalization normalization)
    {
        if (missingEosPenalty is double penalty)
        {
            using var p = penalty.ToScalar();
            scores = where(endedWithEos, scores, scores.Plus(p));
        }
        if (normalization == RewardNormalization.Batch)
        {
            using var eps = 1e-8.ToScalar();
            scores = (scores - scores.mean()) / scores.std().Plus(eps);
        }
        return scores;
    }

    /// <summary>k1 (N, R) = (log π_old − log π_ref) on response tokens, 0 elsewhere.</summary>
    public static Tensor K1(Tensor oldLogProbs, Tensor referenceLogProbs, Tensor mask) => (oldLogProbs - referenceLogProbs) * mask;

    /// <summary>score − β·Σ k1 (N): the sequence reward of RLOO and GRPO.</summary>
    public static Tensor SequenceRewards(Tensor scores, Tensor k1, double beta)
    {
        using var b = beta.ToScalar();
        return scores - k1.sum(1).mul(b);
    }

    /// <summary>PPO's token rewards (N, R): −β·k1 on each response token, plus the score on the last real one.</summary>
    public static Tensor TokenRewards(Tensor scores, Tensor k1, Tensor mask, double beta)
    {
        var last = mask.sum(1).to_type(ScalarType.Int64).sub(TorchScalars.One).clamp_min(TorchScalars.Zero).unsqueeze(1); // (N, 1)
        using var negativeBeta = (-beta).ToScalar();
        return k1.mul(negativeBeta).scatter_add(1, last, scores.unsqueeze(1)) * mask;
    }
}
