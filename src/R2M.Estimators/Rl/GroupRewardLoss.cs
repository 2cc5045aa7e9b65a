using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// R2M's reward-model loss on a step's own rollouts, GREBT = (1 − α)·BT + α·GRE, per group of K rewards r':
/// BT = −log σ(r'_w − r'_l) with w, l the argmax and argmin of r' (chosen without gradient);
/// GRE = −Σ p log p with p = softmax((r' − mean)/(std + ε)), std the population std. Groups whose std is
/// below ε are skipped; the loss is the mean over the others (0 when all are skipped).
/// </summary>
public static class GroupRewardLoss
{
    /// <summary>
    /// GREBT of <paramref name="rewards"/> (N), N = G·K. Also returns the number of groups used. The BT pair is each
    /// group's argmax and argmin of the rewards, or of <paramref name="orderBy"/> (N) when given (the oracle control).
    /// </summary>
    public static (Tensor Loss, int GroupsUsed) Compute(Tensor rewards, int groupSize, double alpha, double epsilon, Tensor? orderBy = null)
    {
        var grouped = rewards.reshape(-1, groupSize);                                        // (G, K)
        var std = grouped.std(1, unbiased: false);                                           // (G)
        var keep = std.gt(epsilon);
        int used = (int)keep.sum().item<long>();
        if (used == 0) return (rewards.sum() * 0, 0);
        var kept = grouped[keep];                                                            // (G', K)
        Tensor best, worst;
        using (no_grad())
        {
            var order = orderBy is null ? kept : orderBy.reshape(-1, groupSize)[keep];
            best = order.argmax(1, keepdim: true);
            worst = order.argmin(1, keepdim: true);
        }
        var bt = nn.functional.softplus((kept.gather(1, best) - kept.gather(1, worst)).neg()).squeeze(1); // (G')
        var gre = Entropy(kept, epsilon);                                                    // (G')
        return (((1 - alpha) * bt + alpha * gre).mean(), used);
    }

    /// <summary>Group reward entropy (G) of grouped rewards (G, K): −Σ p log p, p = softmax of standardised rewards.</summary>
    public static Tensor Entropy(Tensor grouped, double epsilon)
    {
        var mean = grouped.mean([1], keepdim: true);
        var std = grouped.std(1, unbiased: false, keepdim: true);
        var logp = nn.functional.log_softmax((grouped - mean) / (std + epsilon), 1);
        return -(logp.exp() * logp).sum(1);
    }
}
