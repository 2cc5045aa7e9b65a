using System.Diagnostics;
using R2M.MLNet.Rewards;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// R2M's reward-model update on a step's own rollouts: the updated policy's feedback over the step's sequences,
/// rewards through the head at the step's ω from the cached RTE, GREBT per group, one optimizer step of the
/// head's trainable parameters (the cross-attention and φ; φ only for head-only). No-op when nothing trains.
/// </summary>
internal sealed class AlignerUpdater(RewardFunction reward, OptimizerHelper? optimizer, PolicyFeedbackOptions options,
    bool ordersByGold, Linear? phi, Linear phi0)
{
    /// <summary>
    /// <see cref="PolicyFeedbackOptions.UpdatesPerStep"/> optimizer steps of the head's trainable parameters (none when
    /// it has none), then the diagnostics: φ's distance from φ₀ and how often GREBT's pairs agree with gold. The feedback
    /// is the policy's as it stands: read again when <paramref name="policyMoved"/> (the update follows the policy's),
    /// else the rollout's own, which is the same.
    /// </summary>
    public void Update(Rollout rollout, int step, Dictionary<string, double> metrics, bool policyMoved = true)
    {
        if (optimizer is null)
        {
            metrics["time/aligner_update_s"] = 0;
            return;
        }
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var fresh = policyMoved ? reward.Feedback(rollout.Prompts, rollout.Responses, rollout.Omega) : null;
        var feedback = policyMoved ? fresh : rollout.Feedback;
        var gold = rollout.Gold is null ? null : tensor(rollout.Gold, device: rollout.Scores.device);
        if (ordersByGold && gold is null) throw new InvalidOperationException("The oracle aligner needs PolicyOptimizationOptions.GoldJudge.");
        long salt = RlSeeds.UpdateSalt + step;
        for (int pass = 0; pass < options.UpdatesPerStep; pass++)
        {
            optimizer.zero_grad();
            var rewards = reward.Rewards(rollout.RewardTokenEmbeddings, feedback, rollout.Omega, salt);
            var (loss, used) = GroupRewardLoss.Compute(rewards, rollout.GroupSize, options.Alpha, options.Epsilon, ordersByGold ? gold : null);
            if (options.AnchorCoefficient > 0 && phi is not null) loss = loss + options.AnchorCoefficient * (phi.weight! - phi0.weight![..1]).pow(2).sum();
            RlChecks.Finite(loss, step, "aligner loss");
            if (used > 0)
            {
                loss.backward();
                optimizer.step();
            }
            if (pass == 0)
            {
                metrics["r2m/aligner_loss"] = loss.item<float>();
                metrics["r2m/groups_used"] = used;
                if (rollout.Gold is not null)
                    metrics["r2m/grebt_pair_gold_agreement"] = R2MDiagnostics.PairGoldAgreement(rewards.detach().cpu().data<float>().ToArray(), rollout.Gold, rollout.GroupSize);
            }
        }
        if (phi is not null)
        {
            using var noGrad = no_grad();
            metrics["r2m/phi_drift"] = (phi.weight! - phi0.weight![..1]).norm().item<float>();
        }
        metrics["time/aligner_update_s"] = watch.Elapsed.TotalSeconds;
    }
}
