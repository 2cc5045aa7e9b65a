using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>Advantage estimators. Rows of a batch are grouped: rows g·K … g·K + K − 1 share a prompt.</summary>
public static class Advantages
{
    /// <summary>RLOO: A_i = r_i − (Σ_group r − r_i)/(K − 1). <paramref name="scores"/> (N), N = G·K.</summary>
    public static Tensor Rloo(Tensor scores, int groupSize)
    {
        var grouped = scores.reshape(-1, groupSize);                                  // (G, K)
        using var othersCount = (groupSize - 1).ToScalar();
        var others = (grouped.sum(1, keepdim: true) - grouped).div(othersCount);       // (G, K)
        return (grouped - others).reshape(-1);
    }

    /// <summary>GRPO: A_i = (r_i − mean_group)/(std_group + ε), with the unbiased (K − 1) std.</summary>
    public static Tensor Grpo(Tensor scores, int groupSize, double epsilon = 1e-4)
    {
        var grouped = scores.reshape(-1, groupSize);                                  // (G, K)
        var mean = grouped.mean([1], keepdim: true);
        var std = grouped.std(1, unbiased: true, keepdim: true);
        using var eps = epsilon.ToScalar();
        return ((grouped - mean) / std.Plus(eps)).reshape(-1);
    }

    /// <summary>
    /// Generalised advantage estimation over response tokens. <paramref name="rewards"/> and
    /// <paramref name="values"/> (N, R); <paramref name="mask"/> (N, R) with 1 on real tokens (a prefix of each
    /// row). δ_t = r_t + γ·V_{t+1} − V_t (V past the last token is 0); A_t = δ_t + γλ·A_{t+1}.
    /// Returns advantages and returns (A + V), both 0 on masked tokens.
    /// </summary>
    public static (Tensor Advantages, Tensor Returns) Gae(Tensor rewards, Tensor values, Tensor mask, double gamma, double lambda)
    {
        long length = rewards.shape[1];
        var maskedValues = values * mask;
        var advantages = new Tensor[length];
        Tensor next = zeros_like(rewards[.., 0]);
        using var discount = gamma.ToScalar();
        using var trace = (gamma * lambda).ToScalar();
        for (long t = length - 1; t >= 0; t--)
        {
            var nextValue = t + 1 < length ? maskedValues[.., t + 1] : zeros_like(next);
            var delta = rewards[.., t].Plus(nextValue.mul(discount)) - maskedValues[.., t];
            next = delta.Plus(next.mul(trace)) * mask[.., t];
            advantages[t] = next;
        }
        var a = stack(advantages, dim: 1);
        return (a, a.Plus(maskedValues) * mask);
    }

    /// <summary>Whitens <paramref name="x"/> over the positions where <paramref name="mask"/> is 1 (mean 0, std 1).</summary>
    public static Tensor MaskedWhiten(Tensor x, Tensor mask, double epsilon = 1e-8)
    {
        var count = mask.sum();
        var mean = (x * mask).sum() / count;
        var variance = ((x - mean).pow(TorchScalars.Two) * mask).sum() / count;
        using var eps = epsilon.ToScalar();
        return (x - mean) * variance.Plus(eps).rsqrt() * mask;
    }

    /// <summary>
    /// The advantages (N, R) of <paramref name="algorithm"/> from shaped scores (N) and k1 (N, R); with PPO also
    /// the returns (N, R) from GAE over the old values, and advantages whitened over response tokens.
    /// </summary>
    public static (Tensor Advantages, Tensor? Returns) For(RlAlgorithm algorithm, Tensor scores, Tensor k1, Tensor mask, double beta,
        int groupSize, Tensor? oldValues, double gamma, double lambda)
    {
        if (algorithm == RlAlgorithm.Ppo)
        {
            var tokenRewards = RewardShaping.TokenRewards(scores, k1, mask, beta);
            var (a, returns) = Gae(tokenRewards, oldValues ?? throw new ArgumentNullException(nameof(oldValues), "PPO needs the old values."), mask, gamma, lambda);
            return (MaskedWhiten(a, mask), returns);
        }
        var rewards = RewardShaping.SequenceRewards(scores, k1, beta);
        var sequence = algorithm == RlAlgorithm.Rloo ? Rloo(rewards, groupSize) : Grpo(rewards, groupSize);
        return (sequence.unsqueeze(1) * mask, null);                                        // (N, R)
    }
}
