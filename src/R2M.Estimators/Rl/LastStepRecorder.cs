using R2M.MLNet.Rewards;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>Keeps the last completed step's pairs and RTE, to score them later with the reward function as it then stands.</summary>
internal sealed class LastStepRecorder : IDisposable
{
    private (int Step, double Omega, string[] Prompts, string[] Responses, bool[] Ended, Tensor Rte)? last;

    public void Remember(int step, Rollout rollout)
    {
        last?.Rte.Dispose();
        last = (step, rollout.Omega, rollout.Prompts, rollout.Responses, rollout.EndedWithEos.cpu().data<bool>().ToArray(),
            rollout.RewardTokenEmbeddings.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>The remembered pairs scored by <paramref name="reward"/> now, at the step's ω and salt; null before any step.</summary>
    public RlStepRecord? Score(RewardFunction reward)
    {
        if (last is not { } l) return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var feedback = reward.Feedback(l.Prompts, l.Responses, l.Omega);
        var rewards = reward.Rewards(l.Rte, feedback, l.Omega, RlSeeds.UpdateSalt + l.Step).cpu().data<float>().ToArray();
        return new RlStepRecord(l.Step, l.Omega, l.Prompts, l.Responses, rewards, l.Ended);
    }

    public void Dispose() => last?.Rte.Dispose();
}
