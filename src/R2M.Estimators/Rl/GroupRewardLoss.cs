using R2M.Estimators.Training;
using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// R2M's reward-model loss on a step's own rollouts, GREBT = (1 − α)·BT + α·GRE, per group of K rewards r':
/// BT = −log σ(r'_w − r'_l) with w, l the argmax and argmin of r' (chosen without gradient), or, given an
/// outside order (the oracle control), the mean of −log σ(r'_i − r'_j) over every pair that order ranks i over j;
/// GRE = −Σ p log p with p = softmax((r' − mean)/(std + ε)), std the population std. Groups whose std is
/// below ε are skipped; the loss is the mean over the others (0 when all are skipped).
/// </summary>
public static class GroupRewardLoss
{
    /// <summary>
    /// GREBT of <paramref name="rewards"/> (N), N = G·K. Also returns the number of groups used. The BT pair is each
    /// group's argmax and argmin of the rewards; with <paramref name="orderBy"/> (N; the oracle control) BT is taken
    /// over every pair of the group that it orders.
    /// </summary>
    public static (Tensor Loss, int GroupsUsed) Compute(Tensor rewards, int groupSize, double alpha, double epsilon, Tensor? orderBy = null)
    {
        var grouped = rewards.reshape(-1, groupSize);                                        // (G, K)
        var std = grouped.std(1, unbiased: false);                                           // (G)
        using var eps = epsilon.ToScalar();
        var keep = std.gt(eps);
        int used = (int)keep.sum().item<long>();
        if (used == 0) return (rewards.sum().mul(TorchScalars.Zero), 0);
        var kept = grouped[keep];                                                            // (G', K)
        var bt = orderBy is null ? OwnPair(kept) : OrderedPairs(kept, orderBy.reshape(-1, groupSize)[keep]); // (G')
        var gre = Entropy(kept, epsilon);                                                    // (G')
        using var pairWeight = (1 - alpha).ToScalar();
        using var entropyWeight = alpha.ToScalar();
        return (bt.mul(pairWeight).Plus(gre.mul(entropyWeight)).mean(), used);
    }

    /// <summary>−log σ(r'_w − r'_l) per group (G'), w and l the argmax and argmin of the rewards themselves.</summary>
    private static Tensor OwnPair(Tensor kept)
    {
        Tensor best, worst;
        using (no_grad())
        {
            best = kept.argmax(1, keepdim: true);
            worst = kept.argmin(1, keepdim: true);
        }
        return BradleyTerry.NegativeLogSigmoid(kept.gather(1, best) - kept.gather(1, worst)).squeeze(1);
    }

    /// <summary>
    /// The oracle's Bradley–Terry term per group (G'): the mean of −log σ(r'_i − r'_j) over every pair with
    /// order_i &gt; order_j (0 for a group whose order values are all equal). All ordered pairs rather than one:
    /// with K = 4 up to six comparisons a group, so the control learns from every judgement the judge makes.
    /// </summary>
    private static Tensor OrderedPairs(Tensor kept, Tensor order)
    {
        Tensor prefer;
        using (no_grad()) prefer = (order.unsqueeze(2) - order.unsqueeze(1)).gt(TorchScalars.Zero).to_type(kept.dtype); // (G', K, K): i over j
        var loss = BradleyTerry.NegativeLogSigmoid(kept.unsqueeze(2) - kept.unsqueeze(1));       // (G', K, K)
        return (loss * prefer).sum([1, 2]) / prefer.sum([1, 2]).clamp_min(TorchScalars.One);
    }

    /// <summary>Group reward entropy (G) of grouped rewards (G, K): −Σ p log p, p = softmax of standardised rewards.</summary>
    public static Tensor Entropy(Tensor grouped, double epsilon)
    {
        var mean = grouped.mean([1], keepdim: true);
        var std = grouped.std(1, unbiased: false, keepdim: true);
        using var eps = epsilon.ToScalar();
        var logp = nn.functional.log_softmax((grouped - mean) / std.Plus(eps), 1);
        return -(logp.exp() * logp).sum(1);
    }
}
