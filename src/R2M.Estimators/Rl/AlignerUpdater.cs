using System.Diagnostics;
using R2M.MLNet.Rewards;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// R2M's reward-model update on a step's own rollouts: the updated policy's feedback over the step's sequences,
/// rewards through the head at the step's ω from the cached RTE, GREBT per group, one optimizer step of the
/// head's trainable parameters (the cross-attention and φ; φ only for head-only). No-op when nothing trains.
/// </summary>
internal sealed class AlignerUpdater(RewardFunction reward, OptimizerHelper? optimizer, PolicyFeedbackOptions options)
{
    /// <summary>Updates the head's trainable parameters (records zero time when there are none).</summary>
    public void Update(Rollout rollout, int step, Dictionary<string, double> metrics)
    {
        if (optimizer is null)
        {
            metrics["time/aligner_update_s"] = 0;
            return;
        }
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var feedback = reward.Feedback(rollout.Prompts, rollout.Responses, rollout.Omega);
        optimizer.zero_grad();
        var rewards = reward.Rewards(rollout.RewardTokenEmbeddings, feedback, rollout.Omega, RlSeeds.UpdateSalt + step);
        var (loss, used) = GroupRewardLoss.Compute(rewards, rollout.GroupSize, options.Alpha, options.Epsilon);
        RlChecks.Finite(loss, step, "aligner loss");
        if (used > 0)
        {
            loss.backward();
            optimizer.step();
        }
        metrics["r2m/aligner_loss"] = loss.item<float>();
        metrics["r2m/groups_used"] = used;
        metrics["time/aligner_update_s"] = watch.Elapsed.TotalSeconds;
    }
}
