using System.Diagnostics;
using R2M.MLNet.Rewards;
using TorchSharp;
using TorchSharp.Modules;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// R2M's reward-model update on a step's own rollouts: the updated policy's feedback over the step's sequences,
/// rewards through the head at the step's ω from the cached RTE, GREBT per group, one optimizer step of the
/// head's trainable parameters (the cross-attention and φ; φ only for head-only). No-op when nothing trains. With
/// <see cref="PolicyFeedbackOptions.ReplaySteps"/> the loss also covers that many earlier steps' rollouts.
/// </summary>
internal sealed class AlignerUpdater(RewardFunction reward, OptimizerHelper? optimizer, PolicyFeedbackOptions options,
    bool ordersByGold, Linear? phi, Linear phi0) : IDisposable
{
    private readonly AlignerReplay replay = new(options.ReplaySteps);

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
        int rows = rollout.Count;
        // The step's rows first, then every kept step's: one batch, so GREBT is the mean over all their groups.
        var (rte, joinedFeedback, joinedGold) = replay.Join(rollout.RewardTokenEmbeddings, feedback, gold, rollout.GroupSize);
        if (ordersByGold && joinedGold is null) throw new InvalidOperationException("The oracle aligner replays steps that have no gold scores.");
        for (int pass = 0; pass < options.UpdatesPerStep; pass++)
        {
            optimizer.zero_grad();
            var rewards = reward.Rewards(rte, joinedFeedback, rollout.Omega, salt);
            var (loss, used) = GroupRewardLoss.Compute(rewards, rollout.GroupSize, options.Alpha, options.Epsilon, ordersByGold ? joinedGold : null);
            if (options.AnchorCoefficient > 0 && phi is not null)
            {
                using var anchor = options.AnchorCoefficient.ToScalar();
                loss = loss.Plus((phi.weight! - phi0.weight![..1]).pow(TorchScalars.Two).sum().mul(anchor));
            }
            RlChecks.Finite(loss, step, "aligner loss");
            if (used > 0)
            {
                loss.backward();
                optimizer.step();
            }
            if (pass == 0) Diagnose(rewards.detach()[..rows], rollout, gold, metrics);
        }
        if (phi is not null)
        {
            using var noGrad = no_grad();
            metrics["r2m/phi_drift"] = (phi.weight! - phi0.weight![..1]).norm().item<float>();
        }
        replay.Add(step, rollout.RewardTokenEmbeddings, feedback, rollout.Gold, rollout.GroupSize);
        if (options.ReplaySteps > 0) metrics["r2m/replay_steps"] = replay.Count;
        DeviceSync.Wait(rollout.Scores.device);
        metrics["time/aligner_update_s"] = watch.Elapsed.TotalSeconds;
    }

    /// <summary>The first pass's figures over the step's own rows: its GREBT, groups used and the pairs' gold agreement.</summary>
    private void Diagnose(Tensor rewards, Rollout rollout, Tensor? gold, Dictionary<string, double> metrics)
    {
        using var noGrad = no_grad();
        var (own, used) = GroupRewardLoss.Compute(rewards, rollout.GroupSize, options.Alpha, options.Epsilon, ordersByGold ? gold : null);
        metrics["r2m/aligner_loss"] = own.item<float>();
        metrics["r2m/groups_used"] = used;
        if (rollout.Gold is not null)
            metrics["r2m/grebt_pair_gold_agreement"] = R2MDiagnostics.PairGoldAgreement(rewards.cpu().data<float>().ToArray(), rollout.Gold, rollout.GroupSize);
    }

    /// <summary>The earlier steps the update replays (empty unless <see cref="PolicyFeedbackOptions.ReplaySteps"/> &gt; 0).</summary>
    public AlignerReplay Replay => replay;

    /// <inheritdoc />
    public void Dispose() => replay.Dispose();
}
